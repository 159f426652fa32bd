"""Who and where the reach goes, and what signposting led to (issue 16).

Every figure here counts what the totals count (README "How the numbers are counted"): the
activities that are not rejected, of the chosen programme, in the chosen area, done within
the dates; and the people with an active role, joined within the dates. The activities'
breakdowns read the facet rollups (server/totals/rollup.py), whole months from the monthly
one and the days at either edge from the daily one, as the totals do, so their cost does not
grow with the number of activities; people are counted from the people rollups, as the
totals do (server/totals/people.py).

- By setting: each activity once, under the kind of place it happened ("" not given). The
  rows add up to the totals' activities, reach and minutes: "" is worked out as the totals
  less the settings given (the facet rollups keep no rows for it, see known_and_rest).
- By topic: an activity about two topics counts under each, so the rows add up to more
  than the total; activities with no topic are their own row (NO_TOPIC).
- By deprivation quintile: an activity under the quintile of its place's postcode, a person
  under the quintile of their home postcode, through the council's lookups (postcode to
  LSOA, LSOA to IMD decile; quintile 1 is the most deprived fifth of England). No postcode,
  or one the lookups do not know: NOT_KNOWN, the totals less the known quintiles. The rows
  add up to the totals.
- Signposts: the signposting activities, by the service they named (None: none named), with
  what is known of take-up. The take-up rate is yes / (yes + no): "don't know" and not yet
  asked are left out, and shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from schema.tables import ActivityDaily
from server.db import snapshot
from server.lib.rows import rows_as
from server.totals import people as people_rollup
from server.totals.services import Filters, _Where, activity_sums, split_range

NO_TOPIC = 0  # the key of activities about no topic
NOT_KNOWN = 0  # the quintile of a place or home the lookups cannot place
QUINTILES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Reach:
    """Counted activities, the people they reached, and their minutes."""

    activities: int = 0
    reach: int = 0
    minutes: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class Signposts:
    """The signposting activities that named one service (or none), and their take-up."""

    service: int | None  # the service's id; None: no service named
    activities: int
    reach: int
    yes: int
    no: int
    dont_know: int
    not_asked: int  # take-up not recorded yet

    @property
    def known(self) -> int:
        return self.yes + self.no

    @property
    def take_up_rate(self) -> float | None:
        """yes / (yes + no), from 0 to 1; None when neither is known."""
        return take_up_rate(self.yes, self.no)


def take_up_rate(yes: int, no: int) -> float | None:
    return yes / (yes + no) if yes + no else None


def quintile(decile: int) -> int:
    """The IMD quintile of a decile: deciles 1 and 2 are quintile 1 (the most deprived)."""
    return (decile + 1) // 2


MEASURES = ("activities", "reach", "minutes")  # Reach's fields, as the totals name them


class _FacetRow(TypedDict):
    value: str
    activities: int | Decimal
    reach: int | Decimal
    minutes: int | Decimal


async def facet_sums(facet: str, f: Filters) -> dict[str, Reach]:
    """The counted activities under each value of one facet (values with none left out)."""
    months, days = split_range(f.since, f.until)
    reads = []
    if months:
        reads.append(("activity_facet_monthly", "month", months))
    reads.extend(("activity_facet_daily", "day", d) for d in days)
    sums: dict[str, list[int]] = {}
    for table, period, (low, high) in reads:
        where = _Where()
        where.add(f"{period} >= {{}} AND {period} <= {{}}", low, high)
        where.add("facet = {}", facet)
        if f.programme:
            where.add("programme = {}", f.programme)
        if f.footprint:
            where.add("footprint = {}", f.footprint)
        rows = await ActivityDaily.raw(
            "SELECT value, SUM(activities) AS activities, SUM(people_reached) AS reach, "
            f"SUM(minutes) AS minutes FROM {table} WHERE {where.sql} GROUP BY value",
            *where.args,
        )
        for row in rows_as(_FacetRow, rows):
            total = sums.setdefault(row["value"], [0, 0, 0])
            total[0] += int(row["activities"])
            total[1] += int(row["reach"])
            total[2] += int(row["minutes"])
    return {value: Reach(*total) for value, total in sums.items() if total[0]}


async def known_and_rest(facet: str, f: Filters) -> dict[str, Reach]:
    """The values of a facet that keeps no rows for "not known" (rollup.DERIVED: the
    setting, the quintile), and under "" the counted activities with none: the totals for
    the same filters less the known values (left out when there are none). Both are read
    from one snapshot, so that a write in between cannot skew the difference."""
    async with snapshot():
        found = await facet_sums(facet, f)
        totals = await activity_sums(f)
    found.pop("", None)  # rows an older version kept (migration 2026-12-01T14:00 drops them)
    total = [sum(s[m] for s in totals.values()) for m in MEASURES]
    known = [sum(getattr(r, m) for r in found.values()) for m in MEASURES]
    rest = Reach(*(t - k for t, k in zip(total, known, strict=True)))
    return {**found, "": rest} if rest.activities else found


def _number(value: str, blank: int) -> int:
    return int(value) if value else blank


async def by_setting(f: Filters) -> dict[str, Reach]:
    """Each setting that counted activities have (the key "": not given)."""
    return await known_and_rest("setting", f)


async def by_topic(f: Filters) -> dict[int, Reach]:
    """Each topic's id (NO_TOPIC: activities about none), with the activities about it."""
    found = await facet_sums("topic", f)
    return {_number(value, NO_TOPIC): reach for value, reach in found.items()}


