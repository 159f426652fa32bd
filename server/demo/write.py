"""Writing the demo into the database, and load_demo() itself.

The whole load is one write transaction: a load that fails or is stopped part way leaves
nothing behind, and can be run again. Every table's rows are made by a generator
(server/demo/plan.py, activities.py, wellbeing.py) and sent CHUNK rows at a time (the
activities ACTIVITY_BATCH at a time) by the bulk paths in bulkload.py: the loader holds a
chunk of rows, never a table's, and the roster (a few numbers for each person and
membership).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from itertools import chain

from piccolo.engine.postgres import PostgresEngine

from schema.tables import Course, Footprint, Person, Programme
from server.db import engine, is_postgres, write_transaction
from server.demo import bulkload, data, impact
from server.demo.activities import ActivityContext, Chunk, activity_chunks
from server.demo.data import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    AREAS,
    EXTERNAL_SOURCE,
    IMPACT_SEED,
    MAX_SCALE,
    ORGANISATIONS,
    ROLES,
    SEED,
)
from server.demo.plan import (
    PROGRAMMES,
    DemoRefused,
    MembershipPlan,
    Organisation,
    PersonPlan,
    Roster,
    SessionPlan,
    TrainingPlan,
    plan_external,
    plan_organisations,
    plan_people,
    plan_sessions,
    plan_trainings,
    scaled,
)
from server.demo.progress import Progress
from server.demo.values import Values
from server.demo.wellbeing import COLUMNS as WELLBEING_COLUMNS  # Wellbeing (issue 16)
from server.demo.wellbeing import plan_wellbeing, wellbeing_rows
from server.settings import get_settings
from server.settings import today as council_today
from server.totals import rollup
from server.trainings.services import add_months

Row = tuple[object, ...]
PERSON_COLUMNS = ("id", "name", "email", "phone", "postcode", "year_of_birth", "footprint",
                  "organisation", "consent_to_contact", "created_at", "updated_at")  # fmt: skip
MEMBERSHIP_COLUMNS = ("person", "programme", "joined_on", "status", "left_on", "created_at",
                      "updated_at")  # fmt: skip
TRAINING_COLUMNS = ("person", "course", "completed_on", "certificate_number", "expires_on",
                    "created_at")  # fmt: skip
SESSION_COLUMNS = ("programme", "held_on", "footprint", "venue", "run_by", "attendees", "note",
                   "created_at")  # fmt: skip
MORNING, AFTERNOON, EVENING = time(10, 0), time(16, 0), time(20, 0)


class Sink:
    """The rows of one table on their way to the database: sent CHUNK at a time, so never
    more are held. `before`: a table whose rows must be in first (the one these point to)."""

    def __init__(self, table: str, columns: Sequence[str], before: Sink | None = None) -> None:
        self.table, self.columns, self.before = table, columns, before
        self.rows: list[Row] = []
        self.sent = 0

    async def add(self, row: Row) -> None:
        self.rows.append(row)
        if len(self.rows) >= data.CHUNK:
            await self.flush()

    async def flush(self) -> None:
        if self.before is not None:
            await self.before.flush()
        if self.rows:
            await bulkload.send(self.table, self.columns, self.rows)
            self.sent += len(self.rows)
            self.rows = []


@dataclass
class Load:
    """One load: what it needs from the database, and what it has written so far."""

    scale: float
    report: Progress
    values: Values
    roster: Roster
    programmes: dict[str, int] = field(default_factory=dict)
    courses: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    areas: list[int] = field(default_factory=list)
    organisations: list[int] = field(default_factory=list)
    services: list[int] = field(default_factory=list)  # in data.SERVICES order
    first_person: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def person(self, index: int) -> int:
        """The id of a planned person (people are written with ids worked out in advance)."""
        return self.first_person + index


# ---------------------------------------------------------------------------------------
# The reference data and the organisations.


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


async def lookup_ids(load: Load) -> None:
    """Programme ids by slug, and course (id, months valid) by slug; refuses if the
    migrations' programmes are missing."""
    programmes = await Programme.select(Programme.id, Programme.slug)
    courses = await Course.select(Course.id, Course.slug, Course.valid_for_months)
    load.programmes = {row["slug"]: row["id"] for row in programmes}
    load.courses = {row["slug"]: (row["id"], row["valid_for_months"]) for row in courses}
    missing = [slug for slug, _count, _share in ROLES if slug not in load.programmes]
    if missing:
        raise DemoRefused(
            "The demo needs the programmes that the migrations add, and these are missing: "
            + ", ".join(missing)
            + ". Run the migrations first."
        )


