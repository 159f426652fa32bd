"""Small numbers: hidden, and never to be worked out from the totals beside them."""

from __future__ import annotations

import itertools
import random

from server.lib.suppression import hidden_cells, is_small


def grid(rows: list[list[int]]) -> dict[tuple[int, int], int]:
    return {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row)}


def test_counts_of_one_to_four_are_small_and_none_is_not():
    assert [is_small(v, 5) for v in (0, 1, 4, 5, 50)] == [False, True, True, False, False]


def test_a_lone_small_count_takes_the_smallest_other_with_it_in_its_row_and_column():
    cells = grid([[3, 40, 12], [20, 30, 9], [25, 8, 50]])
    hidden = hidden_cells(cells, range(3), range(3), 5)
    assert (0, 0) in hidden
    assert sum(k[0] == 0 for k in hidden) >= 2 and sum(k[1] == 0 for k in hidden) >= 2
    assert (0, 2) in hidden and (1, 0) in hidden  # the smallest beside it: 12 and 20


def test_nothing_small_hides_nothing():
    assert hidden_cells(grid([[5, 6], [7, 8]]), range(2), range(2), 5) == set()


def test_the_threshold_can_be_changed():
    cells = grid([[7, 40], [20, 30]])
    assert hidden_cells(cells, range(2), range(2), 5) == set()
    assert (0, 0) in hidden_cells(cells, range(2), range(2), 10)


def _recoverable(cells, hidden, rows, cols) -> bool:
    """Could a hidden value be worked out from a row or column total by subtraction?"""
    lines = [[(r, c) for c in cols] for r in rows] + [[(r, c) for r in rows] for c in cols]
    return any(sum(k in hidden for k in line) == 1 for line in lines)


def test_no_hidden_count_can_be_worked_out_in_random_tables():
    rng = random.Random(5)
    for _ in range(300):
        n_rows, n_cols = rng.randint(1, 8), rng.randint(1, 9)
        cells = {
            (r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 12, 40, 300])
            for r, c in itertools.product(range(n_rows), range(n_cols))
        }
        hidden = hidden_cells(cells, range(n_rows), range(n_cols), 5)
        assert all(k in hidden for k, v in cells.items() if is_small(v, 5))
        if n_rows > 1 and n_cols > 1:
            assert not _recoverable(cells, hidden, range(n_rows), range(n_cols)), cells
