"""Stories: a few sentences about what happened, in the champion's own words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from piccolo.custom_types import Combinable

from schema.tables import Story
from server.lib.records import Context, RecordType, Row
from server.lib.reference import Reference
from server.lib.validation import Form, Invalid

STATUSES = ("waiting", "approved", "declined")
SHORTEST, LONGEST = 20, 1500


async def validate_story(data: Mapping[str, Any], ctx: Context, old: Row | None) -> dict[str, Any]:
    form = Form(data, partial=old is not None)
    form.text("text", "your story", max_length=LONGEST, required=True)
    form.choice("programme", "a programme", ctx.ref.programme_ids())
    form.boolean("consent_to_publish", "consent to publish")
    staff = ctx.actor is not None and ctx.actor.is_staff
    if staff:
        form.reference("person", "the person's id")
        form.choice("status", "a status", {s: s for s in STATUSES}, default="waiting")
    clean = form.result()
    if old is None and clean.get("person") is None and ctx.actor is not None:
        clean["person"] = ctx.actor.person_id  # a coordinator's own story
    if "text" in clean and len(clean["text"]) < SHORTEST:
        raise Invalid({"text": f"Tell us a little more: at least {SHORTEST} characters."})
    if clean.get("status") == "approved" and not {**(old or {}), **clean}.get("consent_to_publish"):
        raise Invalid({"status": "A story can be approved only if its author agreed to publish."})
    return clean


def present_story(row: Row, ref: Reference) -> dict[str, Any]:
    return {
        "id": row["id"],
        "person": row["person"],
        "programme": ref.slug(row["programme"]),
        "text": row["text"],
        "consent_to_publish": row["consent_to_publish"],
        "status": row["status"],
        "created_at": row["created_at"],
    }


def story_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.choice("status", "a status", {s: s for s in STATUSES})
    form.reference("person", "the person's id")
    out: list[Combinable] = []
    if form.clean.get("status"):
        out.append(Story.status == form.clean["status"])
    if form.clean.get("person"):
        out.append(Story.person == form.clean["person"])
    return out


STORIES = RecordType(
    name="story",
    table=Story,
    validate=validate_story,
    present=present_story,
    filters=story_filters,
    owner="person",
    champion_may=frozenset({"list", "read", "create"}),
    personal=frozenset({"text"}),
    order_by=(("id", True),),
)
