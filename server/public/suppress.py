"""Small numbers hidden, and every hidden number kept out of reach of subtraction.

A count from 1 to SMALL_NUMBER - 1 about one area could point to someone, so it is hidden.
Hiding it alone is not enough: it sits in sums that are published too (the borough's
numbers, the area's other numbers, the months around it), so `protect` writes every
published number as a sum of the true cells, and keeps hiding one more number, from those
that give a hidden one away, until no hidden number can be worked out exactly
(server/public/algebra.py), nor found to be 0 because a published sum of counts that
cannot be below 0 comes to 0.

The work is done on whole numbers standing for the cells, the published numbers and the
units (`Numbered`): the same steps in the same order as on the names themselves, so the same
units are hidden (tests/public/test_protect_same.py holds it to the way it worked before),
but a whole number is hashed at once where a name is a tuple of strings hashed each time.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from server.public.algebra import Key, Row, Span, Var

LAST_RESORT = 4  # a tier hidden only when nothing else will do


def is_small(value: int, threshold: int) -> bool:
    """Counts from 1 to threshold - 1 are small; none (0) identifies anyone."""
    return 0 < value < threshold


class Item(NamedTuple):
    """One published number.

    terms: the true cells it adds up. unit: the numbers hidden together with it (None: it
    is always shown, like the borough's numbers). counts: a count of people or things,
    hidden when small (hours are not). tier: when another number must be hidden to protect
    a hidden one, lower tiers go first (a month's cell before an area's total). A named
    tuple: there are tens of thousands, made every time what to hide is worked out."""

    key: Hashable
    terms: Mapping[Hashable, int]
    unit: Hashable | None
    counts: bool = True
    tier: int = 0


Unit = int  # a unit's number


class Entry(NamedTuple):
    """An Item numbered: its key's, its cells' and its unit's numbers (see Numbered)."""

    key: Key
    terms: Mapping[Var, int]
    unit: Unit | None
    counts: bool = True
    tier: int = 0


Sum = tuple[Key, Mapping[Var, int]]  # a relation: (key, terms)
Values = Sequence[int]  # a cell's true count, by its number
# A group of sums no other sum shares a cell with: the keys of its sums and its cells.
Group = tuple[frozenset[Key], frozenset[Var]]
Why = dict[Key, object]  # the published sums that give a number away


def _zeros(span: Span, sums: Sequence[Row], values: Values) -> list[Row]:
    """Cells known to be 0: what is left of a sum of 0 (none of its cells can be below 0)
    once the cells known exactly are taken out."""
    fixed = {p for p, r in span.rows.items() if len(r.terms) == 1}  # and span.known
    known = span.known
    found: list[Row] = []
    for given in (*sums, *span.rows.values()):
        rest = {v: c for v, c in given.terms.items() if v not in known and v not in fixed}
        if not rest or len({c > 0 for c in rest.values()}) != 1:
            continue
        if sum(c * values[v] for v, c in rest.items()):
            continue
        for var in rest:
            found.append(Row({var: 1}, dict(given.why)))
            fixed.add(var)
    return found


class Published:
    """Everything that can be worked out from the shown items and the relations that always
    hold between cells (a total is the sum of its months).

    The cells not known on their own fall into groups that no sum joins (one programme's
    months, say); each group has its own Span, kept from one round of hiding to the next
    while nothing in it changes, so a round costs only the groups it touched."""

    def __init__(self, rounds: _Rounds, hidden: set[Unit]) -> None:
        rounds.shown.update(hidden)
        self.known = rounds.shown.known
        self.unknowns: dict[Key, int] = {}  # a sum's cells not known (see _choose)
        sums = [r for r in rounds.shown.cut if r is not None]
        self.group_of: dict[Var, Group] = {}
        self.spans: dict[Group, Span] = {}
        for group in _groups([s for s in sums if s.terms]):
            cells = {v for r in group for v in r.terms}
            name = (frozenset(k for r in group for k in r.why), frozenset(cells))
            if name not in rounds.kept:
                rounds.kept[name] = _span(self.known, group, rounds.values)
            self.spans[name] = rounds.kept[name]
            self.group_of.update(dict.fromkeys(cells, name))

    def where(self, terms: Mapping[Var, int]) -> tuple[object, ...]:
        """What explain(terms) depends on: the groups its cells are in, or that they are known."""
        return tuple(self.group_of.get(v, v in self.known) for v in terms)

    def explain(self, terms: Mapping[Var, int]) -> Why | None:
        """None when this sum cannot be worked out; otherwise the published sums (not the
        cells known on their own) that give it away."""
        parts: dict[Group, dict[Var, int]] = {}
        for var, c in terms.items():
            if var in self.known or not c:
                continue
            if var not in self.group_of:
                return None  # a cell in no published sum
            parts.setdefault(self.group_of[var], {})[var] = c
        why: Why = {}
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


def _span(known: dict[Var, Key], sums: list[Row], values: Values) -> Span:
    span = Span(known)
    for given in sorted(sums, key=lambda r: len(r.terms)):
        span.add(given)
    while True:
        zeros = [z for z in _zeros(span, sums, values) if span.add(z)]
        if not zeros:
            return span


def _candidates(
    item: Entry, why: Why, span: Published, sums: Sequence[Mapping[Var, int]]
) -> set[Key]:
    """The published numbers that give a hidden item away: the sums it was worked out from,
    and the cells shown on their own inside them."""
    keys = set(why)
    for key in why:
        keys.update(span.known[v] for v in sums[key] if v in span.known)
    keys.update(span.known[v] for v in item.terms if v in span.known)
    return keys


def _choose(keys: set[Key], rounds: _Rounds, hidden: set[Unit], span: Published) -> Unit | None:
    """Of the shown numbers that give a hidden one away, the unit to hide next: not a last
    resort (the widget's big number), not 0 (a 0 is often known anyway, from a total of 0),
    of the lowest tier, one that opens no new gap (each sum it is in already has another
    number not known, so hiding it gives nothing away in turn), and the smallest."""
    first = len(rounds.by_key)  # the relations' keys come after the items'
    options = [rounds.by_key[k] for k in keys if k < first]
    options = [i for i in options if i.unit is not None and i.unit not in hidden]
    if not options:
        return None

    def unknowns(key: Key) -> int:
        if key not in span.unknowns:  # the same for every cell of the sum, all this round
            span.unknowns[key] = sum(v not in span.known for v in rounds.sums[key])
        return span.unknowns[key]

    def opens(i: Entry) -> int:
        """The sums the cell is in whose other cells are all known."""
        if len(i.terms) != 1:
            return 0
        (var,) = i.terms
        itself = var not in span.known
        return sum(unknowns(k) == itself for k in rounds.sums_of.get(var, ()))

    def order(i: Entry) -> tuple[bool, bool, int, int, int, str]:
        value = rounds.value[i.key]
        name = repr(rounds.names[i.key])  # as the caller named it, so ties go the same way
        return (i.tier >= LAST_RESORT, value == 0, i.tier, opens(i), value, name)

    return min(options, key=order).unit


@dataclass
class Numbered:
    """What `hide` works on: every published number, cell and unit given a whole number.

    items: each with its key's number (its place in items), its cells' numbers and
    its unit's number (None: always shown). relations: sums of cells that always come to
    0. unpublished: the numbers of the units never published. values: each cell's true
    count. names: each key's number -> the key (ties between equal candidates are broken by
    its repr). units: each unit's number -> the unit, as `hide` returns it."""

    items: list[Entry]
    relations: list[dict[Var, int]]
    unpublished: set[Unit]
    values: list[int]
    names: list[Hashable]
    units: list[Hashable]


def numbered(
    items: Sequence[Item],
    values: Mapping[Hashable, int],
    relations: Sequence[Mapping[Hashable, int]] = (),
    hidden_already: Iterable[Hashable] = (),
) -> Numbered:
    """Items named by anything hashable, numbered in the order first met (so every dict
    `hide` makes keeps the order the caller gave)."""
    cells: dict[Hashable, Var] = {}
    keys: dict[Hashable, Key] = {}
    units: dict[Hashable, Unit] = {}

    def terms(given: Mapping[Hashable, int]) -> dict[Var, int]:
        return {cells.setdefault(v, len(cells)): c for v, c in given.items()}

    def unit(given: Hashable | None) -> Unit | None:
        return None if given is None else units.setdefault(given, len(units))

    out = [
        Entry(keys.setdefault(i.key, len(keys)), terms(i.terms), unit(i.unit), i.counts, i.tier)
        for i in items
    ]
    if len(keys) != len(out):
        raise ValueError("Two items have the same key")
    tied = [terms(r) for r in relations]
    unpublished = {units.setdefault(u, len(units)) for u in hidden_already if u is not None}
    numbers = [0] * len(cells)
    for var, number in cells.items():
        numbers[number] = values.get(var, 0)
    return Numbered(out, tied, unpublished, numbers, list(keys), list(units))


class _Rounds:
    """One run of `protect`: the published sums, and what is kept from one round of hiding
    to the next (each group's Span, and each hidden item's answer while its groups stay
    the same)."""

    def __init__(self, numbered: Numbered, threshold: int) -> None:
        self.items, self.values = numbered.items, numbered.values
        self.names, self.threshold = numbered.names, threshold
        self.unpublished = numbered.unpublished
        first = len(self.names)  # a relation's key: after every item's
        self.tied: list[Sum] = [(first + n, t) for n, t in enumerate(numbered.relations)]
        self.by_key = self.items  # a key's number is its item's place
        self.sums: list[Mapping[Var, int]] = [i.terms for i in self.items]  # then relations'
        self.value: list[int] = []  # a key's number -> its item's true value
        # Shown on their own (a cell known while its item is shown), and sums of several.
        self.singles: list[tuple[Unit | None, Var, Key]] = []
        self.multis: list[Entry] = []
        values = self.values
        for i in self.items:
            if len(i.terms) == 1:
                for var, c in i.terms.items():
                    self.value.append(c * values[var])
                    self.singles.append((i.unit, var, i.key))
            else:
                self.value.append(value_of(i.terms, values))
                if i.terms:
                    self.multis.append(i)
        self.sums += [terms for _key, terms in self.tied]
        self.sums_of: dict[Var, list[Key]] = {}  # the sums of several cells it is in
        for key, terms in enumerate(self.sums):
            if len(terms) > 1:
                for var in terms:
                    self.sums_of.setdefault(var, []).append(key)
        self.items_of: dict[Unit, list[Key]] = {}
        for i in self.items:
            if i.unit is not None:
                self.items_of.setdefault(i.unit, []).append(i.key)
        self.shown = _Shown(self)
        self.kept: dict[Group, Span] = {}
        self.answers: dict[tuple[Key, tuple[object, ...]], Why | None] = {}

    def small(self, item: Entry) -> bool:
        return item.counts and is_small(self.value[item.key], self.threshold)

    def given_away(self, item: Entry, span: Published) -> Why | None:
        asked = (item.key, span.where(item.terms))
        if asked not in self.answers:
            self.answers[asked] = span.explain(item.terms)
        return self.answers[asked]

    def needs_cover(self, item: Entry) -> bool:
        """A hidden number must stay hidden; one that no address publishes (the "no area"
        row) only when it is small."""
        if not item.terms:
            return False
        if item.unit in self.unpublished:
            return is_small(self.value[item.key], self.threshold)
        return True

    def round(self, hidden: set[Unit]) -> tuple[Published, set[Unit]]:
        """What can be worked out with these hidden, and the units to hide next."""
        span = Published(self, hidden)
        chosen: set[Unit] = set()
        in_order = sorted(k for u in hidden for k in self.items_of.get(u, ()))
        for item in (self.items[k] for k in in_order):  # the hidden items, in their order
            if not self.needs_cover(item):
                continue
            why = self.given_away(item, span)
            if why is None:
                continue
            first = len(self.by_key)
            if any(self.by_key[k].unit in chosen for k in why if k < first):
                continue  # a number hidden in this round may be enough
            unit = _choose(_candidates(item, why, span, self.sums), self, hidden, span)
            if unit is not None:
                chosen.add(unit)
        return span, chosen

    def pointless(self, span: Published, hidden: set[Unit]) -> set[Unit]:
        """Hidden units that are not small and can be worked out anyway (a 0 inside a total
        of 0, say): showing them tells nothing new, and keeps the page from saying "not
        shown" for no reason."""
        units: dict[Unit, list[Entry]] = {}
        for key in sorted(k for u in hidden for k in self.items_of.get(u, ())):
            units.setdefault(self.items[key].unit, []).append(self.items[key])  # type: ignore[arg-type]
        return {
            unit
            for unit, members in units.items()
            if all(not self.small(i) and span.explain(i.terms) is not None for i in members)
        }


class _Shown:
    """The cells known on their own and the published sums less those cells, kept from
    one round to the next: units are only ever hidden, never shown again, so a round works
    out again only the cells of the units it hid and the sums those cells are in."""

    def __init__(self, rounds: _Rounds) -> None:
        self.known: dict[Var, Key] = {}  # a cell -> the first item shown showing it alone
        self.showing: dict[Var, list[tuple[Unit | None, Key]]] = {}  # every such item
        self.cells_of: dict[Unit, list[Var]] = {}  # a unit -> the cells it shows alone
        for unit, var, key in rounds.singles:
            self.showing.setdefault(var, []).append((unit, key))
            if unit is not None:
                self.cells_of.setdefault(unit, []).append(var)
        # The sums of several cells: each shown item's, then each relation's, in order.
        self.sums: list[tuple[Mapping[Var, int], Key, Unit | None]] = [
            (i.terms, i.key, i.unit) for i in rounds.multis
        ]
        self.sums += [(terms, key, None) for key, terms in rounds.tied]
        self.sums_with: dict[Var, list[int]] = {}
        self.sums_of: dict[Unit, list[int]] = {}
        for n, (terms, _key, unit) in enumerate(self.sums):
            for var in terms:
                self.sums_with.setdefault(var, []).append(n)
            if unit is not None:
                self.sums_of.setdefault(unit, []).append(n)
        self.cut: list[Row | None] = []  # each sum less the known cells; None: not shown
        self.hidden: set[Unit] | None = None

    def update(self, hidden: set[Unit]) -> None:
        """The known cells and the sums' unknown parts with these units hidden."""
        if self.hidden is None:
            for var in self.showing:
                self._know(var, hidden)
            cut = Span(self.known)
            self.cut = [
                None if unit in hidden else cut.unknown_part(terms, key)
                for terms, key, unit in self.sums
            ]
        else:
            new = hidden - self.hidden
            cells = {var for unit in new for var in self.cells_of.get(unit, ())}
            for var in cells:
                self._know(var, hidden)
            cut = Span(self.known)
            for n in {n for var in cells for n in self.sums_with.get(var, ())}:
                terms, key, unit = self.sums[n]
                if unit not in hidden:
                    self.cut[n] = cut.unknown_part(terms, key)
            for unit in new:
                for n in self.sums_of.get(unit, ()):
                    self.cut[n] = None
        self.hidden = set(hidden)

    def _know(self, var: Var, hidden: set[Unit]) -> None:
        for unit, key in self.showing[var]:
            if unit not in hidden:
                self.known[var] = key
                return
        self.known.pop(var, None)


def value_of(terms: Mapping[Var, int], values: Values) -> int:
    return sum(c * values[v] for v, c in terms.items())


def protect(
    items: Sequence[Item],
    values: Mapping[Hashable, int],
    threshold: int,
    relations: Sequence[Mapping[Hashable, int]] = (),
    hidden_already: Iterable[Hashable] = (),
) -> frozenset[Hashable]:
    """The units to hide so that no hidden item can be worked out from the shown ones.

    relations: sums of cells that always come to 0 (a total minus its months).
    hidden_already: units never published (kept hidden; protected only where small)."""
    return hide(numbered(items, values, relations, hidden_already), threshold)


def hide(problem: Numbered, threshold: int) -> frozenset[Hashable]:
    """`protect` for a problem already numbered (server/public/model.py numbers its own)."""
    rounds = _Rounds(problem, threshold)
    hidden = set(problem.unpublished)
    hidden.update(i.unit for i in rounds.items if i.unit is not None and rounds.small(i))
    while True:
        span, chosen = rounds.round(hidden)
        if not chosen:
            kept = hidden - rounds.pointless(span, hidden)
            return frozenset(problem.units[u] for u in kept)
        hidden |= chosen
