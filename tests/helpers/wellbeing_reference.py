"""The wellbeing figures worked out the way they were before issue 17, in Python from every
answer (kept here, as it was in server/wellbeing/figures.py, to check the database's sums
against): each person's answer on joining paired with the follow-up, then the means, the
paired t interval and the share improved from the pairs themselves."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from server.wellbeing.figures import (
    MEASURES,
    Change,
    FollowUp,
    Group,
    Measure,
    t_quantile,
)


@dataclass(frozen=True)
class Answer:
    """One row of answers, as the figures need it."""

    person: int
    programme: int
    months: int  # 0: on joining (the baseline)
    scores: Mapping[str, int | None]  # by measure key; None: left blank
    skipped: bool
    answered_at: datetime

    @cached_property  # read for every pair at every point: worked out once
    def answered(self) -> bool:
        """Answered at least one question (not skipped, not all blank)."""
        return not self.skipped and any(v is not None for v in self.scores.values())


def paired_change(measure: Measure, pairs: Sequence[tuple[int, int]], small: int) -> Change:
    """The change in one measure for these (before, after) pairs, one per person."""
    n = len(pairs)
    if n < max(small, 1):
        return Change(measure, n, shown=False)
    differences = [after - before for before, after in pairs]
    mean = sum(differences) / n
    low = high = None
    if n > 1:
        sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / (n - 1))
        margin = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
        low, high = mean - margin, mean + margin
    better = sum(1 for d in differences if (d < 0 if measure.lower_is_better else d > 0))
    return Change(
        measure,
        n,
        shown=True,
        before=sum(b for b, _ in pairs) / n,
        after=sum(a for _, a in pairs) / n,
        change=mean,
        low=low,
        high=high,
        improved=better / n,
    )


def _counts(answers: Iterable[Answer], points: Sequence[int]) -> tuple[dict[int, int], ...]:
    """People who answered, and people who skipped, at each point (each person once)."""
    answered: dict[int, set[int]] = {p: set() for p in points}
    skipped: dict[int, set[int]] = {p: set() for p in points}
    for a in answers:
        if a.months in answered and a.answered:
            answered[a.months].add(a.person)
        elif a.months in skipped and a.skipped:
            skipped[a.months].add(a.person)
    for point in points:
        skipped[point] -= answered[point]  # answered for one programme: counted as answered
    return {p: len(s) for p, s in answered.items()}, {p: len(s) for p, s in skipped.items()}


def _follow_up(months: int, pairs: Sequence[tuple[Answer, Answer]], small: int) -> FollowUp:
    changes = []
    for measure in MEASURES:
        scored = [
            (before.scores[measure.key], after.scores[measure.key]) for before, after in pairs
        ]
        both = [(b, a) for b, a in scored if b is not None and a is not None]
        changes.append(paired_change(measure, both, small))
    return FollowUp(months, changes)


Keyed = dict[tuple[int, int, int], Answer]  # (person, programme, months) -> answered


def _answered_by_key(answers: Sequence[Answer]) -> tuple[Keyed, list[Answer]]:
    """The answered answers by (person, programme, point), and the baselines among them in
    the order _pairs_of takes them: answered first, then the lowest programme id."""
    by_key = {(a.person, a.programme, a.months): a for a in answers if a.answered}
    baselines = sorted(
        (a for a in by_key.values() if a.months == 0), key=lambda a: (a.answered_at, a.programme)
    )
    return by_key, baselines


def _pairs_of(
    by_key: Keyed, baselines: Sequence[Answer], months: int
) -> list[tuple[Answer, Answer]]:
    """Each person's (baseline, follow-up) answers: for one programme's answers, the pair
    for that programme; for the borough's, the pair of the programme whose baseline they
    answered first (then the lowest programme id), so that each person counts once."""
    found: dict[int, tuple[Answer, Answer]] = {}
    for before in baselines:
        after = by_key.get((before.person, before.programme, months))
        if after is not None and before.person not in found:
            found[before.person] = (before, after)
    return list(found.values())


def group_figures(
    key: str, name: str, answers: Sequence[Answer], follow_ups: Sequence[int], small: int
) -> Group:
    """The figures of one group from all its answers: a programme's, or everyone's (the
    borough, where each person counts once at each point)."""
    answered, skipped = _counts(answers, (0, *follow_ups))
    by_key, baselines = _answered_by_key(answers)  # once for every follow-up
    return Group(
        key,
        name,
        answered,
        skipped,
        [_follow_up(m, _pairs_of(by_key, baselines, m), small) for m in follow_ups],
    )
