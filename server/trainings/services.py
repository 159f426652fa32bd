"""Training records: who completed which course, and when it runs out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TypedDict

import msgspec
from piccolo.custom_types import Combinable

from schema.rows import TrainingRecordRow
from schema.tables import Membership, Person, TrainingRecord
from server.accounts.addresses import doubt, holders
from server.db import write_transaction
from server.lib.normal import simple
from server.lib.records import Context, RecordType, Sent, allow, create_many
from server.lib.reference import Reference
from server.lib.rows import rows_as
from server.lib.validation import MAX_ID, Form, Invalid, Unprocessable
from server.people.services import people_named
from server.settings import today
from server.trainings import shapes


def add_months(day: date, months: int) -> date:
    """The same day some months later (the last day of the month where that day is missing)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


STAFF_ONLY = (
    "Only a coordinator can record {course}: it lets someone run Friends sessions. "
    "Ask your coordinator to add it."
)
STAFF_REMOVE = (
    "Only a coordinator can remove {course}: it lets someone run Friends sessions. "
    "Ask your coordinator if it is wrong."
)


def trainer_courses(ref: Reference) -> set[int]:
    """The courses that let a person run a Friends programme's sessions (such as Dementia
    Friends Champion training): those of a Friends programme. Only staff record them."""
    friends = {p["id"] for p in ref.programmes.values() if p["kind"] == "friend"}
    return {c["id"] for c in ref.courses.values() if c["programme"] in friends}


def _check_trainer_course(course_ids: set[int], ctx: Context) -> None:
    """A champion may not give themselves a course that lets them run sessions, nor change
    one that staff recorded for them."""
    trainers = sorted(course_ids & trainer_courses(ctx.ref))
    if trainers:
        raise Invalid({"course": STAFF_ONLY.format(course=ctx.ref.courses[trainers[0]]["name"])})


async def _trainer_course_stays(row: TrainingRecordRow, ctx: Context) -> None:
    """A champion may not delete a course that lets them run sessions: staff recorded it."""
    if ctx.champion and row["course"] in trainer_courses(ctx.ref):
        name = ctx.ref.courses[row["course"]]["name"]
        raise Unprocessable({"course": STAFF_REMOVE.format(course=name)})


def read_training(form: Form, ctx: Context, old: TrainingRecordRow | None) -> None:
    form.reference("person", "the person's id", required=ctx.actor is None or not ctx.champion)
    form.choice("course", "a course", ctx.ref.course_ids(), required=True)
    form.date("completed_on", "the date it was completed", required=True)
    form.text("certificate_number", "the certificate number", max_length=60, default=None)
    form.date("expires_on", "the expiry date", allow_future=True)


async def training_rules(
    clean: TrainingRecordRow, ctx: Context, old: TrainingRecordRow | None, sent: Sent
) -> TrainingRecordRow:
    merged: TrainingRecordRow = {**(old or {}), **clean}
    if ctx.champion:
        _check_trainer_course({merged["course"], (old or merged)["course"]}, ctx)
    if clean.get("person") and not await Person.exists().where(Person.id == clean["person"]):
        raise Invalid({"person": f"There is no person with id {clean['person']}."})
    months = ctx.ref.courses[merged["course"]]["valid_for_months"]
    if old is None and merged.get("expires_on") is None and months:
        clean["expires_on"] = add_months(merged["completed_on"], months)
        merged["expires_on"] = clean["expires_on"]
    expires_on = merged.get("expires_on")
    if expires_on and expires_on <= merged["completed_on"]:
        raise Invalid({"expires_on": "The expiry date must be after the date it was completed."})
    return clean


def present_training(row: TrainingRecordRow, ref: Reference) -> shapes.Training:
    course = ref.courses.get(row["course"])
    return shapes.Training(
        id=row["id"],
        person=row["person"],
        course=course["slug"] if course else None,
        course_name=course["name"] if course else None,
        completed_on=row["completed_on"],
        certificate_number=row["certificate_number"],
        expires_on=row["expires_on"],
        created_at=row["created_at"],
    )


