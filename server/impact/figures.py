"""Who and where the reach goes, and what signposting led to (issue 16).

Every figure here counts what the totals count (README "How the numbers are counted"): the
activities that are not rejected, of the chosen programme, in the chosen area, done within
the dates; and the people with an active role, joined within the dates. Each breakdown is
one grouped query, whatever the number of settings, topics or areas.

- By setting: each activity once, under the kind of place it happened ("" not given). The
  rows add up to the totals' activities, reach and minutes.
- By topic: an activity about two topics counts under each, so the rows add up to more
  than the total; activities with no topic are their own row (NO_TOPIC).
- By deprivation quintile: an activity under the quintile of its place's postcode, a person
  under the quintile of their home postcode, through the council's lookups (postcode to
  LSOA, LSOA to IMD decile; quintile 1 is the most deprived fifth of England). No postcode,
  or one the lookups do not know: NOT_KNOWN. The rows add up to the totals.
- Signposts: the signposting activities, by the service they named (None: none named), with
  what is known of take-up. The take-up rate is yes / (yes + no): "don't know" and not yet
  asked are left out, and shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from schema.tables import ActivityDaily
from server.lib.rows import rows_as
from server.totals.rollup import NOT_COUNTED
from server.totals.services import Filters, _Where, membership_where

NO_TOPIC = 0  # the key of activities about no topic
NOT_KNOWN = 0  # the quintile of a place or home the lookups cannot place
QUINTILES = (1, 2, 3, 4, 5)
# The settings an activity can name (Activity.setting), in the words the public reads.
SETTING_NAMES = {
    "home": "Home",
    "gp-practice": "GP practice",
    "school-college": "School or college",
    "workplace": "Workplace",
    "community-venue": "Community venue",
    "online": "Online",
    "street-event": "Street or event",
    "other": "Other",
}
SIGNPOSTING = "signposting"

# The quintile of a postcode column, through the lookups (NULL when it cannot be placed).
_LOOKUP = (
    "LEFT JOIN postcode_area pa ON pa.postcode = REPLACE(UPPER({column}), ' ', '') "
    "LEFT JOIN area_deprivation d ON d.lsoa = pa.lsoa"
)
_QUINTILE = "(d.imd_decile + 1) / 2"


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


def activity_where(f: Filters) -> _Where:
    """Counted activities (the activity must be "a" in the query) for the filters."""
    where = _Where()
    excluded = ", ".join(f"'{status}'" for status in sorted(NOT_COUNTED))
    where.add(f"a.review_status NOT IN ({excluded})")
    if f.programme:
        where.add("a.programme = {}", f.programme)
    if f.footprint:
        where.add("a.footprint = {}", f.footprint)
    if f.since:
        where.add("a.occurred_on >= {}", f.since)
    if f.until:
        where.add("a.occurred_on <= {}", f.until)
    return where


class _ReachRow(TypedDict):
    key: str | int | None
    activities: int | Decimal
    reach: int | Decimal | None
    minutes: int | Decimal | None


def _reach(row: _ReachRow) -> Reach:
    return Reach(int(row["activities"]), int(row["reach"] or 0), int(row["minutes"] or 0))


_SUMS = "COUNT(*) AS activities, SUM(a.people_reached) AS reach, SUM(a.minutes) AS minutes"


async def _grouped(key: str, source: str, f: Filters) -> list[_ReachRow]:
    where = activity_where(f)
    return rows_as(
        _ReachRow,
        await ActivityDaily.raw(
            f"SELECT {key} AS key, {_SUMS} FROM {source} WHERE {where.sql} GROUP BY {key}",
            *where.args,
        ),
    )


async def by_setting(f: Filters) -> dict[str, Reach]:
    """Each setting that counted activities have (the key "": not given)."""
    rows = await _grouped("a.setting", "activity a", f)
    return {str(row["key"] or ""): _reach(row) for row in rows}


async def by_topic(f: Filters) -> dict[int, Reach]:
    """Each topic's id (NO_TOPIC: activities about none), with the activities about it."""
    rows = await _grouped(
        "at.topic", "activity a LEFT JOIN activity_topic at ON at.activity = a.id", f
    )
    return {int(row["key"] or NO_TOPIC): _reach(row) for row in rows}


async def activities_by_quintile(f: Filters) -> dict[int, Reach]:
    """Each deprivation quintile of the places where counted activities happened."""
    source = "activity a " + _LOOKUP.format(column="a.postcode")
    rows = await _grouped(_QUINTILE, source, f)
    return {int(row["key"] or NOT_KNOWN): _reach(row) for row in rows}


class _CountRow(TypedDict):
    key: int | None
    n: int


async def people_by_quintile(f: Filters) -> dict[int, int]:
    """Each deprivation quintile of the homes of the people the totals count."""
    where = membership_where(f)
    source = "membership m JOIN person p ON p.id = m.person " + _LOOKUP.format(
        column="p.postcode"
    )
    rows = rows_as(
        _CountRow,
        await ActivityDaily.raw(
            f"SELECT {_QUINTILE} AS key, COUNT(DISTINCT m.person) AS n FROM {source} "
            f"WHERE {where.sql} GROUP BY {_QUINTILE}",
            *where.args,
        ),
    )
    return {int(row["key"] or NOT_KNOWN): int(row["n"]) for row in rows}


class _SignpostRow(TypedDict):
    service: int | None
    take_up: str
    activities: int
    reach: int | Decimal | None


async def signposts(f: Filters) -> list[Signposts]:
    """The counted signposting activities by the service named, most signposts first."""
    where = activity_where(f)
    where.add("a.kind = {}", SIGNPOSTING)
    rows = rows_as(
        _SignpostRow,
        await ActivityDaily.raw(
            "SELECT a.service AS service, a.take_up AS take_up, COUNT(*) AS activities, "
            f"SUM(a.people_reached) AS reach FROM activity a WHERE {where.sql} "
            "GROUP BY a.service, a.take_up",
            *where.args,
        ),
    )
    by_service: dict[int | None, dict[str, int]] = {}
    for row in rows:
        sums = by_service.setdefault(row["service"], dict.fromkeys(
            ("activities", "reach", "yes", "no", "dont-know", ""), 0
        ))
        sums["activities"] += int(row["activities"])
        sums["reach"] += int(row["reach"] or 0)
        answer = row["take_up"] if row["take_up"] in ("yes", "no", "dont-know") else ""
        sums[answer] += int(row["activities"])
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
