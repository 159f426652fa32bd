"""Demo wellbeing answers (issue 16): the ONS4 questions as champions who joined in the
last 15 months would have answered them, so that the console's Wellbeing page and the
quarterly report show real-looking numbers.

Most answered on joining, some chose to skip, some left a question blank; fewer answered at
each follow-up (as surveys find). Scores start near England's averages (the ONS's annual
population survey: life satisfaction about 7.5, worthwhile 7.7, happiness 7.4, anxiety 3.2,
a little lower here for people who volunteer to improve health), and on average improve a
little, but for each person up or down at random: some improve, some do not.

It has its own random generator (seeded from the demo's), so adding it changed no other
demo number.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from server.demo.data import FRIEND_PROGRAMMES, SEED
from server.demo.plan import MembershipPlan, Roster
from server.demo.values import Values
from server.trainings.services import add_months

RECENT_DAYS = 455  # members who joined in the last 15 months were asked on joining
ANSWER_ON_JOINING = 0.72  # of those asked; SKIP of the rest chose to skip
SKIP = 0.5
FOLLOW_UP = {3: 0.7, 12: 0.55}  # of those who answered on joining (other points: 0.5)
BLANK = 0.03  # a question left blank
BASELINE = (7.0, 7.3, 6.9, 3.6)  # life satisfaction, worthwhile, happiness, anxiety
CHANGE = {3: (0.35, 0.45, 0.3, -0.35), 12: (0.55, 0.6, 0.4, -0.5)}  # mean change by point
SPREAD = 1.6  # each person's own change varies this much (a standard deviation)
COLUMNS = ("person", "programme", "months", "life_satisfaction", "worthwhile", "happiness",
           "anxiety", "skipped", "answered_at")  # fmt: skip

Scores = tuple[int | None, int | None, int | None, int | None]
AFTERNOON = time(14, 0)


@dataclass(frozen=True)
class PlannedAnswer:
    person: int  # index into the planned people
    programme: str  # slug
    months: int
    scores: Scores
    skipped: bool
    day: date


def _score(rng: random.Random, mean: float, spread: float) -> int:
    return min(10, max(0, round(rng.gauss(mean, spread))))


def _blanked(rng: random.Random, scores: Sequence[int]) -> Scores:
    a, b, c, d = (None if rng.random() < BLANK else s for s in scores)
    return a, b, c, d


def _answer_day(rng: random.Random, opened: date, last: date, latest: int) -> date | None:
    """A day within the first weeks after the point opened, if it has come."""
    day = opened + timedelta(days=rng.randint(0, latest))
    return day if day <= last else None


def _member(
    rng: random.Random, m: MembershipPlan, today: date, follow_ups: Sequence[int]
) -> list[PlannedAnswer]:
    last = min(today, m.left_on or today)
    day = _answer_day(rng, m.joined_on, last, 10)
    roll = rng.random()
    if day is None or roll >= ANSWER_ON_JOINING + (1 - ANSWER_ON_JOINING) * SKIP:
        return []  # not asked yet, or did not open the app while it was open
    if roll >= ANSWER_ON_JOINING:
        return [PlannedAnswer(m.person, m.programme, 0, (None,) * 4, True, day)]
    before = [_score(rng, mean, 1.8) for mean in BASELINE]
    out = [PlannedAnswer(m.person, m.programme, 0, _blanked(rng, before), False, day)]
    for months in follow_ups:
        day = _answer_day(rng, add_months(m.joined_on, months), last, 20)
        if day is None or m.status != "active" or rng.random() > FOLLOW_UP.get(months, 0.5):
            continue
        change = CHANGE.get(months, CHANGE[12])
        after = [_score(rng, b + c, SPREAD) for b, c in zip(before, change, strict=True)]
        out.append(PlannedAnswer(m.person, m.programme, months, _blanked(rng, after), False, day))
    return out


def plan_wellbeing(
    roster: Roster, today: date, follow_ups: Sequence[int]
) -> Iterator[PlannedAnswer]:
    """The answers of the champions who joined recently (Friends are not asked)."""
    rng = random.Random(f"{SEED}-wellbeing")
    since = (today - timedelta(days=RECENT_DAYS)).toordinal()
    for i in range(roster.memberships):
        if roster.joined[i] >= since and roster.programme_of(i) not in FRIEND_PROGRAMMES:
            yield from _member(rng, roster.membership(i), today, follow_ups)


def wellbeing_rows(
    planned: Iterable[PlannedAnswer], first_person: int, programmes: dict[str, int],
    values: Values,
) -> Iterator[tuple[object, ...]]:  # fmt: skip
    """The rows to insert (people's ids follow on from the first one; each answered in the
    afternoon)."""
    for a in planned:
        yield (first_person + a.person, programmes[a.programme], a.months, *a.scores,
               a.skipped, values.saved(a.day, AFTERNOON))  # fmt: skip
