"""The figures the dashboard and the quarterly report both draw: rows of the headline
and programme tables, and the charts of months, programmes and areas (one place, so that
the two menu items share it without importing each other)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from server.console.charts import Chart, bar_chart, column_chart
from server.impact.breakdowns import Impact
from server.totals.dashboard import Dashboard, target_progress


def long_date(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def progress_text(progress: Mapping[str, object] | None) -> str:
    """'412 of 500 (82%) by 31 March 2027', or that there is no target."""
    if progress is None:
        return "No target set"
    text = f"{progress['done']:,} of {progress['target']:,} ({progress['percent']}%)"
    by = progress["by"]  # the target's date (a date column), or None
    return f"{text} by {long_date(by)}" if isinstance(by, date) else text


def _number(value: object) -> float:
    """A count or an amount of the totals (an int or a float), for a chart."""
    if isinstance(value, int | float):
        return value
    raise TypeError(f"A chart needs a number, not {value!r}.")


def _day(value: object) -> date:
    """A month of the breakdowns (the date of its first day)."""
    if isinstance(value, date):
        return value
    raise TypeError(f"A month is a date, not {value!r}.")


def programme_rows(view: Dashboard) -> list[dict[str, object]]:
    """The programme table: the totals' figures, new this month and target progress."""
    rows = []
    for p in view.totals["programmes"]:
        progress = target_progress(p)
        rows.append(
            {
                **p,
                "new": view.new_this_month.get(p["slug"], 0),
                "progress": progress,
                "progress_text": progress_text(progress),
                # The filled part of a 100-unit bar, never past its end.
                "bar": 0 if progress is None else min(progress["percent"], 100),
            }
        )
    return rows


def _joined_words(since: date | None, until: date | None) -> tuple[str, str] | None:
    """With a first date, the figures count what began between the dates (roles taken,
    sessions held), not the movement as it stands: the words say so. None without one."""
    if since is None:
        return None
    when = f"since {long_date(since)}"
    if until:
        when = f"from {long_date(since)} to {long_date(until)}"
    return (
        "Citizens who joined the movement",
        f"{when}: people who took a role, and Friends counted at sessions or by others",
    )


def headline_rows(
    totals: Mapping[str, object], since: date | None = None, until: date | None = None
) -> list[dict[str, object]]:
    """The headline figures with their names, in the order shown and exported. With a
    first date, the names of the figures that count people say they joined in those dates."""
    joined = _joined_words(since, until)
    rows: list[dict[str, object]] = [
        {"key": key, "name": name, "value": totals[key], "hint": hint}
        for key, name, hint in (
            (
                "movement_total",
                "Citizens in the movement",
                "people with a role, and Friends counted at sessions or by others"
                + (f", by {long_date(until)}" if until else ""),
            ),
            ("people", "People with a role", "each person once, however many roles"),
            ("roles", "Roles", "a person in two programmes holds two roles"),
            ("friends", "Friends", "named Friends and Friends counted at sessions or by others"),
            ("reach", "People reached", "by champions' activities"),
            ("activities", "Activities", "rejected activities never count"),
            ("hours", "Hours", "spent on activities"),
        )
    ]
    if joined:
        rows[0].update(name=joined[0], hint=joined[1])
        rows[1].update(name="People who took a role", hint="each person once, in those dates")
        rows[2].update(name="Roles taken", hint="in those dates")
        rows[3].update(name="Friends who joined", hint="in those dates")
    return rows


def movement_label(since: date | None) -> str:
    """The heading of the areas' "Citizens in the movement" column for these dates."""
    return "Citizens who joined" if since else "Citizens in the movement"


def month_label(day: date, short: bool = False) -> str:
    return f"{day:%b %Y}" if short else f"{day:%B %Y}"


def month_charts(months: Sequence[Mapping[str, object]], prefix: str) -> dict[str, Chart]:
    """Activities and people reached, month by month."""
    every = -(-len(months) // 6)  # six labels at most under the columns: every 4th of 24
    short = [
        month_label(_day(m["month"]), True) if (len(months) - 1 - i) % every == 0 else ""
        for i, m in enumerate(months)
    ]
    full = [month_label(_day(m["month"])) for m in months]
    return {
        key: column_chart(
            f"{prefix}-{key}",
            title,
            [(f, _number(m[key])) for f, m in zip(full, months, strict=True)],
            short,
        )
        for key, title in (
            ("activities", "Activities each month"),
            ("reach", "People reached each month"),
        )
    }


def programme_chart(programmes: Sequence[Mapping[str, object]], prefix: str) -> Chart:
    """Each programme's size: its members, or for Friends programmes its Friends."""
    friend = [p["kind"] == "friend" for p in programmes]
    return bar_chart(
        f"{prefix}-programmes",
        "Size of each programme: members, or Friends",
        [
            (str(p["name"]), _number(p["friends"] if f else p["members"]))
            for p, f in zip(programmes, friend, strict=True)
        ],
        [
            ("Friend" if f else "member")
            + ("" if (p["friends"] if f else p["members"]) == 1 else "s")
            for p, f in zip(programmes, friend, strict=True)
        ],
        width=720,
        label_width=260,
    )


def area_chart(areas: Sequence[Mapping[str, object]], key: str, title: str, chart_id: str) -> Chart:
    rows = [(str(a["name"]), _number(a[key])) for a in areas]
    return bar_chart(chart_id, title, rows, label_width=215)


# Impact (issue 16): who and where the reach goes --------------------------------------


def impact_charts(impact: Impact | None, prefix: str) -> dict[str, Chart]:
    """Activities by setting and by topic; people (by home) and people reached (by place)
    in each deprivation quintile, where the quintile is known (the table has the rest)."""
    if impact is None:
        return {}
    quintiles = [q for q in impact["quintiles"] if q["key"]]

    def bars(
        rows: Sequence[Mapping[str, object]], key: str, title: str, name: str, wide: bool = False
    ) -> Chart:
        points = [(str(r["name"]), _number(r[key])) for r in rows]
        if not any(value for _, value in points):
            points = []  # nothing known: "Nothing to show" rather than bars of nought
        if wide:  # long names: as wide as the programmes' chart
            return bar_chart(f"{prefix}-{name}", title, points, width=720, label_width=280)
        return bar_chart(f"{prefix}-{name}", title, points, label_width=215)

    return {
        "settings": bars(
            impact["settings"], "activities", "Activities in each kind of place", "settings"
        ),
        "topics": bars(
            impact["topics"], "activities", "Activities about each topic", "topics", wide=True
        ),
        "quintile_people": bars(
            quintiles,
            "people",
            "People with a role, by the deprivation of their home",
            "quintile-people",
        ),
        "quintile_reach": bars(
            quintiles,
            "reach",
            "People reached, by the deprivation of the place",
            "quintile-reach",
        ),
    }
