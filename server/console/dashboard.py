"""Console: the dashboard at /console/ and its figures as CSV or XLSX (/console/export).

Every number comes from server/totals: the headline and programme figures are the very
answer /api/totals gives for the same filters; the areas and months are its breakdowns.
The filters are a GET form, so the address holds them (a view can be bookmarked); htmx
swaps the figures in place when it is there, and the page works the same without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Stream, Template

from server.console.charts import Chart
from server.console.exports import download, download_workbook, wanted_format
from server.console.figures import (
    area_chart,
    headline_rows,
    impact_charts,
    long_date,
    month_charts,
    month_label,
    movement_label,
    programme_chart,
    programme_rows,
)
from server.join.queue import waiting  # Joining (issue 15)
from server.lib.pages import url
from server.lib.reference import Reference, load_reference
from server.lib.validation import Invalid, read_date_filters
from server.settings import local_time, today
from server.totals.dashboard import Dashboard, dashboard, filter_params

TABLES = ("headline", "programmes", "areas", "months")
# Impact (issue 16): the breakdowns by setting, topic and deprivation, and signposting.
IMPACT_TABLES = ("settings", "topics", "deprivation", "signposting")


def charts(view: Dashboard, prefix: str = "chart") -> dict[str, Chart]:
    """The dashboard's charts: months (activities, reach), programmes, areas."""
    return {
        **month_charts(view.months, prefix),
        "programmes": programme_chart(view.totals["programmes"], prefix),
        "area_people": area_chart(
            view.footprints, "people", "People with a role in each area", f"{prefix}-area-people"
        ),
        "area_reach": area_chart(
            view.footprints, "reach", "People reached in each area", f"{prefix}-area-reach"
        ),
        **impact_charts(view.impact, prefix),
    }


def options(ref: Reference) -> dict[str, list[tuple[str, str]]]:
    return {
        "programme_options": [(p["slug"], p["name"]) for p in ref.programmes.values()],
        "footprint_options": [(f["code"], f["name"]) for f in ref.footprints.values()],
    }


def export_links(request: HTMXRequest, params: Mapping[str, str]) -> dict[str, str]:
    """Downloads that carry the current filters."""
    links = {
        f"csv_{table}": url(
            request, "console-dashboard-export", {"format": "csv", "table": table, **params}
        )
        for table in (*TABLES, *IMPACT_TABLES)
    }
    links["xlsx"] = url(request, "console-dashboard-export", {"format": "xlsx", **params})
    return links


def describe(view: Dashboard) -> str:
    """The filters in words: 'Showing: Health Champions, in every area, at any date.'"""
    f, ref = view.filters, view.ref
    what = ref.programmes[f.programme]["name"] if f.programme else "all programmes"
    where = f"in {ref.footprints[f.footprint]['name']}" if f.footprint else "in every area"
    if f.since and f.until:
        when = f"from {long_date(f.since)} to {long_date(f.until)}"
    elif f.since or f.until:
        when = f"from {long_date(f.since)}" if f.since else f"up to {long_date(f.until)}"
    else:
        when = "at any date"
    return f"Showing {what}, {where}, {when}."


def view_context(request: HTMXRequest, view: Dashboard, day: date) -> dict[str, object]:
    """What dashboard.html shows for these figures."""
    return {
        **options(view.ref),
        "section": "dashboard",
        "showing": describe(view),
        "values": view.params,
        "errors": {},
        "view": view,
        "headline": headline_rows(view.totals, view.filters.since, view.filters.until),
        "movement_label": movement_label(view.filters.since),
        "programmes": programme_rows(view),
        "charts": charts(view),
        "new_month": month_label(day),
        "links": export_links(request, view.params),
        "as_at": local_time(view.totals["as_at"]),
    }


# The totals' messages list the codes an API client may send; the page offers a list.
FROM_THE_LIST = {
    "programme": "Choose a programme from the list.",
    "footprint": "Choose an area from the list.",
}


async def error_context(params: Mapping[str, object], exc: Invalid) -> dict[str, object]:
    """The form again with a message beside each filter to fix, and no figures."""
    errors = {k: FROM_THE_LIST.get(k, v) for k, v in exc.errors.items()}
    return {
        **options(await load_reference()),
        "section": "dashboard",
        "values": {k: params.get(k) or "" for k in ("programme", "footprint", "since", "until")},
        "errors": errors,
        "view": None,
    }


@get("/", name="console-dashboard")
async def dashboard_page(request: HTMXRequest) -> Template:
    """The dashboard; only its figures (and the form) when htmx asks for them."""
    params = read_date_filters(request.query_params)
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "console/dashboard_body.html" if partial else "console/dashboard.html"
    day = today()
    try:
        view = await dashboard(params, day)
    except Invalid as exc:
        return Template(template, status_code=400, context=await error_context(params, exc))
    # Joining (issue 15): the applications waiting, above the figures.
    return Template(
        template, context={**view_context(request, view, day), "applications": await waiting()}
    )


# Downloads ----------------------------------------------------------------------------

