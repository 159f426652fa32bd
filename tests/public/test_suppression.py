"""Small numbers: hidden, and never to be worked out from the numbers beside them, checked
with the proof's own exact elimination (tests/helpers/public_proof.py), not the engine's."""

from __future__ import annotations

import itertools
import random

from server.public.suppress import Item, is_small, protect
from tests.helpers.public_proof import Published, Truth, derivable


def table(cells: dict[tuple[int, int], int], row_totals: bool = True) -> list[Item]:
    """A table with its column totals (always shown, like the borough's), its cells and,
    when row_totals, its row totals (each hidden on its own)."""
    rows = sorted({r for r, _ in cells})
    cols = sorted({c for _, c in cells})
    items = [Item(("cell", r, c), {(r, c): 1}, ("cell", r, c)) for r, c in cells]
    items += [Item(("column", c), {(r, c): 1 for r in rows}, None) for c in cols]
    if row_totals:
        items += [Item(("row", r), {(r, c): 1 for c in cols}, ("row", r)) for r in rows]
    return items


def grid(rows: list[list[int]]) -> dict[tuple[int, int], int]:
    return {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row)}


def leaks(items: list[Item], cells: dict, hidden: frozenset) -> list[str]:
    """The hidden items, and the small cells, that the shown items give away."""
    truth = Truth([], [], [], dict(cells))
    pub = Published(truth)
    for item in items:
        value = None if item.unit in hidden else truth.value(dict(item.terms))  # type: ignore[arg-type]
        pub.add(dict(item.terms), value, repr(item.key))  # type: ignore[arg-type]
    small = [({k: 1}, f"small {k}") for k, v in cells.items() if is_small(v, 5)]
    return derivable(pub, [*pub.hidden, *small])


def test_counts_of_one_to_four_are_small_and_none_is_not():
    assert [is_small(v, 5) for v in (0, 1, 4, 5, 50)] == [False, True, True, False, False]


def test_a_lone_small_count_takes_another_with_it():
    cells = grid([[3, 40, 12], [20, 30, 9], [25, 8, 50]])
    items = table(cells)
    hidden = protect(items, cells, 5)  # type: ignore[arg-type]
    assert ("cell", 0, 0) in hidden
    assert len(hidden) >= 2 and ("cell", 2, 2) not in hidden
    assert leaks(items, cells, hidden) == []


def test_nothing_small_hides_nothing():
    cells = grid([[5, 6], [7, 8]])
    assert protect(table(cells), cells, 5) == frozenset()  # type: ignore[arg-type]


def test_the_threshold_can_be_changed():
    cells = grid([[7, 40], [20, 30]])
    assert ("cell", 0, 0) not in protect(table(cells), cells, 5)  # type: ignore[arg-type]
    assert ("cell", 0, 0) in protect(table(cells), cells, 10)  # type: ignore[arg-type]


def test_a_number_given_away_only_by_adding_and_taking_away_several_sums_is_protected():
    """Two blocks of hidden cells joined by one: no sum has a single unknown, yet rows 0 and
    1 less columns 0 and 1 give the joining cell (the old "one unknown at a time" check
    let this through)."""
    cells = grid([[9, 9, 0, 0], [9, 9, 2, 0], [0, 0, 9, 9], [0, 0, 9, 9]])
    items = table(cells)
    hidden = protect(items, cells, 5)  # type: ignore[arg-type]
    assert ("cell", 1, 2) in hidden
    assert leaks(items, cells, hidden) == []


def test_a_total_of_0_gives_away_every_cell_in_it():
    cells = grid([[3, 0], [0, 0], [6, 7]])
    items = table(cells)
    hidden = protect(items, cells, 5)  # type: ignore[arg-type]
    assert leaks(items, cells, hidden) == []


def test_no_small_or_hidden_number_can_be_worked_out_in_random_tables():
    rng = random.Random(5)
    for _ in range(200):
        # At least two rows: a lone row's cells are the borough's own numbers.
        n_rows, n_cols = rng.randint(2, 6), rng.randint(1, 7)
        cells = {
            (r, c): rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 12, 40, 300])
            for r, c in itertools.product(range(n_rows), range(n_cols))
        }
        items = table(cells, row_totals=rng.random() < 0.7)
        hidden = protect(items, cells, 5)  # type: ignore[arg-type]
        small = {("cell", *k) for k, v in cells.items() if is_small(v, 5)}
        assert small <= hidden
        assert leaks(items, cells, hidden) == [], cells
