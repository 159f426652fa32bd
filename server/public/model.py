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

Each cell is a whole number worked out from where it sits (its family, area, programme and
month), not a name looked up: what to hide is worked out on numbers (server/public/suppress.py
`Numbered`), and numbering tens of thousands of names costs more than the rest of the work.
tests/public/test_protect_same.py holds this to the way it worked with names.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from server.public.algebra import Var
from server.public.measures import FRIEND_CELLS, MONTHLY, PROGRAMME, TOGETHER, TOTALS, Measure
from server.public.suppress import Entry, Numbered

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


class Cells:
    """The cells' numbers: by month (a family of BY_MONTH, an area, a programme and a
    month), then the all-time totals (BY_MONTH's families and E, for an area and a
    programme), then each area's people (P), then the breakdowns' groups."""

    def __init__(self, facts: Facts) -> None:
        self.area = {a: n for n, a in enumerate(facts.areas)}
        self.slug = {s: n for n, (s, _kind) in enumerate(facts.programmes)}
        self.month = {m: n for n, m in enumerate(facts.months)}
        families = (*BY_MONTH, "E")
        areas, slugs, months = len(self.area), len(self.slug), len(self.month)
        # Where a cell's number starts for its family, area and programme: a cell is
        # family + area + programme + month (and a total the same without the month).
        self._family = {f: n * areas * slugs * months for n, f in enumerate(BY_MONTH)}
        self._area = {a: n * slugs * months for a, n in self.area.items()}
        self._slug = {s: n * months for s, n in self.slug.items()}
        self.totals = len(BY_MONTH) * areas * slugs * months
        self._total_family = {f: self.totals + n * areas * slugs for n, f in enumerate(families)}
        self._total_area = {a: n * slugs for a, n in self.area.items()}
        self.people = self.totals + len(families) * areas * slugs
        self.parts = self.people + areas
        self.part = {key: self.parts + n for n, key in enumerate(facts.parts)}
        self.count = self.parts + len(self.part)

    def cell(self, family: str, area: str, slug: str, month: str) -> int:
        return self._family[family] + self._area[area] + self._slug[slug] + self.month[month]

    def total(self, family: str, area: str, slug: str = "") -> int:
        if family == "P":
            return self.people + self.area[area]
        return self._total_family[family] + self._total_area[area] + self.slug[slug]


def values_of(facts: Facts, at: Cells) -> list[int]:
    """Each cell's true count, by its number."""
    values = [0] * at.count
    for (family, area, slug, month), count in facts.cells.items():
        if area in at.area and slug in at.slug and month in at.month:  # always, from _facts
            values[at.cell(family, area, slug, month)] = count
            values[at.total(family, area, slug)] += count
    for (area, slug), count in facts.elsewhere.items():
        if area in at.area and slug in at.slug:
            values[at.total("E", area, slug)] = count
    for area, count in facts.people.items():
        if area in at.area:
            values[at.total("P", area)] = count
    for key, count in facts.parts.items():
        values[at.part[key]] = count
    return values


class _Making:
    """The numbered problem as it is written, item by item."""

    def __init__(self) -> None:
        self.items: list[Entry] = []
        self.names: list[Hashable] = []
        self.units: list[Hashable] = []  # a unit's number -> the unit
        self.unit_number: dict[Hashable, int] = {}  # the units made by add

    def add(self, key: Hashable, terms: dict[Var, int], unit: Hashable | None,
            counts: bool = True, tier: int = 0) -> None:  # fmt: skip
        number = None
        if unit is not None:
            units = self.units
            number = self.unit_number.setdefault(unit, len(units))
            if number == len(units):
                units.append(unit)
        names = self.names
        self.items.append(Entry(len(names), terms, number, counts, tier))
        names.append(key)


def measure_terms(
    facts: Facts, at: Cells, measure: Measure, area: str, slug: str | None
) -> dict[Var, int]:
    """The cells a number adds up: for one programme (slug), or for all of them."""
    terms: dict[Var, int] = {}
    for family in measure.cells:
        if family == "P":
            if slug is None:
                terms[at.total("P", area)] = 1
            continue
        for s, kind in facts.programmes:
            if slug not in (None, s):
                continue
            if kind != "friend" and (measure.friends_only or family in FRIEND_CELLS):
                continue  # a champion programme has no Friends: always 0
            terms[at.total(family, area, s)] = 1
    return terms


