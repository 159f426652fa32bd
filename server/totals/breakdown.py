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
from decimal import Decimal
from typing import Any, Literal, TypedDict, TypeVar, overload

from schema.tables import ActivityDaily, ExternalCount
from server.lib.reference import Reference
from server.lib.rows import rows_as
from server.totals.dates import FAR_FUTURE, FAR_PAST
from server.totals.services import (
    ExternalFigure,
    Filters,
    RollupSums,
    _Where,
    add_sums,
    membership_where,
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


def _members_sql(f: Filters, where: _Where, friends: str) -> str:
    """The quickest query for these filters (measured on SQLite at demo scale 20): people
    of one area are read from the person index, then their roles; roles in one programme
    are one per person, so need no counting per person; otherwise roles are first counted
    per person (the index on person and programme answers that), then people per area."""
    friend = f"CASE WHEN m.programme IN ({friends}) THEN 1 ELSE 0 END"
    if f.programme:
        return (
            f"SELECT p.footprint AS k, COUNT(*) AS people, COUNT(*) AS roles, SUM({friend}) "
            "AS friend_roles FROM membership m JOIN person p ON p.id = m.person "
            f"WHERE {where.sql} GROUP BY p.footprint"
        )
    if f.footprint:
        # CROSS JOIN: SQLite then reads person first; PostgreSQL plans it as any join.
        return (
            "SELECT k, COUNT(*) AS people, SUM(n) AS roles, SUM(fr) AS friend_roles FROM "
            f"(SELECT p.footprint AS k, COUNT(*) AS n, SUM({friend}) AS fr FROM person p "
            f"CROSS JOIN membership m WHERE m.person = p.id AND {where.sql} "
            "GROUP BY p.footprint, p.id) x GROUP BY k"
        )
    return (
        "SELECT p.footprint AS k, COUNT(*) AS people, SUM(x.n) AS roles, SUM(x.fr) AS "
        f"friend_roles FROM (SELECT m.person AS person, COUNT(*) AS n, SUM({friend}) AS fr "
        f"FROM membership m WHERE {where.sql} GROUP BY m.person) x "
        "JOIN person p ON p.id = x.person GROUP BY p.footprint"
    )


class _AreaMembers(TypedDict):
    """People, roles and Friends roles of one area (a SUM of counts is numeric, so a
    Decimal, on PostgreSQL)."""

    k: int | None  # the area's id, None for none
    people: int
    roles: int | Decimal
    friend_roles: int | Decimal


async def members_by_area(f: Filters, friend_kind: frozenset[int]) -> dict[int, Sums]:
    """By the area of the person: distinct people with an active role, their roles, and
    those of their roles in Friends programmes."""
    where = membership_where(f)
    friends = ", ".join("{}" for _ in friend_kind) or "NULL"
    rows = rows_as(
        _AreaMembers,
        await ActivityDaily.raw(_members_sql(f, where, friends), *sorted(friend_kind), *where.args),
    )
    return {
        int(row["k"] or NO_AREA): {
            "people": int(row["people"]),
            "roles": int(row["roles"] or 0),
            "friend_roles": int(row["friend_roles"] or 0),
        }
        for row in rows
    }


class _ProgrammeJoined(TypedDict):
    k: int  # the programme's id
    n: int


class _DayJoined(TypedDict):
    k: date | str  # the day joined
    n: int


@overload
async def new_roles_by(f: Filters, by: Literal["programme"]) -> dict[int, int]: ...
@overload
async def new_roles_by(f: Filters, by: Literal["month"]) -> dict[date, int]: ...
async def new_roles_by(
    f: Filters, by: Literal["programme", "month"]
) -> dict[int, int] | dict[date, int]:
    """Active roles that joined within the filters' dates, by "programme" (keyed by its id)
    or by "month" (keyed by its first day; grouped by the day joined in SQL, then by month
    here: the same on both engines)."""
    where = membership_where(f)
    source = "membership m JOIN person p ON p.id = m.person" if f.footprint else "membership m"
    group = "m.programme" if by == "programme" else "m.joined_on"
    rows = await ActivityDaily.raw(
        f"SELECT {group} AS k, COUNT(*) AS n FROM {source} WHERE {where.sql} GROUP BY {group}",
        *where.args,
    )
    if by == "programme":
        programmes: defaultdict[int, int] = defaultdict(int)
        for row in rows_as(_ProgrammeJoined, rows):
            programmes[row["k"]] += int(row["n"])
        return dict(programmes)
    months: defaultdict[date, int] = defaultdict(int)
    for day in rows_as(_DayJoined, rows):
        months[month_start(_day(day["k"]))] += int(day["n"])
    return dict(months)


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
