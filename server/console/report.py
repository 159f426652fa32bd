"""Console: the printable quarterly report for the Health and Wellbeing Board
(/console/report?quarter=2026-Q3; the last complete quarter when none is chosen).

The figures are the dashboard's: as at the quarter's last day, and added during it. The
page prints cleanly (web/static/css/print.css): no menu or form, black on white, tables
and charts kept whole across pages.
"""

from __future__ import annotations

import asyncio

from litestar import get
from litestar.handlers import HTTPRouteHandler
from litestar.response import Template

from server.console.charts import number
from server.console.figures import (
    area_chart,
    headline_rows,
    impact_charts,
    long_date,
    month_charts,
    programme_chart,
    programme_rows,
)
from server.console.wellbeing_figures import view as wellbeing_view  # Wellbeing (issue 16)
from server.impact.social_value import estimate, load_rate, pounds, whole_pounds
from server.lib.auth import AppRequest
from server.lib.validation import Invalid
from server.settings import today
from server.totals.quarter import Report, parse_quarter, quarter_choices, quarterly_report
from server.wellbeing.services import wellbeing_figures  # Wellbeing (issue 16)


def headline(report: Report) -> list[dict[str, object]]:
    """Each headline figure at the quarter's end and added during it."""
    added = {row["key"]: row["value"] for row in headline_rows(report.during.totals)}
    return [{**row, "added": added[row["key"]]} for row in headline_rows(report.at_end.totals)]


def programmes(report: Report) -> list[dict[str, object]]:
    """Each programme: its size and target progress at the end, what it did in the quarter."""
    during = {p["slug"]: p for p in report.during.totals["programmes"]}
    return [
        {
            **row,
            "joined": during[row["slug"]]["members"],
            "friends_added": during[row["slug"]]["friends"],
            "activities": during[row["slug"]]["activities"],
            "reach": during[row["slug"]]["reach"],
            "hours": during[row["slug"]]["hours"],
        }
        for row in programme_rows(report.at_end)
    ]


def areas(report: Report) -> list[dict[str, object]]:
    """Each area: people and Friends at the end, activities during the quarter."""
    zero = {"activities": 0, "reach": 0, "hours": 0.0}
    during = {a["name"]: a for a in report.during.footprints}
    return [
        {**a, **{k: during.get(a["name"], zero)[k] for k in ("activities", "reach", "hours")}}
        for a in report.at_end.footprints
    ]


def report_context(report: Report) -> dict[str, object]:
    end = long_date(report.quarter.end)
    return {
        "report": report,
        "quarter": report.quarter,
        "end": end,
        "headline": headline(report),
        "programmes": programmes(report),
        "areas": areas(report),
        "charts": {
            **month_charts(report.at_end.months[-12:], "report-chart"),
            "programmes": programme_chart(report.at_end.totals["programmes"], "report-chart"),
            "area_reach": area_chart(
                report.during.footprints,
                "reach",
                f"People reached in each area, {report.quarter.name}",
                "report-chart-area-reach",
            ),
        },
        "stories": report.stories,
    }


@get("/report", name="console-report")
async def report_page(request: AppRequest) -> Template:
    """The report for ?quarter= (a quarter that has started), ready to print."""
    chosen = request.query_params.get("quarter")
    day = today()
    choices = [
        (q.code, f"{q.name}{' (so far)' if q.end >= day else ''}") for q in quarter_choices(day)
    ]
    context: dict[str, object] = {
        "section": "report",
        "choices": choices,
        "values": {"quarter": (chosen or "").strip()},
        "errors": {},
    }
    try:
        # Wellbeing (issue 16): the group figures as at the quarter's last day, worked out
        # beside the rest (their Python work overlaps the other queries).
        end = parse_quarter(chosen, day).end
        report, figures = await asyncio.gather(
            quarterly_report(chosen, day), wellbeing_figures(end)
        )
    except Invalid as exc:
        return Template(
            "console/report.html", status_code=400, context={**context, "errors": exc.errors}
        )
    values = {"quarter": report.quarter.code}
    if all(code != report.quarter.code for code, _ in choices):
        context = {**context, "choices": [*choices, (values["quarter"], report.quarter.name)]}
    wellbeing = wellbeing_view(figures, "report-wellbeing")
    return Template(
        "console/report.html",
        context={
            **context,
            **report_context(report),
            **await impact_context(report),  # Impact (issue 16)
            "values": values,
            "wellbeing": wellbeing,  # Wellbeing (issue 16)
        },
    )


HANDLERS: list[HTTPRouteHandler] = [report_page]


# Impact (issue 16): who and where the reach went in the quarter, signposting, and the
# social value of the time given (an estimate) -------------------------------------------


async def impact_context(report: Report) -> dict[str, object]:
    """The impact sections for the quarter (during it), and the social value estimate:
    the quarter's hours times the council's rate, with the sum written out."""
    rate = await load_rate()
    hours = float(report.during.totals["hours"])
    social: dict[str, object] = {"set": rate is not None, "hours": number(hours)}
    if rate is not None:
        value = estimate(hours, rate.pounds)
        social.update(
            rate=pounds(rate.pounds),
            source=rate.source,
            value=pounds(value),
            about=whole_pounds(value),
        )
    return {
        "impact": report.during.impact,
        "impact_charts": impact_charts(report.during.impact, "report-chart"),
        "social_value": social,
    }