Columns = Sequence[tuple[str, str]]
PROGRAMME_COLUMNS: Columns = [
    ("name", "Programme"),
    ("slug", "Programme code"),
    ("members", "Members"),
    ("new", "New this month"),
    ("friends", "Friends"),
    ("activities", "Activities"),
    ("reach", "People reached"),
    ("hours", "Hours"),
    ("target", "Target"),
    ("target_date", "Target date"),
    ("progress_text", "Progress to target"),
]
AREA_COLUMNS: Columns = [
    ("name", "Area"),
    ("code", "Area code"),
    ("people", "People with a role"),
    ("roles", "Roles"),
    ("friends", "Friends"),
    ("movement_total", "Citizens in the movement"),
    ("activities", "Activities"),
    ("reach", "People reached"),
    ("hours", "Hours"),
]
MONTH_COLUMNS: Columns = [
    ("month", "Month"),
    ("since", "From"),
    ("until", "To"),
    ("activities", "Activities"),
    ("reach", "People reached"),
    ("hours", "Hours"),
    ("new_roles", "New roles"),
]
HEADLINE_COLUMNS: Columns = [("name", "Figure"), ("value", "Number")]
# Impact (issue 16)
_REACH: Columns = [("activities", "Activities"), ("reach", "People reached"), ("hours", "Hours")]
SETTING_COLUMNS: Columns = [("name", "Where it happened"), ("key", "Setting code"), *_REACH]
TOPIC_COLUMNS: Columns = [("name", "Topic"), ("key", "Topic code"), *_REACH]
QUINTILE_COLUMNS: Columns = [
    ("name", "Deprivation quintile"),
    ("quintile", "Quintile (1 is the most deprived)"),
    ("people", "People with a role (by home)"),
    ("activities", "Activities (by place)"),
    ("reach", "People reached"),
    ("hours", "Hours"),
]
SIGNPOST_COLUMNS: Columns = [
    ("name", "Service"),
    ("kind", "Kind of service"),
    ("signposts", "Signposts"),
    ("reach", "People reached"),
    ("yes", "Took it up"),
    ("no", "Did not"),
    ("dont_know", "Don't know"),
    ("not_asked", "Not asked yet"),
    ("rate_percent", "Take-up rate % (took it up, of those known)"),
]


def impact_sheets(view: Dashboard) -> dict[str, tuple[Columns, Sequence[Mapping[str, object]]]]:
    """The impact tables as (columns, rows), as the dashboard shows them."""
    impact = view.impact
    if impact is None:
        return {}
    quintiles = [
        {**q, "quintile": int(q["key"]) if q["key"] else None} for q in impact["quintiles"]
    ]
    return {
        "settings": (SETTING_COLUMNS, impact["settings"]),
        "topics": (TOPIC_COLUMNS, impact["topics"]),
        "deprivation": (QUINTILE_COLUMNS, quintiles),
        "signposting": (SIGNPOST_COLUMNS, [*impact["signposts"], impact["signposts_total"]]),
    }


def sheets(view: Dashboard) -> dict[str, tuple[Columns, Sequence[Mapping[str, object]]]]:
    """Each table of the dashboard as (columns, rows); the filters go in the headline."""
    f = view.totals["filters"]
    filters = [
        {"name": f"Filter: {name}", "value": str(f[key] or "all")}
        for key, name in (
            ("programme", "programme"),
            ("footprint", "area"),
            ("since", "from"),
            ("until", "to"),
        )
    ]
    months = [{**m, "month": month_label(m["month"])} for m in view.months]
    return {
        "headline": (
            HEADLINE_COLUMNS,
            [*headline_rows(view.totals, view.filters.since, view.filters.until), *filters],
        ),
        "programmes": (PROGRAMME_COLUMNS, programme_rows(view)),
        "areas": (AREA_COLUMNS, view.footprints),
        "months": (MONTH_COLUMNS, months),
        **impact_sheets(view),
    }


def wanted_table(value: str | None) -> str:
    table = (value or "programmes").strip().lower()
    if table not in (*TABLES, *IMPACT_TABLES):
        every = ", ".join((*TABLES, *IMPACT_TABLES))
        raise Invalid({"": "Choose the table to download: " + every + "."})
    return table


@get("/export", name="console-dashboard-export")
async def export(request: HTMXRequest) -> Response[bytes] | Stream | Template:
    """The dashboard's figures for the same filters: XLSX with a sheet for each table, or
    CSV of one table (table=headline, programmes (the default), areas, months, settings,
    topics, deprivation or signposting)."""
    params = read_date_filters(request.query_params)
    try:
        fmt = wanted_format(request.query_params.get("format"))
        table = wanted_table(request.query_params.get("table")) if fmt == "csv" else ""
        view = await dashboard(params, today())
    except Invalid as exc:
        errors = {("" if k == "format" else k): v for k, v in exc.errors.items()}
        context = await error_context(filter_params(params), Invalid(errors))
        return Template("console/dashboard.html", status_code=400, context=context)
    if fmt == "csv":
        columns, rows = sheets(view)[table]
        return download(f"dashboard-{table}", columns, rows, fmt)
    return download_workbook("dashboard", list(sheets(view).items()))


HANDLERS: list[HTTPRouteHandler] = [dashboard_page, export]
