"""Demo data: a made-up movement the size of Wigan's, for trying the app and for benchmarks.

Everything comes from one seeded random generator, so a given scale on a given day always
gives the same records. The dates are relative to today (three years up to today), so the
demo always looks current. Names, emails (example.org only), phones (Ofcom's drama range)
and organisations are invented.

The data goes only into a database with no people in it, so it can never mix with real
records; a second run refuses instead of doubling anything.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from schema.tables import Course, Footprint, Person, Programme
from server.db import engine, write_transaction
from server.totals import rollup

Progress = Callable[[str, int, int], None]

SEED = 20161024  # any fixed number: the same seed gives the same demo
YEARS = 3
ACTIVITIES = 60_000  # at scale 1
ORGANISATIONS = 100
ACTIVITY_CHUNK = 5_000  # rows made and sent to the database at a time
# 100,000 activities a transaction: every commit writes out the index pages it touched
# (random UUIDs touch many), so larger is faster (4 chunks: 76 s for scale 20, 20: 56 s),
# while SQLite's write lock is still let go every few seconds for the app's own writes.
CHUNKS_PER_TRANSACTION = 20
MAX_SCALE = 200.0

# The movement's roles at scale 1: how many memberships, and what share of them go to
# people already in the movement (one citizen can hold several roles).
ROLES: list[tuple[str, int, float]] = [
    ("health-champions", 1350, 0.0),
    ("heart-champions", 495, 0.2),
    ("cancer-champions", 856, 0.15),
    ("young-health-champions", 200, 0.0),
    ("in-mind-champions", 150, 0.25),
    ("communities-in-charge-of-alcohol", 40, 0.1),
    ("dementia-friends", 300, 0.3),
    ("autism-friends", 100, 0.2),
]
YOUNG = "young-health-champions"
FRIEND_PROGRAMMES = frozenset({"dementia-friends", "autism-friends"})
# The course each role's members took when they joined (only these are in the catalogue).
COURSE_ON_JOINING = {
    "health-champions": ("rsph-l2-understanding-health-improvement", "RSPH-UHI"),
    "young-health-champions": ("rsph-l2-young-health-champions", "RSPH-YHC"),
    "autism-friends": ("autism-friends-awareness", "AF"),
}
# Sessions that make Friends: (programme, attendees at scale 1, champions who run them,
# the course those champions took).
SESSIONS = [
    ("dementia-friends", 10_000, 25, ("dementia-friends-champion", "DFC")),
    ("autism-friends", 1_500, 6, None),
]
EXTERNAL_SOURCE = "Dementia Friends (national programme)"


@dataclass(frozen=True)
class Area:
    """A footprint with the places and postcode districts in it."""

    code: str
    name: str
    places: tuple[str, ...]
    districts: tuple[str, ...]


AREAS = [
    Area(
        "WC",
        "Wigan Central",
        ("Wigan", "Whelley", "Swinley", "Scholes", "Beech Hill"),
        ("WN1", "WN3"),
    ),
    Area(
        "WN",
        "Wigan North",
        ("Standish", "Aspull", "Shevington", "Haigh", "Appley Bridge"),
        ("WN6", "WN2", "WN1"),
    ),
    Area(
        "WW",
        "Wigan West",
        ("Orrell", "Pemberton", "Winstanley", "Marsh Green", "Norley"),
        ("WN5", "WN3"),
    ),
    Area(
        "HA",
        "Hindley and Abram",
        ("Hindley", "Abram", "Platt Bridge", "Ince", "Bickershaw"),
        ("WN2",),
    ),
    Area(
        "AGL",
        "Ashton, Golborne and Lowton",
        ("Ashton-in-Makerfield", "Golborne", "Lowton", "Bryn"),
        ("WN4", "WA3"),
    ),
    Area("LE", "Leigh", ("Leigh", "Pennington", "Westleigh", "Higher Folds", "Bedford"), ("WN7",)),
    Area(
        "AT",
        "Atherton and Tyldesley",
        ("Atherton", "Tyldesley", "Astley", "Hindsford", "Mosley Common"),
        ("M46", "M29"),
    ),
]

FIRST_NAMES = (
    "Aisha Alan Alice Amelia Amir Andrew Anne Barbara Ben Beth Brian Callum Carol Charlotte "
    "Chloe Chris Claire Colin Craig Daniel David Dawn Debbie Dennis Eileen Ella Emily Emma "
    "Fatima Frank Gary Gemma George Grace Hannah Harry Helen Ian Irene Jack Jackie Jade James "
    "Janet Jason Jean Jennifer Joan John Joseph Josh Julie Karen Kate Kevin Kieran Laura Lee "
    "Leah Lily Lisa Liam Lucy Luke Mandy Margaret Mark Martin Mary Megan Michael Mohammed "
    "Molly Natalie Neil Nicola Noah Oliver Olivia Pat Paul Peter Priya Rachel Rebecca Ryan "
    "Sam Sandra Sarah Scott Sharon Sophie Stephen Steve Susan Tom Tracey Vicky Wendy Zara"
).split()
SURNAMES = (
    "Ahmed Ashurst Atherton Baker Ball Barton Baxter Bibby Brown Burke Calland Clarke "
    "Cunliffe Davies Dawber Eccleston Evans Fairhurst Fletcher Gaskell Green Hall Halliwell "
    "Heaton Hilton Holcroft Horrocks Houghton Hughes Hurst Jackson Johnson Jones Kaur Kelly "
    "Khan Lowe Lyon Marsden Melling Moss Naylor O'Brien Parkinson Patel Pennington Prescott "
    "Rigby Roberts Robinson Rothwell Seddon Sharples Shaw Singh Smith Southworth Stephens "
    "Sumner Taylor Thomas Thompson Turner Unsworth Walsh Ward Webster Whittle Williams "
    "Wilson Winstanley Wood Worthington Wright Yates"
).split()
SAINTS = ("Mary", "John", "Paul", "Peter", "Anne", "Joseph", "James", "Aidan", "Thomas")
STREETS = (
    "Mesnes Road",
    "Frog Lane",
    "Wigan Lane",
    "Bolton Road",
    "Chapel Street",
    "Market Street",
    "Church Street",
    "Railway Road",
    "Manchester Road",
    "Warrington Road",
)
PARKS = (
    "Mesnes Park",
    "Haigh Woodland Park",
    "Pennington Flash",
    "Lilford Park",
    "the Three Sisters",
    "Borsdane Wood",
    "Alexandra Park",
    "Jubilee Park",
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters used at the end of UK postcodes

# Host organisations: kind, weight, name patterns with the sector each belongs to.
ORG_KINDS: list[tuple[str, int, list[tuple[str, str]]]] = [
    (
        "employer",
        25,
        [
            ("{place} Bakery Ltd", "private"),
            ("{surname} Engineering Ltd", "private"),
            ("{place} Logistics", "private"),
            ("{surname} and {surname2} Solicitors", "private"),
            ("{place} Garden Centre", "private"),
            ("{place} Care Home", "private"),
            ("{place} Fire Station", "public"),
            ("{place} Neighbourhood Team", "public"),
            ("{place} Leisure Centre", "public"),
        ],
    ),
    (
        "school",
        20,
        [
            ("{place} High School", "public"),
            ("{place} Primary School", "public"),
            ("St {saint}'s RC Primary School, {place}", "public"),
            ("{place} C of E Primary School", "public"),
            ("{place} Academy", "public"),
        ],
    ),
    ("college", 3, [("{place} Sixth Form College", "public"), ("{place} College", "public")]),
    (
        "gp-practice",
        15,
        [
            ("{place} Medical Centre", "public"),
            ("{street} Surgery, {place}", "public"),
            ("{place} Family Practice", "public"),
            ("{place} Health Centre", "public"),
        ],
    ),
    (
        "community-group",
        17,
        [
            ("{place} Community Centre", "voluntary"),
            ("{place} Walking Group", "voluntary"),
            ("Friends of {park}", "voluntary"),
            ("{place} Allotment Society", "voluntary"),
            ("{place} Men's Shed", "voluntary"),
        ],
    ),
    (
        "voluntary-group",
        15,
        [
            ("{place} Carers' Network", "voluntary"),
            ("{place} Food Bank", "voluntary"),
            ("{place} Befriending Service", "voluntary"),
            ("{place} Youth Trust", "voluntary"),
        ],
    ),
    (
        "other",
        5,
        [
            ("{place} Library", "public"),
            ("{place} Pharmacy", "private"),
            ("{place} Credit Union", "private"),
        ],
    ),
]
YOUTH_KINDS = frozenset({"school", "college"})
VENUES = (
    "{place} Library",
    "{place} Community Centre",
    "St {saint}'s Church Hall, {place}",
    "{place} Methodist Church",
    "{place} Sports Club",
)

# Activities: kind, weight, people reached (low, high), minutes (low, high), notes.
KINDS: list[tuple[str, int, tuple[int, int], tuple[int, int], tuple[str, ...]]] = [
    (
        "conversation",
        40,
        (1, 4),
        (5, 45),
        ("Chat about stopping smoking", "Talked to a neighbour about NHS Health Checks"),
    ),
    (
        "signposting",
        15,
        (1, 3),
        (5, 30),
        ("Signposted to the Be Well service", "Passed on the number for the food bank"),
    ),
    (
        "leaflets",
        12,
        (5, 100),
        (10, 90),
        ("Bowel screening leaflets in the church toilets", "Leaflets at the GP waiting room"),
    ),
    (
        "physical-activity",
        12,
        (2, 25),
        (30, 120),
        ("Lunchtime walk", "Walk round the park with the group"),
    ),
    (
        "social-media",
        10,
        (10, 400),
        (5, 60),
        ("Facebook post about the sepsis video", "Shared the flu jab dates"),
    ),
    (
        "event",
        6,
        (10, 250),
        (60, 300),
        ("Stall at the community fun day", "Health MOT stall at work"),
    ),
    ("other", 5, (1, 30), (10, 120), ("Helped at the coffee morning",)),
]
KIND_CUM = list(accumulate(k[1] for k in KINDS))
OUTLIER_SHARE = 0.005  # activities over the review limits, as happen with typing mistakes
REACH_LIMIT, MINUTES_LIMIT = 500, 600  # above these an activity needs review
ACTIVITY_COLUMNS = (
    "client_id",
    "person",
    "programme",
    "kind",
    "occurred_on",
    "footprint",
    "people_reached",
    "minutes",
    "note",
    "review_status",
    "review_reason",
    "created_at",
    "updated_at",
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


def _weights(rng: random.Random, champions: Sequence[MembershipPlan]) -> list[float]:
    """Some champions do far more than others; longer-serving ones have had longer to."""
    return [rng.expovariate(1.0) * (m.active_days + 6) for m in champions]


def activity_chunks(ctx: ActivityContext, total: int) -> Iterator[list[tuple[Any, ...]]]:
    """The activity rows, ACTIVITY_CHUNK at a time, in ACTIVITY_COLUMNS order."""
    rng = ctx.rng
    cum = list(accumulate(_weights(rng, ctx.champions)))
    made = 0
    while made < total:
        n = min(ACTIVITY_CHUNK, total - made)
        picks = rng.choices(ctx.champions, cum_weights=cum, k=n)
        kinds = rng.choices(KINDS, cum_weights=KIND_CUM, k=n)
        yield [_activity(ctx, m, k) for m, k in zip(picks, kinds, strict=True)]
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
    )


def _outlier(rng: random.Random, reached: int, minutes: int) -> tuple[int, int, str, str]:
    """An activity over a review limit: most wait for review, some were rejected."""
    if rng.random() < 0.5:
        reached = rng.randint(REACH_LIMIT + 1, 5_000)
        reason = f"Reached more than {REACH_LIMIT} people"
    else:
        minutes = rng.randint(MINUTES_LIMIT + 1, 1_200)
        reason = f"Took more than {MINUTES_LIMIT} minutes"
    status = "rejected" if rng.random() < 0.15 else "needs-review"
    return reached, minutes, status, reason


def _stamp(ctx: ActivityContext, day: date) -> datetime:
    """When a record made on this day was saved: that evening, or now if that is later."""
    stamp = min(ctx.now, datetime.combine(day, time(19, 30), tzinfo=UTC))
    ctx.stamps[day] = stamp
    return stamp


# ---------------------------------------------------------------------------------------
# Writing.


async def insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert many rows in one go, inside the current write transaction.

    Piccolo builds an object and SQL text for every row, which is far slower for hundreds
    of thousands of rows than the driver's own bulk paths: COPY on PostgreSQL, a prepared
    statement run once per row (executemany) on SQLite.
    """
    if not rows:
        return
    db = engine()
    transaction = db.current_transaction.get()
    if transaction is None:
        raise RuntimeError("insert_rows must run inside write_transaction()")
    connection = transaction.connection
    if isinstance(db, PostgresEngine):
        await connection.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    # The table and column names are this module's constants, never user input.
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
    await connection.executemany(sql, rows)


