"""Friends sessions, and Friends counted by others (external figures)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from piccolo.custom_types import Combinable

from schema.tables import ExternalCount, FriendsSession, Membership, Person, TrainingRecord
from server.lib.records import Context, RecordType, Row
from server.lib.reference import Reference
from server.lib.validation import Form, Invalid

# Champions record sessions up to this size; bigger ones (a school assembly, an online
# event) are recorded by a coordinator, so one mistyped number cannot swell the totals.
CHAMPION_SESSION_LIMIT = 200


def _date_range(form: Form, column: Any) -> list[Combinable]:
    form.date("since", "the first date", allow_future=True)
    form.date("until", "the last date", allow_future=True)
    out: list[Combinable] = []
    if form.clean.get("since"):
        out.append(column >= form.clean["since"])
    if form.clean.get("until"):
        out.append(column <= form.clean["until"])
    return out


async def validate_session(
    data: Mapping[str, Any], ctx: Context, old: Row | None
) -> dict[str, Any]:
    form = Form(data, partial=old is not None)
    form.choice("programme", "a Friends programme", ctx.ref.programme_ids("friend"), required=True)
    form.date("held_on", "the date it was held", required=True)
    form.choice("footprint", "the area", ctx.ref.footprint_ids())
    form.text("venue", "the venue", max_length=200)
    form.reference("run_by", "the id of the person who ran it")
    form.integer("attendees", "the number of people who came", low=0, high=10_000, required=True)
    form.text("note", "a note", max_length=500)
    clean = form.result()
    run_by = clean.get("run_by")
    if run_by and not await Person.exists().where(Person.id == run_by):
        raise Invalid({"run_by": f"There is no person with id {run_by}."})
    if ctx.champion:
        assert ctx.actor is not None
        await _check_champion_session({**(old or {}), **clean}, ctx.actor.person_id, ctx)
    return clean


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
    merged: Mapping[str, Any], person_id: int | None, ctx: Context
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


def present_session(row: Row, ref: Reference) -> dict[str, Any]:
    return {
        "id": row["id"],
        "programme": ref.slug(row["programme"]),
        "held_on": row["held_on"],
        "footprint": ref.code(row["footprint"]),
        "venue": row["venue"],
        "run_by": row["run_by"],
        "attendees": row["attendees"],
        "note": row["note"],
        "created_at": row["created_at"],
    }


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
    table=FriendsSession,
    validate=validate_session,
    present=present_session,
    filters=session_filters,
    owner="run_by",
    champion_may=frozenset({"list", "read", "create", "update", "delete"}),
    personal=frozenset({"venue", "note"}),
    order_by=(("held_on", True), ("id", True)),
)


async def validate_external(
    data: Mapping[str, Any], ctx: Context, old: Row | None
) -> dict[str, Any]:
    form = Form(data, partial=old is not None)
    form.choice("programme", "a Friends programme", ctx.ref.programme_ids("friend"), required=True)
    form.choice(
        "footprint", "the area (leave it out for the whole borough)", ctx.ref.footprint_ids()
    )
    form.integer("friends", "the number of Friends", low=0, high=10_000_000, required=True)
    form.date("as_of", "the date the figure is for", required=True)
    form.text("source", "where the figure comes from", max_length=200, required=True)
    form.text("note", "a note", max_length=500)
    return form.result()


def present_external(row: Row, ref: Reference) -> dict[str, Any]:
    return {
        "id": row["id"],
        "programme": ref.slug(row["programme"]),
        "footprint": ref.code(row["footprint"]),
        "friends": row["friends"],
        "as_of": row["as_of"],
        "source": row["source"],
        "note": row["note"],
        "created_at": row["created_at"],
    }


def external_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.choice("programme", "a Friends programme", ctx.ref.programme_ids("friend"))
    out = _date_range(form, ExternalCount.as_of)
    if form.clean.get("programme"):
        out.append(ExternalCount.programme == form.clean["programme"])
    return out


EXTERNAL_COUNTS = RecordType(
    name="external figure",
    table=ExternalCount,
    validate=validate_external,
    present=present_external,
    filters=external_filters,
    personal=frozenset({"note"}),
    order_by=(("as_of", True), ("id", True)),
)


async def session_form_choices(ctx: Context) -> list[dict[str, Any]]:
    """The Friends programmes the signed-in person may record sessions for."""
    assert ctx.actor is not None
    friends = [p for p in ctx.ref.programmes.values() if p["kind"] == "friend"]
    if not ctx.champion:
        return friends
    return [p for p in friends if await may_run_sessions(ctx.actor.person_id, p["id"])]
