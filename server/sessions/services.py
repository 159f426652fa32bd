"""Friends sessions, and Friends counted by others (external figures)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping

import msgspec
from piccolo.columns import Column
from piccolo.custom_types import Combinable

from schema.rows import ExternalCountRow, FriendsSessionRow, ProgrammeRow
from schema.tables import ExternalCount, FriendsSession, Membership, Person, TrainingRecord
from server.db import contains
from server.lib.normal import search_text, simple
from server.lib.records import (
    Context,
    Page,
    RecordType,
    Sent,
    get_record,
    list_records,
    update_record,
)
from server.lib.reference import Reference
from server.lib.rows import rows_as
from server.lib.validation import MAX_ID, Conflict, Form, Invalid
from server.people.services import people_named
from server.sessions import shapes

# Champions record sessions up to this size; bigger ones (a school assembly, an online
# event) are recorded by a coordinator, so one mistyped number cannot swell the totals.
CHAMPION_SESSION_LIMIT = 200
# A champion's session of more people than this is saved but waits for a coordinator's
# review, and counts in no total until approved: few information sessions are this big.
SESSION_REVIEW_OVER = 100
REVIEW_STATUSES = ("not-needed", "needs-review", "approved", "rejected")
WAITING = "needs-review"


def _date_range(form: Form, column: Column) -> list[Combinable]:
    form.date("since", "the first date", allow_future=True)
    form.date("until", "the last date", allow_future=True)
    out: list[Combinable] = []
    if form.clean.get("since"):
        out.append(column >= form.clean["since"])
    if form.clean.get("until"):
        out.append(column <= form.clean["until"])
    return out


def read_session(form: Form, ctx: Context, old: FriendsSessionRow | None) -> None:
    form.choice("programme", "a Friends programme", ctx.ref.programme_ids("friend"), required=True)
    form.date("held_on", "the date it was held", required=True)
    form.choice("footprint", "the area", ctx.ref.footprint_ids())
    form.text("venue", "the venue", max_length=200)
    form.reference("run_by", "the id of the person who ran it")
    form.integer("attendees", "the number of people who came", low=0, high=10_000, required=True)
    form.text("note", "a note", max_length=500)
    if not ctx.champion:
        form.choice("review_status", "a review status", {s: s for s in REVIEW_STATUSES})


async def session_rules(
    clean: FriendsSessionRow, ctx: Context, old: FriendsSessionRow | None, sent: Sent
) -> FriendsSessionRow:
    if clean.get("review_status") is None:
        clean.pop("review_status", None)  # not given: a new session's default, or as it was
    run_by = clean.get("run_by")
    if run_by and not await Person.exists().where(Person.id == run_by):
        raise Invalid({"run_by": f"There is no person with id {run_by}."})
    if ctx.champion:
        assert ctx.actor is not None
        await _check_champion_session({**(old or {}), **clean}, ctx.actor.person_id, ctx)
        settle_review(clean, old)
    return clean


def settle_review(clean: FriendsSessionRow, old: FriendsSessionRow | None) -> None:
    """A champion's session of more than SESSION_REVIEW_OVER people waits for review; so
    does an approved one whose number a champion changes to more than that. A rejected
    one stays rejected until a coordinator says otherwise."""
    if old is not None and ("attendees" not in clean or old["review_status"] == "rejected"):
        return
    if old is not None and clean["attendees"] == old["attendees"]:
        return
    if clean["attendees"] > SESSION_REVIEW_OVER:
        clean["review_status"] = WAITING
    elif old is None or old["review_status"] == WAITING:
        clean["review_status"] = "not-needed"


async def may_run_sessions(person_id: int | None, programme_id: int) -> bool:
    """Champions run sessions for a Friends programme they belong to, or whose course
    (such as Dementia Friends Champion training) they completed."""
    if person_id is None:
        return False
    member = await Membership.exists().where(
        (Membership.person == person_id)
        & (Membership.programme == programme_id)
        & (Membership.status != "left")
    )
    return member or await TrainingRecord.exists().where(
        (TrainingRecord.person == person_id) & (TrainingRecord.course.programme == programme_id)
    )


async def _check_champion_session(
    merged: FriendsSessionRow, person_id: int | None, ctx: Context
) -> None:
    if not await may_run_sessions(person_id, merged["programme"]):
        name = ctx.ref.programmes[merged["programme"]]["name"]
        raise Invalid(
            {"programme": f"Only {name} Champions record these sessions: ask your coordinator."}
        )
    if merged["attendees"] > CHAMPION_SESSION_LIMIT:
        raise Invalid(
            {
                "attendees": f"For a session of more than {CHAMPION_SESSION_LIMIT} people, "
                "ask your coordinator to record it."
            }
        )


def present_session(row: FriendsSessionRow, ref: Reference) -> shapes.FriendsSession:
    return shapes.FriendsSession(
        id=row["id"],
        programme=ref.slug(row["programme"]),
        held_on=row["held_on"],
        footprint=ref.code(row["footprint"]),
        venue=row["venue"],
        run_by=row["run_by"],
        attendees=row["attendees"],
        note=row["note"],
        review_status=row["review_status"],
        created_at=row["created_at"],
    )


def session_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.choice("programme", "a Friends programme", ctx.ref.programme_ids("friend"))
    form.choice("footprint", "an area", ctx.ref.footprint_ids())
    form.reference("run_by", "the id of the person who ran it")
    out = _date_range(form, FriendsSession.held_on)
    for name in ("programme", "footprint", "run_by"):
        if form.clean.get(name):
            out.append(FriendsSession._meta.get_column_by_name(name) == form.clean[name])
    return out


FRIENDS_SESSIONS = RecordType(
    name="friends session",
    shape=shapes.FriendsSession,
    row=FriendsSessionRow,
    table=FriendsSession,
    read=read_session,
    rules=session_rules,
    present=present_session,
    filters=session_filters,
    owner="run_by",
    champion_may=frozenset({"list", "read", "create", "update", "delete"}),
    personal=frozenset({"venue", "note"}),
    order_by=(("held_on", True), ("id", True)),
)


def read_external(form: Form, ctx: Context, old: ExternalCountRow | None) -> None:
    form.choice("programme", "a Friends programme", ctx.ref.programme_ids("friend"), required=True)
    form.choice(
        "footprint", "the area (leave it out for the whole borough)", ctx.ref.footprint_ids()
    )
    form.integer("friends", "the number of Friends", low=0, high=10_000_000, required=True)
    form.date("as_of", "the date the figure is for", required=True)
    form.text("source", "where the figure comes from", max_length=200, required=True)
    form.text("note", "a note", max_length=500)


def present_external(row: ExternalCountRow, ref: Reference) -> shapes.ExternalCount:
    return shapes.ExternalCount(
        id=row["id"],
        programme=ref.slug(row["programme"]),
        footprint=ref.code(row["footprint"]),
        friends=row["friends"],
        as_of=row["as_of"],
        source=row["source"],
        note=row["note"],
        created_at=row["created_at"],
    )


def external_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.choice("programme", "a Friends programme", ctx.ref.programme_ids("friend"))
    out = _date_range(form, ExternalCount.as_of)
    if form.clean.get("programme"):
        out.append(ExternalCount.programme == form.clean["programme"])
    return out


EXTERNAL_COUNTS = RecordType(
    name="external figure",
    shape=shapes.ExternalCount,
    row=ExternalCountRow,
    table=ExternalCount,
    read=read_external,
    present=present_external,
    filters=external_filters,
    personal=frozenset({"note"}),
    order_by=(("as_of", True), ("id", True)),
)


async def session_form_choices(ctx: Context) -> list[ProgrammeRow]:
    """The Friends programmes the signed-in person may record sessions for."""
    assert ctx.actor is not None
    friends = [p for p in ctx.ref.programmes.values() if p["kind"] == "friend"]
    if not ctx.champion:
        return friends
    return [p for p in friends if await may_run_sessions(ctx.actor.person_id, p["id"])]


# The coordinators' console ---------------------------------------------------------------

SESSION_FILTERS = ("programme", "footprint", "since", "until", "page")
EXTERNAL_FILTERS = ("programme", "since", "until", "page")
# "Pat Hart (#12)", "#12" or "12": a person picked from the list, or typed by number.
RUNNER_NUMBER = re.compile(r"(?:^|\(|#)\s*#?\s*([0-9]{1,10})\s*\)?$")


RUNNER_MATCHES = 20  # people a "Run by" search shows at once


def _may_run(ctx: Context) -> Combinable | None:
    """People who may run Friends sessions: members of a Friends programme who have not
    left, and people who completed a Friends programme's course (such as Dementia Friends
    Champion training), as for champions recording their own. None: no Friends programme."""
    friends = list(ctx.ref.programme_ids("friend").values())
    courses = [c["id"] for c in ctx.ref.courses.values() if c["programme"] in friends]
    if not friends:
        return None
    members = Membership.select(Membership.person).where(
        Membership.programme.is_in(friends) & (Membership.status != "left")
    )
    trained = TrainingRecord.select(TrainingRecord.person).where(
        TrainingRecord.course.is_in(courses or [0])
    )
    return Person.id.is_in(members) | Person.id.is_in(trained)


async def find_runners(ctx: Context, text: object) -> tuple[list[tuple[int, str]], bool]:
    """Up to RUNNER_MATCHES people who may run Friends sessions whose name holds the text
    (or whose record number it is), by name, and whether there were more. Only the
    console's staff search; a champion records their own sessions and searches nobody."""
    typed = search_text(text)
    may = _may_run(ctx)
    if may is None or not typed:
        return [], False
    number = RUNNER_NUMBER.fullmatch(typed)
    query = Person.select(Person.id, Person.name).where(may)
    if number:
        query = query.where(Person.id == min(int(number.group(1)), MAX_ID))
    else:
        query = query.where(contains(Person.name, typed)).limit(RUNNER_MATCHES + 1)
    rows = await query.order_by(Person.name)
    found = [(r["id"], r["name"]) for r in rows]
    return found[:RUNNER_MATCHES], len(found) > RUNNER_MATCHES