async def write_organisations(load: Load, organisations: Sequence[Organisation]) -> None:
    """Insert the organisations (a few thousand at most); their ids, in plan order."""
    rows = await Person.raw('SELECT COALESCE(MAX(id), 0) AS top FROM "organisation"')
    before = int(rows[0]["top"])
    sink = Sink("organisation", ("name", "kind", "sector", "footprint"))
    for name, kind, sector, area in organisations:
        await sink.add((name, kind, sector, load.areas[area]))
    await sink.flush()
    found = await Person.raw('SELECT id, name FROM "organisation" WHERE id > {}', before)
    by_name = {row["name"]: row["id"] for row in found}
    load.organisations = [by_name[name] for name, _kind, _sector, _area in organisations]


# ---------------------------------------------------------------------------------------
# People, memberships, training and sessions.


def _person_row(load: Load, p: PersonPlan) -> Row:
    org = load.organisations[p.organisation] if p.organisation is not None else None
    stamp = load.values.saved(p.first_joined, MORNING)
    return (load.person(load.roster.people - 1), p.name, p.email, p.phone, p.postcode,
            p.year_of_birth, load.areas[p.area], org, p.consent, stamp, stamp)  # fmt: skip


def _membership_row(load: Load, m: MembershipPlan) -> Row:
    created = load.values.saved(m.joined_on, MORNING)
    updated = load.values.saved(m.left_on, MORNING) if m.left_on else created
    left = load.values.day(m.left_on) if m.left_on else None
    return (load.person(m.person), load.programmes[m.programme], load.values.day(m.joined_on),
            m.status, left, created, updated)  # fmt: skip


async def write_people(
    load: Load, made: Iterable[PersonPlan | MembershipPlan], lookup: impact.Lookup,
    impact_rng: random.Random,
) -> None:  # fmt: skip
    """People and their memberships, as they are planned; each person's home postcode
    goes to the demo's lookup as they are made (the impact generator's draws)."""
    load.first_person = await bulkload.next_id("person")
    people = Sink("person", PERSON_COLUMNS)
    memberships = Sink("membership", MEMBERSHIP_COLUMNS, before=people)
    wanted = sum(scaled(count, load.scale) for _slug, count, _share in ROLES)
    for item in made:
        if isinstance(item, PersonPlan):
            await people.add(_person_row(load, item))
            impact.add_home(impact_rng, lookup, item.postcode, item.area)
        else:
            await memberships.add(_membership_row(load, item))
            if len(memberships.rows) == 1:
                load.report("people and roles", memberships.sent, wanted)
    await memberships.flush()
    await bulkload.used_ids("person", load.person(people.sent - 1))
    load.report("people and roles", memberships.sent, wanted)
    load.counts.update(people=people.sent, memberships=memberships.sent)


def _training_row(load: Load, t: TrainingPlan) -> Row | None:
    if t.course not in load.courses:  # someone removed the course: leave its records out
        return None
    course_id, months = load.courses[t.course]
    expires = load.values.day(add_months(t.done, months)) if months else None
    return (load.person(t.person), course_id, load.values.day(t.done), t.certificate,
            expires, load.values.saved(t.done, AFTERNOON))  # fmt: skip


def _session_row(load: Load, s: SessionPlan) -> Row:
    return (load.programmes[s.programme], load.values.day(s.held_on),
            load.areas[s.area] if s.area is not None else None, s.venue,
            load.person(s.runner) if s.runner >= 0 else None, s.attendees, "",
            load.values.saved(s.held_on, EVENING))  # fmt: skip


