"""Small numbers kept out of public breakdowns.

A count under the threshold (SMALL_NUMBER, 5 by default) could point to someone, so public
breakdowns by area show it as "fewer than 5". Hiding it alone is not enough: the table's
row and column totals are published too (the borough's numbers, an area's numbers), so a
hidden count could be worked out as a total minus the others. So `protect` treats a table
and its totals as a set of sums that anyone can check, and keeps hiding one more number
(the smallest it can) until no hidden number can be worked out from what is shown, by
subtraction, or because a total of 0 means every count in it is 0 ("complementary
suppression"). A total that is small is itself hidden.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Key = tuple[Hashable, ...]  # ("cell", row, column) | ("row", row) | ("column", column) | ("all",)
ALL: Key = ("all",)


def is_small(value: int, threshold: int) -> bool:
    """Counts from 1 to threshold - 1 are small; none (0) identifies anyone."""
    return 0 < value < threshold


@dataclass(frozen=True)
class Protected:
    """Which numbers of a table to hide."""

    hidden: frozenset[Key]

    def cell(self, row: Hashable, column: Hashable) -> bool:
        return ("cell", row, column) in self.hidden

    def row(self, row: Hashable) -> bool:
        return ("row", row) in self.hidden

    def column(self, column: Hashable) -> bool:
        return ("column", column) in self.hidden


Sum = tuple[list[Key], Key]  # the parts, and the total they add up to


def _sums(rows: list[Hashable], columns: list[Hashable], row_totals: bool) -> list[Sum]:
    sums: list[Sum] = [([("cell", r, c) for r in rows], ("column", c)) for c in columns]
    sums.append(([("column", c) for c in columns], ALL))
    if row_totals:
        sums += [([("cell", r, c) for c in columns], ("row", r)) for r in rows]
        sums.append(([("row", r) for r in rows], ALL))
    return sums


def _leak(sums: list[Sum], values: Mapping[Key, int], hidden: set[Key]) -> Sum | None:
    """A sum from which a hidden number can be worked out, after working out all that can
    be; None when every hidden number is safe."""
    known = {key for key in values if key not in hidden}
    changed = True
    while changed:
        changed = False
        for parts, total in sums:
            if total in known and values[total] == 0:
                new = [p for p in parts if p not in known]  # counts are never below 0
                if new:
                    known.update(new)
                    changed = True
                continue
            unknown = [k for k in (*parts, total) if k not in known]
            if len(unknown) == 1:
                return parts, total
    return None


def protect(
    cells: Mapping[Any, int],  # (row, column) -> count
    rows: Iterable[Hashable],
    columns: Iterable[Hashable],
    threshold: int,
    row_totals: bool = True,
    hidden_already: Iterable[Key] = (),
    shown_elsewhere: Iterable[Key] = (),
) -> Protected:
    """What to hide in a table (rows x columns) whose column totals, overall total and,
    when row_totals, row totals are published beside it.

    A table is often part of a bigger set of public numbers. hidden_already: numbers hidden
    there (in another table they belong to), kept hidden here. shown_elsewhere: numbers
    published there (the borough's, say), which hiding here would not hide: they are never
    chosen, even when small, and others are hidden in their place."""
    rows, columns = list(rows), list(columns)
    values: dict[Key, int] = {
        ("cell", r, c): int(cells.get((r, c), 0)) for r in rows for c in columns
    }
    for c in columns:
        values[("column", c)] = sum(values[("cell", r, c)] for r in rows)
    for r in rows:
        values[("row", r)] = sum(values[("cell", r, c)] for c in columns)
    values[ALL] = sum(values[("column", c)] for c in columns)
    if not row_totals:
        values = {k: v for k, v in values.items() if k[0] != "row"}
    fixed = set(shown_elsewhere)
    hidden = {key for key, value in values.items() if is_small(value, threshold)} - fixed
    hidden.update(key for key in hidden_already if key in values)
    sums = _sums(rows, columns, row_totals)
    while hidden:
        leak = _leak(sums, values, hidden)
        if leak is None:
            break
        parts, total = leak
        shown = [k for k in (*parts, total) if k not in hidden and k not in fixed and k != ALL]
        if not shown:
            break  # nothing left that may be hidden: the numbers published elsewhere tell
        hidden.add(min(shown, key=lambda k: (values[k] == 0, values[k])))
    return Protected(frozenset(hidden))
