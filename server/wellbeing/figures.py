"""The wellbeing figures (no database here): for a group of people (a programme, or the
borough), how many answered at each point, and for each follow-up and each of the four
measures, the same people's mean score before and after, the mean change with its 95%
confidence interval, and the share who improved. They are worked out from a few sums of
each measure's pairs (`Sums`), which the database adds up (server/wellbeing/services.py):
the answers themselves never come out of it.

The confidence interval is the paired t interval: mean difference ± t(0.975, n − 1) ×
sd / √n, with sd the sample standard deviation of the differences (n − 1 below the line).
The t quantile is worked out here from Student's t distribution (the regularised
incomplete beta function, then bisection), so that no statistics library is needed.

Nothing is worked out for a measure with fewer than `small` paired people: the figures of
a handful of people would let a coordinator who knows them guess one person's answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache


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


@dataclass(frozen=True)
class Sums:
    """What one measure's figures need of its pairs, as whole numbers (added up by the
    database, server/wellbeing/services.py): how many people have both scores, the sums of
    their scores before and after, of their changes (after − before) and of the changes'
    squares, and how many improved."""

    people: int = 0
    before: int = 0
    after: int = 0
    change: int = 0
    squares: int = 0
    improved: int = 0

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            self.people + other.people, self.before + other.before, self.after + other.after,
            self.change + other.change, self.squares + other.squares,
            self.improved + other.improved,
        )  # fmt: skip


def paired_change(measure: Measure, sums: Sums, small: int) -> Change:
    """The change in one measure from its pairs' sums. Each mean is a whole number over n
    (rounded once, as Python divides whole numbers); the spread is the sum of squares about
    the mean, n·Σd² − (Σd)² over n, worked out in whole numbers too."""
    n = sums.people
    if n < max(small, 1):
        return Change(measure, n, shown=False)
    mean = sums.change / n
    low = high = None
    if n > 1:
        sd = math.sqrt((n * sums.squares - sums.change * sums.change) / (n * (n - 1)))
        margin = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
        low, high = mean - margin, mean + margin
    return Change(
        measure,
        n,
        shown=True,
        before=sums.before / n,
        after=sums.after / n,
        change=mean,
        low=low,
        high=high,
        improved=sums.improved / n,
    )


def point_name(months: int) -> str:
    """A point in words: "On joining", "3 months after joining"."""
    if months == 0:
        return "On joining"
    return f"{months} month{'s' if months != 1 else ''} after joining"