def area_items(facts: Facts, at: Cells, area: str, out: _Making) -> None:
    """What /api/totals?footprint= and the widget publish about one area."""
    for name, measure in TOTALS.items():
        if isinstance(measure, Measure):
            terms = measure_terms(facts, at, measure, area, None)
            together = ("area", area, TOGETHER.get(name, name))
            out.add(("area", area, name), terms, together, measure.counts, measure.tier)
    for slug, _kind in facts.programmes:
        for name, measure in PROGRAMME.items():
            if isinstance(measure, Measure):
                terms = measure_terms(facts, at, measure, area, slug)
                hidden_with = ("programme", area, slug, TOGETHER.get(name, name))
                unit = hidden_with if terms else None  # a champion programme's Friends: 0
                key = ("programme", area, slug, name)
                out.add(key, terms, unit, measure.counts, measure.tier)


def monthly_items(facts: Facts, at: Cells, out: _Making) -> None:
    """What the open data publishes: each month, programme and area (and "no area"). The
    most numbers by far, so written here without _Making.add: each row's columns hidden
    together share a unit, numbered in the order first met as add would number them."""
    if not facts.months:
        return
    together = {c: TOGETHER.get(c, c) for c in MONTHLY}
    shared = list(dict.fromkeys(together.values()))  # the units of one row, in order
    columns = [(c, f, shared.index(together[c]), f != "H") for c, f in MONTHLY.items()]
    items, names, units = out.items, out.names, out.units
    entry = tuple.__new__  # Entry(...) without its Python-level __new__: 11,000 of them
    for area in facts.areas:
        for slug, _kind in facts.programmes:
            # A cell's number is its first month's plus the month's place (Cells.cell).
            first_month = {f: at.cell(f, area, slug, facts.months[0]) for f in BY_MONTH}
            for m, month in enumerate(facts.months):
                first = len(units)
                units += [("month", area, slug, month, name) for name in shared]
                for column, family, n, counts in columns:
                    terms = {first_month[family] + m: 1}
                    items.append(entry(Entry, (len(names), terms, first + n, counts, 0)))
                    names.append(("month", area, slug, month, column))
    # Not in out.unit_number: only this function makes a unit that starts with "month".


def borough_items(facts: Facts, at: Cells, out: _Making) -> None:
    """The borough's numbers: always shown, by programme and month (/api/totals with dates)."""
    for slug, _kind in facts.programmes:
        for month in facts.months:
            for family in BY_MONTH:
                terms = {at.cell(family, a, slug, month): 1 for a in facts.areas}
                out.add(("borough", family, slug, month), terms, None)
        terms = {at.total("E", a, slug): 1 for a in facts.areas}
        out.add(("borough", "E", slug), terms, None)
    out.add(("borough", "P"), {at.total("P", a): 1 for a in facts.areas}, None)


def breakdown_items(facts: Facts, at: Cells, out: _Making) -> None:
    """The borough's breakdowns: each number on its own, hidden when small (a unit each,
    the same as server.public.breakdowns.unit)."""
    for key in facts.parts:
        out.add(("breakdown", *key), {at.part[key]: 1}, ("breakdown", *key))


def breakdown_relations(facts: Facts, at: Cells) -> list[dict[Var, int]]:
    """The groups of a breakdown that divides a total add up to it."""
    out = []
    for breakdown, measures in PARTITIONS.items():
        for measure, family in measures.items():
            sums: dict[Var, int] = {
                at.part[key]: 1 for key in facts.parts if key[0] == breakdown and key[2] == measure
            }
            if not sums:
                continue
            if family == "P":
                sums.update({at.total("P", a): -1 for a in facts.areas})
            else:
                sums.update(
                    {at.total(family, a, s): -1 for a in facts.areas for s, _ in facts.programmes}
                )
            out.append(sums)
    return out


def relations(facts: Facts, at: Cells) -> list[dict[Var, int]]:
    """An all-time total is the sum of its months; a breakdown's groups, of its total."""
    out = breakdown_relations(facts, at)
    for family in BY_MONTH:
        for area in facts.areas:
            for slug, _kind in facts.programmes:
                sums: dict[Var, int] = {at.total(family, area, slug): 1}
                sums.update({at.cell(family, area, slug, m): -1 for m in facts.months})
                out.append(sums)
    return out


def model(facts: Facts) -> Numbered:
    """Every public number, the relations between cells, and the units no address
    publishes (the "no area" totals), numbered for server.public.suppress.hide."""
    at = Cells(facts)
    out = _Making()
    borough_items(facts, at, out)
    monthly_items(facts, at, out)
    breakdown_items(facts, at, out)
    for area in facts.areas:
        area_items(facts, at, area, out)
    unpublished = {
        number
        for unit, number in out.unit_number.items()
        if isinstance(unit, tuple) and unit[0] in ("area", "programme") and unit[1] == NO_AREA
    }
    return Numbered(out.items, relations(facts, at), unpublished, values_of(facts, at),
                    out.names, out.units)  # fmt: skip
