"""Planning the demo: generators of its records, pure functions of the random generator,
the scale and today.

Nothing here holds the records: each generator makes them one at a time, for the writer
(server/demo/write.py) to send to the database a chunk at a time, so a load of millions of
activities needs no more memory than one of thousands. What later records need of earlier
ones (who a membership's person is, when they were active) is kept in a Roster: a few
numbers for each person and membership, in arrays.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import NamedTuple

from server.demo.data import (
    AREAS,
    COURSE_ON_JOINING,
    FIRST_NAMES,
    FRIEND_PROGRAMMES,
    ORG_KINDS,
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
    active_from: date = date.min
    active_to: date = date.min

    @property
    def active_days(self) -> int:
        return (self.active_to - self.active_from).days + 1


class TrainingPlan(NamedTuple):
    person: int  # index into the planned people
    course: str  # slug
    done: date
    certificate: str


class SessionPlan(NamedTuple):
    programme: str
    held_on: date
    area: int | None  # index into AREAS; None: online
    venue: str
    runner: int  # index into the planned people; -1: nobody recorded
    attendees: int


Organisation = tuple[str, str, str, int]  # name, kind, sector, area (index into AREAS)
PROGRAMMES = tuple(slug for slug, _count, _share in ROLES)
STATUSES = ("active", "paused", "left")


class Roster:
    """What later records need of the people and memberships planned, a few numbers each
    in arrays (about 25 bytes a membership and 6 a person): never the records themselves.
    Dates are kept as ordinals (date.toordinal)."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.young = bytearray()  # per person: 1 for a Young Health Champion
        self.area = bytearray()  # per person: index into AREAS
        self.first_joined = array("i")  # per person
        self.person = array("i")  # per membership: index into the people
        self.programme = bytearray()  # per membership: index into PROGRAMMES
        self.joined = array("i")
        self.status = bytearray()  # index into STATUSES
        self.left = array("i")  # 0: not left
        self.active_to = array("i")  # the last day active (from the day they joined)

    @property
    def people(self) -> int:
        return len(self.young)

    @property
    def memberships(self) -> int:
        return len(self.person)

    def add_person(self, p: PersonPlan) -> None:
        self.young.append(p.young)
        self.area.append(p.area)
        self.first_joined.append(p.first_joined.toordinal())

    def add_membership(self, m: MembershipPlan) -> None:
        self.person.append(m.person)
        self.programme.append(PROGRAMMES.index(m.programme))
        self.joined.append(m.joined_on.toordinal())
        self.status.append(STATUSES.index(m.status))
        self.left.append(m.left_on.toordinal() if m.left_on else 0)
        self.active_to.append(m.active_to.toordinal())

    def programme_of(self, membership: int) -> str:
        return PROGRAMMES[self.programme[membership]]

    def membership(self, i: int) -> MembershipPlan:
        """Membership i, as planned."""
        left = self.left[i]
        return MembershipPlan(
            person=self.person[i],
            programme=PROGRAMMES[self.programme[i]],
            joined_on=date.fromordinal(self.joined[i]),
            status=STATUSES[self.status[i]],
            left_on=date.fromordinal(left) if left else None,
            active_from=date.fromordinal(self.joined[i]),
            active_to=date.fromordinal(self.active_to[i]),
        )


def scaled(count: int, scale: float) -> int:
    """A count at this scale: at least 1, since every kind of record must exist."""
    return max(1, round(count * scale))


# ---------------------------------------------------------------------------------------
# Organisations, people and memberships.


def _fill(rng: random.Random, pattern: str, area: Area) -> str:
    return pattern.format(
        place=rng.choice(area.places),
        surname=rng.choice(SURNAMES),
        surname2=rng.choice(SURNAMES),
        saint=rng.choice(SAINTS),
        street=rng.choice(STREETS),
        park=rng.choice(PARKS),
    )


def plan_organisations(rng: random.Random, count: int) -> list[Organisation]:
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


