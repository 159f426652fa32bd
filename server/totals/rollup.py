"""Counted activities by day and by month, kept in step with every activity write.

Totals read these small tables instead of the activities, so a request costs the same
whether there are a thousand activities or ten million. The facet rollups do the same for
the impact breakdowns (server/impact/figures.py): the same sums for each setting,
deprivation quintile of the place, topic and signpost (service and take-up). An activity
with no setting, or no place the lookups can put in a quintile, has no row for that facet:
the readers work those out as the totals less the known values (DERIVED).

Each activity row handed to `keep` is as selected from the table. Its topics are read
from activity_topic by its id when `keep` is called, unless the row carries them as
"topic_ids": so a writer saves the topics of a new activity before calling `keep`, hands
the old row of a change with the topics it had, and a delete hands the row with its topics
(read before the delete removed them). `topics_changed` moves an activity's topics alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from schema.tables import (
    Activity,
    ActivityDaily,
    ActivityFacetDaily,
    ActivityFacetMonthly,
    ActivityMonthly,
)
from server.db import is_postgres, write_transaction
from server.lib import bulk, normal
from server.lib.rows import rows_as
from server.totals import people

# Review statuses that never count.
NOT_COUNTED = frozenset({"rejected"})

RollupKey = tuple[date, int, int]  # day, programme id, footprint id (0: none)
FacetKey = tuple[date, int, int, str, str]  # day, programme, footprint, facet, value
SIGNPOSTING = "signposting"
# The facets whose "not known" value has no rows: an activity has one setting and one place
# at most, so the activities with none are the totals (activity_daily, activity_monthly)
# less the known values, and a batch with no setting or place writes no facet rows for
# them. A topic's "" rows stay: an activity can have several topics, so "no topic" cannot
# be worked out that way.
DERIVED = ("setting", "quintile")


@dataclass
class Delta:
    activities: int = 0
    people_reached: int = 0
    minutes: int = 0

    def is_zero(self) -> bool:
        return not (self.activities or self.people_reached or self.minutes)


def counts(row: Mapping[str, object]) -> bool:
    return row["review_status"] not in NOT_COUNTED


def _rollup_key(row: Mapping[str, object]) -> RollupKey:
    day = row["occurred_on"]
    if isinstance(day, str):  # as some drivers return dates
        day = date.fromisoformat(day)
    assert isinstance(day, date)
    programme, footprint = row["programme"], row["footprint"] or 0
    assert isinstance(programme, int) and isinstance(footprint, int)
    return (day, programme, footprint)


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
            delta = out[_rollup_key(row)]
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
    await apply_facets(await facet_deltas(removed=removed, added=added))


# Facets (issue 16) -------------------------------------------------------------------------


class _PlaceRow(TypedDict):
    postcode: str
    decile: int


class _TopicRow(TypedDict):
    activity: int
    topic: int


def _marks(values: Sequence[object]) -> str:
    return ", ".join("{}" for _ in values)


async def place_quintiles(postcodes: Iterable[str]) -> dict[str, int]:
    """The deprivation quintile of each postcode (as compact, WN11AA) the lookups know."""
    codes = sorted({normal.postcode(p) for p in postcodes if p})
    found: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        part = codes[start : start + 500]
        rows = await Activity.raw(
            "SELECT pa.postcode AS postcode, d.imd_decile AS decile FROM postcode_area pa "
            f"JOIN area_deprivation d ON d.lsoa = pa.lsoa WHERE pa.postcode IN ({_marks(part)})",
            *part,
        )
        found.update({r["postcode"]: (r["decile"] + 1) // 2 for r in rows_as(_PlaceRow, rows)})
    return found


async def topics_of(activity_ids: Iterable[int]) -> dict[int, list[int]]:
    """The topics of each activity, as saved now."""
    ids = sorted(set(activity_ids))
    found: dict[int, list[int]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = await Activity.raw(
            f"SELECT activity, topic FROM activity_topic WHERE activity IN ({_marks(part)})",
            *part,
        )
        for row in rows_as(_TopicRow, rows):
            found.setdefault(row["activity"], []).append(row["topic"])
    return found


def facets_of(
    row: Mapping[str, object], quintiles: Mapping[str, int], topics: Collection[int]
) -> list[tuple[str, str]]:
    """The facets an activity counts under: (facet, value). No setting, or a place the
    lookups cannot put in a quintile, adds nothing to those facets (see DERIVED)."""
    postcode = row.get("postcode")
    place = quintiles.get(normal.postcode(postcode)) if postcode else None
    setting = row.get("setting")
    found = [
        *([("setting", str(setting))] if setting else []),
        *([("quintile", str(place))] if place else []),
        *([("topic", str(t)) for t in sorted(set(topics))] or [("topic", "")]),
    ]
    if row.get("kind") == SIGNPOSTING:
        found.append(("signpost", f"{row.get('service') or ''}:{row.get('take_up') or ''}"))
    return found


def _add(delta: Delta, sign: int, row: Mapping[str, object]) -> None:
    delta.activities += sign
    delta.people_reached += sign * int(row["people_reached"])  # type: ignore[call-overload]
    delta.minutes += sign * int(row["minutes"])  # type: ignore[call-overload]


def _topics(row: Mapping[str, object], saved: Mapping[int, list[int]]) -> Collection[int]:
    given = row.get("topic_ids")
    if given is not None:
        assert isinstance(given, Collection)
        return [int(t) for t in given]
    activity = row.get("id")
    return saved.get(activity, []) if isinstance(activity, int) else []


async def facet_deltas(
    removed: Sequence[Mapping[str, object]] = (), added: Sequence[Mapping[str, object]] = ()
) -> dict[FacetKey, Delta]:
    """The changes to the facet rollups when activities are removed and added."""
    counted = [r for r in (*removed, *added) if counts(r)]
    if not counted:
        return {}
    quintiles = await place_quintiles(str(r["postcode"]) for r in counted if r.get("postcode"))
    unsaid = [r.get("id") for r in counted if r.get("topic_ids") is None]
    saved = await topics_of(i for i in unsaid if isinstance(i, int))
    out: dict[FacetKey, Delta] = defaultdict(Delta)
    for sign, rows in ((-1, removed), (1, added)):
        for row in rows:
            if counts(row):
                key = _rollup_key(row)
                for facet, value in facets_of(row, quintiles, _topics(row, saved)):
                    _add(out[(*key, facet, value)], sign, row)
    return {key: d for key, d in out.items() if not d.is_zero()}


def topic_deltas(
    changed: Iterable[tuple[Mapping[str, object], Collection[int], Collection[int]]],
) -> dict[FacetKey, Delta]:
    """The changes to the topic facet when activities' topics change: (the activity as it
    is saved, its topics before, its topics after)."""
    out: dict[FacetKey, Delta] = defaultdict(Delta)
    for row, before, after in changed:
        if not counts(row) or set(before) == set(after):
            continue
        key = _rollup_key(row)
        for sign, topics in ((-1, before), (1, after)):
            for value in [str(t) for t in sorted(set(topics))] or [""]:
                _add(out[(*key, "topic", value)], sign, row)
    return {key: d for key, d in out.items() if not d.is_zero()}


async def topics_changed(
    changed: Iterable[tuple[Mapping[str, object], Collection[int], Collection[int]]],
) -> None:
    """Keep the topic facet in step when activities' topics change (in the same write
    transaction, after the activities themselves are saved)."""
    await apply_facets(topic_deltas(changed))


_FACET_UPSERT = (
    "INSERT INTO {table} ({period}, programme, footprint, facet, value, activities, "
    "people_reached, minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT ({period}, programme, footprint, facet, value) DO UPDATE SET "
    "activities = {table}.activities + excluded.activities, "
    "people_reached = {table}.people_reached + excluded.people_reached, "
    "minutes = {table}.minutes + excluded.minutes"
)
_FACET_DAILY = _FACET_UPSERT.format(table="activity_facet_daily", period="day")
_FACET_MONTHLY = _FACET_UPSERT.format(table="activity_facet_monthly", period="month")


async def apply_facets(changes: Mapping[FacetKey, Delta]) -> None:
    """Add the changes to both facet rollups (as `apply` does for the others)."""
    if not changes:
        return
    monthly: dict[FacetKey, Delta] = defaultdict(Delta)
    daily = []
    for (day, programme, footprint, facet, value), d in sorted(changes.items()):
        daily.append(
            (day, programme, footprint, facet, value, d.activities, d.people_reached, d.minutes)
        )
        m = monthly[(day.replace(day=1), programme, footprint, facet, value)]
        m.activities += d.activities
        m.people_reached += d.people_reached
        m.minutes += d.minutes
    months = [
        (*key, d.activities, d.people_reached, d.minutes) for key, d in sorted(monthly.items())
    ]
    async with write_transaction():  # joins the caller's
        await bulk.execute_many(_FACET_DAILY, daily)
        await bulk.execute_many(_FACET_MONTHLY, months)


# How rebuild_facets works each facet's value out in SQL (the activity is "a"). The
# DERIVED facets leave out the activities with no value, as facets_of does.
_FACET_SQL = {
    "setting": ("a.setting", "activity a", " AND a.setting <> ''"),
    "quintile": (
        "CAST((d.imd_decile + 1) / 2 AS TEXT)",
        "activity a JOIN postcode_area pa "
        "ON pa.postcode = REPLACE(UPPER(a.postcode), ' ', '') "
        "JOIN area_deprivation d ON d.lsoa = pa.lsoa",
        "",
    ),
    "topic": (
        "COALESCE(CAST(t.topic AS TEXT), '')",
        "activity a LEFT JOIN activity_topic t ON t.activity = a.id",
        "",
    ),
    "signpost": (
        "COALESCE(CAST(a.service AS TEXT), '') || ':' || a.take_up",
        "activity a",
        f" AND a.kind = '{SIGNPOSTING}'",
    ),
}
FACETS = tuple(_FACET_SQL)


async def rebuild_facets(only: Collection[str] = FACETS) -> None:
    """Work the facet rollups out again from the activities: every facet, or those named
    (the quintiles, after the council's lookups change). Call it inside a write
    transaction."""
    excluded = ", ".join(f"'{status}'" for status in sorted(NOT_COUNTED))
    month = (
        "CAST(date_trunc('month', day) AS date)" if is_postgres() else "date(day, 'start of month')"
    )
    for facet in only:
        value, source, extra = _FACET_SQL[facet]
        await ActivityFacetDaily.delete().where(ActivityFacetDaily.facet == facet)
        await ActivityFacetMonthly.delete().where(ActivityFacetMonthly.facet == facet)
        await Activity.raw(
            "INSERT INTO activity_facet_daily (day, programme, footprint, facet, value, "
            f"activities, people_reached, minutes) SELECT a.occurred_on, a.programme, "
            f"COALESCE(a.footprint, 0), '{facet}', {value}, COUNT(*), SUM(a.people_reached), "
            f"SUM(a.minutes) FROM {source} WHERE a.review_status NOT IN ({excluded}){extra} "
            f"GROUP BY a.occurred_on, a.programme, COALESCE(a.footprint, 0), {value}"
        )
        await Activity.raw(
            "INSERT INTO activity_facet_monthly (month, programme, footprint, facet, value, "
            f"activities, people_reached, minutes) SELECT {month}, programme, footprint, "
            "facet, value, SUM(activities), SUM(people_reached), SUM(minutes) "
            f"FROM activity_facet_daily WHERE facet = '{facet}' "
            f"GROUP BY {month}, programme, footprint, facet, value"
        )


async def rebuild() -> None:
    """Work every rollup out again from the activities, and the people rollups from the
    roles and people (after a bulk load or a repair). Call it inside a write transaction."""
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
    await rebuild_facets()
    await people.rebuild()
