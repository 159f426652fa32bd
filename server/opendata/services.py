"""Open data: the movement's numbers by month, programme and area, with small numbers
hidden as in every public breakdown by area (server/lib/suppression.py).

Read from the monthly activity rollup, memberships and Friends sessions: a few thousand
grouped rows whatever the number of activities.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from schema.tables import ActivityMonthly
from server.db import is_postgres
from server.lib.reference import Reference, load_reference
from server.lib.suppression import ALL, protect
from server.settings import get_settings
from server.widget.areas import hidden_programmes
from server.widget.services import footprint_names

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
NO_AREA = 0
COUNTS = ("new_members", "friends_from_sessions", "activities", "reach")
COLUMNS = (
    ("month", "The month (YYYY-MM)"),
    ("programme", "The programme's short name"),
    ("programme_name", "The programme"),
    ("area", "The area's code; empty when none was given"),
    ("area_name", "The area"),
    ("new_members", "People who joined the programme that month and are still in it"),
    ("friends_from_sessions", "People who became Friends at a session that month"),
    ("activities", "Activities our champions logged (rejected ones left out)"),
    ("reach", "People reached by those activities (someone reached twice counts twice)"),
    ("hours", "Hours those activities took"),
)

Key = tuple[str, int, int]  # (month, programme, area)


def _month(column: str) -> str:
    if is_postgres():
        return f"to_char({column}, 'YYYY-MM')"
    return f"substr({column}, 1, 7)"


async def _counts() -> dict[Key, dict[str, int]]:
    out: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys((*COUNTS, "minutes"), 0))
    queries = [
        (
            f"SELECT {_month('month')} AS m, programme, footprint AS area, "
            "activities, people_reached AS reach, minutes FROM activity_monthly",
            ("activities", "reach", "minutes"),
        ),
        (
            f"SELECT {_month('m.joined_on')} AS m, m.programme AS programme, "
            "COALESCE(p.footprint, 0) AS area, COUNT(*) AS new_members "
            "FROM membership m JOIN person p ON p.id = m.person WHERE m.status = 'active' "
            f"GROUP BY {_month('m.joined_on')}, m.programme, COALESCE(p.footprint, 0)",
            ("new_members",),
        ),
        (
            f"SELECT {_month('held_on')} AS m, programme, COALESCE(footprint, 0) AS area, "
            "SUM(attendees) AS friends_from_sessions FROM friends_session "
            f"GROUP BY {_month('held_on')}, programme, COALESCE(footprint, 0)",
            ("friends_from_sessions",),
        ),
    ]
    for sql, names in queries:
        for row in await ActivityMonthly.raw(sql):
            cell = out[(row["m"], int(row["programme"]), int(row["area"] or 0))]
            for name in names:
                cell[name] += int(row[name] or 0)
    return out


def _hide(
    counts: dict[Key, dict[str, int]],
    months: list[str],
    areas: list[int],
    programmes: list[int],
    hidden_all_time: set[tuple[int, int]],
) -> set[tuple[Key, str]]:
    """Which (cell, measure) pairs to hide.

    For one programme and measure, the rows here make a table of areas (and "no area")
    against months, and its totals are public elsewhere: each month's for the borough
    (/api/totals with dates) and each area's for all time (the widget). So that no hidden
    number can be worked out from them, each such table is protected with the borough's
    totals left shown and the areas' hidden wherever the widget hides them
    (hidden_all_time: (area, programme)). A month's numbers across programmes have no
    published total for one area, so they need no more."""
    small = get_settings().small_number
    boroughs = [ALL, *(("column", m) for m in months)]
    hidden: set[tuple[Key, str]] = set()
    for p in programmes:
        gone = [("row", a) for a in areas if (a, p) in hidden_all_time]
        shown = [("row", a) for a in areas if (a, p) not in hidden_all_time]
        for name in COUNTS:
            table = {
                (a, m): counts[(m, p, a)][name] if (m, p, a) in counts else 0
                for a in areas
                for m in months
            }
            grid = protect(
                table,
                areas,
                months,
                small,
                hidden_already=gone,
                shown_elsewhere=[*boroughs, *shown],
            )
            hidden.update(((m, p, a), name) for a in areas for m in months if grid.cell(a, m))
    return hidden


async def _hidden_all_time(ref: Reference) -> set[tuple[int, int]]:
    ids = {info["code"]: a for a, info in ref.footprints.items()}
    slugs = {info["slug"]: p for p, info in ref.programmes.items()}
    codes = list(await footprint_names())
    return {
        (ids.get(code, NO_AREA), slugs[slug])
        for code, slug in await hidden_programmes(codes)
        if slug in slugs
    }


def _rows(
    counts: dict[Key, dict[str, int]], ref: Reference, hidden_all_time: set[tuple[int, int]]
) -> list[dict[str, Any]]:
    programmes = list(ref.programmes)
    areas = [*ref.footprints, NO_AREA]
    months = sorted({key[0] for key in counts})
    hidden = _hide(counts, months, areas, programmes, hidden_all_time)
    rows = []
    for month in months:
        for p in programmes:
            for a in areas:
                cell = counts.get((month, p, a))
                if cell is None or not any(cell.values()):
                    continue
                row: dict[str, Any] = {
                    "month": month,
                    "programme": ref.slug(p),
                    "programme_name": ref.programmes[p]["name"],
                    "area": ref.code(a) or "",
                    "area_name": ref.footprints[a]["name"] if a in ref.footprints else "Not given",
                }
                for name in COUNTS:
                    row[name] = None if ((month, p, a), name) in hidden else cell[name]
                hours = round(cell["minutes"] / 60, 1)
                row["hours"] = None if row["activities"] is None else hours
                rows.append(row)
    return rows


async def monthly() -> dict[str, Any]:
    """The open data as one document (the JSON file; the CSV has the same rows)."""
    ref = await load_reference()
    small = get_settings().small_number
    return {
        "title": "Health Movement for Change: monthly numbers by programme and area",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "as_at": datetime.now(UTC).replace(microsecond=0),
        "small_number": small,
        "note": (
            f"A count under {small} is null (shown as empty in the CSV), and so is at least "
            "one more in the same month or the same area, so that it cannot be worked out "
            "from the borough's totals or the area's totals in the widget. Rows with nothing "
            "to count are left out."
        ),
        "columns": [{"name": n, "description": d} for n, d in COLUMNS],
        "rows": _rows(await _counts(), ref, await _hidden_all_time(ref)),
    }


def as_csv(data: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in COLUMNS])
    for row in data["rows"]:
        writer.writerow(["" if row[name] is None else row[name] for name, _ in COLUMNS])
    return out.getvalue().encode()
