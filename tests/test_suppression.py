"""Small numbers: hidden, and never to be worked out from the totals beside them."""

from __future__ import annotations

import itertools
import random

from server.lib.suppression import is_small, protect


def grid(rows: list[list[int]]) -> dict[tuple[int, int], int]:
    return {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row)}


def test_counts_of_one_to_four_are_small_and_none_is_not():
    assert [is_small(v, 5) for v in (0, 1, 4, 5, 50)] == [False, True, True, False, False]


def test_a_lone_small_count_takes_another_with_it():
    cells = grid([[3, 40, 12], [20, 30, 9], [25, 8, 50]])
    p = protect(cells, range(3), range(3), 5)
    assert p.cell(0, 0)
    assert sum(p.cell(0, c) for c in range(3)) >= 2 and sum(p.cell(r, 0) for r in range(3)) >= 2
    assert not p.cell(2, 2) and not p.row(2)


def test_nothing_small_hides_nothing():
    assert protect(grid([[5, 6], [7, 8]]), range(2), range(2), 5).hidden == frozenset()


def test_the_threshold_can_be_changed():
    cells = grid([[7, 40], [20, 30]])
    assert not protect(cells, range(2), range(2), 5).cell(0, 0)
    assert protect(cells, range(2), range(2), 10).cell(0, 0)


def test_an_area_with_one_programme_hides_its_own_total_to_protect_another():
    # Areas down the side, programmes across; only the first programme has anything.
    # Leigh's 1 would be 17 - 9 - 7, and Wigan's 7 is also Wigan's own total.
    cells = {("AS", "hc"): 9, ("LE", "hc"): 1, ("WC", "hc"): 7}
    areas, programmes = ["AS", "LE", "WC"], ["hc", "heart"]
    p = protect(cells, areas, programmes, 5)
    assert p.cell("LE", "hc") and p.row("LE")
    assert p.cell("WC", "hc") and p.row("WC")
    assert not p.cell("AS", "hc") and not p.column("hc")


def derivable(cells, p, rows, cols, row_totals=True) -> set:
    """Everything hidden that can be worked out: each sum with one unknown, and zeros."""
    values = {("cell", r, c): cells.get((r, c), 0) for r in rows for c in cols}
    for c in cols:
        values[("column", c)] = sum(values[("cell", r, c)] for r in rows)
    if row_totals:
        for r in rows:
            values[("row", r)] = sum(values[("cell", r, c)] for c in cols)
    values[("all",)] = sum(cells.values())
    sums = [([("cell", r, c) for r in rows], ("column", c)) for c in cols]
    sums.append(([("column", c) for c in cols], ("all",)))
    if row_totals:
        sums += [([("cell", r, c) for c in cols], ("row", r)) for r in rows]
        sums.append(([("row", r) for r in rows], ("all",)))
    known = {k for k in values if k not in p.hidden}
    changed = True
    while changed:
        changed = False
        for parts, total in sums:
            unknown = [k for k in (*parts, total) if k not in known]
            if total in known and values[total] == 0 and unknown:
                known.update(unknown)
                changed = True
            elif len(unknown) == 1:
                known.update(unknown)
                changed = True
    return p.hidden & known


def test_no_small_count_can_be_worked_out_in_random_tables():
    rng = random.Random(5)
    for _ in range(300):
        n_rows, n_cols = rng.randint(1, 8), rng.randint(1, 9)
        cells = {
            (r, c): rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 12, 40, 300])
            for r, c in itertools.product(range(n_rows), range(n_cols))
        }
        row_totals = rng.random() < 0.7
        p = protect(cells, range(n_rows), range(n_cols), 5, row_totals=row_totals)
        small = {("cell", r, c) for (r, c), v in cells.items() if is_small(v, 5)}
        assert small <= p.hidden
        leaked = derivable(cells, p, range(n_rows), range(n_cols), row_totals)
        assert not (leaked & small), (cells, leaked)


def test_a_table_that_shares_numbers_with_others_is_protected_too():
    """The borough's totals stay shown (published elsewhere); totals hidden elsewhere stay
    hidden; and still nothing hidden can be worked out."""
    rng = random.Random(11)
    for _ in range(300):
        n_rows, n_cols = rng.randint(2, 8), rng.randint(1, 9)
        cells = {
            (r, c): rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 12, 40, 300])
            for r, c in itertools.product(range(n_rows), range(n_cols))
        }
        boroughs = [("all",), *(("column", c) for c in range(n_cols))]
        elsewhere = [("row", r) for r in range(n_rows) if rng.random() < 0.2]
        p = protect(
            cells,
            range(n_rows),
            range(n_cols),
            5,
            hidden_already=elsewhere,
            shown_elsewhere=boroughs,
        )
        small = {("cell", r, c) for (r, c), v in cells.items() if is_small(v, 5)}
        assert small | set(elsewhere) <= p.hidden
        assert not p.hidden & set(boroughs), cells
        leaked = derivable(cells, p, range(n_rows), range(n_cols), True)
        assert not leaked & (small | set(elsewhere)), (cells, elsewhere, leaked)