async def refuse_if_people() -> None:
    """Raise DemoRefused if there is anyone in the person table."""
    count = await Person.count()
    if count:
        noun = "person" if count == 1 else "people"
        raise DemoRefused(
            f"The database already has {count:,} {noun} in it. The demo data goes only into "
            "a database with no people, so that it never mixes with real records."
        )


async def ensure_footprints() -> tuple[list[int], int]:
    """The id of each of AREAS, adding those missing (by code, or by name); and how many
    were added."""
    existing = await Footprint.select(Footprint.id, Footprint.code, Footprint.name)
    by_code = {row["code"]: row["id"] for row in existing}
    by_name = {row["name"]: row["id"] for row in existing}
    ids, added = [], 0
    for area in AREAS:
        found = by_code.get(area.code) or by_name.get(area.name)
        if found is None:
            rows = await Footprint.insert(Footprint(code=area.code, name=area.name)).returning(
                Footprint.id
            )
            found, added = rows[0]["id"], added + 1
        ids.append(found)
    return ids, added


async def lookup_ids() -> tuple[dict[str, int], dict[str, tuple[int, int | None]]]:
    """Programme ids by slug, and course (id, months valid) by slug."""
    programmes = await Programme.select(Programme.id, Programme.slug)
    courses = await Course.select(Course.id, Course.slug, Course.valid_for_months)
    return (
        {row["slug"]: row["id"] for row in programmes},
        {row["slug"]: (row["id"], row["valid_for_months"]) for row in courses},
    )


