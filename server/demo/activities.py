"""The demo's activities: made ACTIVITY_CHUNK at a time, straight into rows, because there
can be millions. The chunk is part of what the data is: the same chunks give the same data.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from itertools import accumulate

from server.activities.services import PLAUSIBLE_MINUTES, PLAUSIBLE_REACH, review_for
from server.demo.data import (
    ACTIVITY_CHUNK,
    AREAS,
    FRIEND_PROGRAMMES,
    KIND_CUM,
    KINDS,
    OUTLIER_SHARE,
)
from server.demo.impact import ImpactContext, activity_fields, activity_topics
from server.demo.plan import Roster
from server.demo.values import Values, uuid4_text


@dataclass
class ActivityContext:
    """What the activity rows need: the roster, and the ids the database gave or will
    give (people and activities are written with ids worked out in advance)."""

    rng: random.Random
    roster: Roster
    values: Values
    first_person: int  # the id of the first planned person; the others follow on
    programme_ids: list[int]  # in PROGRAMMES order
    area_ids: list[int]  # in AREAS order
    first_id: int  # the id of the first activity; the others follow on
    impact: ImpactContext  # Impact (issue 16): settings, places, topics, signposts


ActivityRow = tuple[object, ...]  # in ACTIVITY_COLUMNS order, the id first
# The rows of one chunk of activities, and its topics (activity id, topic id).
Chunk = tuple[list[ActivityRow], list[tuple[int, int]]]


def activity_chunks(ctx: ActivityContext, total: int) -> Iterator[Chunk]:
    """The activity rows, ACTIVITY_CHUNK at a time, with the topics of those activities.
    Some champions do far more than others; longer-serving ones have had longer to."""
    rng, roster = ctx.rng, ctx.roster
    champions = array(
        "i",
        (i for i in range(roster.memberships) if roster.programme_of(i) not in FRIEND_PROGRAMMES),
    )
    cum = list(
        accumulate(
            rng.expovariate(1.0) * (roster.active_to[i] - roster.joined[i] + 1 + 6)
            for i in champions
        )
    )
    made = 0
    while made < total:
        n = min(ACTIVITY_CHUNK, total - made)
        picks = rng.choices(champions, cum_weights=cum, k=n)
        kinds = rng.choices(KINDS, cum_weights=KIND_CUM, k=n)
        first = ctx.first_id + made
        rows = [
            _activity(ctx, m, k, first + j)
            for j, (m, k) in enumerate(zip(picks, kinds, strict=True))
        ]
        # Topics from the impact generator, after the chunk: the main one is untouched.
        topics = [
            (row_id, t) for row_id in range(first, first + n) for t in activity_topics(ctx.impact)
        ]
        yield rows, topics
        made += n


Kind = tuple[str, int, tuple[int, int], tuple[int, int], tuple[str, ...]]
EVENING = time(19, 30)


def _activity(ctx: ActivityContext, m: int, kind: Kind, activity_id: int) -> ActivityRow:
    rng, roster, values = ctx.rng, ctx.roster, ctx.values
    name, _weight, (r_lo, r_hi), (m_lo, m_hi), notes = kind
    joined = roster.joined[m]
    day = date.fromordinal(joined + int(rng.random() * (roster.active_to[m] - joined + 1)))
    person = roster.person[m]
    roll = rng.random()
    area = roster.area[person] if roll < 0.88 else int(roll * 1000) % len(AREAS)
    footprint = ctx.area_ids[area] if roll < 0.98 else None
    r = rng.random()
    reached = r_lo + int((r_hi - r_lo + 1) * r * r)  # skewed towards the small end
    minutes = m_lo + int((m_hi - m_lo + 1) * rng.random())
    status, reason = "not-needed", ""
    roll = rng.random()
    if roll < OUTLIER_SHARE:
        reached, minutes, status, reason = _outlier(rng, reached, minutes)
    elif roll > 0.9997:
        status, reason = "rejected", "Logged twice by mistake"
    note = rng.choice(notes) if rng.random() < 0.08 else ""
    stamp = values.saved(day, EVENING)
    client_id = uuid4_text(rng.getrandbits(128))
    setting, postcode, service, take_up, said = activity_fields(ctx.impact, name, area, day)
    return (
        activity_id,
        client_id,
        ctx.first_person + person,
        ctx.programme_ids[roster.programme[m]],
        name,
        values.day(day),
        footprint,
        reached,
        minutes,
        note,
        status,
        reason,
        stamp,
        stamp,
        setting,
        postcode,
        service,
        take_up,
        values.stamp(said) if said else None,
    )


def _outlier(rng: random.Random, reached: int, minutes: int) -> tuple[int, int, str, str]:
    """An activity over a review limit: most wait for review, some were rejected."""
    if rng.random() < 0.5:
        reached = rng.randint(PLAUSIBLE_REACH + 1, 5_000)
    else:
        minutes = rng.randint(PLAUSIBLE_MINUTES + 1, 1_200)
    # The app's own rule and wording; a rejection keeps the reason, as in the app.
    status, reason = review_for(reached, minutes)
    if rng.random() < 0.15:
        status = "rejected"
    return reached, minutes, status, reason
