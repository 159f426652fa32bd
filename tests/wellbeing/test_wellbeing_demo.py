"""The demo's wellbeing answers look real: champions only, scores 0 to 10, some skipped,
some blanks, some people better at the follow-up and some not, and none in the future."""

from __future__ import annotations

from datetime import UTC, datetime

from schema import tables as t
from server.demo import load_demo
from server.wellbeing.services import wellbeing_figures

SCALE = 0.05  # about 150 people: enough recent champions for a figure, and quick


async def test_the_demo_has_plausible_answers_that_the_console_can_show():
    counts = await load_demo(SCALE)
    rows = await t.WellbeingAnswer.select(
        *t.WellbeingAnswer.all_columns(), t.WellbeingAnswer.programme.kind.as_alias("kind")
    )
    assert counts["wellbeing_answers"] == len(rows) > 0
    assert {r["kind"] for r in rows} == {"champion"}
    assert {r["months"] for r in rows} == {0, 3, 12}
    assert any(r["skipped"] for r in rows) and not all(r["skipped"] for r in rows)
    keys = ("life_satisfaction", "worthwhile", "happiness", "anxiety")
    scores = [r[k] for r in rows if not r["skipped"] for k in keys]
    assert None in scores and all(0 <= s <= 10 for s in scores if s is not None)
    assert all(r["answered_at"] <= datetime.now(UTC) for r in rows)
    before = {(r["person"], r["programme"]): r for r in rows if r["months"] == 0}
    pairs = [(before[(r["person"], r["programme"])]["life_satisfaction"], r["life_satisfaction"])
             for r in rows if r["months"] == 3]  # fmt: skip
    changes = [b - a for a, b in pairs if a is not None and b is not None]
    assert any(c > 0 for c in changes) and any(c <= 0 for c in changes)
    figures = await wellbeing_figures()
    assert figures.borough.follow_ups[0].any_shown