async def write_trainings_and_sessions(load: Load, rng: random.Random) -> None:
    """The courses members took on joining, then the Friends sessions (with the courses
    of the champions who run them), and the national programme's figures."""
    trainings = Sink("training_record", TRAINING_COLUMNS)
    sessions = Sink("friends_session", SESSION_COLUMNS)
    friends = 0
    made: Iterator[TrainingPlan | SessionPlan] = chain(
        plan_trainings(rng, load.roster), plan_sessions(rng, load.scale, load.roster)
    )
    for item in made:
        if isinstance(item, TrainingPlan):
            row = _training_row(load, item)
            if row is not None:
                await trainings.add(row)
        else:
            await sessions.add(_session_row(load, item))
            friends += item.attendees
    await trainings.flush()
    await sessions.flush()
    load.report("training", trainings.sent, trainings.sent)
    load.report("sessions", sessions.sent, sessions.sent)
    external = [
        (load.programmes[programme], area, count, as_of, EXTERNAL_SOURCE, note, load.values.now)
        for programme, area, count, as_of, note in plan_external(load.scale, load.roster.today)
    ]
    columns = ("programme", "footprint", "friends", "as_of", "source", "note", "created_at")
    await bulkload.send("external_count", columns, external)
    load.counts.update(trainings=trainings.sent, sessions=sessions.sent,
                       friends_from_sessions=friends, external_counts=len(external))  # fmt: skip


# ---------------------------------------------------------------------------------------
# Impact (issue 16): services, lookups, the rate; what the activities' fields come from.


async def write_impact_start(load: Load, impact_rng: random.Random) -> impact.Lookup:
    """The made-up services and social value rate (unless one is set); the start of the
    demo's lookups (their places), which the people's homes then join."""
    load.services = await impact.write_services()
    load.counts["services"] = len(load.services)
    load.counts["social_value_rate"] = int(await impact.write_rate())
    return impact.plan_lookup(impact_rng)


async def write_lookup(load: Load, lookup: impact.Lookup) -> None:
    """The demo's lookups, unless the council has loaded its own (never mixed with)."""
    loaded = await impact.lookups_loaded()
    if not loaded:
        await bulkload.send(
            "area_deprivation", ("lsoa", "imd_decile"), list(lookup.deciles.items())
        )
        postcodes = Sink("postcode_area", ("postcode", "lsoa"))
        for row in lookup.postcodes.items():
            await postcodes.add(row)
        await postcodes.flush()
    load.counts["lookup_postcodes"] = 0 if loaded else len(lookup.postcodes)
    load.counts["lookup_areas"] = 0 if loaded else len(lookup.deciles)


