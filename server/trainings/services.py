"""Training records: who completed which course, and when it runs out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from piccolo.custom_types import Combinable

from schema.tables import Person, TrainingRecord
from server.lib.records import Context, RecordType, Row
from server.lib.reference import Reference
from server.lib.validation import Form, Invalid
from server.settings import today


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


async def validate_training(
    data: Mapping[str, Any], ctx: Context, old: Row | None
) -> dict[str, Any]:
    form = Form(data, partial=old is not None)
    form.reference("person", "the person's id", required=ctx.actor is None or not ctx.champion)
    form.choice("course", "a course", ctx.ref.course_ids(), required=True)
    form.date("completed_on", "the date it was completed", required=True)
    form.text("certificate_number", "the certificate number", max_length=60, default=None)
    form.date("expires_on", "the expiry date", allow_future=True)
    clean = form.result()
    merged = {**(old or {}), **clean}
    if clean.get("person") and not await Person.exists().where(Person.id == clean["person"]):
        raise Invalid({"person": f"There is no person with id {clean['person']}."})
    months = ctx.ref.courses[merged["course"]]["valid_for_months"]
    if old is None and merged.get("expires_on") is None and months:
        clean["expires_on"] = add_months(merged["completed_on"], months)
        merged["expires_on"] = clean["expires_on"]
    if merged.get("expires_on") and merged["expires_on"] <= merged["completed_on"]:
        raise Invalid({"expires_on": "The expiry date must be after the date it was completed."})
    return clean


def present_training(row: Row, ref: Reference) -> dict[str, Any]:
    course = ref.courses.get(row["course"], {})
    return {
        "id": row["id"],
        "person": row["person"],
        "course": course.get("slug"),
        "course_name": course.get("name"),
        "completed_on": row["completed_on"],
        "certificate_number": row["certificate_number"],
        "expires_on": row["expires_on"],
        "created_at": row["created_at"],
    }


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
    if c.get("expiring_within_days") is not None:
        now = today()
        out.append(TrainingRecord.expires_on >= now)
        out.append(TrainingRecord.expires_on <= now + timedelta(days=c["expiring_within_days"]))
    return out


TRAININGS = RecordType(
    name="training",
    table=TrainingRecord,
    validate=validate_training,
    present=present_training,
    filters=training_filters,
    owner="person",
    champion_may=frozenset({"list", "read", "create", "update", "delete"}),
    personal=frozenset({"certificate_number"}),
    order_by=(("completed_on", True), ("id", True)),
)


async def my_trainings(ctx: Context) -> list[dict[str, Any]]:
    """The signed-in person's training, newest first, with days left where it expires."""
    assert ctx.actor is not None
    rows = (
        await TrainingRecord.select()
        .where(TrainingRecord.person == (ctx.actor.person_id or 0))
        .order_by(TrainingRecord.completed_on, ascending=False)
    )
    now = today()
    out = []
    for row in rows:
        item = present_training(row, ctx.ref)
        expires = row["expires_on"]
        item["days_left"] = (expires - now).days if expires else None
        out.append(item)
    return out
