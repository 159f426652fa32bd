"""Exact linear algebra for "can this number be worked out from what is published?".

Every published number is a sum of true cells (an area's members in a programme in a month,
say). A hidden number can be worked out exactly when its sum is a combination of the
published ones: when its vector lies in their row space. `Span` keeps the published sums
in reduced row echelon form with exact arithmetic (whole numbers while the pivots are 1 or
-1, as they are for sums of cells; fractions otherwise; never floats, in which 0.1 + 0.2 is
not 0.3), and remembers which published sums each row was made from, so that when a hidden
number can be worked out, it can say from which ones (the numbers to hide next).

Cells published on their own are taken out of every sum first (`known`), so the rows hold
only what is not known: a few hundred, not the tens of thousands of cells. Cells and published
sums are numbered (server/public/suppress.py `Numbered`): a number is hashed at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

Var = int  # a cell's number
Key = int  # a published sum's number
Number = int | Fraction
Coefficients = dict[int, Number]


def _add_to(target: Coefficients, factor: Number, source: Mapping[int, Number]) -> None:
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

    def __init__(self, known: Mapping[Var, Key] | None = None) -> None:
        self.known = known if known is not None else {}  # cell -> key of the number showing it
        self.rows: dict[Var, Row] = {}  # pivot -> row, with coefficient 1 at the pivot
        self.holding: defaultdict[Var, set[Var]] = defaultdict(set)  # cell -> pivots of rows

    def unknown_part(self, terms: Mapping[Var, int], why: Key | None = None) -> Row:
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