def _check_programmes(programme_ids: dict[str, int]) -> None:
    missing = [slug for slug, _count, _share in ROLES if slug not in programme_ids]
    if missing:
        raise DemoRefused(
            "The demo needs the programmes that the migrations add, and these are missing: "
            + ", ".join(missing)
            + ". Run the migrations first."
        )


@dataclass
class Written:
    """Ids given by the database to the planned records."""

    areas: list[int]
    organisations: list[int]
    people: list[int]
    programmes: dict[str, int]
    footprints_added: int


async def write_organisations(the_plan: Plan, areas: list[int]) -> list[int]:
    """Insert the organisations; their ids, in plan order."""
    before = await _max_id("organisation")
    rows = [
        (name, kind, sector, areas[area]) for name, kind, sector, area in the_plan.organisations
    ]
    await insert_rows("organisation", ("name", "kind", "sector", "footprint"), rows)
    found = await _ids_after("organisation", "name", before)
    return [found[name] for name, _kind, _sector, _area in the_plan.organisations]


async def _max_id(table: str) -> int:
    rows = await Person.raw(f'SELECT COALESCE(MAX(id), 0) AS top FROM "{table}"')  # noqa: S608
    return int(rows[0]["top"])


async def _ids_after(table: str, key: str, after: int) -> dict[str, int]:
    """id by key for the rows added after id `after` (the ones just inserted)."""
    sql = f'SELECT id, "{key}" AS key FROM "{table}" WHERE id > {{}}'  # noqa: S608
    rows = await Person.raw(sql, after)
    return {row["key"]: row["id"] for row in rows}


