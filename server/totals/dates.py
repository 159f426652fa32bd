"""The filters every number takes, and how a range of dates is read from rollups kept by
day and by month (server/totals/rollup.py, server/totals/people.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

FAR_PAST, FAR_FUTURE = date(1900, 1, 1), date(9999, 12, 31)


@dataclass(frozen=True)
class Filters:
    programme: int | None = None
    footprint: int | None = None
    since: date | None = None
    until: date | None = None


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_range(
    since: date | None, until: date | None
) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """Split a date range into whole months (read from the monthly rollup) and the days at
    either edge (read from the daily rollup), so that no more than about 60 days are read
    day by day, however long the range."""
    start, end = since or FAR_PAST, until or FAR_FUTURE
    first = start if start.day == 1 else _next_month(start)
    last_end = (
        end
        if end == FAR_FUTURE or _next_month(end) - timedelta(days=1) == end
        else (_month_start(end) - timedelta(days=1))
    )
    if first > last_end:
        return None, [(start, end)]
    days = []
    if start < first:
        days.append((start, first - timedelta(days=1)))
    if last_end < end:
        days.append((last_end + timedelta(days=1), end))
    return (first, _month_start(last_end)), days
