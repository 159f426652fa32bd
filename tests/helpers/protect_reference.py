"""The way `protect` worked before it was made quicker (December 2026), kept as the reference
that tests/public/test_protect_same.py holds the new one to: both must hide exactly the same
units. server/public/algebra.py, server/public/suppress.py and server/public/model.py as they
were (1 December 2026, before the cells were numbered), in one module: do not change it."""

# ruff: noqa: E501

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from server.public.measures import FRIEND_CELLS, MONTHLY, PROGRAMME, TOGETHER, TOTALS, Measure
from server.public.model import BY_MONTH, NO_AREA, PARTITIONS, Facts

Var = Hashable
Number = int | Fraction
Coefficients = dict[Hashable, Number]


def _add_to(target: Coefficients, factor: Number, source: Mapping[Hashable, Number]) -> None:
    """target += factor * source, dropping what becomes 0."""
    for key, value in source.items():
        new = target.get(key, 0) + factor * value
        if new:
            target[key] = new
        else:
            target.pop(key, None)


@dataclass
class Row:
    """A sum of cells that are not known (terms), and the published sums it was made from
    (why: their keys, with weights)."""

    terms: Coefficients
    why: Coefficients = field(default_factory=dict)


class Span:
    """The row space of the published sums, kept reduced: each row has a pivot cell that no
    other row holds, so a sum lies in the span exactly when reducing it leaves nothing."""

    def __init__(self, known: Mapping[Var, Hashable] | None = None) -> None:
        self.known = known if known is not None else {}  # cell -> key of the number showing it
        self.rows: dict[Var, Row] = {}  # pivot -> row, with coefficient 1 at the pivot
        self.holding: defaultdict[Var, set[Var]] = defaultdict(set)  # cell -> pivots of rows

    def unknown_part(self, terms: Mapping[Var, int], why: Hashable | None = None) -> Row:
        """A published sum with the known cells taken out."""
        left: Coefficients = {v: c for v, c in terms.items() if c and v not in self.known}
        return Row(left, {why: 1} if why is not None else {})

    def reduce(self, given: Row) -> Row:
        terms, why = dict(given.terms), dict(given.why)
        for var in [v for v in terms if v in self.rows]:
            factor = terms.get(var)
            if factor:
                pivot_row = self.rows[var]
                _add_to(terms, -factor, pivot_row.terms)
                _add_to(why, -factor, pivot_row.why)
        return Row(terms, why)

    def add(self, given: Row) -> bool:
        """Add a published sum (known cells already out); False when it tells nothing new."""
        new = self.reduce(given)
        if not new.terms:
            return False
        # A pivot of 1 or -1 keeps every number whole; few rows hold it, little fill-in.
        pivot = min(new.terms, key=lambda v: (abs(new.terms[v]) != 1, len(self.holding[v])))
        head = new.terms[pivot]
        scale: Number = head if abs(head) == 1 else Fraction(1) / head  # 1/-1 is -1
        new = Row(
            {k: v * scale for k, v in new.terms.items()},
            {k: v * scale for k, v in new.why.items()},
        )
        for other in list(self.holding[pivot]):
            old = self.rows[other]
            before = set(old.terms)
            factor = old.terms[pivot]
            _add_to(old.terms, -factor, new.terms)
            _add_to(old.why, -factor, new.why)
            for var in before - set(old.terms):
                self.holding[var].discard(other)
            for var in set(old.terms) - before:
                self.holding[var].add(other)
        self.rows[pivot] = new
        for var in new.terms:
            self.holding[var].add(pivot)
        return True

    def explain(self, terms: Mapping[Var, int]) -> Coefficients | None:
        """None when this sum cannot be worked out; otherwise the published sums (not the
        cells known on their own) that give it away, with their weights."""
        left = self.reduce(self.unknown_part(terms))
        return None if left.terms else left.why

    def fixed_cells(self) -> set[Var]:
        """The cells that are known exactly."""
        return {*self.known, *(p for p, r in self.rows.items() if len(r.terms) == 1)}


LAST_RESORT = 4  # a tier hidden only when nothing else will do


def is_small(value: int, threshold: int) -> bool:
    """Counts from 1 to threshold - 1 are small; none (0) identifies anyone."""
    return 0 < value < threshold


@dataclass(frozen=True)
class Item:
    """One published number.

    terms: the true cells it adds up. unit: the numbers hidden together with it (None: it
    is always shown, like the borough's numbers). counts: a count of people or things,
    hidden when small (hours are not). tier: when another number must be hidden to protect
    a hidden one, lower tiers go first (a month's cell before an area's total)."""

    key: Hashable
    terms: Mapping[Var, int]
    unit: Hashable | None
    counts: bool = True
    tier: int = 0


def value_of(terms: Mapping[Var, int], values: Mapping[Var, int]) -> int:
    return sum(c * values.get(v, 0) for v, c in terms.items())


Sum = tuple[Hashable, Mapping[Var, int]]  # a published sum or a relation: (key, terms)


