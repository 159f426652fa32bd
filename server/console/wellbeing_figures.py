"""The wellbeing figures as the console shows them (the Wellbeing page and the quarterly
report both draw them, so they live here rather than in either menu module): table rows
with numbers in words, the download's rows, and the borough's charts.

Only group figures reach here (server/wellbeing/services.py `wellbeing_figures`): no
person's own answers, and nothing for fewer than SMALL_NUMBER paired people.
"""

from __future__ import annotations

from server.console.charts import Chart, bar_chart
from server.wellbeing.figures import Change, FollowUp, Group, point_name
from server.wellbeing.services import Figures

HIDDEN = "Fewer than {small} people: not shown"


def two(value: float | None, signed: bool = False) -> str:
    """A mean to two decimal places ("7.25"; a change with its sign, "+0.50")."""
    if value is None:
        return ""
    text = f"{value:+.2f}" if signed else f"{value:.2f}"
    return text.replace("-", "−")  # a minus sign, not a hyphen


def percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.0f}%"


def measure_name(change: Change) -> str:
    """The measure's name, saying which way is better where it is lower."""
    return change.measure.name + (" (lower is better)" if change.measure.lower_is_better else "")


def change_row(change: Change, small: int) -> dict[str, object]:
    """One measure's row of a follow-up's table, in words."""
    row: dict[str, object] = {
        "key": change.measure.key,
        "measure": measure_name(change),
        "people": change.people,
        "shown": change.shown,
    }
    if not change.shown:
        return {**row, "note": HIDDEN.format(small=small)}
    interval = (
        f"{two(change.low, signed=True)} to {two(change.high, signed=True)}"
        if change.low is not None
        else "not worked out for one person"
    )
    return {
        **row,
        "before": two(change.before),
        "after": two(change.after),
        "change": two(change.change, signed=True),
        "interval": interval,
        "improved": percent(change.improved),
    }


def group_view(group: Group, small: int) -> dict[str, object]:
    """A group's counts and tables, ready for console/_wellbeing.html."""
    points = sorted(group.answered)
    return {
        "key": group.key,
        "name": group.name,
        "counts": [
            {"point": point_name(p), "answered": group.answered[p], "skipped": group.skipped[p]}
            for p in points
        ],
        "follow_ups": [
            {
                "months": f.months,
                "point": point_name(f.months).lower(),
                "rows": [change_row(c, small) for c in f.changes],
            }
            for f in group.follow_ups
        ],
    }


def view(figures: Figures, prefix: str = "wellbeing-chart") -> dict[str, object]:
    """Everything console/_wellbeing.html shows: the borough, then each programme (the
    charts' ids start with `prefix`)."""
    return {
        "as_at": figures.as_at,
        "small": figures.small,
        "borough": group_view(figures.borough, figures.small),
        "programmes": [group_view(g, figures.small) for g in figures.programmes],
        "charts": borough_charts(figures, prefix),
    }


def _chart(follow_up: FollowUp, prefix: str) -> Chart:
    rows, units = [], []
    for change in follow_up.changes:
        if change.shown and change.before is not None and change.after is not None:
            rows += [
                (f"{change.measure.name}: joining", change.before),
                (f"{change.measure.name}: {follow_up.months} months", change.after),
            ]
            units += ["", ""]
    return bar_chart(
        f"{prefix}-{follow_up.months}",
        f"The borough: mean scores on joining and {follow_up.months} months later, the same "
        "people (0 to 10; for anxiety, lower is better)",
        [(label, round(value, 2)) for label, value in rows],
        units,
        label_width=230,
    )


def borough_charts(figures: Figures, prefix: str) -> list[Chart]:
    """A chart of the borough's means before and after for each follow-up with a figure
    shown (its table is beside it on the page)."""
    return [_chart(f, prefix) for f in figures.borough.follow_ups if f.any_shown]


COLUMNS = (
    ("group", "Group"),
    ("months", "Follow-up (months after joining)"),
    ("measure", "Measure"),
    ("answered_on_joining", "People who answered on joining"),
    ("answered_at_follow_up", "People who answered at the follow-up"),
    ("people", "People with both (paired)"),
    ("before", "Mean on joining"),
    ("after", "Mean at the follow-up"),
    ("change", "Mean change"),
    ("low", "95% confidence interval: from"),
    ("high", "95% confidence interval: to"),
    ("improved", "Share improved (%)"),
    ("note", "Note"),
)


def _rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def download_rows(figures: Figures) -> list[dict[str, object]]:
    """One row per group, follow-up and measure, for the CSV or XLSX download."""
    out = []
    for group in (figures.borough, *figures.programmes):
        for follow_up in group.follow_ups:
            for c in follow_up.changes:
                out.append({
                    "group": group.name, "months": follow_up.months, "measure": measure_name(c),
                    "answered_on_joining": group.answered[0],
                    "answered_at_follow_up": group.answered[follow_up.months],
                    "people": c.people, "before": _rounded(c.before),
                    "after": _rounded(c.after), "change": _rounded(c.change),
                    "low": _rounded(c.low), "high": _rounded(c.high),
                    "improved": None if c.improved is None else round(c.improved * 100),
                    "note": "" if c.shown else HIDDEN.format(small=figures.small),
                })  # fmt: skip
    return out