def training_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.reference("person", "the person's id")
    form.choice("course", "a course", ctx.ref.course_ids())
    form.integer("expiring_within_days", "the number of days", low=0, high=3650)
    c = form.clean
    out: list[Combinable] = []
    if c.get("person"):
        out.append(TrainingRecord.person == c["person"])
    if c.get("course"):
        out.append(TrainingRecord.course == c["course"])
    within = form.got("expiring_within_days", int)
    if within is not None:
        now = today()
        out.append(TrainingRecord.expires_on >= now)
        out.append(TrainingRecord.expires_on <= now + timedelta(days=within))
    return out


TRAININGS = RecordType(
    name="training",
    shape=shapes.Training,
    row=TrainingRecordRow,
    table=TrainingRecord,
    read=read_training,
    rules=training_rules,
    present=present_training,
    filters=training_filters,
    owner="person",
    before_delete=_trainer_course_stays,
    champion_may=frozenset({"list", "read", "create", "update", "delete"}),
    personal=frozenset({"certificate_number"}),
    order_by=(("completed_on", True), ("id", True)),
)


async def my_trainings(ctx: Context) -> list[dict[str, object]]:
    """The signed-in person's training, newest first, with days left where it expires."""
    assert ctx.actor is not None
    rows = (
        await TrainingRecord.select()
        .where(TrainingRecord.person == (ctx.actor.person_id or 0))
        .order_by(TrainingRecord.completed_on, ascending=False)
    )
    now = today()
    out = []
    for row in rows_as(TrainingRecordRow, rows):
        expires = row["expires_on"]
        days_left = (expires - now).days if expires else None
        item = msgspec.structs.asdict(present_training(row, ctx.ref))
        out.append({**item, "days_left": days_left})
    return out


# The coordinators' console: qualifications running out, and cohorts -------------------

EXPIRING_DAYS = 90  # what runs out within this many days is listed...
EXPIRED_DAYS = 30  # ...and what ran out within this many days, marked
EXPIRING_PER_PAGE = 50
EXPIRING_FILTERS = ("course", "programme", "footprint")
COHORT_MOST = 2000  # people in one cohort
# What a cohort's records are saved with (the certificate number is left empty, and
# created_at is now); the audit log records the course, the dates and the person.
COHORT_COLUMNS = ("person", "course", "completed_on", "expires_on", "certificate_number",
                  "created_at")  # fmt: skip


def _expiring_clauses(form: Form, ctx: Context) -> list[Combinable]:
    form.choice("course", "a course", ctx.ref.course_ids())
    form.choice("programme", "a programme", ctx.ref.programme_ids())
    form.choice("footprint", "an area", ctx.ref.footprint_ids())
    c = form.clean
    now = today()
    out: list[Combinable] = [
        TrainingRecord.expires_on >= now - timedelta(days=EXPIRED_DAYS),
        TrainingRecord.expires_on <= now + timedelta(days=EXPIRING_DAYS),
    ]
    if c.get("course"):
        out.append(TrainingRecord.course == c["course"])
    if c.get("footprint"):
        out.append(TrainingRecord.person.footprint == c["footprint"])
    if c.get("programme"):
        members = Membership.select(Membership.person).where(Membership.programme == c["programme"])
        out.append(TrainingRecord.person.is_in(members))
    return out


class Expiring(TrainingRecordRow):
    """A training running out, with its person's name and contact details."""

    name: str
    email: str | None
    phone: str | None
    consent: bool


class ExpiringPage(TypedDict):
    items: list[dict[str, object]]
    page: int
    total: int
    pages: int


