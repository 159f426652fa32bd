"""Every public number written as a sum of true cells, for `protect`.

The true cells: for each area (and "no area"), programme and month, the members who joined
(M), Friends from sessions (S), reach (R), activities (A) and minutes (H); for each area and
programme, Friends counted elsewhere (E, which have no months here); for each area, its
people (P). An area's all-time number for a programme is a cell of its own, tied to its
months by a relation that always holds (the total is the sum of the months), so that what
the widget shows and what the open data shows are checked together.

The borough's breakdowns (server/public/breakdowns.py) add a cell for each group and
measure, for all time: ("part", breakdown, group, measure). The settings and the place's
deprivation quintiles each divide the counted activities (and their reach) with nothing
left over, so their groups add up to the borough's activities (and reach): the sum of every
area's and programme's all-time total. The home quintiles divide the borough's people
(every area's P). Those relations always hold. Topics overlap (an activity can be about
several), so they are cells with no relation: each is at most the total, which is no
equation. These relations are all there is between the breakdowns and the other cells: the
breakdowns, the areas and the months are each one way of dividing the same activities, and
such one-way totals of a table are tied to each other only through the grand total.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from server.public.algebra import Var
from server.public.measures import FRIEND_CELLS, MONTHLY, PROGRAMME, TOGETHER, TOTALS, Measure
from server.public.suppress import Item

NO_AREA = ""
BY_MONTH = ("M", "S", "R", "A", "H")
# The breakdowns whose groups divide a family's total (measure -> family); the others'
# groups (topics) overlap. Keys and measures as in server/public/breakdowns.py.
PARTITIONS = {
    "setting": {"activities": "A", "reach": "R"},
    "place_deprivation": {"activities": "A", "reach": "R"},
    "home_deprivation": {"people": "P"},
}


@dataclass(frozen=True)
class Facts:
    """The true numbers that the public ones are made from."""

    codes: list[str]  # the areas, by code
    programmes: list[tuple[str, str]]  # (slug, kind)
    months: list[str]
    cells: Mapping[tuple[str, str, str, str], int]  # (family, area, slug, month) -> count
    elsewhere: Mapping[tuple[str, str], int]  # (area, slug) -> Friends counted elsewhere
    people: Mapping[str, int]  # area -> people
    # The borough's breakdowns: (breakdown, group, measure) -> count, for every number
    # published (0 too), in the order published.
    parts: Mapping[tuple[str, str, str], int] = field(default_factory=dict)

    @property
    def areas(self) -> list[str]:
        return [*self.codes, NO_AREA]


def total(family: str, area: str, slug: str = "") -> Var:
    return ("total", family, area, slug)


def cell(family: str, area: str, slug: str, month: str) -> Var:
    return ("cell", family, area, slug, month)


def part(breakdown: str, group: str, measure: str) -> Var:
    return ("part", breakdown, group, measure)


def values_of(facts: Facts) -> dict[Var, int]:
    values: dict[Var, int] = {}
    for (family, area, slug, month), count in facts.cells.items():
        values[cell(family, area, slug, month)] = count
        key = total(family, area, slug)
        values[key] = values.get(key, 0) + count
    for (area, slug), count in facts.elsewhere.items():
        values[total("E", area, slug)] = count
    for area, count in facts.people.items():
        values[total("P", area)] = count
    for key, count in facts.parts.items():
        values[part(*key)] = count
    return values


def measure_terms(facts: Facts, measure: Measure, area: str, slug: str | None) -> dict[Var, int]:
    """The cells a number adds up: for one programme (slug), or for all of them."""
    terms: dict[Var, int] = {}
    for family in measure.cells:
        if family == "P":
            if slug is None:
                terms[total("P", area)] = 1
            continue
        for s, kind in facts.programmes:
            if slug not in (None, s):
                continue
            if kind != "friend" and (measure.friends_only or family in FRIEND_CELLS):
                continue  # a champion programme has no Friends: always 0
            terms[total(family, area, s)] = 1
    return terms


def area_items(facts: Facts, area: str) -> list[Item]:
    """What /api/totals?footprint= and the widget publish about one area."""
    items = []
    for name, measure in TOTALS.items():
        if isinstance(measure, Measure):
            terms = measure_terms(facts, measure, area, None)
            together = ("area", area, TOGETHER.get(name, name))
            items.append(Item(("area", area, name), terms, together, measure.counts, measure.tier))
    for slug, _kind in facts.programmes:
        for name, measure in PROGRAMME.items():
            if isinstance(measure, Measure):
                terms = measure_terms(facts, measure, area, slug)
                hidden_with = ("programme", area, slug, TOGETHER.get(name, name))
                key = ("programme", area, slug, name)
                unit = hidden_with if terms else None  # a champion programme's Friends: 0
                items.append(Item(key, terms, unit, measure.counts, measure.tier))
    return items


def monthly_items(facts: Facts) -> list[Item]:
    """What the open data publishes: each month, programme and area (and "no area")."""
    items = []
    for area in facts.areas:
        for slug, _kind in facts.programmes:
            for month in facts.months:
                for column, family in MONTHLY.items():
                    unit = ("month", area, slug, month, TOGETHER.get(column, column))
                    terms = {cell(family, area, slug, month): 1}
                    items.append(Item(unit[:4] + (column,), terms, unit, family != "H", 0))
    return items


def borough_items(facts: Facts) -> list[Item]:
    """The borough's numbers: always shown, by programme and month (/api/totals with dates)."""
    items = []
    for slug, _kind in facts.programmes:
        for month in facts.months:
            for family in BY_MONTH:
                terms = {cell(family, a, slug, month): 1 for a in facts.areas}
                items.append(Item(("borough", family, slug, month), terms, None))
        terms = {total("E", a, slug): 1 for a in facts.areas}
        items.append(Item(("borough", "E", slug), terms, None))
    items.append(Item(("borough", "P"), {total("P", a): 1 for a in facts.areas}, None))
    return items