async def activities_by_quintile(f: Filters) -> dict[int, Reach]:
    """Each deprivation quintile of the places where counted activities happened."""
    found = await known_and_rest("quintile", f)
    return {_number(value, NOT_KNOWN): reach for value, reach in found.items()}


async def people_by_quintile(f: Filters) -> dict[int, int]:
    """Each deprivation quintile of the homes of the people the totals count (from the
    people rollups, server/totals/people.py; 0 is NOT_KNOWN)."""
    return dict(await people_rollup.people(f, by="quintile"))


TAKE_UP = ("yes", "no", "dont-know")


async def signposts(f: Filters) -> list[Signposts]:
    """The counted signposting activities by the service named, most signposts first."""
    by_service: dict[int | None, dict[str, int]] = {}
    for value, reach in (await facet_sums("signpost", f)).items():
        service, _, answer = value.partition(":")
        sums = by_service.setdefault(
            int(service) if service else None,
            dict.fromkeys(("activities", "reach", *TAKE_UP, ""), 0),
        )
        sums["activities"] += reach.activities
        sums["reach"] += reach.reach
        sums[answer if answer in TAKE_UP else ""] += reach.activities
    found = [
        Signposts(
            service=service,
            activities=sums["activities"],
            reach=sums["reach"],
            yes=sums["yes"],
            no=sums["no"],
            dont_know=sums["dont-know"],
            not_asked=sums[""],
        )
        for service, sums in by_service.items()
    ]
    return sorted(found, key=lambda s: (s.service is None, -s.activities, s.service or 0))


@dataclass(frozen=True)
class Lookups:
    """How much of the council's deprivation lookups is loaded."""

    postcodes: int  # postcodes with an LSOA
    areas: int  # LSOAs with a decile
    placed: int  # postcodes whose LSOA has a decile: the ones a quintile can be given

    @property
    def loaded(self) -> bool:
        return self.placed > 0


class _SizesRow(TypedDict):
    postcodes: int
    areas: int
    placed: int


async def lookup_sizes() -> Lookups:
    """How many postcodes and LSOAs the lookups hold, and how many postcodes can be placed
    in a quintile (their LSOA has a decile)."""
    rows = rows_as(
        _SizesRow,
        await ActivityDaily.raw(
            "SELECT (SELECT COUNT(*) FROM postcode_area) AS postcodes, "
            "(SELECT COUNT(*) FROM area_deprivation) AS areas, "
            "(SELECT COUNT(*) FROM postcode_area pa "
            "JOIN area_deprivation d ON d.lsoa = pa.lsoa) AS placed"
        ),
    )
    row = rows[0]
    return Lookups(int(row["postcodes"]), int(row["areas"]), int(row["placed"]))
