"""Small numbers kept out of public breakdowns.

A count under the threshold (5 by default: SMALL_NUMBER) could point to someone, so public
breakdowns by area show it as "fewer than 5". Hiding it alone is not enough when the
table's totals are published too: the hidden value would be the total minus the others.
So every row and every column of a table that has one hidden cell gets a second one
hidden as well ("complementary suppression"): the smallest other count in it, so that as
little as possible is lost. Repeating that until nothing changes protects the rows and
columns together.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


def is_small(value: int, threshold: int) -> bool:
    """Counts from 1 to threshold - 1 are small; none (0) identifies anyone."""
    return 0 < value < threshold


def _second_hidden(
    line: Sequence[tuple[R, C]], cells: Mapping[tuple[R, C], int], hidden: set[tuple[R, C]]
) -> tuple[R, C] | None:
    """The cell to hide beside a lone hidden one: the smallest count above 0, else a 0."""
    shown = [key for key in line if key not in hidden]
    if not shown:
        return None
    return min(shown, key=lambda key: (cells.get(key, 0) == 0, cells.get(key, 0)))


def hidden_cells(
    cells: Mapping[tuple[R, C], int],
    rows: Iterable[R],
    columns: Iterable[C],
    threshold: int,
) -> set[tuple[R, C]]:
    """Which cells of a table (rows x columns, totals of both published) to hide."""
    rows, columns = list(rows), list(columns)
    hidden = {key for key, value in cells.items() if is_small(value, threshold)}
    lines = [[(r, c) for c in columns] for r in rows] + [[(r, c) for r in rows] for c in columns]
    changed = bool(hidden)
    while changed:
        changed = False
        for line in lines:
            if sum(key in hidden for key in line) == 1:
                extra = _second_hidden(line, cells, hidden)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
    return hidden


def shown(value: int, hide: bool) -> int | None:
    """A count as published: None stands for "fewer than" the threshold."""
    return None if hide else value
