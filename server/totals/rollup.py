"""Counted activities by day and by month, kept in step with every activity write.

Totals read these small tables instead of the activities, so a request costs the same
whether there are a thousand activities or ten million.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from schema.tables import Activity, ActivityDaily, ActivityMonthly
from server.db import write_transaction
from server.lib import bulk

# Review statuses that never count.
NOT_COUNTED = frozenset({"rejected"})

RollupKey = tuple[date, int, int]  # day, programme id, footprint id (0: none)


@dataclass
class Delta:
    activities: int = 0
    people_reached: int = 0
    minutes: int = 0

    def is_zero(self) -> bool:
        return not (self.activities or self.people_reached or self.minutes)


def counts(row: Mapping[str, object]) -> bool:
    return row["review_status"] not in NOT_COUNTED


def deltas(
    removed: Iterable[Mapping[str, object]] = (), added: Iterable[Mapping[str, object]] = ()
) -> dict[RollupKey, Delta]:
    """The changes to the rollups when activities are removed and added (an edit is both).

    Rows are activity rows as selected from the table (programme and footprint as ids)."""
    out: dict[RollupKey, Delta] = defaultdict(Delta)
    for sign, rows in ((-1, removed), (1, added)):
        for row in rows:
            if not counts(row):
                continue
            day = row["occurred_on"]
            if isinstance(day, str):  # as some drivers return dates
                day = date.fromisoformat(day)
            key = (day, row["programme"], row["footprint"] or 0)
            delta = out[key]  # type: ignore[index]
            delta.activities += sign
            delta.people_reached += sign * int(row["people_reached"])  # type: ignore[call-overload]
            delta.minutes += sign * int(row["minutes"])  # type: ignore[call-overload]
    return {key: d for key, d in out.items() if not d.is_zero()}


_UPSERT = (
    "INSERT INTO {table} ({period}, programme, footprint, activities, people_reached, minutes) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT ({period}, programme, footprint) DO UPDATE SET "
    "activities = {table}.activities + excluded.activities, "
    "people_reached = {table}.people_reached + excluded.people_reached, "
    "minutes = {table}.minutes + excluded.minutes"
)
_DAILY = _UPSERT.format(table="activity_daily", period="day")
_MONTHLY = _UPSERT.format(table="activity_monthly", period="month")


async def apply(changes: Mapping[RollupKey, Delta]) -> None:
    """Add the changes to both rollups: one prepared statement for each (summed per key in
    Python first). Call it inside the write transaction that changed the activities, so
    that the rollups can never drift from them."""
    monthly: dict[RollupKey, Delta] = defaultdict(Delta)
    daily = []
    # Always in key order: two transactions that lock the same rows in opposite orders
    # would deadlock on PostgreSQL.
    for (day, programme, footprint), d in sorted(changes.items()):
        daily.append((day, programme, footprint, d.activities, d.people_reached, d.minutes))
        m = monthly[(day.replace(day=1), programme, footprint)]
        m.activities += d.activities
        m.people_reached += d.people_reached
        m.minutes += d.minutes
    months = [
        (month, programme, footprint, d.activities, d.people_reached, d.minutes)
        for (month, programme, footprint), d in sorted(monthly.items())
    ]
    async with write_transaction():  # joins the caller's
        await bulk.execute_many(_DAILY, daily)
        await bulk.execute_many(_MONTHLY, months)


async def keep(
    removed: Sequence[Mapping[str, object]], added: Sequence[Mapping[str, object]]
) -> None:
    """The rollups' part of a write of activities (RecordType.on_rows)."""
    await apply(deltas(removed=removed, added=added))


async def rebuild() -> None:
    """Work both rollups out again from the activities (after a bulk load or a repair).
    Call it inside a write transaction."""
    await ActivityDaily.delete(force=True)
    await ActivityMonthly.delete(force=True)
    excluded = ", ".join(f"'{status}'" for status in sorted(NOT_COUNTED))
    await Activity.raw(
        "INSERT INTO activity_daily (day, programme, footprint, activities, people_reached, "
        "minutes) SELECT occurred_on, programme, COALESCE(footprint, 0), COUNT(*), "
        "SUM(people_reached), SUM(minutes) FROM activity "
        f"WHERE review_status NOT IN ({excluded}) "
        "GROUP BY occurred_on, programme, COALESCE(footprint, 0)"
    )
    rows = await ActivityDaily.select().output(load_json=False)
    monthly: dict[RollupKey, Delta] = defaultdict(Delta)
    for row in rows:
        m = monthly[(row["day"].replace(day=1), row["programme"], row["footprint"])]
        m.activities += row["activities"]
        m.people_reached += row["people_reached"]
        m.minutes += row["minutes"]
    if monthly:
        await ActivityMonthly.insert(
            *[
                ActivityMonthly(
                    month=month,
                    programme=programme,
                    footprint=footprint,
                    activities=d.activities,
                    people_reached=d.people_reached,
                    minutes=d.minutes,
                )
                for (month, programme, footprint), d in monthly.items()
            ]
        )
