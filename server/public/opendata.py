"""Open data: the movement's numbers by month, programme and area, read from the monthly
activity and roles rollups (server/totals/people.py) and Friends sessions (a few thousand
grouped rows whatever the number of activities or people). What is hidden is decided with
everything else public, in server/public/release.py."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from typing import TypedDict

from schema.tables import ActivityMonthly
from server.db import is_postgres
from server.lib.cells import neutralise
from server.lib.reference import Reference
from server.lib.rows import rows_as
from server.public.measures import MONTHLY, TOGETHER
from server.totals.services import COUNTED_SESSION

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
# A row of the open data: the month, programme and area as text, and each count (an int,
# hours a float; None where hidden).
MonthlyRow = dict[str, str | int | float | None]


def _month(column: str) -> str:
    if is_postgres():
        return f"to_char({column}, 'YYYY-MM')"
    return f"substr({column}, 1, 7)"


class _Cell(TypedDict):
    m: str  # the month, YYYY-MM
    programme: int
    area: int  # 0 for none


class _ActivityCell(_Cell):
    activities: int
    reach: int
    minutes: int


class _JoinedCell(_Cell):
    new_members: int


class _SessionCell(_Cell):
    friends_from_sessions: int  # a SUM of an INTEGER column


def _key(row: _Cell) -> Key:
    return (row["m"], int(row["programme"]), int(row["area"] or 0))


async def monthly_counts() -> dict[Key, dict[str, int]]:
    """(month, programme id, area id or 0) -> the counts and minutes of that month."""
    out: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys((*COUNTS, "minutes"), 0))
    # Three tables: read side by side (the sessions, grouped by month, take the longest).
    activities, joined, sessions = await asyncio.gather(
        ActivityMonthly.raw(
            f"SELECT {_month('month')} AS m, programme, footprint AS area, "
            "activities, people_reached AS reach, minutes FROM activity_monthly"
        ),
        ActivityMonthly.raw(
            f"SELECT {_month('month')} AS m, programme, footprint AS area, "
            "SUM(roles) AS new_members FROM role_monthly GROUP BY month, programme, footprint"
        ),
        ActivityMonthly.raw(
            f"SELECT {_month('held_on')} AS m, programme, COALESCE(footprint, 0) AS area, "
            "SUM(attendees) AS friends_from_sessions FROM friends_session "
            f"WHERE {COUNTED_SESSION} "
            f"GROUP BY {_month('held_on')}, programme, COALESCE(footprint, 0)"
        ),
    )
    for row in rows_as(_ActivityCell, activities):
        cell = out[_key(row)]
        cell["activities"] += int(row["activities"] or 0)
        cell["reach"] += int(row["reach"] or 0)
        cell["minutes"] += int(row["minutes"] or 0)
    for new in rows_as(_JoinedCell, joined):
        if new["new_members"]:  # a month whose roles all left or went is not a month
            out[_key(new)]["new_members"] += int(new["new_members"])
    for held in rows_as(_SessionCell, sessions):
        out[_key(held)]["friends_from_sessions"] += int(held["friends_from_sessions"] or 0)
    return dict(out)


def monthly_rows(
    counts: dict[Key, dict[str, int]], ref: Reference, hidden: frozenset[Hashable]
) -> list[MonthlyRow]:
    """The open data's rows, a hidden number as None. A row with nothing to count is left
    out, unless a number in it is hidden (leaving it out would say that it is 0)."""
    rows = []
    # The hidden units of the months: (area, programme, month) -> the columns hidden
    # together (server/public/model.py monthly_items); one look-up a row, not five.
    gone_in: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for unit in hidden:
        if isinstance(unit, tuple) and len(unit) == 5 and unit[0] == "month":
            gone_in[(unit[1], unit[2], unit[3])].add(unit[4])
    areas = [(a, ref.code(a) or "") for a in [*ref.footprints, NO_AREA]]
    empty = dict.fromkeys((*COUNTS, "minutes"), 0)
    for month in sorted({key[0] for key in counts}):
        for p, info in ref.programmes.items():
            for a, code in areas:
                cell = counts.get((month, p, a)) or empty
                together = gone_in.get((code, info["slug"], month))
                gone = {c for c in MONTHLY if TOGETHER.get(c, c) in together} if together else ()
                if not gone and not any(cell.values()):
                    continue
                row: MonthlyRow = {
                    "month": month,
                    "programme": info["slug"],
                    "programme_name": info["name"],
                    "area": code,
                    "area_name": ref.footprints[a]["name"] if a in ref.footprints else "Not given",
                }
                for name in COUNTS:
                    row[name] = None if name in gone else cell[name]
                row["hours"] = None if "hours" in gone else round(cell["minutes"] / 60, 1)
                rows.append(row)
    return rows


def as_csv(
    rows: Sequence[Mapping[str, object]], columns: Sequence[tuple[str, str]] = COLUMNS
) -> bytes:
    """The rows as CSV under the columns' names: hidden numbers empty, and names that a
    spreadsheet would run as a formula (an area called "=HYPERLINK(...)") kept as text, as
    in the console's exports. Every open data file is written by it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in columns])
    for row in rows:
        writer.writerow(["" if row[n] is None else neutralise(row[n]) for n, _ in columns])
    return out.getvalue().encode()
