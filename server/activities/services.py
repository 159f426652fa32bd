"""Activities: what champions did and how many people it reached.

Every write keeps the rollups (server/totals/rollup.py) in step, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict, cast

import msgspec
from piccolo.custom_types import Combinable

from schema.rows import ActivityRow, ProgrammeRow
from schema.tables import Activity, Membership, Person
from server.activities import shapes
from server.activities.details import (
    DETAILS,
    TOPICS,
    Lists,
    add_topics,
    check_take_up_window,
    details_problems,
    offered,
    only_take_up,
    read_details,
    save_topics,
    topics_of,
)
from server.db import write_transaction
from server.lib.records import (
    Context,
    Forbidden,
    Page,
    RecordType,
    Sent,
    create_many,
    create_record,
    get_record,
    update_record,
    validate,
)
from server.lib.reference import Reference
from server.lib.rows import JSON, rows_as
from server.lib.validation import (
    CONTROL,
    EARLIEST,
    LATEST,
    READ_ONLY,
    Conflict,
    Form,
    Invalid,
    after_today,
    left_blank,
)
from server.settings import today
from server.totals import rollup

KINDS = {
    "conversation": "A conversation",
    "event": "An event or stall",
    "leaflets": "Leaflets or posters",
    "physical-activity": "A walk or a class",
    "social-media": "Social media or a campaign",
    "signposting": "Signposting someone to a service",
    "other": "Something else",
}
REVIEW_STATUSES = ("not-needed", "needs-review", "approved", "rejected")
# Accepted, but a coordinator looks at them before trusting them.
PLAUSIBLE_REACH = 500
PLAUSIBLE_MINUTES = 600
CHAMPION_EDIT_DAYS = 30
BATCH_LIMIT = 500
NOTE_LENGTH = 500
# Free text may name people, and a place's postcode may be someone's home: the audit log
# says they changed, never what they say (both are erased with the person).
PERSONAL = frozenset({"note", "postcode"})
# An activity's own fields, in order: what the audit log records of a new one, and the
# columns the demo loader writes first.
FIELDS = (
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
)


def review_for(people_reached: int, minutes: int) -> tuple[str, str]:
    """The review status an activity gets from its numbers, and why."""
    reasons = []
    if people_reached > PLAUSIBLE_REACH:
        reasons.append(f"reached over {PLAUSIBLE_REACH} people")
    if minutes > PLAUSIBLE_MINUTES:
        reasons.append(f"took over {PLAUSIBLE_MINUTES // 60} hours")
    if reasons:
        return "needs-review", "Check this: it " + " and ".join(reasons) + "."
    return "not-needed", ""


@dataclass(frozen=True)
class Choices:
    """The lists an activity is checked against, made once for a whole batch."""

    programmes: dict[str, int]
    footprints: dict[str, int]
    today: date

    @classmethod
    def of(cls, ref: Reference) -> Choices:
        return cls(ref.programme_ids(), ref.footprint_ids(), today())


KIND_CHOICES = {k: k for k in KINDS}


def read_activity(
    form: Form, ctx: Context, *, staff: bool, batch: bool = False, choices: Choices | None = None
) -> None:
    """Read the fields of one activity (a single record, or one item of a batch, which is
    always the sender's own)."""
    lists = choices or Choices.of(ctx.ref)
    form.uuid("client_id", "client_id")
    if not batch:
        form.reference("person", "the person's id")
    if staff and not batch:
        form.choice("review_status", "a review status", {s: s for s in REVIEW_STATUSES})
    form.choice("programme", "a programme", lists.programmes, required=True)
    form.choice("kind", "what you did", KIND_CHOICES, required=True)
    form.date("occurred_on", "the date it happened", default=lists.today)
    form.choice("footprint", "the area", lists.footprints)
    form.integer(
        "people_reached", "the number of people reached", low=0, high=100_000, required=True
    )
    form.duration("minutes", "the time spent", high=1440, default=0)
    form.text("note", "a note", max_length=NOTE_LENGTH)
    read_details(form, batch=batch)


def settle_review(clean: ActivityRow, old: ActivityRow | None, staff_set: bool) -> None:
    """Mark implausible numbers for review, unless a coordinator has just decided."""
    if staff_set and "review_status" in clean:
        clean["review_reason"] = (
            "" if clean["review_status"] == "not-needed" else (old or {}).get("review_reason", "")
        )
        return
    if old is not None and old["review_status"] == "rejected":
        return  # stays rejected until a coordinator says otherwise
    merged: ActivityRow = {**(old or {}), **clean}
    if old is not None and "people_reached" not in clean and "minutes" not in clean:
        return
    status, reason = review_for(merged["people_reached"], merged["minutes"])
    if old is not None and old["review_status"] == "approved" and status == "not-needed":
        status = "approved"
    clean["review_status"], clean["review_reason"] = status, reason


async def champion_programmes(person_id: int | None) -> set[int]:
    """The programmes a champion may log activities for: those they have not left."""
    if person_id is None:
        return set()
    rows = await Membership.select(Membership.programme).where(
        (Membership.person == person_id) & (Membership.status != "left")
    )
    return {row["programme"] for row in rows}


def check_programme(clean: Mapping[str, object], mine: set[int], ref: Reference) -> str | None:
    if clean.get("programme") is None or clean["programme"] in mine:
        return None
    names = ", ".join(sorted(ref.programmes[p]["slug"] for p in mine if p in ref.programmes))
    if not names:
        return "You are not in any programme yet: ask your coordinator to add you to one."
    return f"You can log activities only for your own programmes: {names}."


async def default_footprint(person_id: int | None) -> int | None:
    if person_id is None:
        return None
    row = await Person.select(Person.footprint).where(Person.id == person_id).first()
    return row["footprint"] if row else None


def _read_record(form: Form, ctx: Context, old: ActivityRow | None) -> None:
    read_activity(form, ctx, staff=ctx.actor is not None and ctx.actor.is_staff)


async def activity_rules(
    clean: ActivityRow, ctx: Context, old: ActivityRow | None, sent: Sent
) -> ActivityRow:
    staff = ctx.actor is not None and ctx.actor.is_staff
    if old is not None and "client_id" in clean and clean["client_id"] != old["client_id"]:
        raise Invalid({"client_id": "The client_id of an activity cannot change."})
    if old is None and clean.get("client_id") is None:
        clean["client_id"] = uuid.uuid4()
    if ctx.champion:
        assert ctx.actor is not None
        problem = check_programme(clean, await champion_programmes(ctx.actor.person_id), ctx.ref)
        if problem:
            raise Invalid({"programme": problem})
    if old is None and clean.get("person") is None and ctx.actor is not None:
        clean["person"] = ctx.actor.person_id  # a coordinator logging their own activity
    if old is None and clean.get("footprint") is None:
        clean["footprint"] = await default_footprint(clean.get("person"))
    if clean.get("person") and not await Person.exists().where(Person.id == clean["person"]):
        raise Invalid({"person": f"There is no person with id {clean['person']}."})
    if clean.get("review_status") is None:
        clean.pop("review_status", None)  # null, or left out: settled below, or as it was
    settle_review(clean, old, staff_set=staff and "review_status" in clean)
    await _settle_details(clean, old, ctx)
    return clean


async def _settle_details(clean: ActivityRow, old: ActivityRow | None, ctx: Context) -> None:
    """The details checked against the lists as they are (Invalid: what to fix), and the
    take-up's 90 days for champions (Forbidden)."""
    values = cast(dict[str, object], clean)  # with the topics, which are not a column
    had = (await topics_of([old["id"]])).get(old["id"], []) if old and TOPICS in values else []
    problems = details_problems(values, old, await Lists.load(), had)
    if problems:
        raise Invalid(problems)
    check_take_up_window(values, old, ctx)


def present_activity(row: ActivityRow, ref: Reference) -> shapes.Activity:
    return shapes.Activity(
        id=row["id"],
        client_id=str(row["client_id"]),
        person=row["person"],
        programme=ref.slug(row["programme"]),
        kind=row["kind"],
        occurred_on=row["occurred_on"],
        footprint=ref.code(row["footprint"]),
        people_reached=row["people_reached"],
        minutes=row["minutes"],
        note=row["note"],
        review_status=row["review_status"],
        review_reason=row["review_reason"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        setting=row["setting"] or None,
        postcode=row["postcode"],
        topics=[],  # added by with_topics, for a whole page at once
        service=row["service"],
        take_up=row["take_up"] or None,
        take_up_at=row["take_up_at"],
    )


async def with_topics(answers: list[shapes.Activity]) -> list[shapes.Activity]:
    """The activities with their topics, read in one go."""
    found = await topics_of([a.id for a in answers]) if answers else {}
    return [msgspec.structs.replace(a, topics=found[a.id]) if a.id in found else a for a in answers]


async def keep_topics(
    record_id: int, values: Mapping[str, object], old: ActivityRow | None, ctx: Context
) -> dict[str, JSON]:
    chosen = values.get(TOPICS)
    if not isinstance(chosen, list):
        return {}
    before = (await topics_of([record_id])).get(record_id, []) if old is not None else []
    if old is not None:  # the rollups take the old row's topics from it, not from the table
        had = await rollup.topics_of([record_id])
        cast(MutableMapping[str, object], old)["topic_ids"] = had.get(record_id, [])
    return await save_topics(record_id, [str(slug) for slug in chosen], before)


def activity_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.reference("person", "the person's id")
    form.choice("programme", "a programme", ctx.ref.programme_ids())
    form.choice("footprint", "an area", ctx.ref.footprint_ids())
    form.choice("kind", "a kind of activity", {k: k for k in KINDS})
    form.choice("review_status", "a review status", {s: s for s in REVIEW_STATUSES})
    form.date("since", "the first date", allow_future=True)
    form.date("until", "the last date", allow_future=True)
    c = form.clean
    out: list[Combinable] = []
    for name in ("person", "programme", "footprint", "kind", "review_status"):
        if c.get(name):
            out.append(Activity._meta.get_column_by_name(name) == c[name])
    if c.get("since"):
        out.append(Activity.occurred_on >= c["since"])
    if c.get("until"):
        out.append(Activity.occurred_on <= c["until"])
    return out


async def keep_rollups(old: ActivityRow | None, new: ActivityRow | None, ctx: Context) -> None:
    await rollup.keep([old] if old else [], [new] if new else [])


async def remember_topics(row: ActivityRow, ctx: Context) -> None:
    """Before an activity is deleted, which deletes its topics too: the topics, on the row
    that the rollups are then handed (server/totals/rollup.py)."""
    saved = await rollup.topics_of([row["id"]])
    cast(MutableMapping[str, object], row)["topic_ids"] = saved.get(row["id"], [])


def champion_window(row: ActivityRow, ctx: Context, sent: Sent | None) -> None:
    """Champions may change or delete their own activities for 30 days after logging them;
    saying whether a signposted person took the service up has 90 days from the activity's
    date of its own (activity_rules)."""
    if sent is not None and only_take_up(sent):
        return
    still_changeable(row["created_at"], ctx)


def still_changeable(created: datetime, ctx: Context) -> None:
    """Forbidden once a champion's activity logged then is past changing."""
    if not ctx.champion:
        return
    if datetime.now(UTC) - created > timedelta(days=CHAMPION_EDIT_DAYS):
        raise Forbidden(
            f"You can change an activity for {CHAMPION_EDIT_DAYS} days after you log it. "
            "Ask your coordinator to change this one."
        )


ACTIVITIES = RecordType(
    name="activity",
    shape=shapes.Activity,
    row=ActivityRow,
    table=Activity,
    read=_read_record,
    rules=activity_rules,
    present=present_activity,
    filters=activity_filters,
    owner="person",
    champion_may=frozenset({"list", "read", "create", "update", "delete"}),
    order_by=(("occurred_on", True), ("id", True)),
    on_change=keep_rollups,
    on_rows=rollup.keep,
    before_delete=remember_topics,
    may_change=champion_window,
    personal=PERSONAL,
    unique_message={"client_id": "An activity with this client_id is already recorded."},
    links=frozenset({TOPICS}),
    save_links=keep_topics,
    complete=with_topics,
)


# The log form sent -----------------------------------------------------------------------

# What makes two activities the same one: a form sent twice must match on all of these
# (every field of its own but the client_id and the review that follows).
SAME_ACTIVITY = tuple(f for f in (*FIELDS, *DETAILS) if f not in ("client_id", "review_status"))


async def log_from_form(ctx: Context, sent: Mapping[str, object], tries: int = 3) -> None:
    """Save the log form. Its client_id, drawn with the form, makes a form sent twice (a
    double tap, a resend) one activity. But a browser refills a form's hidden client_id
    after Back, so a different activity typed into that form arrives with a client_id
    already used: it is a new activity, never dropped. It is saved under a client_id made
    from the old one and what it says, so that this form sent twice is still one activity.
    The same activity sent again is a Conflict, which the page treats as already saved."""
    try:
        await create_record(ACTIVITIES, ctx, sent)
    except Conflict:
        clean = await validate(ACTIVITIES, sent, ctx, None)
        client_id = clean["client_id"]
        if await _already_saved(clean) or tries == 0:
            raise
        said = repr([str(clean.get(name)) for name in SAME_ACTIVITY])
        await log_from_form(ctx, {**sent, "client_id": str(uuid.uuid5(client_id, said))}, tries - 1)


async def _already_saved(clean: Mapping[str, object]) -> bool:
    """Whether the activity saved under this client_id is this one: the same person, and
    the same in every field."""
    columns = [Activity._meta.get_column_by_name(name) for name in SAME_ACTIVITY]
    saved = await Activity.select(*columns).where(Activity.client_id == clean["client_id"]).first()
    return saved is not None and all(saved[name] == clean.get(name) for name in SAME_ACTIVITY)


# The batch a phone sends when it comes back online ------------------------------------


# The fields a batch item may have: what read_activity reads of it, and the read-only ones.
BATCH_FIELDS = frozenset(
    {"client_id", "programme", "kind", "occurred_on", "footprint", "people_reached"}
    | {"minutes", "note", *DETAILS, TOPICS}
    | READ_ONLY
)


def _plainly_valid(item: object, choices: Choices) -> ActivityRow | None:
    """A batch item's clean values when it is plainly valid, read as read_activity reads
    it (the same values, in the same order), at a fraction of the cost: a phone sends
    hundreds, almost all of them so. None for anything else, which then goes through
    read_activity for the messages. It never accepts what read_activity would refuse."""
    if type(item) is not dict or not item.keys() <= BATCH_FIELDS:
        return None
    raw_id, programme, kind = item.get("client_id"), item.get("programme"), item.get("kind")
    reached, minutes = item.get("people_reached"), item.get("minutes", 0)
    if not (type(raw_id) is str and type(programme) is str and type(kind) is str):
        return None
    if type(reached) is not int or not 0 <= reached <= 100_000:
        return None
    if minutes is None:
        minutes = 0
    elif type(minutes) is not int or not 0 <= minutes <= 1440:
        return None
    programme_id = choices.programmes.get(programme.strip())
    if programme_id is None or kind.strip() not in KINDS:
        return None
    try:
        client_id = uuid.UUID(raw_id.strip())
    except ValueError:
        return None
    occurred_on = _plain_date(item.get("occurred_on"), choices.today)
    footprint = _plain_choice(item.get("footprint"), choices.footprints)
    note = _plain_note(item.get("note"))
    if occurred_on is None or footprint is False or note is None:
        return None
    if not _no_details(item):
        return None
    # The row's fields and, with them, its topics (not a column, so not in its type).
    return cast(ActivityRow, {
        "client_id": client_id, "programme": programme_id, "kind": kind.strip(),
        "occurred_on": occurred_on, "footprint": footprint, "people_reached": reached,
        "minutes": minutes, "note": note, "setting": "", "postcode": None, TOPICS: [],
        "service": None,
    })  # fmt: skip


def _no_details(item: Mapping[str, object]) -> bool:
    """Whether a batch item leaves every detail blank (as most do): the values are then
    read_details' defaults; any detail given goes through read_details."""
    for name in (*DETAILS, TOPICS):
        value = item.get(name)
        if not (value is None or value == "" or value == []):
            return False
    return True


def _plain_date(raw: object, default: date) -> date | None:
    """Form.date's value for a plainly valid date (None: let Form say what is wrong)."""
    if raw is None:
        return default
    if type(raw) is not str:
        return None
    if not raw.strip():
        return default
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        return None
    return value if EARLIEST <= value <= LATEST and not after_today(value) else None


def _plain_choice(raw: object, choices: Mapping[str, int]) -> int | None | bool:
    """Form.choice's value of an optional choice (False: let Form say what is wrong)."""
    if raw is None:
        return None
    if type(raw) is not str:
        return False
    key = raw.strip()
    return None if not key else choices.get(key, False)


def _plain_note(raw: object) -> str | None:
    """Form.text's value for a note (None: let Form say what is wrong)."""
    if raw is None:
        return ""
    if type(raw) is not str:
        return None
    value = raw.strip()
    return value if len(value) <= NOTE_LENGTH and not CONTROL.search(value) else None


def _read_item(
    item: object,
    ctx: Context,
    mine: set[int] | None,
    footprint: int | None,
    choices: Choices,
    lists: Lists,
) -> tuple[ActivityRow | None, dict[str, str]]:
    """One batch item: its clean values, or its errors."""
    if not isinstance(item, Mapping):
        return None, {"": "Each activity must be a JSON object."}
    clean = _plainly_valid(item, choices)
    if clean is None:
        form = Form(item)
        read_activity(form, ctx, staff=False, batch=True, choices=choices)
        try:
            clean = cast(ActivityRow, form.result())  # read_activity's readers typed each
        except Invalid as exc:
            return None, exc.errors
    if clean.get("client_id") is None:
        return None, {"client_id": "Send a client_id (a UUID made on the phone) with each one."}
    if mine is not None and (problem := check_programme(clean, mine, ctx.ref)):
        return None, {"programme": problem}
    values = cast(dict[str, object], clean)  # with the topics, which are not a column
    if problems := details_problems(values, None, lists):
        return None, problems
    if not values.get(TOPICS):
        values.pop(TOPICS, None)  # none: nothing to save or audit, as for one activity
    if clean.get("footprint") is None:
        clean["footprint"] = footprint
    settle_review(clean, None, staff_set=False)
    return clean, {}


async def log_batch(ctx: Context, items: object) -> list[shapes.BatchResult]:
    """Save up to 500 activities at once; each gets created, duplicate or invalid, in order.

    Sending the same batch again is safe: an activity whose client_id is already saved is a
    duplicate, and is never counted twice."""
    if not isinstance(items, list):
        raise Invalid({"activities": "Send the activities as a JSON list."})
    if len(items) > BATCH_LIMIT:
        raise Invalid({"activities": f"Send at most {BATCH_LIMIT} activities at a time."})
    assert ctx.actor is not None
    person = ctx.actor.person_id
    mine = await champion_programmes(person) if ctx.champion else None
    footprint = await default_footprint(person)
    choices = Choices.of(ctx.ref)
    lists = await Lists.load()
    results: list[shapes.BatchResult] = []
    rows: dict[uuid.UUID, ActivityRow] = {}
    valid: list[tuple[shapes.BatchResult, uuid.UUID]] = []
    for item in items:
        clean, errors = _read_item(item, ctx, mine, footprint, choices, lists)
        raw_id = item.get("client_id") if isinstance(item, Mapping) else None
        client_id = raw_id[:100] if isinstance(raw_id, str) else None
        results.append(shapes.BatchResult(client_id=client_id, status="invalid", errors=errors))
        if clean is not None:
            key = clean["client_id"]
            results[-1].client_id = str(key)
            valid.append((results[-1], key))
            if key not in rows:
                rows[key] = clean
                clean["person"] = person
    created = await _insert_new(ctx, list(rows.values()), lists)
    for result, key in valid:
        result.status = "created" if key in created else "duplicate"
        created.discard(key)  # the same one again later in the batch: a duplicate
    return results


# The columns a batch writes: an activity's own fields and details, why it waits for
# review, and when.
BATCH_COLUMNS = (*FIELDS, *DETAILS, "review_reason", "created_at", "updated_at")
# What the audit log records of each: its fields, details and topics.
BATCH_LOGGED = (*FIELDS, *DETAILS, TOPICS)


async def _insert_new(ctx: Context, rows: list[ActivityRow], lists: Lists) -> set[uuid.UUID]:
    """Insert the rows whose client_id is new, with their topics; returns their client_ids."""
    if not rows:
        return set()
    assert ctx.actor is not None
    async with write_transaction():
        # The rollups take each new activity's topics from its row (they are saved after).
        with_ids = [
            {**row, "topic_ids": [lists.topics[slug]["id"] for slug in _topics(row)]}
            for row in rows
        ]
        ids = await create_many(
            ACTIVITIES.kind,
            ctx.actor.account_id,
            with_ids,
            columns=BATCH_COLUMNS,
            logged=BATCH_LOGGED,
            skip_on="client_id",
        )
        topics = [(i, _topics(row)) for row, i in zip(rows, ids, strict=True) if i is not None]
        await add_topics([(i, slugs) for i, slugs in topics if slugs], lists)
    return {row["client_id"] for row, i in zip(rows, ids, strict=True) if i is not None}


def _topics(row: ActivityRow) -> list[str]:
    """The topics read with a batch item (not a column, so not in its row's type)."""
    chosen = cast(Mapping[str, object], row).get(TOPICS)
    return [str(slug) for slug in chosen] if isinstance(chosen, list) else []


# The log-an-activity page ----------------------------------------------------------------


def _default_programme(programmes: list[ProgrammeRow]) -> str:
    """The one programme to pre-fill: the only one, or the only champion programme of a
    champion who is also a Friend."""
    if len(programmes) == 1:
        return str(programmes[0]["slug"])
    champion = [p for p in programmes if p["kind"] == "champion"]
    return str(champion[0]["slug"]) if len(champion) == 1 else ""


class Named(TypedDict):
    """A programme (by slug) or an area (by code) as a form's choice shows it."""

    slug: str
    name: str


class LogForm(TypedDict):
    """What the log page offers, and the values it starts with; `details`: the kinds of
    place, topics and services its "More details" offers (details.offered)."""

    programmes: list[Named]
    kinds: dict[str, str]
    footprints: list[dict[str, str]]
    values: dict[str, str]
    details: dict[str, object]


async def log_form_defaults(ctx: Context) -> LogForm:
    """What the log page offers and pre-fills: the champion's own programmes (all of them
    for coordinators), the areas, the area they used last (or their own), and today."""
    assert ctx.actor is not None
    person = ctx.actor.person_id
    if ctx.champion:
        mine = await champion_programmes(person)
        programmes = [p for p in ctx.ref.programmes.values() if p["id"] in mine]
    else:
        programmes = list(ctx.ref.programmes.values())
    last = None
    if person is not None:
        last = (
            await Activity.select(Activity.footprint)
            .where((Activity.person == person) & Activity.footprint.is_not_null())
            .order_by(Activity.id, ascending=False)
            .first()
        )
    footprint = last["footprint"] if last else await default_footprint(person)
    return {
        "programmes": [{"slug": p["slug"], "name": p["name"]} for p in programmes],
        "kinds": KINDS,
        "footprints": [{"code": x["code"], "name": x["name"]} for x in ctx.ref.footprints.values()],
        "values": {
            "programme": _default_programme(programmes),
            "footprint": ctx.ref.code(footprint) or "",
            "occurred_on": today().isoformat(),
            "client_id": str(uuid.uuid4()),
        },
        "details": await offered(),
    }


async def topic_names() -> dict[str, str]:
    """Every topic's name by its slug, retired ones too (old activities keep them)."""
    return {t["slug"]: t["name"] for t in (await Lists.load()).topics.values()}


async def service_names() -> dict[int, str]:
    """Every service's name by its id, retired ones too (old signposts keep them)."""
    return {i: s["name"] for i, s in (await Lists.load()).services.items()}


def changeable(items: list[shapes.Activity], ctx: Context) -> set[int]:
    """The ids of the listed activities this person may still change."""
    out = set()
    for item in items:
        try:
            still_changeable(item.created_at, ctx)
        except Forbidden:
            continue
        out.add(item.id)
    return out


# The coordinators' review queue (console) ------------------------------------------------

WAITING = "needs-review"
# What a coordinator's decision sets the review status to.
DECISIONS = {"approve": "approved", "correct": "approved", "reject": "rejected"}
_ALREADY = {"approved": "approved", "rejected": "rejected", "not-needed": "changed"}
# What a coordinator may correct before approving.
CORRECTABLE = ("occurred_on", "footprint", "kind", "people_reached", "minutes")
_MUST_HAVE = {
    "occurred_on": "Enter the date it happened.",
    "kind": "Choose what they did.",
    "people_reached": "Enter the number of people reached.",
    "minutes": "Enter the time spent.",
}


def _page_number(params: Mapping[str, str], name: str = "page") -> int:
    form = Form({name: params.get(name, "")})
    form.integer(name, "the page number", low=1, high=100_000, default=1)
    form.result()
    return form.needed(name, int)


async def waiting_for_review() -> int:
    """How many activities wait for a coordinator's decision."""
    return int(await Activity.count().where(Activity.review_status == WAITING))


async def review_queue(params: Mapping[str, str], per_page: int = 25) -> Page[ReviewItem]:
    """The activities marked for review, the longest waiting first, a page at a time, each
    with the name of the person who logged it (None if their record was deleted).
    per_page=0: all of them (for a download)."""
    page = _page_number(params)
    query = (
        Activity.select(*Activity.all_columns(), Activity.person.name.as_alias("person_name"))
        .where(Activity.review_status == WAITING)
        .order_by(Activity.created_at)
        .order_by(Activity.id)
    )
    if per_page:
        query = query.limit(per_page).offset((page - 1) * per_page)
    rows = rows_as(ReviewItem, await query)
    return Page(items=rows, page=page, per_page=per_page, total=await waiting_for_review())


def _check_correction(fixes: Mapping[str, object], ctx: Context) -> None:
    """A correction replaces the numbers, so none of them may be left blank (a blank date
    would otherwise become today, and blank minutes 0). Every problem is listed at once."""
    missing = {
        name: message
        for name, message in _MUST_HAVE.items()
        if name in fixes and left_blank(fixes[name])
    }
    if missing:
        form = Form({k: v for k, v in fixes.items() if k not in missing}, partial=True)
        read_activity(form, ctx, staff=True)
        raise Invalid({**form.errors, **missing})


async def review_activity(
    ctx: Context, record_id: int, decision: str, corrected: Mapping[str, object] | None = None
) -> shapes.Activity:
    """A coordinator's decision on an activity waiting for review: approve it (it counts),
    correct it (the corrected fields, then approved) or reject it (it never counts).

    Saved through ACTIVITIES, so the rollups, the audit log and the checks are the API's.
    Deciding again what was just decided (a double tap) changes nothing; an activity that
    someone else has already decided otherwise is a Conflict."""
    status = DECISIONS[decision]
    current = await get_record(ACTIVITIES, ctx, record_id)
    if current.review_status != WAITING:
        if current.review_status == status and decision != "correct":
            return current
        said = _ALREADY.get(current.review_status, "decided")
        raise Conflict({"": f"This activity is no longer waiting for review: it was {said}."})
    fixes = {k: v for k, v in (corrected or {}).items() if k in CORRECTABLE}
    _check_correction(fixes, ctx)
    return await update_record(ACTIVITIES, ctx, record_id, {**fixes, "review_status": status})


class ReviewItem(ActivityRow):
    """An activity waiting for review, with the name of who logged it (None: erased)."""

    person_name: str | None


async def review_item(ctx: Context, record_id: int) -> ReviewItem:
    """One activity as the queue shows it: its row, with the name of who logged it."""
    await get_record(ACTIVITIES, ctx, record_id)  # NotFound, with the role rules
    row = await (
        Activity.select(*Activity.all_columns(), Activity.person.name.as_alias("person_name"))
        .where(Activity.id == record_id)
        .first()
    )
    assert row is not None
    return cast(ReviewItem, row)