async def write_people(the_plan: Plan, written: Written, now: datetime) -> list[int]:
    """Insert the people; their ids, in plan order."""
    columns = (
        "name",
        "email",
        "phone",
        "postcode",
        "year_of_birth",
        "footprint",
        "organisation",
        "consent_to_contact",
        "created_at",
        "updated_at",
    )
    rows = []
    for p in the_plan.people:
        org = written.organisations[p.organisation] if p.organisation is not None else None
        stamp = min(now, datetime.combine(p.first_joined, time(10, 0), tzinfo=UTC))
        rows.append(
            (
                p.name,
                p.email,
                p.phone,
                p.postcode,
                p.year_of_birth,
                written.areas[p.area],
                org,
                p.consent,
                stamp,
                stamp,
            )
        )
    await insert_rows("person", columns, rows)
    found = await _ids_after("person", "email", 0)
    return [found[p.email] for p in the_plan.people]


async def write_memberships(the_plan: Plan, written: Written, now: datetime) -> None:
    columns = ("person", "programme", "joined_on", "status", "left_on", "created_at", "updated_at")
    rows = []
    for m in the_plan.memberships:
        created = min(now, datetime.combine(m.joined_on, time(10, 0), tzinfo=UTC))
        updated = (
            min(now, datetime.combine(m.left_on, time(10, 0), tzinfo=UTC)) if m.left_on else created
        )
        rows.append(
            (
                written.people[m.person],
                written.programmes[m.programme],
                m.joined_on,
                m.status,
                m.left_on,
                created,
                updated,
            )
        )
    await insert_rows("membership", columns, rows)