def _expiring_row(row: Expiring, ref: Reference) -> dict[str, object]:
    """A qualification running out; contact details only if the person agreed to contact."""
    expires_on = row["expires_on"]
    assert expires_on is not None  # only trainings that expire are chosen
    days = (expires_on - today()).days
    consent = bool(row["consent"])
    return {
        "id": row["id"],
        "person": row["person"],
        "name": row["name"],
        "course_name": ref.courses[row["course"]]["name"] if row["course"] in ref.courses else "?",
        "completed_on": row["completed_on"],
        "expires_on": row["expires_on"],
        "days_left": days,
        "expired": days < 0,
        "consent_to_contact": consent,
        "email": row["email"] if consent else None,
        "phone": row["phone"] if consent else None,
    }


async def expiring_trainings(
    ctx: Context, params: Mapping[str, str], *, every_page: bool = False
) -> ExpiringPage:
    """Qualifications that run out in the next 90 days or ran out in the last 30, soonest
    first, filtered by course, programme (any role in it) and area. One page, or with
    every_page=True all of them (for a download)."""
    allow(TRAININGS, ctx.actor, "list")
    form = Form({k: params[k] for k in (*EXPIRING_FILTERS, "page") if params.get(k)})
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    clauses = _expiring_clauses(form, ctx)
    form.result()
    page = form.needed("page", int)
    where = clauses[0]
    for clause in clauses[1:]:
        where = where & clause
    query = (
        TrainingRecord.select(
            *TrainingRecord._meta.columns,
            TrainingRecord.person.name.as_alias("name"),
            TrainingRecord.person.email.as_alias("email"),
            TrainingRecord.person.phone.as_alias("phone"),
            TrainingRecord.person.consent_to_contact.as_alias("consent"),
        )
        .where(where)
        .order_by(TrainingRecord.expires_on)
        .order_by(TrainingRecord.id)
    )
    if not every_page:
        query = query.limit(EXPIRING_PER_PAGE).offset((page - 1) * EXPIRING_PER_PAGE)
    items = [_expiring_row(r, ctx.ref) for r in rows_as(Expiring, await query)]
    total = await TrainingRecord.count().where(where)
    pages = max(1, -(-total // EXPIRING_PER_PAGE))
    return ExpiringPage(items=items, page=page, total=total, pages=pages)


def as_list(value: object) -> list[str]:
    """A form field sent once (a value) or more than once (a list), as a list of text."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def split_people_list(text: str) -> list[str]:
    """Emails or names pasted from a spreadsheet or an email: one a line; emails may also be
    separated by commas or spaces. Names keep their commas ("Smith, Jo")."""
    out: list[str] = []
    for line in text.replace(";", "\n").splitlines():
        line = line.strip()
        if "@" in line:
            out.extend(part for part in re.split(r"[\s,]+", line) if part)
        elif line:
            out.append(" ".join(line.split()))
    return list(dict.fromkeys(out))  # each once, in the order pasted


async def _match_names(names: list[str]) -> dict[str, list[int]]:
    """Ids of the people whose name is exactly one of these, ignoring case in every
    alphabet and runs of spaces (normal.simple), keyed by normal.simple of the name."""
    return await people_named({simple(n) for n in names})


class Resolved(TypedDict):
    """The people a cohort names: their ids, and what could not be matched, and why."""

    ids: list[int]
    not_found: list[str]
    ambiguous: list[str]
    to_check: list[str]


class Cohort(TypedDict):
    """What recording a cohort did: who was added, who had it, what did not match."""

    course_name: str
    completed_on: date
    added: list[str]
    already: list[str]
    not_found: list[str]
    ambiguous: list[str]
    to_check: list[str]


async def resolve_people(ticked: list[str], pasted: list[str]) -> Resolved:
    """Person ids from ticked boxes and from pasted emails or names, and what did not match
    (unknown, or a name that more than one person has)."""
    ids = [int(v) for v in ticked if v.strip().isdigit() and 0 < int(v) <= MAX_ID]
    found = {r["id"] for r in await Person.select(Person.id).where(Person.id.is_in(ids or [0]))}
    not_found = [f"record {v}" for v in ticked if not v.strip().isdigit() or int(v) not in found]
    ambiguous: list[str] = []
    by_email = await holders(p.lower() for p in pasted if "@" in p)
    # An address whose owner has not confirmed it, on a record that signs in with another,
    # may have been claimed: a coordinator ticks that person if it is really them.
    to_check = [
        f"{e}: {by_email[e.lower()].name} (record {by_email[e.lower()].person_id}) has it, "
        "but has not confirmed it and signs in with another address. Tick them if it is them."
        for e in pasted
        if e.lower() in by_email and doubt(by_email[e.lower()]) is not None
    ]
    by_name = await _match_names([p for p in pasted if "@" not in p])
    chosen = [i for i in ids if i in found]
    for entry in pasted:
        if "@" in entry:
            holder = by_email.get(entry.lower())
            if holder is not None and doubt(holder) is not None:
                continue  # listed in to_check
            matches = [holder.person_id] if holder is not None else []
        else:
            matches = by_name.get(simple(entry), [])
        if len(matches) == 1:
            chosen.append(matches[0])
        elif matches:
            ambiguous.append(entry)
        else:
            not_found.append(entry)
    return {
        "ids": list(dict.fromkeys(chosen)),
        "not_found": not_found,
        "ambiguous": ambiguous,
        "to_check": to_check,
    }


def _cohort_form(data: Mapping[str, object], ctx: Context) -> tuple[Form, list[str], list[str]]:
    form = Form({k: data.get(k) for k in ("course", "completed_on")})
    form.choice("course", "a course", ctx.ref.course_ids(), required=True)
    form.date("completed_on", "the date it was completed", required=True)
    ticked = as_list(data.get("person"))
    pasted = split_people_list(str(data.get("people_list") or ""))
    if not ticked and not pasted:
        form.errors["people_list"] = "Tick some people, or paste their emails or names."
    elif len(ticked) + len(pasted) > COHORT_MOST:
        form.errors["people_list"] = f"Add at most {COHORT_MOST:,} people at once."
    return form, ticked, pasted


async def record_cohort(ctx: Context, data: Mapping[str, object]) -> Cohort:
    """One course on one date for many people at once. People who already have that course
    on that date are not added again. Returns who was added, who had it, and what did not
    match; Invalid if the course, the date or the people are missing."""
    allow(TRAININGS, ctx.actor, "create")
    form, ticked, pasted = _cohort_form(data, ctx)
    form.result()
    found = await resolve_people(ticked, pasted)
    course, done = form.needed("course", int), form.needed("completed_on", date)
    months = ctx.ref.courses[course]["valid_for_months"]
    expires = add_months(done, months) if months else None
    account = ctx.actor.account_id if ctx.actor else None
    async with write_transaction():
        had = {
            r["person"]
            for r in await TrainingRecord.select(TrainingRecord.person).where(
                (TrainingRecord.course == course)
                & (TrainingRecord.completed_on == done)
                & TrainingRecord.person.is_in(found["ids"] or [0])
            )
        }
        new = [i for i in found["ids"] if i not in had]
        what = {"course": course, "completed_on": done, "expires_on": expires}
        rows = [{**what, "person": i} for i in new]
        await create_many(TRAININGS.kind, account, rows, columns=COHORT_COLUMNS)
    names = {
        r["id"]: r["name"]
        for r in await Person.select(Person.id, Person.name).where(
            Person.id.is_in(found["ids"] or [0])
        )
    }
    return {
        "course_name": ctx.ref.courses[course]["name"],
        "completed_on": done,
        "added": sorted(names[i] for i in new),
        "already": sorted(names[i] for i in had),
        "not_found": found["not_found"],
        "ambiguous": found["ambiguous"],
        "to_check": found["to_check"],
    }