def breakdown_items(facts: Facts) -> list[Item]:
    """The borough's breakdowns: each number on its own, hidden when small (a unit each,
    the same as server.public.breakdowns.unit)."""
    return [
        Item(("breakdown", *key), {part(*key): 1}, ("breakdown", *key), True, 0)
        for key in facts.parts
    ]


def breakdown_relations(facts: Facts) -> list[dict[Var, int]]:
    """The groups of a breakdown that divides a total add up to it."""
    out = []
    for breakdown, measures in PARTITIONS.items():
        for measure, family in measures.items():
            sums: dict[Var, int] = {
                part(*key): 1 for key in facts.parts if key[0] == breakdown and key[2] == measure
            }
            if not sums:
                continue
            if family == "P":
                sums.update({total("P", a): -1 for a in facts.areas})
            else:
                sums.update(
                    {total(family, a, s): -1 for a in facts.areas for s, _ in facts.programmes}
                )
            out.append(sums)
    return out


def relations(facts: Facts) -> list[dict[Var, int]]:
    """An all-time total is the sum of its months; a breakdown's groups, of its total."""
    out = breakdown_relations(facts)
    for family in BY_MONTH:
        for area in facts.areas:
            for slug, _kind in facts.programmes:
                sums: dict[Var, int] = {total(family, area, slug): 1}
                sums.update({cell(family, area, slug, m): -1 for m in facts.months})
                out.append(sums)
    return out


def model(facts: Facts) -> tuple[list[Item], list[dict[Var, int]], set[Hashable]]:
    """Every public number, the relations between cells, and the units no address
    publishes (the "no area" totals)."""
    items = [*borough_items(facts), *monthly_items(facts), *breakdown_items(facts)]
    for area in facts.areas:
        items += area_items(facts, area)
    unpublished = {
        i.unit
        for i in items
        if i.unit is not None
        and isinstance(i.key, tuple)
        and i.key[0] in ("area", "programme")
        and i.key[1] == NO_AREA
    }
    return items, relations(facts), unpublished
