"""The wellbeing figures the database adds up (issue 17) against the way they were worked
out before, in Python from every answer (tests/helpers/wellbeing_reference.py), on random
answers: several programmes per person (a Friends one too, which never counts), answers on
joining and at the follow-ups, at other months, blanks, skips, the same time for several
programmes, and answers after the day asked about. Runs on both engines."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from schema.tables import Programme, WellbeingAnswer
from server.console.wellbeing_figures import download_rows, group_view
from server.wellbeing.figures import Group
from server.wellbeing.services import end_of, wellbeing_figures
from tests.helpers import factories as f
from tests.helpers.wellbeing import answers
from tests.helpers.wellbeing_reference import Answer, group_figures

SLUGS = ("health-champions", "heart-champions", "cancer-champions", "dementia-friends")
START = datetime(2025, 1, 6, 9, tzinfo=UTC)


def _score(rng: random.Random) -> int | None:
    return None if rng.random() < 0.15 else rng.randint(0, 10)


async def _random_answers(rng: random.Random, people: int) -> None:
    programmes = [await f.programme_id(slug) for slug in SLUGS]
    for n in range(people):
        person = await f.person(f"Person {n}")
        joined = START + timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 600))
        mine = rng.sample(programmes, rng.choice((1, 1, 2, 3)))
        together = rng.random() < 0.3  # answered for all their programmes at once
        for k, programme in enumerate(mine):
            for months in (0, 3, 6, 12):  # 6 is no point: never counted
                if rng.random() < (0.2 if months == 0 else 0.35):
                    continue  # not answered at this point
                at = joined + timedelta(days=30 * months)
                if not together:
                    at += timedelta(hours=rng.randint(0, 200) - k)
                scores = None if rng.random() < 0.1 else tuple(_score(rng) for _ in range(4))
                await answers(person, programme, months, scores, at=at)  # type: ignore[arg-type]


async def _reference(as_at: date, follow_ups: tuple[int, ...], small: int) -> list[Group]:
    """The borough's figures, then each champion programme's, the way they were before."""
    rows = await WellbeingAnswer.select().where(WellbeingAnswer.answered_at < end_of(as_at))
    keys = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
    every = [
        Answer(r["person"], r["programme"], r["months"], {k: r[k] for k in keys},
               r["skipped"], r["answered_at"])
        for r in rows if r["months"] in (0, *follow_ups)
    ]  # fmt: skip
    champions = (
        await Programme.select(Programme.id, Programme.slug, Programme.name)
        .where(Programme.kind == "champion")
        .order_by(Programme.sort_order)
        .order_by(Programme.name)
    )
    ids = {p["id"] for p in champions}
    borough = [a for a in every if a.programme in ids]
    return [
        group_figures("borough", "All champion programmes (each person once)", borough,
                      follow_ups, small),
        *[group_figures(p["slug"], p["name"], [a for a in every if a.programme == p["id"]],
                        follow_ups, small) for p in champions],
    ]  # fmt: skip


def _same(new: Group, old: Group) -> None:
    assert (new.key, new.name, new.answered, new.skipped) == (
        old.key, old.name, old.answered, old.skipped)  # fmt: skip
    assert [f.months for f in new.follow_ups] == [f.months for f in old.follow_ups]
    for n_follow, o_follow in zip(new.follow_ups, old.follow_ups, strict=True):
        for n, o in zip(n_follow.changes, o_follow.changes, strict=True):
            assert (n.measure, n.people, n.shown) == (o.measure, o.people, o.shown)
            # Sums of whole numbers over n: exactly the same floats.
            assert (n.before, n.after, n.change, n.improved) == (
                o.before, o.after, o.change, o.improved)  # fmt: skip
            # The spread: Python added each squared difference in turn, the database's
            # sums give it in whole numbers; the two agree to the last few bits.
            for a, b in ((n.low, o.low), (n.high, o.high)):
                assert (a is None) == (b is None)
                if a is not None and b is not None:
                    assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("seed, small", [(1, 1), (2, 3), (3, 5)])
async def test_the_sums_give_the_figures_the_python_way_gave(client, settings, seed, small):
    settings(SMALL_NUMBER=str(small))
    rng = random.Random(seed)
    await _random_answers(rng, people=70)
    for as_at in (date(2025, 3, 31), date(2025, 9, 30), date(2026, 12, 31)):
        figures = await wellbeing_figures(as_at)
        old = await _reference(as_at, figures.follow_ups, small)
        new = [figures.borough, *figures.programmes]
        assert len(new) == len(old)
        for n, o in zip(new, old, strict=True):
            _same(n, o)
            # What a coordinator reads (two decimals, whole percentages): the same words.
            assert group_view(n, small) == group_view(o, small)
        assert figures.borough.answered[0] > 0  # the random answers reached the figures
    shown = [c for f in figures.borough.follow_ups for c in f.changes if c.shown]
    assert shown and all(c.low is not None for c in shown)
    assert download_rows(figures)  # the download reads the same figures
