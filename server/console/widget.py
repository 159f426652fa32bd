"""Console: build the code that puts the public widget on another web page."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import get
from litestar.handlers import HTTPRouteHandler
from litestar.response import Template

from server.lib.auth import AppRequest
from server.lib.pages import url
from server.lib.validation import Invalid
from server.settings import get_settings
from server.totals.services import totals
from server.widget.services import Options, footprint_names, programme_slugs, read_options


def _params(options: Options) -> dict[str, str]:
    """The options as the widget's address takes them (the ones left blank left out)."""
    params = {
        "programmes": ",".join(options.programmes),
        "footprint": options.footprint or "",
        "theme": "" if options.theme == "light" else options.theme,
        "compact": "1" if options.compact else "",
        "story": "1" if options.story else "",
    }
    return {k: v for k, v in params.items() if v}


def embed_codes(request: AppRequest, options: Options, base: str) -> dict[str, str]:
    """The three ways to put the widget on a page, for these options, and the previews.
    The codes are pasted into other sites, so they are absolute (BASE_URL and the public
    paths /embed, /embed.js and /totals.svg, which those sites keep); the previews on this
    page are built from the routes' names."""
    params = _params(options)
    query = urlencode(params)
    suffix = f"?{query}" if query else ""
    data = "".join(
        f' data-{name}="{value}"'
        for name, value in (
            ("programmes", ",".join(options.programmes)),
            ("footprint", options.footprint or ""),
            ("theme", options.theme if options.theme != "light" else ""),
            ("compact", "1" if options.compact else ""),
            ("story", "1" if options.story else ""),
        )
        if value
    )
    return {
        "preview": url(request, "embed", params),
        "badge_preview": url(request, "badge", params),
        "iframe": (
            f'<iframe src="{base}/embed{suffix}" title="Health Movement for Change numbers" '
            'width="100%" height="360" style="border:0"></iframe>'
        ),
        "script": f'<script src="{base}/embed.js"{data} async></script>',
        "badge": (
            f'<img src="{base}/totals.svg{suffix}" alt="Health Movement for Change numbers">'
        ),
    }


@get("/widget", name="console-widget")
async def widget_builder(request: AppRequest) -> Template:
    slugs = await programme_slugs()
    areas = await footprint_names()
    params = request.query_params
    chosen = {
        "programmes": ",".join(params.getall("programme", [])),
        **{k: params.get(k, "") for k in ("footprint", "theme", "compact", "story")},
    }
    errors: dict[str, str] = {}
    try:
        options = read_options(chosen, slugs, list(areas))
    except Invalid as exc:
        errors, options = exc.errors, Options()
    names = {p["slug"]: p["name"] for p in (await totals({})).data["programmes"]}
    return Template(
        "console/widget.html",
        status_code=400 if errors else 200,
        context={
            "section": "widget",
            "options": options,
            "programmes": [(s, names[s]) for s in slugs],
            "areas": sorted(areas.items(), key=lambda item: item[1]),
            "codes": embed_codes(request, options, get_settings().base_url),
            "errors": errors,
        },
    )


HANDLERS: list[HTTPRouteHandler] = [widget_builder]