def _zeros(span: Span, sums: Sequence[Row], values: Mapping[Var, int]) -> list[Row]:
    """Cells known to be 0: what is left of a sum of 0 (none of its cells can be below 0)
    once the cells known exactly are taken out."""
    known = span.fixed_cells()
    found: list[Row] = []
    for given in (*sums, *span.rows.values()):
        rest = {v: c for v, c in given.terms.items() if v not in known}
        if not rest or len({c > 0 for c in rest.values()}) != 1:
            continue
        if sum(c * values.get(v, 0) for v, c in rest.items()):
            continue
        for var in rest:
            found.append(Row({var: 1}, dict(given.why)))
            known.add(var)
    return found


class Published:
    """Everything that can be worked out from the shown items and the relations that always
    hold between cells (a total is the sum of its months).

    The cells not known on their own fall into groups that no sum joins (one programme's
    months, say); each group has its own Span, kept from one round of hiding to the next
    while nothing in it changes, so a round costs only the groups it touched."""

    def __init__(
        self,
        shown: Sequence[Item],
        relations: Sequence[Sum],
        values: Mapping[Var, int],
        kept: dict[frozenset[Hashable], Span],
    ) -> None:
        self.known: dict[Var, Hashable] = {}
        for item in shown:
            if len(item.terms) == 1:
                self.known.setdefault(next(iter(item.terms)), item.key)
        cut = Span(self.known)
        sums = [cut.unknown_part(i.terms, i.key) for i in shown if len(i.terms) > 1]
        sums += [cut.unknown_part(terms, key) for key, terms in relations]
        self.group_of: dict[Var, frozenset[Hashable]] = {}
        self.spans: dict[frozenset[Hashable], Span] = {}
        for group in _groups([s for s in sums if s.terms]):
            cells = {v for r in group for v in r.terms}
            name = frozenset([*(k for r in group for k in r.why), *cells])
            if name not in kept:
                kept[name] = _span(self.known, group, values)
            self.spans[name] = kept[name]
            self.group_of.update(dict.fromkeys(cells, name))

    def where(self, terms: Mapping[Var, int]) -> tuple[object, ...]:
        """What explain(terms) depends on: the groups its cells are in, or that they are known."""
        return tuple(self.group_of.get(v, v in self.known) for v in terms)

    def explain(self, terms: Mapping[Var, int]) -> dict[Hashable, object] | None:
        """None when this sum cannot be worked out; otherwise the published sums (not the
        cells known on their own) that give it away."""
        parts: dict[frozenset[Hashable], dict[Var, int]] = {}
        for var, c in terms.items():
            if var in self.known or not c:
                continue
            if var not in self.group_of:
                return None  # a cell in no published sum
            parts.setdefault(self.group_of[var], {})[var] = c
        why: dict[Hashable, object] = {}
        for name, part in parts.items():
            found = self.spans[name].explain(part)
            if found is None:
                return None
            why.update(found)
        return why


def _groups(sums: list[Row]) -> list[list[Row]]:
    """The sums in groups that share no cell with each other (union-find)."""
    parent: dict[Var, Var] = {}

    def root(x: Var) -> Var:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for given in sums:
        cells = list(given.terms)
        for c in cells:
            parent.setdefault(c, c)
        for c in cells[1:]:
            parent[root(c)] = root(cells[0])
    groups: dict[Var, list[Row]] = {}
    for given in sums:
        groups.setdefault(root(next(iter(given.terms))), []).append(given)
    return list(groups.values())


def _span(known: dict[Var, Hashable], sums: list[Row], values: Mapping[Var, int]) -> Span:
    span = Span(known)
    for given in sorted(sums, key=lambda r: len(r.terms)):
        span.add(given)
    while True:
        zeros = [z for z in _zeros(span, sums, values) if span.add(z)]
        if not zeros:
            return span


def _candidates(
    item: Item, why: Mapping[Hashable, object], span: Published, sums: Mapping[Hashable, Sum]
) -> set[Hashable]:
    """The published numbers that give a hidden item away: the sums it was worked out from,
    and the cells shown on their own inside them."""
    keys = set(why)
    for key in why:
        keys.update(span.known[v] for v in sums[key][1] if v in span.known)
    keys.update(span.known[v] for v in item.terms if v in span.known)
    return keys


def _choose(
    keys: set[Hashable],
    items: Mapping[Hashable, Item],
    hidden: set[Hashable],
    values: Mapping[Var, int],
    span: Published,
    sums_of: Mapping[Var, list[Mapping[Var, int]]],
) -> Hashable | None:
    """Of the shown numbers that give a hidden one away, the unit to hide next: not a last
    resort (the widget's big number), not 0 (a 0 is often known anyway, from a total of 0),
    of the lowest tier, one that opens no new gap (each sum it is in already has another
    number not known, so hiding it gives nothing away in turn), and the smallest."""
    options = [items[k] for k in keys if k in items]
    options = [i for i in options if i.unit is not None and i.unit not in hidden]
    if not options:
        return None

    def opens(i: Item) -> int:
        if len(i.terms) != 1:
            return 0
        (var,) = i.terms
        return sum(
            not any(v != var and v not in span.known for v in terms)
            for terms in sums_of.get(var, ())
        )

    def order(i: Item) -> tuple[bool, bool, int, int, int, str]:
        value = value_of(i.terms, values)
        return (i.tier >= LAST_RESORT, value == 0, i.tier, opens(i), value, repr(i.key))

    return min(options, key=order).unit