def runner_label(person_id: int, name: str) -> str:
    """How a person appears in the "Run by" choices, and is read back when typed."""
    return f"{name} (#{person_id})"


async def _runners_among(ctx: Context, ids: list[int]) -> list[int]:
    """Those of these people who may run Friends sessions."""
    may = _may_run(ctx)
    if may is None or not ids:
        return []
    rows = await Person.select(Person.id).where(may & Person.id.is_in(ids))
    return sorted(r["id"] for r in rows)


async def read_runner(text: object, ctx: Context, current: int | None = None) -> int | None:
    """The person a coordinator chose as "Run by": blank (nobody), a choice (their record
    number, as "Pat Hart (#12)", "#12" or "12"), or a name that only one person who may run
    sessions has (matched as names are everywhere: normal.simple). Invalid says what to fix."""
    typed = search_text(text, most=200)
    if not typed:
        return None
    match = RUNNER_NUMBER.search(typed)
    if match:
        person_id = min(int(match.group(1)), MAX_ID)
        if person_id == current or await _runners_among(ctx, [person_id]):
            return person_id
        raise Invalid(
            {
                "run_by": f"Person #{person_id} is not one of the people who run Friends "
                "sessions: find someone and choose them, or leave it blank."
            }
        )
    named = await people_named({simple(typed)})
    same = await _runners_among(ctx, named.get(simple(typed), []))
    if len(same) == 1:
        return same[0]
    if same:
        raise Invalid(
            {
                "run_by": f"More than one person is called {typed[:80]}: "
                "choose one of them from the list."
            }
        )
    raise Invalid(
        {
            "run_by": "Nobody called that is on the list of people who run Friends "
            "sessions: find them by part of their name and choose them, or leave it blank."
        }
    )


