"""The wellbeing figures, worked out from the answers (no database here): for a group of
people (a programme, or the borough), how many answered at each point, and for each
follow-up and each of the four measures, the same people's mean score before and after,
the mean change with its 95% confidence interval, and the share who improved.

The confidence interval is the paired t interval: mean difference ± t(0.975, n − 1) ×
sd / √n, with sd the sample standard deviation of the differences (n − 1 below the line).
The t quantile is worked out here from Student's t distribution (the regularised
incomplete beta function, then bisection), so that no statistics library is needed.

Nothing is worked out for a measure with fewer than `small` paired people: the figures of
a handful of people would let a coordinator who knows them guess one person's answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property


@dataclass(frozen=True)
class Measure:
    """One of the four ONS personal wellbeing questions."""

    key: str  # the column, and the field in the API
    name: str  # short, for tables and charts
    question: str  # the ONS wording, as asked
    lower_is_better: bool = False  # anxiety: a fall is an improvement


# The ONS4 wordings (Office for National Statistics, "Personal well-being user guidance"),
# each answered on a scale where 0 is "not at all" and 10 is "completely".
MEASURES: tuple[Measure, ...] = (
    Measure("life_satisfaction", "Life satisfaction",
            "Overall, how satisfied are you with your life nowadays?"),
    Measure("worthwhile", "Worthwhile",
            "Overall, to what extent do you feel that the things you do in your life are "
            "worthwhile?"),
    Measure("happiness", "Happiness", "Overall, how happy did you feel yesterday?"),
    Measure("anxiety", "Anxiety", "Overall, how anxious did you feel yesterday?",
            lower_is_better=True),
)  # fmt: skip
SCORES = tuple(m.key for m in MEASURES)


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


@dataclass(frozen=True)
class Change:
    """One measure's before and after for the same people. `shown` False: fewer than the
    small number of people, and every figure None."""

    measure: Measure
    people: int  # paired: answered this measure at both points
    shown: bool
    before: float | None = None  # mean at the baseline
    after: float | None = None  # mean at the follow-up
    change: float | None = None  # mean of (after − before)
    low: float | None = None  # the 95% confidence interval of the mean change
    high: float | None = None  # (None for one person: no spread to go on)
    improved: float | None = None  # share whose score improved, 0 to 1


@dataclass(frozen=True)
class FollowUp:
    """One follow-up point of a group: each measure's change since the baseline."""

    months: int
    changes: list[Change]

    @property
    def any_shown(self) -> bool:
        return any(c.shown for c in self.changes)


@dataclass(frozen=True)
class Group:
    """A programme, or the borough: how many answered (and skipped) at each point, and
    the changes at each follow-up."""

    key: str  # "borough" or the programme's slug
    name: str
    answered: dict[int, int]  # point (months) -> people who answered
    skipped: dict[int, int]  # point (months) -> people who chose to skip
    follow_ups: list[FollowUp]


# Student's t distribution ----------------------------------------------------------------


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (Lentz's method, as in
    Numerical Recipes' betacf)."""
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        for aa in (
            m * (b - m) * x / ((a - 1.0 + 2 * m) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1.0 + 2 * m)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x)
        + b * math.log(1.0 - x)
    )  # fmt: skip
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction(a, b, x) / a
    return 1.0 - front * _continued_fraction(b, a, 1.0 - x) / b


def t_above(t: float, df: int) -> float:
    """P(T > t) for Student's t with df degrees of freedom, t ≥ 0."""
    return 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))


@cache  # a handful of (p, df) pairs in practice; each costs some 60 incomplete betas
def t_quantile(p: float, df: int) -> float:
    """The t value below which a share p (0.5 < p < 1) of Student's t distribution with df
    degrees of freedom lies: t_quantile(0.975, 9) is 2.262 (the tables' two-sided 95%)."""
    if not 0.5 < p < 1.0 or df < 1:
        raise ValueError("p must be between 0.5 and 1, and df at least 1")
    tail, low, high = 1.0 - p, 0.0, 1.0
    while t_above(high, df) > tail:
        high *= 2.0
    for _ in range(200):  # bisection: each step halves the interval
        middle = (low + high) / 2.0
        if middle in (low, high):
            break  # low and high are neighbouring floats: no step can move either again
        if t_above(middle, df) > tail:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


# The figures ------------------------------------------------------------------------------


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


def point_name(months: int) -> str:
    """A point in words: "On joining", "3 months after joining"."""
    if months == 0:
        return "On joining"
    return f"{months} month{'s' if months != 1 else ''} after joining"