async def write_trainings(
    the_plan: Plan, written: Written, courses: dict[str, tuple[int, int | None]], now: datetime
) -> int:
    """Insert the training records for courses in the catalogue; how many."""
    rows = []
    for person, slug, done, certificate in the_plan.trainings:
        if slug not in courses:  # someone removed the course: leave its records out
            continue
        course_id, months = courses[slug]
        expires = _add_months(done, months) if months else None
        stamp = min(now, datetime.combine(done, time(16, 0), tzinfo=UTC))
        rows.append((written.people[person], course_id, done, certificate, expires, stamp))
    columns = ("person", "course", "completed_on", "certificate_number", "expires_on", "created_at")
    await insert_rows("training_record", columns, rows)
    return len(rows)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


async def write_sessions(the_plan: Plan, written: Written, now: datetime) -> None:
    columns = (
        "programme",
        "held_on",
        "footprint",
        "venue",
        "run_by",
        "attendees",
        "note",
        "created_at",
    )
    rows = []
    for programme, held_on, area, venue, runner, attendees in the_plan.sessions:
        stamp = min(now, datetime.combine(held_on, time(20, 0), tzinfo=UTC))
        rows.append(
            (
                written.programmes[programme],
                held_on,
                written.areas[area] if area is not None else None,
                venue,
                written.people[runner] if runner >= 0 else None,
                attendees,
                "",
                stamp,
            )
        )
    await insert_rows("friends_session", columns, rows)
    columns = ("programme", "footprint", "count", "as_of", "source", "note", "created_at")
    rows = [
        (written.programmes[programme], area, count, as_of, EXTERNAL_SOURCE, note, now)
        for programme, area, count, as_of, note in the_plan.external
    ]
    await insert_rows("external_count", columns, rows)


