"""The dashboard's breakdowns: the movement's numbers by area, by month, and new this month.

Each number means exactly what it means in the totals (services.py, README "How the numbers
are counted"): a footprint's row is what /api/totals?footprint=X says, and a month's row
what /api/totals?since=<first day>&until=<last day> says, for the same other filters. They
are worked out with one grouped query per measure (by area or by day), never one totals
call per area or month, so the cost does not grow with the number of areas or months.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal, TypedDict, TypeVar, overload

from schema.tables import ActivityDaily, ExternalCount
from server.lib.reference import Reference
from server.lib.rows import rows_as
from server.totals import people as people_rollup
from server.totals.dates import FAR_FUTURE, FAR_PAST
from server.totals.services import (
    ExternalFigure,
    Filters,
    RollupSums,
    _Where,
    add_sums,
    session_where,
    split_range,
)

NO_AREA = 0  # the key of "no area given" (the rollups store 0, other tables NULL)
MONTHS = 24  # the monthly series covers this many months at most
Sums = dict[str, int]
R = TypeVar("R")


def _day(value: date | str) -> date:
    """A date from a raw query (SQLite may give text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def months_back(day: date, count: int) -> date:
    """The first day of the month `count` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


# Activities, reach and minutes from the rollups ---------------------------------------


class _AreaSums(RollupSums):
    k: int  # the area's id, 0 for none


class _DaySums(RollupSums):
    k: date | str  # the month's or the day's date


def _no_sums() -> Sums:
    return {"activities": 0, "reach": 0, "minutes": 0}


async def _rollup_rows(f: Filters, by: str, shape: type[R]) -> list[R]:
    """The rollups' sums grouped by area ("footprint") or by month or day, for the whole
    months of the range from the monthly rollup and the days at either edge from the daily
    one, as the totals read them."""
    months, days = split_range(f.since, f.until)
    reads = []
    if months:
        reads.append(("activity_monthly", "month", months))
    reads.extend(("activity_daily", "day", d) for d in days)
    out: list[R] = []
    for table, period, (low, high) in reads:
        where = _Where()
        where.add(f"{period} >= {{}} AND {period} <= {{}}", low, high)
        if f.programme:
            where.add("programme = {}", f.programme)
        if f.footprint:
            where.add("footprint = {}", f.footprint)
        group = "footprint" if by == "footprint" else period
        rows = await ActivityDaily.raw(
            f"SELECT {group} AS k, SUM(activities) AS activities, SUM(people_reached) AS reach, "
            f"SUM(minutes) AS minutes FROM {table} WHERE {where.sql} GROUP BY {group}",
            *where.args,
        )
        out += rows_as(shape, rows)
    return out


@overload
async def activity_sums_by(f: Filters, by: Literal["footprint"]) -> dict[int, Sums]: ...
@overload
async def activity_sums_by(f: Filters, by: Literal["month"]) -> dict[date, Sums]: ...
async def activity_sums_by(
    f: Filters, by: Literal["footprint", "month"]
) -> dict[int, Sums] | dict[date, Sums]:
    """Activities, reach and minutes grouped by "footprint" (keyed by the area's id, 0 for
    none) or by "month" (keyed by its first day), read from the monthly rollup for whole
    months and the daily rollup for the days at either edge of the range, as the totals do."""
    if by == "footprint":
        areas: defaultdict[int, Sums] = defaultdict(_no_sums)
        for row in await _rollup_rows(f, by, _AreaSums):
            add_sums(areas[int(row["k"] or NO_AREA)], row)
        return dict(areas)
    months: defaultdict[date, Sums] = defaultdict(_no_sums)
    for day in await _rollup_rows(f, by, _DaySums):
        add_sums(months[month_start(_day(day["k"]))], day)
    return dict(months)


# People and roles ---------------------------------------------------------------------


async def members_by_area(f: Filters, friend_kind: frozenset[int]) -> dict[int, Sums]:
    """By the area of the person (0 for none): distinct people with an active role, their
    roles, and those of their roles in Friends programmes; from the people rollups
    (server/totals/people.py), never by counting the roles one by one."""
    roles, people, friend_roles = await asyncio.gather(
        people_rollup.roles(f, by="footprint"),
        people_rollup.people(f, by="footprint"),
        people_rollup.roles(f, by="footprint", among=friend_kind),
    )
    return {
        area: {"people": people[area], "roles": n, "friend_roles": friend_roles[area]}
        for area, n in roles.items()
        if n
    }


@overload
async def new_roles_by(f: Filters, by: Literal["programme"]) -> dict[int, int]: ...
@overload
async def new_roles_by(f: Filters, by: Literal["month"]) -> dict[date, int]: ...
async def new_roles_by(
    f: Filters, by: Literal["programme", "month"]
) -> dict[int, int] | dict[date, int]:
    """Active roles that joined within the filters' dates, by "programme" (keyed by its id)
    or by "month" (keyed by its first day), from the people rollups."""
    if by == "programme":
        return {k: n for k, n in (await people_rollup.roles(f, by="programme")).items() if n}
    return {k: n for k, n in (await people_rollup.roles_by_month(f)).items() if n}


# Friends made in sessions and counted elsewhere ---------------------------------------


class _AreaAttendees(TypedDict):
    k: int | None  # the area's id, None for none
    programme: int
    n: int


async def attendees_by_area(f: Filters) -> dict[tuple[int, int], int]:
    """Session attendees by (id of the area where the session was held, 0 for none;
    programme id)."""
    where = session_where(f)
    rows = rows_as(
        _AreaAttendees,
        await ActivityDaily.raw(
            "SELECT footprint AS k, programme, SUM(attendees) AS n FROM friends_session "
            f"WHERE {where.sql} GROUP BY footprint, programme",
            *where.args,
        ),
    )
    return {(int(row["k"] or NO_AREA), row["programme"]): int(row["n"] or 0) for row in rows}


async def external_by_area(f: Filters) -> dict[tuple[int, int], int]:
    """Friends counted elsewhere by (area id, 0 for none; programme id): each source's latest
    figure, or what it grew by within the dates (the rule of services.external_grown, kept per
    area)."""
    query = ExternalCount.select(
        ExternalCount.programme,
        ExternalCount.footprint,
        ExternalCount.source,
        ExternalCount.friends,
        ExternalCount.as_of,
    ).order_by(ExternalCount.as_of, ExternalCount.id)
    if f.programme:
        query = query.where(ExternalCount.programme == f.programme)
    if f.footprint:
        query = query.where(ExternalCount.footprint == f.footprint)
    # Keyed by (area id or 0, programme id, source as written, folded).
    latest: dict[tuple[int, int, str], int] = {}
    before: dict[tuple[int, int, str], int] = {}
    for row in rows_as(ExternalFigure, await query):
        key = (row["footprint"] or NO_AREA, row["programme"], row["source"].strip().lower())
        if f.until is None or row["as_of"] <= f.until:
            latest[key] = row["friends"]
        if f.since is not None and row["as_of"] < f.since:
            before[key] = row["friends"]
    out: dict[tuple[int, int], int] = defaultdict(int)
    for key, count in latest.items():
        out[(key[0], key[1])] += max(0, count - before.get(key, 0))
    return dict(out)


# Rows ---------------------------------------------------------------------------------


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


@dataclass(frozen=True)
class _ByArea:
    sums: dict[int, Sums]  # by area id, 0 for none
    members: dict[int, Sums]
    attendees: dict[tuple[int, int], int]
    external: dict[tuple[int, int], int]


def _friend_kind(ref: Reference) -> frozenset[int]:
    return frozenset(pid for pid, p in ref.programmes.items() if p["kind"] == "friend")


def _area_row(area: int, code: str, name: str, data: _ByArea, ref: Reference) -> dict[str, Any]:
    """One area's numbers, added up over programmes as compute_totals adds them."""
    anonymous = sum(
        data.attendees.get((area, pid), 0) + data.external.get((area, pid), 0)
        for pid in _friend_kind(ref)
    )
    sums = data.sums.get(area, {"activities": 0, "reach": 0, "minutes": 0})
    members = data.members.get(area, {"people": 0, "roles": 0, "friend_roles": 0})
    return {
        "code": code,
        "name": name,
        "people": members["people"],
        "roles": members["roles"],
        "friends": members["friend_roles"] + anonymous,
        "anonymous_friends": anonymous,
        "movement_total": members["people"] + anonymous,
        "activities": sums["activities"],
        "reach": sums["reach"],
        "hours": _hours(sums["minutes"]),
    }


async def footprint_rows(f: Filters, ref: Reference) -> list[dict[str, Any]]:
    """One row per area (only the chosen one when filtered), and a last row "No area given"
    for what was recorded without one, when there is any."""
    # Plain dicts, not TypedDicts: tests/console/test_console_dashboard.py sums them by
    # variable keys. Each has code and name (str), hours (float) and the counts (int).
    sums, members, attendees, external = await asyncio.gather(
        activity_sums_by(f, "footprint"),
        members_by_area(f, _friend_kind(ref)),
        attendees_by_area(f),
        external_by_area(f),
    )
    data = _ByArea(sums, members, attendees, external)
    rows = [
        _area_row(fid, fp["code"], fp["name"], data, ref)
        for fid, fp in ref.footprints.items()
        if not f.footprint or fid == f.footprint
    ]
    if not f.footprint:
        none = _area_row(NO_AREA, "", "No area given", data, ref)
        if any(none[k] for k in ("people", "roles", "friends", "activities", "reach", "hours")):
            rows.append(none)
    return rows


def month_window(f: Filters, today: date) -> tuple[date, date] | None:
    """The dates the monthly series covers: the last MONTHS months up to the last date of
    the filters (or the end of this month), from the first date if that is later."""
    end = min(f.until or FAR_FUTURE, month_end(today))
    start = max(f.since or FAR_PAST, months_back(end, MONTHS - 1))
    return (start, end) if start <= end else None


class MonthRow(TypedDict):
    """One month's numbers on the dashboard, and the dates they cover."""

    month: date  # its first day
    since: date
    until: date
    whole: bool  # not cut short by the filters' dates
    activities: int
    reach: int
    hours: float
    new_roles: int


async def month_rows(f: Filters, today: date) -> list[MonthRow]:
    """One row per month of the window, oldest first: activities, reach, hours and new roles.
    Each row also says the dates it covers (a month cut short by the filters' dates)."""
    window = month_window(f, today)
    if window is None:
        return []
    start, end = window
    inside = replace(f, since=start, until=end)
    sums, joined = await asyncio.gather(
        activity_sums_by(inside, "month"), new_roles_by(inside, "month")
    )
    rows: list[MonthRow] = []
    month = month_start(start)
    while month <= end:
        s = sums.get(month, {"activities": 0, "reach": 0, "minutes": 0})
        rows.append(
            {
                "month": month,
                "since": max(month, start),
                "until": min(month_end(month), end),
                "whole": start <= month and month_end(month) <= end,
                "activities": s["activities"],
                "reach": s["reach"],
                "hours": _hours(s["minutes"]),
                "new_roles": joined.get(month, 0),
            }
        )
        month = month_end(month) + timedelta(days=1)
    return rows


async def new_this_month(f: Filters, today: date) -> dict[int, int]:
    """Active roles that joined this calendar month, by programme id. The programme and
    area filters apply; the filters' dates do not (it is always this month)."""
    this_month = replace(f, since=month_start(today), until=month_end(today))
    return await new_roles_by(this_month, "programme")


class Breakdowns(TypedDict):
    footprints: list[dict[str, Any]]
    months: list[MonthRow]
    new_this_month: dict[str, int]  # by programme slug


async def compute_breakdowns(f: Filters, ref: Reference, today: date) -> Breakdowns:
    """Everything the dashboard shows beyond the totals themselves (uncached)."""
    areas, months, new = await asyncio.gather(
        footprint_rows(f, ref), month_rows(f, today), new_this_month(f, today)
    )
    return {
        "footprints": areas,
        "months": months,
        # Keyed by slug: the cache stores this as JSON, whose keys are text.
        "new_this_month": {
            ref.programmes[k]["slug"]: n for k, n in new.items() if k in ref.programmes
        },
    }


def breakdown_key(params: Mapping[str, str], today: date) -> str:
    """The cache key: the filters as sent, and today (the months and "this month" move)."""
    return "&".join(f"{k}={params[k]}" for k in sorted(params)) + f"@{today.isoformat()}"