class _Rounds:
    """One run of `protect`: the published sums, and what is kept from one round of hiding
    to the next (each group's Span, and each hidden item's answer while its groups stay
    the same)."""

    def __init__(
        self,
        items: Sequence[Item],
        values: Mapping[Var, int],
        threshold: int,
        relations: Sequence[Mapping[Var, int]],
        unpublished: set[Hashable],
    ) -> None:
        self.items, self.values, self.threshold = items, values, threshold
        self.unpublished = unpublished
        self.by_key = {i.key: i for i in items}
        self.tied: list[Sum] = [(("relation", n), terms) for n, terms in enumerate(relations)]
        self.sums: dict[Hashable, Sum] = {i.key: (i.key, i.terms) for i in items}
        self.sums.update((k, (k, t)) for k, t in self.tied)
        self.sums_of: dict[Var, list[Mapping[Var, int]]] = {}
        for _key, terms in self.sums.values():
            if len(terms) > 1:
                for var in terms:
                    self.sums_of.setdefault(var, []).append(terms)
        self.kept: dict[frozenset[Hashable], Span] = {}
        self.answers: dict[tuple[Hashable, tuple[object, ...]], dict[Hashable, object] | None] = {}

    def given_away(self, item: Item, span: Published) -> dict[Hashable, object] | None:
        asked = (item.key, span.where(item.terms))
        if asked not in self.answers:
            self.answers[asked] = span.explain(item.terms)
        return self.answers[asked]

    def round(self, hidden: set[Hashable]) -> tuple[Published, set[Hashable]]:
        """What can be worked out with these hidden, and the units to hide next."""
        shown = [i for i in self.items if i.unit not in hidden]
        span = Published(shown, self.tied, self.values, self.kept)
        chosen: set[Hashable] = set()
        for item in self.items:
            if item.unit not in hidden:
                continue
            if not _needs_cover(item, self.unpublished, self.values, self.threshold):
                continue
            why = self.given_away(item, span)
            if why is None:
                continue
            if any(self.by_key[k].unit in chosen for k in why if k in self.by_key):
                continue  # a number hidden in this round may be enough
            keys = _candidates(item, why, span, self.sums)
            unit = _choose(keys, self.by_key, hidden, self.values, span, self.sums_of)
            if unit is not None:
                chosen.add(unit)
        return span, chosen


def protect(
    items: Sequence[Item],
    values: Mapping[Var, int],
    threshold: int,
    relations: Sequence[Mapping[Var, int]] = (),
    hidden_already: Iterable[Hashable] = (),
) -> frozenset[Hashable]:
    """The units to hide so that no hidden item can be worked out from the shown ones.

    relations: sums of cells that always come to 0 (a total minus its months).
    hidden_already: units never published (kept hidden; protected only where small)."""
    unpublished = set(hidden_already) - {None}  # None: always shown
    hidden = set(unpublished)
    hidden.update(
        i.unit
        for i in items
        if i.unit is not None and i.counts and is_small(value_of(i.terms, values), threshold)
    )
    rounds = _Rounds(items, values, threshold, relations, unpublished)
    while True:
        span, chosen = rounds.round(hidden)
        if not chosen:
            return frozenset(hidden - _pointless(items, span, hidden, values, threshold))
        hidden |= chosen


def _pointless(
    items: Sequence[Item],
    span: Published,
    hidden: set[Hashable],
    values: Mapping[Var, int],
    threshold: int,
) -> set[Hashable]:
    """Hidden units that are not small and can be worked out anyway (a 0 inside a total
    of 0, say): showing them tells nothing new, and keeps the page from saying "not shown"
    for no reason."""
    units: dict[Hashable, list[Item]] = {}
    for item in items:
        if item.unit in hidden:
            units.setdefault(item.unit, []).append(item)
    return {
        unit
        for unit, members in units.items()
        if all(
            not (i.counts and is_small(value_of(i.terms, values), threshold))
            and span.explain(i.terms) is not None
            for i in members
        )
    }


def _needs_cover(
    item: Item, unpublished: set[Hashable], values: Mapping[Var, int], threshold: int
) -> bool:
    """A hidden number must stay hidden; one that no address publishes (the "no area"
    row) only when it is small."""
    if not item.terms:
        return False
    if item.unit in unpublished:
        return is_small(value_of(item.terms, values), threshold)
    return True


# server/public/model.py as it was.


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
