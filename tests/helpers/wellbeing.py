"""Wellbeing answers written straight to the table, for the figures' tests and the pages'."""

from __future__ import annotations

from datetime import UTC, datetime

from schema.tables import WellbeingAnswer

SCORES = ("life_satisfaction", "worthwhile", "happiness", "anxiety")


async def answers(
    person: int,
    programme: int,
    months: int,
    scores: tuple[int | None, int | None, int | None, int | None] | None,
    at: datetime | None = None,
) -> None:
    """One row: the four scores in ONS order (life satisfaction, worthwhile, happiness,
    anxiety), or None for "chose to skip"."""
    values: dict[str, object] = dict(zip(SCORES, scores or (None,) * 4, strict=True))
    await WellbeingAnswer.insert(
        WellbeingAnswer.from_dict({
            "person": person, "programme": programme, "months": months,
            "skipped": scores is None, "answered_at": at or datetime.now(UTC), **values,
        })
    )  # fmt: skip
