"""Writing the demo into the database, and load_demo() itself."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from schema.tables import Course, Footprint, Person, Programme
from server.db import engine, write_transaction
from server.demo import impact
from server.demo.data import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    AREAS,
    CHUNKS_PER_TRANSACTION,
    EXTERNAL_SOURCE,
    FRIEND_PROGRAMMES,
    IMPACT_SEED,
    MAX_SCALE,
    ROLES,
    SEED,
)
from server.demo.plan import (
    ActivityContext,
    Chunk,
    DemoRefused,
    Plan,
    activity_chunks,
    plan,
    scaled,
)
from server.demo.wellbeing import COLUMNS as WELLBEING_COLUMNS  # Wellbeing (issue 16)
from server.demo.wellbeing import plan_wellbeing, wellbeing_rows
from server.settings import get_settings
from server.settings import today as council_today
from server.totals import rollup
from server.trainings.services import add_months

Progress = Callable[[str, int, int], None]

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
        expires = add_months(done, months) if months else None
        stamp = min(now, datetime.combine(done, time(16, 0), tzinfo=UTC))
        rows.append((written.people[person], course_id, done, certificate, expires, stamp))
    columns = ("person", "course", "completed_on", "certificate_number", "expires_on", "created_at")
    await insert_rows("training_record", columns, rows)
    return len(rows)


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
    external = [
        (written.programmes[programme], area, count, as_of, EXTERNAL_SOURCE, note, now)
        for programme, area, count, as_of, note in the_plan.external
    ]
    await insert_rows(
        "external_count",
        ("programme", "footprint", "friends", "as_of", "source", "note", "created_at"),
        external,
    )


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
        written = Written(areas, [], [], programmes)
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
    """Insert the activities (and their topics) a few chunks per transaction, then rebuild
    the rollups."""
    chunks = activity_chunks(ctx, total)
    chunk: Chunk | None = next(chunks, None)
    done = 0
    progress("activities", 0, total)
    while chunk:
        async with write_transaction():
            await _sqlite_bigger_cache()
            before = await _max_id("activity")
            topics: list[tuple[uuid.UUID, int]] = []
            for _ in range(CHUNKS_PER_TRANSACTION):
                if not chunk:
                    break
                rows, chunk_topics = chunk
                topics.extend(chunk_topics)
                # Make the next chunk while SQLite writes this one: aiosqlite runs it in
                # its own thread, and sqlite lets go of the GIL while it works.
                sending = asyncio.create_task(insert_rows("activity", ACTIVITY_COLUMNS, rows))
                await asyncio.sleep(0)
                done += len(rows)
                chunk = next(chunks, None)
                await sending
            await write_topics(before, topics)
        progress("activities", done, total)
    progress("totals", 0, 1)
    async with write_transaction():
        await rollup.rebuild()
    progress("totals", 1, 1)


async def write_topics(after: int, topics: Sequence[tuple[uuid.UUID, int]]) -> None:
    """The topics of the activities just written (those with an id above `after`), found
    by their client ids, since the database gives the ids."""
    if not topics:
        return
    rows = await Person.raw("SELECT id, client_id FROM activity WHERE id > {}", after)
    ids = {str(row["client_id"]): row["id"] for row in rows}
    await insert_rows(
        "activity_topic", ("activity", "topic"), [(ids[str(c)], t) for c, t in topics]
    )


async def write_impact(
    the_plan: Plan, rng: random.Random, now: datetime
) -> tuple[impact.ImpactContext, dict[str, int]]:
    """Impact (issue 16): the made-up services, lookups (unless the council has loaded
    its own) and social value rate (unless one is set); what the activities' impact fields
    are drawn from, and how many of each were written."""
    lookup = impact.plan_lookup(rng, [(p.postcode, p.area) for p in the_plan.people])
    async with write_transaction():
        services = await impact.write_services()
        loaded = await impact.lookups_loaded()
        if not loaded:
            deciles, postcodes = list(lookup.deciles.items()), list(lookup.postcodes.items())
            await insert_rows("area_deprivation", ("lsoa", "imd_decile"), deciles)
            await insert_rows("postcode_area", ("postcode", "lsoa"), postcodes)
        rate = await impact.write_rate()
        topics, topic_cum = await impact.topic_choices()
    counts = {
        "services": len(services),
        "lookup_postcodes": 0 if loaded else len(lookup.postcodes),
        "lookup_areas": 0 if loaded else len(lookup.deciles),
        "social_value_rate": int(rate),
    }
    context = impact.ImpactContext(
        rng=rng,
        today=the_plan.today,
        now=now,
        places=lookup.places,
        services=services,
        topics=topics,
        topic_cum=topic_cum,
    )
    return context, counts


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
    today, now = council_today(), datetime.now(UTC)
    rng = random.Random(SEED)
    report("planning", 0, 1)
    the_plan = plan(rng, scale, today)
    report("planning", 1, 1)
    written, counts = await write_plan(the_plan, now, report)
    impact_context, impact_counts = await write_impact(the_plan, random.Random(IMPACT_SEED), now)
    counts.update(impact_counts)
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
        impact=impact_context,
    )
    total = scaled(ACTIVITIES, scale)
    await write_activities(ctx, total, report)
    counts["activities"] = total
    # Wellbeing (issue 16): the champions' answers, from their own random generator.
    counts["wellbeing_answers"] = await write_wellbeing(the_plan, written, now)
    report("statistics", 0, 1)
    await refresh_statistics()
    report("statistics", 1, 1)
    return counts


async def write_wellbeing(the_plan: Plan, written: Written, now: datetime) -> int:
    """Insert the demo's wellbeing answers (server/demo/wellbeing.py); how many."""
    planned = plan_wellbeing(
        the_plan.memberships, the_plan.today, get_settings().wellbeing_follow_up_months
    )
    rows = wellbeing_rows(planned, written.people, written.programmes, now)
    async with write_transaction():
        await insert_rows("wellbeing_answer", WELLBEING_COLUMNS, rows)
    return len(rows)


async def refresh_statistics() -> None:
    """After a bulk load, let the database's query planner see the new sizes (PostgreSQL's
    autovacuum would otherwise do it later, busy just when the data is first used)."""
    db = engine()
    await db.run_ddl("VACUUM ANALYZE" if isinstance(db, PostgresEngine) else "ANALYZE")