def plan_people(
    rng: random.Random, scale: float, organisations: Sequence[Organisation], roster: Roster
) -> Iterator[PersonPlan | MembershipPlan]:
    """People and memberships, role by role, some people taking a second role; each
    person comes before their first membership. The roster keeps what later steps need."""
    today = roster.today
    start = today - timedelta(days=365 * YEARS)
    by_area = _organisations_by_area(organisations)
    for programme, count, share in ROLES:
        n = scaled(count, scale)
        anyone = programme in FRIEND_PROGRAMMES
        pool = [i for i in range(roster.people) if anyone or not roster.young[i]]
        shared = sorted(rng.sample(pool, min(len(pool), round(n * share))))
        del pool
        for i in shared:
            joined = _random_day(rng, date.fromordinal(roster.first_joined[i]), today)
            membership = _membership(rng, i, programme, joined, today)
            roster.add_membership(membership)
            yield membership
        for _ in range(n - len(shared)):
            joined = _random_day(rng, start, today)
            person = _person(rng, roster.people, programme == YOUNG, joined, by_area)
            roster.add_person(person)
            yield person
            membership = _membership(rng, roster.people - 1, programme, joined, today)
            roster.add_membership(membership)
            yield membership


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


# ---------------------------------------------------------------------------------------
# Training and sessions.


def plan_trainings(rng: random.Random, roster: Roster) -> Iterator[TrainingPlan]:
    """The course each member took on joining, shortly before they joined."""
    numbers: dict[str, int] = {}
    for i in range(roster.memberships):
        course = COURSE_ON_JOINING.get(roster.programme_of(i))
        if course is None:
            continue
        slug, prefix = course
        done = date.fromordinal(roster.joined[i]) - timedelta(days=rng.randrange(0, 29))
        yield TrainingPlan(roster.person[i], slug, done, _certificate(numbers, prefix, done))


def _certificate(numbers: dict[str, int], prefix: str, done: date) -> str:
    numbers[prefix] = numbers.get(prefix, 0) + 1
    return f"{prefix}-{done.year}-{numbers[prefix]:06d}"


def plan_sessions(
    rng: random.Random, scale: float, roster: Roster
) -> Iterator[TrainingPlan | SessionPlan]:
    """Information sessions, run by trained champions, adding up to the Friends wanted;
    the course those champions took comes before their sessions."""
    numbers: dict[str, int] = {}
    today = roster.today
    for programme, attendees, runners, course in SESSIONS:
        may_run = ("health-champions", programme)
        pool = [
            roster.person[i]
            for i in range(roster.memberships)
            if roster.programme_of(i) in may_run and not roster.young[roster.person[i]]
        ]
        chosen = sorted(set(rng.sample(pool, min(len(pool), scaled(runners, scale)))))
        del pool
        trained_on = {}
        for person in chosen:
            day = _random_day(rng, today - timedelta(days=365 * YEARS), today - timedelta(days=365))
            trained_on[person] = day
            if course is not None:
                slug, prefix = course
                yield TrainingPlan(person, slug, day, _certificate(numbers, prefix, day))
        yield from _sessions_for(rng, programme, scaled(attendees, scale), trained_on, today)


def _sessions_for(
    rng: random.Random, programme: str, wanted: int, trained_on: dict[int, date], today: date
) -> Iterator[SessionPlan]:
    runners = sorted(trained_on)
    total = 0
    while total < wanted:
        size = min(rng.randint(5, 40), max(5, wanted - total))
        runner = rng.choice(runners) if runners else None
        since = trained_on[runner] if runner is not None else today
        held_on = _random_day(rng, since, today)
        if rng.random() < 0.1:
            area, venue = None, "Online"
        else:
            area = rng.randrange(len(AREAS))
            venue = _fill(rng, rng.choice(VENUES), AREAS[area])
        yield SessionPlan(
            programme, held_on, area, venue, runner if runner is not None else -1, size
        )
        total += size


def plan_external(scale: float, today: date) -> list[tuple[str, int | None, int, date, str]]:
    """Friends counted by the national programme (mostly online sessions)."""
    out: list[tuple[str, int | None, int, date, str]] = []
    for years_ago, count in ((1, 1_800), (0, 2_600)):
        as_of = date(today.year - years_ago, 1, 1) if years_ago else today
        note = "Dementia Friends in the borough who joined online, from the national figures"
        out.append(("dementia-friends", None, scaled(count, scale), as_of, note))
    return out
