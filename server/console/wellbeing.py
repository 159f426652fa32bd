"""Console: Wellbeing (issue 16). The champions' answers to the ONS personal wellbeing
questions as group figures only, for the borough and each champion programme: how many
answered at each point, and for the same people before and after, the means, the mean
change with its 95% confidence interval and the share who improved. Nothing for fewer
than SMALL_NUMBER people, and never one person's answers, here or anywhere in the console.
"""

from __future__ import annotations

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.response import Stream, Template

from server.console.exports import download, wanted_format
from server.console.wellbeing_figures import COLUMNS, download_rows, view
from server.lib.auth import AppRequest
from server.lib.pages import error_page
from server.lib.validation import Invalid
from server.wellbeing.figures import MEASURES
from server.wellbeing.services import wellbeing_figures


@get("/wellbeing", name="console-wellbeing")
async def wellbeing_page() -> Template:
    """The figures as at today, with the borough's charts and their tables."""
    figures = await wellbeing_figures()
    return Template(
        "console/wellbeing.html",
        context={"section": "wellbeing", "measures": MEASURES, **view(figures)},
    )


@get("/wellbeing/download", name="console-wellbeing-download")
async def wellbeing_download(request: AppRequest) -> Response[bytes] | Stream | Template:
    """Every figure of the page as CSV (or XLSX): one row per group, follow-up, measure."""
    try:
        fmt = wanted_format(request.query_params.get("format"))
    except Invalid as exc:
        return error_page("This cannot be downloaded", " ".join(exc.errors.values()))
    return download("wellbeing", COLUMNS, download_rows(await wellbeing_figures()), fmt)


HANDLERS: list[HTTPRouteHandler] = [wellbeing_page, wellbeing_download]