def _only(params: Mapping[str, object], names: tuple[str, ...]) -> dict[str, object]:
    """The query parameters a list knows, without blanks (other keys would be refused)."""
    return {k: params[k] for k in names if str(params.get(k) or "").strip()}


async def person_names(ids: set[int]) -> dict[int, str]:
    """Names of people by id (for the "Run by" column)."""
    if not ids:
        return {}
    rows = await Person.select(Person.id, Person.name).where(Person.id.is_in(sorted(ids)))
    return {row["id"]: row["name"] for row in rows}


# A session or a figure as the console lists it: its record's fields and a few more.
Listed = dict[str, object]


async def sessions_list(
    ctx: Context, params: Mapping[str, object], per_page: int = 50
) -> Page[Listed]:
    """A page of Friends sessions, newest first, filtered by programme, area and dates,
    each with the name of the person who ran it. Invalid says which filter to fix."""
    page = await list_records(
        FRIENDS_SESSIONS, ctx, {**_only(params, SESSION_FILTERS), "per_page": str(per_page)}
    )
    names = await person_names({item.run_by for item in page.items if item.run_by})
    items = [
        {**msgspec.structs.asdict(item), "run_by_name": names.get(item.run_by or 0, "")}
        for item in page.items
    ]
    return Page(items=items, page=page.page, per_page=page.per_page, total=page.total)


