"""Reference records: programmes, footprints, organisations and courses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from piccolo.custom_types import Combinable

from schema.tables import Course, Footprint, Organisation, Programme
from server.db import contains
from server.lib.records import Context, RecordType, Row
from server.lib.reference import Reference
from server.lib.validation import Form, Invalid

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CODE = re.compile(r"[A-Za-z0-9-]{1,20}")
PROGRAMME_KINDS = {"champion": "champion", "friend": "friend"}
ORGANISATION_KINDS = (
    "employer",
    "school",
    "college",
    "gp-practice",
    "community-group",
    "voluntary-group",
    "other",
)
SECTORS = ("public", "voluntary", "private")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def slug_from_name(name: str) -> str:
    """The short name for links, made from the name; Invalid if nothing is left of it."""
    slug = slugify(name)
    if not slug:
        raise Invalid({"name": "Use at least one letter or number in the name."})
    return slug


def _no_filters(form: Form, ctx: Context) -> list[Combinable]:
    return []


# Programmes ---------------------------------------------------------------------------


async def validate_programme(
    data: Mapping[str, Any], ctx: Context, old: Row | None
) -> dict[str, Any]:
    form = Form(data, partial=old is not None)
    form.text("name", "the programme's name", max_length=100, required=True)
    form.text(
        "slug",
        "a short name for links",
        max_length=60,
        pattern=SLUG,
        default=None,
        pattern_hint="Use lower-case letters, numbers and dashes, like heart-champions.",
    )
    form.choice("kind", "champion or friend", PROGRAMME_KINDS, required=True)
    form.text("description", "a description", max_length=2000)
    form.integer("target", "the target", low=0, high=10_000_000)
    form.date("target_date", "the target date", allow_future=True)
    form.integer("sort_order", "the order", low=0, high=10_000, default=100)
    clean = form.result()
    if old is None and not clean.get("slug"):
        clean["slug"] = slug_from_name(clean["name"])
    if clean.get("slug") is None:
        clean.pop("slug", None)
    return clean


def present_programme(row: Row, ref: Reference) -> dict[str, Any]:
    return {
        "id": row["id"],
        "slug": row["slug"],
        "name": row["name"],
        "kind": row["kind"],
        "description": row["description"],
        "target": row["target"],
        "target_date": row["target_date"],
        "sort_order": row["sort_order"],
    }


PROGRAMMES = RecordType(
    name="programme",
    table=Programme,
    validate=validate_programme,
    present=present_programme,
    filters=_no_filters,
    public=frozenset({"list", "read"}),
    order_by=(("sort_order", False), ("id", False)),
    in_use="This programme still has members, activities or sessions, so it cannot be deleted.",
    unique_message={
        "slug": "Another programme already uses this short name.",
        "name": "Another programme already has this name.",
    },
)


# Footprints ---------------------------------------------------------------------------


async def validate_footprint(
    data: Mapping[str, Any], ctx: Context, old: Row | None
) -> dict[str, Any]:
    form = Form(data, partial=old is not None)
    form.text("name", "the area's name", max_length=100, required=True)
    form.text(
        "code",
        "a short code",
        max_length=20,
        required=True,
        pattern=CODE,
        pattern_hint="Use up to 20 letters, numbers and dashes, like WC.",
    )
    return form.result()


def present_footprint(row: Row, ref: Reference) -> dict[str, Any]:
    return {"id": row["id"], "code": row["code"], "name": row["name"]}


FOOTPRINTS = RecordType(
    name="footprint",
    table=Footprint,
    validate=validate_footprint,
    present=present_footprint,
    filters=_no_filters,
    public=frozenset({"list", "read"}),
    order_by=(("name", False),),
    in_use=(
        "People, organisations, activities or sessions are still in this area: move them to "
        "another area first."
    ),
    unique_message={
        "code": "Another area already has this code.",
        "name": "Another area already has this name.",
    },
)


# Organisations ------------------------------------------------------------------------


async def validate_organisation(
    data: Mapping[str, Any], ctx: Context, old: Row | None
) -> dict[str, Any]:
    form = Form(data, partial=old is not None)
    form.text("name", "the organisation's name", max_length=200, required=True)
    form.choice(
        "kind", "the kind of organisation", {k: k for k in ORGANISATION_KINDS}, default="other"
    )
    form.choice("sector", "the sector", {s: s for s in SECTORS}, default="public")
    form.choice("footprint", "an area", ctx.ref.footprint_ids())
    return form.result()


def present_organisation(row: Row, ref: Reference) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "kind": row["kind"],
        "sector": row["sector"],
        "footprint": ref.code(row["footprint"]),
    }


def organisation_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.text("q", "words to search for", max_length=100, default=None)
    form.choice("footprint", "an area", ctx.ref.footprint_ids())
    form.choice("kind", "the kind of organisation", {k: k for k in ORGANISATION_KINDS})
    clean = form.clean
    out: list[Combinable] = []
    if clean.get("q"):
        out.append(contains(Organisation.name, clean["q"]))
    if clean.get("footprint"):
        out.append(Organisation.footprint == clean["footprint"])
    if clean.get("kind"):
        out.append(Organisation.kind == clean["kind"])
    return out


ORGANISATIONS = RecordType(
    name="organisation",
    table=Organisation,
    validate=validate_organisation,
    present=present_organisation,
    filters=organisation_filters,
    champion_may=frozenset({"list", "read"}),
    order_by=(("name", False),),
)


# Courses ------------------------------------------------------------------------------


async def validate_course(data: Mapping[str, Any], ctx: Context, old: Row | None) -> dict[str, Any]:
    form = Form(data, partial=old is not None)
    form.text("name", "the course's name", max_length=200, required=True)
    form.text(
        "slug",
        "a short name for links",
        max_length=80,
        pattern=SLUG,
        default=None,
        pattern_hint="Use lower-case letters, numbers and dashes.",
    )
    form.text("provider", "who runs it", max_length=200)
    form.integer("guided_learning_hours", "the guided learning hours", low=0, high=2000)
    form.choice("programme", "a programme", ctx.ref.programme_ids())
    form.integer("valid_for_months", "how many months it is valid for", low=1, high=600)
    clean = form.result()
    if old is None and not clean.get("slug"):
        clean["slug"] = slug_from_name(clean["name"])
    if clean.get("slug") is None:
        clean.pop("slug", None)
    return clean


def present_course(row: Row, ref: Reference) -> dict[str, Any]:
    return {
        "id": row["id"],
        "slug": row["slug"],
        "name": row["name"],
        "provider": row["provider"],
        "guided_learning_hours": row["guided_learning_hours"],
        "programme": ref.slug(row["programme"]),
        "valid_for_months": row["valid_for_months"],
    }


COURSES = RecordType(
    name="course",
    table=Course,
    validate=validate_course,
    present=present_course,
    filters=_no_filters,
    public=frozenset({"list", "read"}),
    order_by=(("name", False),),
    in_use="People have completed this course, so it cannot be deleted.",
    unique_message={"slug": "Another course already uses this short name."},
)