async def impact_context(
    load: Load, lookup: impact.Lookup, impact_rng: random.Random
) -> impact.ImpactContext:
    topics, topic_cum = await impact.topic_choices()
    return impact.ImpactContext(
        rng=impact_rng, today=load.roster.today, now=load.values.now, places=lookup.places,
        services=load.services, topics=topics, topic_cum=topic_cum,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------
# Activities.


def _batches(chunks: Iterator[Chunk], sort: bool) -> Iterator[Chunk]:
    """The chunks joined into batches of about ACTIVITY_BATCH activities. Sorted by client
    id for SQLite: each batch then walks the client id index once from end to end rather
    than jumping about it (the ids, given in advance, keep the order the rows were made)."""
    rows: list[Row] = []
    topics: list[tuple[int, int]] = []
    for chunk_rows, chunk_topics in chunks:
        rows += chunk_rows
        topics += chunk_topics
        if len(rows) >= data.ACTIVITY_BATCH:
            if sort:
                rows.sort(key=_client_id)
            yield rows, topics
            rows, topics = [], []
    if rows:
        if sort:
            rows.sort(key=_client_id)
        yield rows, topics


def _client_id(row: Row) -> str:
    return str(row[1])


async def write_activities(load: Load, ctx: ActivityContext, total: int) -> None:
    """The activities and their topics, a batch at a time: the next batch is made (in a
    thread) while this one is written."""
    batches = _batches(activity_chunks(ctx, total), sort=not is_postgres())
    load.report("activities", 0, total)
    done = topics = 0
    batch = await asyncio.to_thread(next, batches, None)
    while batch is not None:
        making = asyncio.create_task(asyncio.to_thread(next, batches, None))
        try:
            await bulkload.send("activity", ACTIVITY_COLUMNS, batch[0])
            await bulkload.send("activity_topic", ("activity", "topic"), batch[1])
        except BaseException:
            await asyncio.gather(making, return_exceptions=True)
            raise
        done, topics = done + len(batch[0]), topics + len(batch[1])
        load.report("activities", done, total)
        batch = await making
    if done:
        await bulkload.used_ids("activity", ctx.first_id + done - 1)
    load.counts.update(activities=done, activity_topics=topics)


async def write_wellbeing(load: Load) -> None:
    """The demo's wellbeing answers (server/demo/wellbeing.py)."""
    follow_ups = get_settings().wellbeing_follow_up_months
    planned = plan_wellbeing(load.roster, load.roster.today, follow_ups)
    sink = Sink("wellbeing_answer", WELLBEING_COLUMNS)
    for row in wellbeing_rows(planned, load.first_person, load.programmes, load.values):
        await sink.add(row)
    await sink.flush()
    load.report("wellbeing", sink.sent, sink.sent)
    load.counts["wellbeing_answers"] = sink.sent


# ---------------------------------------------------------------------------------------
# The load.


def _no_progress(stage: str, done: int, total: int) -> None:
    """The default progress callback: say nothing."""


async def load_demo(scale: float = 1.0, progress: Progress | None = None) -> dict[str, int]:
    """Load the demo data set at this scale (1.0: Wigan-sized, about 3,000 people and
    60,000 activities) into a database with no people; returns how many of each record.

    Raises DemoRefused if the database already has people in it.
    """
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"The scale must be more than 0 and at most {MAX_SCALE:g}, not {scale}")
    await refuse_if_people()  # early, to refuse before any work; checked again when writing
    values = Values(as_text=not is_postgres(), now=datetime.now(UTC))
    load = Load(scale, progress or _no_progress, values, Roster(council_today()))
    async with write_transaction(), bulkload.settings():
        await _load(load)
    load.report("statistics", 0, 1)
    await refresh_statistics()
    load.report("statistics", 1, 1)
    return load.counts


async def _load(load: Load) -> None:
    """Everything, in the load's one transaction."""
    await bulkload.lock("person")  # PostgreSQL: no other writer of people until the end
    await refuse_if_people()  # so that two loads cannot both pass
    await lookup_ids(load)
    load.areas, load.counts["footprints"] = await ensure_footprints()
    rng, impact_rng = random.Random(SEED), random.Random(IMPACT_SEED)
    organisations = plan_organisations(rng, scaled(ORGANISATIONS, load.scale))
    await write_organisations(load, organisations)
    load.counts["organisations"] = len(organisations)
    lookup = await write_impact_start(load, impact_rng)
    await write_people(
        load, plan_people(rng, load.scale, organisations, load.roster), lookup, impact_rng
    )
    del organisations
    await write_trainings_and_sessions(load, rng)
    await write_lookup(load, lookup)
    ctx = ActivityContext(
        rng=rng, roster=load.roster, values=load.values, first_person=load.first_person,
        programme_ids=[load.programmes[slug] for slug in PROGRAMMES], area_ids=load.areas,
        first_id=await bulkload.next_id("activity"),
        impact=await impact_context(load, lookup, impact_rng),
    )  # fmt: skip
    activity_indexes = await bulkload.drop_secondary("activity")
    topic_indexes = await bulkload.drop_secondary("activity_topic")
    await write_activities(load, ctx, scaled(ACTIVITIES, load.scale))
    await bulkload.smaller_cache()
    load.report("totals", 0, 1)
    await bulkload.put_back(topic_indexes)  # the topics' totals read the activities' topics
    await rollup.rebuild()  # before the activities' indexes: it reads every row anyway
    load.report("totals", 1, 1)
    load.report("indexes", 0, 1)
    await bulkload.put_back(activity_indexes)
    load.report("indexes", 1, 1)
    await write_wellbeing(load)


async def refresh_statistics() -> None:
    """After a bulk load, let the database's query planner see the new sizes (PostgreSQL's
    autovacuum would otherwise do it later, busy just when the data is first used)."""
    db = engine()
    await db.run_ddl("VACUUM ANALYZE" if isinstance(db, PostgresEngine) else "ANALYZE")