Lister = Callable[[Context, Mapping[str, object], int], Awaitable[Page[Listed]]]


async def every_page(lister: Lister, ctx: Context, params: Mapping[str, object]) -> list[Listed]:
    """Every item of a filtered list, for a download (pages of 500)."""
    items: list[Listed] = []
    page = 1
    while True:
        got = await lister(ctx, {**params, "page": str(page)}, 500)
        items.extend(got.items)
        if page * 500 >= got.total:
            return items
        page += 1


async def external_list(
    ctx: Context, params: Mapping[str, object], per_page: int = 50
) -> Page[Listed]:
    """A page of external figures, newest first, each marked with whether it counts now:
    only the newest figure of each source for a programme and area counts."""
    page = await list_records(
        EXTERNAL_COUNTS, ctx, {**_only(params, EXTERNAL_FILTERS), "per_page": str(per_page)}
    )
    counting = await counting_figures()
    items = [{**msgspec.structs.asdict(item), "counts": item.id in counting} for item in page.items]
    return Page(items=items, page=page.page, per_page=page.per_page, total=page.total)


async def counting_figures() -> set[int]:
    """The ids of the external figures that count in the totals now: the newest of each
    source for each programme and area (the same order as the totals read them)."""
    rows = (
        await ExternalCount.select(
            ExternalCount.id, ExternalCount.programme, ExternalCount.footprint, ExternalCount.source
        )
        .order_by(ExternalCount.as_of)
        .order_by(ExternalCount.id)
    )
    latest: dict[tuple[int, int | None, str], int] = {}
    for row in rows:
        latest[(row["programme"], row["footprint"], row["source"].strip().lower())] = row["id"]
    return set(latest.values())


async def external_sources() -> list[str]:
    """The sources already used, so a new figure can name its source the same way."""
    rows = await ExternalCount.select(ExternalCount.source).distinct()
    return sorted({row["source"] for row in rows}, key=str.casefold)


# The review queue: big sessions champions recorded ------------------------------------

DECISIONS = {"approve": "approved", "reject": "rejected"}


class WaitingSession(FriendsSessionRow):
    """A session waiting for review, with the name of who ran it (None: none, or erased)."""

    run_by_name: str | None


async def sessions_waiting() -> list[WaitingSession]:
    """The Friends sessions waiting for a coordinator's review, the longest waiting first,
    with the name of who ran them (None if their record was deleted)."""
    return rows_as(
        WaitingSession,
        await FriendsSession.select(
            *FriendsSession.all_columns(), FriendsSession.run_by.name.as_alias("run_by_name")
        )
        .where(FriendsSession.review_status == WAITING)
        .order_by(FriendsSession.created_at)
        .order_by(FriendsSession.id),
    )


async def review_session(ctx: Context, record_id: int, decision: str) -> shapes.FriendsSession:
    """A coordinator's decision on a session waiting for review: approve it (it counts) or
    reject it (it never counts). Saved through FRIENDS_SESSIONS, so the audit log and the
    checks are the API's. Deciding again what was just decided (a double tap) changes
    nothing; a session decided otherwise already is a Conflict."""
    status = DECISIONS[decision]
    current = await get_record(FRIENDS_SESSIONS, ctx, record_id)
    if current.review_status != WAITING:
        if current.review_status == status:
            return current
        raise Conflict({"": "This session is no longer waiting for review."})
    return await update_record(FRIENDS_SESSIONS, ctx, record_id, {"review_status": status})
