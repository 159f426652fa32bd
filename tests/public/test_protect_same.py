"""What to hide, worked out on numbered cells (server/public/suppress.py `hide`, with
server/public/model.py numbering its own), hides exactly what the way before it hid
(tests/helpers/protect_reference.py, the code of 1 December 2026 kept unchanged), on random
tables and on random movements written as the public numbers are."""

from __future__ import annotations

import itertools
import random

import pytest

from server.public import model as numbered_model
from server.public.model import NO_AREA, Facts
from server.public.suppress import Item, hide, protect
from tests.helpers import protect_reference as reference

SMALLISH = [0, 0, 0, 1, 2, 3, 4, 5, 6, 9, 12, 40, 300]


def random_table(rng: random.Random) -> tuple[list[Item], dict, list[dict], set]:
    """A table with column totals always shown, cells, row totals on some tables, and a
    relation (a row's total is its cells) or a unit never published on some."""
    n_rows, n_cols = rng.randint(2, 6), rng.randint(1, 7)
    cells = {
        (r, c): rng.choice(SMALLISH) for r, c in itertools.product(range(n_rows), range(n_cols))
    }
    items = [Item(("cell", r, c), {(r, c): 1}, ("cell", r, c)) for r, c in cells]
    items += [Item(("column", c), {(r, c): 1 for r in range(n_rows)}, None) for c in range(n_cols)]
    relations: list[dict] = []
    if rng.random() < 0.7:
        for r in range(n_rows):
            cells[("total", r)] = sum(cells[(r, c)] for c in range(n_cols))
            items.append(Item(("row", r), {("total", r): 1}, ("row", r), tier=rng.randint(0, 4)))
            relations.append({("total", r): 1, **{(r, c): -1 for c in range(n_cols)}})
    unpublished = {("row", 0)} if relations and rng.random() < 0.3 else set()
    return items, cells, relations, unpublished


def test_random_tables_hide_the_same_as_before():
    rng = random.Random(17)
    hid_something = 0
    for _ in range(300):
        items, cells, relations, unpublished = random_table(rng)
        before = reference.protect(items, cells, 5, relations, unpublished)  # type: ignore[arg-type]
        now = protect(items, cells, 5, relations, unpublished)
        assert now == before, cells
        hid_something += bool(before)
    assert hid_something > 100  # the tables were worth checking


def random_facts(rng: random.Random) -> Facts:
    """A small movement's true numbers, with many small counts and many 0s."""
    codes = [f"A{n}" for n in range(rng.randint(1, 4))]
    programmes = [(f"p{n}", rng.choice(["friend", "champion"])) for n in range(rng.randint(1, 3))]
    months = [f"2026-0{n + 1}" for n in range(rng.randint(1, 5))]
    areas = [*codes, NO_AREA]
    cells = {
        (family, area, slug, month): count
        for family in ("M", "S", "R", "A", "H")
        for area in areas
        for slug, _kind in programmes
        for month in months
        if (count := rng.choice(SMALLISH))
    }
    elsewhere = {(a, s): rng.choice(SMALLISH) for a in areas for s, _ in programmes}
    people = {a: rng.choice(SMALLISH) for a in areas}
    parts = {
        (breakdown, group, measure): rng.choice(SMALLISH)
        for breakdown, groups, measures in (
            ("setting", ["home", "online"], ["activities", "reach"]),
            ("topic", ["diet", "sleep"], ["activities", "reach"]),
            ("place_deprivation", ["1", "2", "none"], ["activities", "reach"]),
            ("home_deprivation", ["1", "5"], ["people"]),
        )
        for group in groups
        for measure in measures
        if rng.random() < 0.8
    }
    return Facts(codes, programmes, months, cells, elsewhere, people, parts)


@pytest.mark.parametrize("seed", range(8))
def test_random_movements_hide_the_same_as_before(seed):
    rng = random.Random(seed)
    hid_something = 0
    for _ in range(15):
        facts = random_facts(rng)
        items, relations, unpublished = reference.model(facts)
        before = reference.protect(items, reference.values_of(facts), 5, relations, unpublished)
        assert hide(numbered_model.model(facts), 5) == before
        hid_something += bool(before - unpublished)
    assert hid_something >= 10


def test_the_numbered_model_writes_the_same_sums_as_the_named_one():
    """Item by item: the same key, the same unit, the same cells with the same true values
    (a cell's number stands for one name only), and the same relations."""
    facts = random_facts(random.Random(3))
    items, relations, unpublished = reference.model(facts)
    values = reference.values_of(facts)
    problem = numbered_model.model(facts)
    name_of: dict[object, object] = {}

    def same(named: dict, numbered: dict) -> None:
        assert list(numbered.values()) == list(named.values())
        for var, number in zip(named, numbered, strict=True):
            assert name_of.setdefault(number, var) == var
            assert problem.values[number] == values.get(var, 0)

    assert len(problem.items) == len(items)
    for old, new in zip(items, problem.items, strict=True):
        assert problem.names[new.key] == old.key
        unit = None if new.unit is None else problem.units[new.unit]
        assert (unit, new.counts, new.tier) == (old.unit, old.counts, old.tier)
        same(dict(old.terms), dict(new.terms))
    for old_relation, new_relation in zip(relations, problem.relations, strict=True):
        same(old_relation, new_relation)
    assert {problem.units[u] for u in problem.unpublished} == unpublished  # type: ignore[index]


def test_two_items_with_one_key_are_refused():
    items = [Item("a", {1: 1}, "a"), Item("a", {2: 1}, "b")]
    with pytest.raises(ValueError, match="same key"):
        protect(items, {1: 2, 2: 3}, 5)


def test_a_movement_with_no_months_yet_hides_nothing():
    facts = Facts(["A0"], [("p0", "friend")], [], {}, {}, {"A0": 0, NO_AREA: 0})
    assert hide(numbered_model.model(facts), 5) == frozenset()
    assert reference.protect(*_reference_problem(facts)) == frozenset()


def _reference_problem(facts: Facts) -> tuple:
    items, relations, unpublished = reference.model(facts)
    return items, reference.values_of(facts), 5, relations, unpublished