async def write_plan(
    the_plan: Plan, now: datetime, progress: Progress
) -> tuple[Written, dict[str, int]]:
    """Write everything but the activities in one transaction, first checking that the
    database has no people (inside the transaction, so two loads cannot both pass)."""
    async with write_transaction():
        await refuse_if_people()
        programmes, courses = await lookup_ids()
        _check_programmes(programmes)
        areas, added = await ensure_footprints()
        written = Written(areas, [], [], programmes, added)
        written.organisations = await write_organisations(the_plan, areas)
        progress("organisations", len(written.organisations), len(written.organisations))
        written.people = await write_people(the_plan, written, now)
        await write_memberships(the_plan, written, now)
        progress("people", len(written.people), len(written.people))
        trainings = await write_trainings(the_plan, written, courses, now)
        await write_sessions(the_plan, written, now)
        progress("sessions", len(the_plan.sessions), len(the_plan.sessions))
    counts = {
        "footprints": added,
        "organisations": len(written.organisations),
        "people": len(written.people),
        "memberships": len(the_plan.memberships),
        "trainings": trainings,
        "sessions": len(the_plan.sessions),
        "friends_from_sessions": sum(s[5] for s in the_plan.sessions),
        "external_counts": len(the_plan.external),
    }
    return written, counts


async def write_activities(ctx: ActivityContext, total: int, progress: Progress) -> None:
    """Insert the activities a few chunks per transaction, then rebuild the rollups."""
    chunks = activity_chunks(ctx, total)
    rows = next(chunks, None)
    done = 0
    progress("activities", 0, total)
    while rows:
        async with write_transaction():
            await _sqlite_bigger_cache()
            for _ in range(CHUNKS_PER_TRANSACTION):
                if not rows:
                    break
                # Make the next chunk while SQLite writes this one: aiosqlite runs it in
                # its own thread, and sqlite lets go of the GIL while it works.
                sending = asyncio.create_task(insert_rows("activity", ACTIVITY_COLUMNS, rows))
                await asyncio.sleep(0)
                done += len(rows)
                rows = next(chunks, None)
                await sending
        progress("activities", done, total)
    progress("totals", 0, 1)
    async with write_transaction():
        await rollup.rebuild()
    progress("totals", 1, 1)


async def _sqlite_bigger_cache() -> None:
    """Let SQLite keep more of the client_id index in memory while loading (per connection;
    the default 2 MB means re-reading pages for every random UUID)."""
    if not isinstance(engine(), PostgresEngine):
        await Person.raw("PRAGMA cache_size = -131072")
        await Person.raw("PRAGMA mmap_size = 1073741824")


def _no_progress(stage: str, done: int, total: int) -> None:
    """The default progress callback: say nothing."""


async def load_demo(scale: float = 1.0, progress: Progress | None = None) -> dict[str, int]:
    """Load the demo data set at this scale (1.0: Wigan-sized, about 3,000 people and
    60,000 activities) into a database with no people; returns how many of each record.

    Raises DemoRefused if the database already has people in it.
    """
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"The scale must be more than 0 and at most {MAX_SCALE:g}, not {scale}")
    report = progress or _no_progress
    await refuse_if_people()  # early, to refuse before any work; checked again when writing
    today, now = date.today(), datetime.now(UTC)
    rng = random.Random(SEED)
    report("planning", 0, 1)
    the_plan = plan(rng, scale, today)
    report("planning", 1, 1)
    written, counts = await write_plan(the_plan, now, report)
    champions = [m for m in the_plan.memberships if m.programme not in FRIEND_PROGRAMMES]
    ctx = ActivityContext(
        rng=rng,
        today=today,
        champions=champions,
        person_ids=written.people,
        person_areas=[p.area for p in the_plan.people],
        programme_ids=written.programmes,
        area_ids=written.areas,
        stamps={},
        now=now,
    )
    total = scaled(ACTIVITIES, scale)
    await write_activities(ctx, total, report)
    counts["activities"] = total
    return counts
