"""Planning the demo: pure functions of the random generator, the scale and today."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from server.activities.services import PLAUSIBLE_MINUTES, PLAUSIBLE_REACH, review_for
from server.demo.data import (
    ACTIVITY_CHUNK,
    AREAS,
    COURSE_ON_JOINING,
    FIRST_NAMES,
    FRIEND_PROGRAMMES,
    KIND_CUM,
    KINDS,
    ORG_KINDS,
    ORGANISATIONS,
    OUTLIER_SHARE,
    PARKS,
    POSTCODE_LETTERS,
    ROLES,
    SAINTS,
    SESSIONS,
    STREETS,
    SURNAMES,
    VENUES,
    YEARS,
    YOUNG,
    YOUTH_KINDS,
    Area,
)
from server.demo.impact import ImpactContext, activity_fields, activity_topics


class DemoRefused(Exception):
    """The demo data cannot go into this database (it already has people in it)."""


@dataclass(slots=True)
class PersonPlan:
    name: str
    email: str
    phone: str | None
    postcode: str | None
    year_of_birth: int
    area: int  # index into AREAS
    organisation: int | None  # index into the planned organisations
    consent: bool
    first_joined: date
    young: bool


@dataclass(slots=True)
class MembershipPlan:
    person: int  # index into the planned people
    programme: str
    joined_on: date
    status: str
    left_on: date | None
    # The days on which this member was active, for their activities.
    active_from: date = field(default=date.min)
    active_to: date = field(default=date.min)

    @property
    def active_days(self) -> int:
        return (self.active_to - self.active_from).days + 1


@dataclass
class Plan:
    """Everything except the activities, by index; ids are known only once written."""

    today: date
    organisations: list[tuple[str, str, str, int]] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    memberships: list[MembershipPlan] = field(default_factory=list)
    trainings: list[tuple[int, str, date, str]] = field(default_factory=list)
    sessions: list[tuple[str, date, int | None, str, int, int]] = field(default_factory=list)
    external: list[tuple[str, int | None, int, date, str]] = field(default_factory=list)


def scaled(count: int, scale: float) -> int:
    """A count at this scale: at least 1, since every kind of record must exist."""
    return max(1, round(count * scale))


# ---------------------------------------------------------------------------------------
# Planning: pure functions of the random generator, the scale and today.


def plan(rng: random.Random, scale: float, today: date) -> Plan:
    """Plan every record except the activities."""
    result = Plan(today=today)
    result.organisations = plan_organisations(rng, scaled(ORGANISATIONS, scale))
    plan_people(rng, scale, result)
    plan_trainings(rng, result)
    plan_sessions(rng, scale, result)
    plan_external(scale, result)
    return result


def _fill(rng: random.Random, pattern: str, area: Area) -> str:
    return pattern.format(
        place=rng.choice(area.places),
        surname=rng.choice(SURNAMES),
        surname2=rng.choice(SURNAMES),
        saint=rng.choice(SAINTS),
        street=rng.choice(STREETS),
        park=rng.choice(PARKS),
    )


def plan_organisations(rng: random.Random, count: int) -> list[tuple[str, str, str, int]]:
    """(name, kind, sector, area) for each organisation, with no name used twice."""
    cum = list(accumulate(k[1] for k in ORG_KINDS))
    # Every kind once first, so that even a tiny demo has schools for young champions.
    kinds = ORG_KINDS[:count] + rng.choices(ORG_KINDS, cum_weights=cum, k=max(0, count - 7))
    seen: set[str] = set()
    out = []
    for kind, _weight, patterns in kinds:
        area = rng.randrange(len(AREAS))
        pattern, sector = rng.choice(patterns)
        name = _fill(rng, pattern, AREAS[area])
        for _ in range(20):  # bounded: at large scales the patterns run out
            if name not in seen:
                break
            name = _fill(rng, pattern, AREAS[area])
        base, n = name, 2
        while name in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name)
        out.append((name, kind, sector, area))
    return out


def _membership(
    rng: random.Random, person: int, programme: str, joined: date, today: date
) -> MembershipPlan:
    """A membership, mostly active; a few paused or left."""
    span = (today - joined).days
    roll = rng.random()
    status, left_on, active_to = "active", None, today
    if span > 30 and roll < 0.05:
        status = "left"
        left_on = joined + timedelta(days=1 + int(rng.random() * (span - 1)))
        active_to = left_on
    elif span > 30 and roll < 0.08:
        status = "paused"
        active_to = joined + timedelta(days=int(span * (0.3 + 0.6 * rng.random())))
    return MembershipPlan(person, programme, joined, status, left_on, joined, active_to)


def _random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.random() * ((end - start).days + 1)))


def plan_people(rng: random.Random, scale: float, result: Plan) -> None:
    """People and memberships, role by role, some people taking a second role."""
    today = result.today
    start = today - timedelta(days=365 * YEARS)
    by_area = _organisations_by_area(result.organisations)
    people, memberships = result.people, result.memberships
    for programme, count, share in ROLES:
        n = scaled(count, scale)
        pool = [i for i, p in enumerate(people) if programme in FRIEND_PROGRAMMES or not p.young]
        shared = sorted(rng.sample(pool, min(len(pool), round(n * share))))
        for i in shared:
            joined = _random_day(rng, people[i].first_joined, today)
            memberships.append(_membership(rng, i, programme, joined, today))
        for _ in range(n - len(shared)):
            joined = _random_day(rng, start, today)
            person = _person(rng, len(people), programme == YOUNG, joined, by_area)
            people.append(person)
            memberships.append(_membership(rng, len(people) - 1, programme, joined, today))


def _organisations_by_area(
    organisations: Sequence[tuple[str, str, str, int]],
) -> dict[tuple[int, bool], list[int]]:
    """Organisation indexes by (area, is a school or college); area -1: anywhere."""
    out: dict[tuple[int, bool], list[int]] = {}
    for i, (_name, kind, _sector, area) in enumerate(organisations):
        out.setdefault((area, kind in YOUTH_KINDS), []).append(i)
        out.setdefault((-1, kind in YOUTH_KINDS), []).append(i)
    return out


def _pick_organisation(
    rng: random.Random, area: int, young: bool, by_area: dict[tuple[int, bool], list[int]]
) -> int | None:
    """Young champions join through schools and colleges, most adults through work or a
    group; somewhere else in the borough when their own area has none."""
    if not young and rng.random() < 0.3:
        return None
    local = by_area.get((area, young))
    if local and rng.random() < 0.85:
        return rng.choice(local)
    anywhere = by_area.get((-1, young))
    return rng.choice(anywhere) if anywhere else None


def _person(
    rng: random.Random,
    index: int,
    young: bool,
    joined: date,
    by_area: dict[tuple[int, bool], list[int]],
) -> PersonPlan:
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    local = f"{first}.{last}".lower().replace("'", "")
    area = rng.randrange(len(AREAS))
    phone = f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.6 else None
    postcode = None
    if rng.random() < 0.7:
        letters = "".join(rng.choices(POSTCODE_LETTERS, k=2))
        postcode = f"{rng.choice(AREAS[area].districts)} {rng.randrange(1, 10)}{letters}"
    # Young Health Champions are 14 to 24 when they join, whatever their birthday.
    age = rng.randint(15, 24) if young else rng.randint(19, 78)
    return PersonPlan(
        name=f"{first} {last}",
        email=f"{local}.{index + 1}@example.org",
        phone=phone,
        postcode=postcode,
        year_of_birth=joined.year - age,
        area=area,
        organisation=_pick_organisation(rng, area, young, by_area),
        consent=rng.random() < 0.85,
        first_joined=joined,
        young=young,
    )


def plan_trainings(rng: random.Random, result: Plan) -> None:
    """The course each member took on joining, shortly before they joined."""
    numbers: dict[str, int] = {}
    for m in result.memberships:
        course = COURSE_ON_JOINING.get(m.programme)
        if course is None:
            continue
        slug, prefix = course
        done = m.joined_on - timedelta(days=rng.randrange(0, 29))
        result.trainings.append((m.person, slug, done, _certificate(numbers, prefix, done)))


def _certificate(numbers: dict[str, int], prefix: str, done: date) -> str:
    numbers[prefix] = numbers.get(prefix, 0) + 1
    return f"{prefix}-{done.year}-{numbers[prefix]:06d}"


def plan_sessions(rng: random.Random, scale: float, result: Plan) -> None:
    """Information sessions, run by trained champions, adding up to the Friends wanted."""
    numbers: dict[str, int] = {}
    for programme, attendees, runners, course in SESSIONS:
        pool = [
            m.person
            for m in result.memberships
            if m.programme in ("health-champions", programme) and not result.people[m.person].young
        ]
        chosen = sorted(set(rng.sample(pool, min(len(pool), scaled(runners, scale)))))
        trained_on = {}
        for person in chosen:
            day = _random_day(
                rng, result.today - timedelta(days=365 * YEARS), result.today - timedelta(days=365)
            )
            trained_on[person] = day
            if course is not None:
                slug, prefix = course
                result.trainings.append((person, slug, day, _certificate(numbers, prefix, day)))
        _sessions_for(rng, programme, scaled(attendees, scale), trained_on, result)


def _sessions_for(
    rng: random.Random, programme: str, wanted: int, trained_on: dict[int, date], result: Plan
) -> None:
    runners = sorted(trained_on)
    total = 0
    while total < wanted:
        size = min(rng.randint(5, 40), max(5, wanted - total))
        runner = rng.choice(runners) if runners else None
        since = trained_on[runner] if runner is not None else result.today
        held_on = _random_day(rng, since, result.today)
        if rng.random() < 0.1:
            area, venue = None, "Online"
        else:
            area = rng.randrange(len(AREAS))
            venue = _fill(rng, rng.choice(VENUES), AREAS[area])
        result.sessions.append(
            (programme, held_on, area, venue, runner if runner is not None else -1, size)
        )
        total += size


def plan_external(scale: float, result: Plan) -> None:
    """Friends counted by the national programme (mostly online sessions)."""
    for years_ago, count in ((1, 1_800), (0, 2_600)):
        as_of = date(result.today.year - years_ago, 1, 1) if years_ago else result.today
        note = "Dementia Friends in the borough who joined online, from the national figures"
        result.external.append(("dementia-friends", None, scaled(count, scale), as_of, note))


# ---------------------------------------------------------------------------------------
# Activities: made in chunks, straight into rows, because there can be millions.


@dataclass
class ActivityContext:
    """What the activity rows need from the database (ids) and from the plan."""

    rng: random.Random
    today: date
    champions: list[MembershipPlan]
    person_ids: list[int]
    person_areas: list[int]
    programme_ids: dict[str, int]
    area_ids: list[int]
    stamps: dict[date, datetime]
    now: datetime
    impact: ImpactContext  # Impact (issue 16): settings, places, topics, signposts


# The rows of one chunk of activities, and its topics (client id, topic id).
Chunk = tuple[list[tuple[Any, ...]], list[tuple[uuid.UUID, int]]]


def _weights(rng: random.Random, champions: Sequence[MembershipPlan]) -> list[float]:
    """Some champions do far more than others; longer-serving ones have had longer to."""
    return [rng.expovariate(1.0) * (m.active_days + 6) for m in champions]


def activity_chunks(ctx: ActivityContext, total: int) -> Iterator[Chunk]:
    """The activity rows, ACTIVITY_CHUNK at a time, in ACTIVITY_COLUMNS order, with the
    topics of those activities."""
    rng = ctx.rng
    cum = list(accumulate(_weights(rng, ctx.champions)))
    made = 0
    while made < total:
        n = min(ACTIVITY_CHUNK, total - made)
        picks = rng.choices(ctx.champions, cum_weights=cum, k=n)
        kinds = rng.choices(KINDS, cum_weights=KIND_CUM, k=n)
        rows = [_activity(ctx, m, k) for m, k in zip(picks, kinds, strict=True)]
        # Topics from the impact generator, after the chunk: the main one is untouched.
        topics = [t for row in rows for t in activity_topics(ctx.impact, row[0])]
        yield rows, topics
        made += n


def _activity(
    ctx: ActivityContext,
    m: MembershipPlan,
    kind: tuple[str, int, tuple[int, int], tuple[int, int], tuple[str, ...]],
) -> tuple[Any, ...]:
    rng = ctx.rng
    name, _weight, (r_lo, r_hi), (m_lo, m_hi), notes = kind
    day = m.active_from + timedelta(days=int(rng.random() * m.active_days))
    roll = rng.random()
    area = ctx.person_areas[m.person] if roll < 0.88 else int(roll * 1000) % len(AREAS)
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
    stamp = ctx.stamps.get(day) or _stamp(ctx, day)
    client_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    impact = activity_fields(ctx.impact, name, area, day)
    return (
        client_id,
        ctx.person_ids[m.person],
        ctx.programme_ids[m.programme],
        name,
        day,
        footprint,
        reached,
        minutes,
        note,
        status,
        reason,
        stamp,
        stamp,
        *impact,
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


def _stamp(ctx: ActivityContext, day: date) -> datetime:
    """When a record made on this day was saved: that evening, or now if that is later."""
    stamp = min(ctx.now, datetime.combine(day, time(19, 30), tzinfo=UTC))
    ctx.stamps[day] = stamp
    return stamp
