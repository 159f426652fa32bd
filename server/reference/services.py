"""Reference records: programmes, footprints, organisations and courses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
from piccolo.custom_types import Combinable

from schema.rows import CourseRow, FootprintRow, OrganisationRow, ProgrammeRow
from schema.tables import Course, Footprint, Organisation, Programme
from server.db import contains
from server.lib.records import Context, Page, RecordType, Sent, get_record, list_records
from server.lib.reference import CODE, SLUG, Reference
from server.lib.validation import Form, Invalid
from server.reference import shapes

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


def read_programme(form: Form, ctx: Context, old: ProgrammeRow | None) -> None:
    form.name("name", "the programme's name", max_length=100, required=True)
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


async def programme_rules(
    clean: ProgrammeRow, ctx: Context, old: ProgrammeRow | None, sent: Sent
) -> ProgrammeRow:
    if old is None and not clean.get("slug"):
        clean["slug"] = slug_from_name(clean["name"])
    if clean.get("slug") is None:
        clean.pop("slug", None)
    return clean


def present_programme(row: ProgrammeRow, ref: Reference) -> shapes.Programme:
    return shapes.Programme(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        kind=row["kind"],
        description=row["description"],
        target=row["target"],
        target_date=row["target_date"],
        sort_order=row["sort_order"],
    )


PROGRAMMES = RecordType(
    name="programme",
    shape=shapes.Programme,
    row=ProgrammeRow,
    table=Programme,
    read=read_programme,
    rules=programme_rules,
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


def read_footprint(form: Form, ctx: Context, old: FootprintRow | None) -> None:
    form.name("name", "the area's name", max_length=100, required=True)
    form.text(
        "code",
        "a short code",
        max_length=20,
        required=True,
        pattern=CODE,
        pattern_hint="Use up to 20 letters, numbers and dashes, like WC.",
    )


def present_footprint(row: FootprintRow, ref: Reference) -> shapes.Footprint:
    return shapes.Footprint(id=row["id"], code=row["code"], name=row["name"])


FOOTPRINTS = RecordType(
    name="footprint",
    shape=shapes.Footprint,
    row=FootprintRow,
    table=Footprint,
    read=read_footprint,
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


def read_organisation(form: Form, ctx: Context, old: OrganisationRow | None) -> None:
    form.name("name", "the organisation's name", max_length=200, required=True)
    form.choice(
        "kind", "the kind of organisation", {k: k for k in ORGANISATION_KINDS}, default="other"
    )
    form.choice("sector", "the sector", {s: s for s in SECTORS}, default="public")
    form.choice("footprint", "an area", ctx.ref.footprint_ids())


def present_organisation(row: OrganisationRow, ref: Reference) -> shapes.Organisation:
    return shapes.Organisation(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        sector=row["sector"],
        footprint=ref.code(row["footprint"]),
    )


def organisation_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.text("q", "words to search for", max_length=100, default=None)
    form.choice("footprint", "an area", ctx.ref.footprint_ids())
    form.choice("kind", "the kind of organisation", {k: k for k in ORGANISATION_KINDS})
    clean = form.clean
    out: list[Combinable] = []
    if q := form.got("q", str):
        out.append(contains(Organisation.name, q))
    if clean.get("footprint"):
        out.append(Organisation.footprint == clean["footprint"])
    if clean.get("kind"):
        out.append(Organisation.kind == clean["kind"])
    return out


ORGANISATIONS = RecordType(
    name="organisation",
    shape=shapes.Organisation,
    row=OrganisationRow,
    table=Organisation,
    read=read_organisation,
    present=present_organisation,
    filters=organisation_filters,
    champion_may=frozenset({"list", "read"}),
    order_by=(("name", False),),
)


# Courses ------------------------------------------------------------------------------


def read_course(form: Form, ctx: Context, old: CourseRow | None) -> None:
    form.name("name", "the course's name", max_length=200, required=True)
    form.text(
        "slug",
        "a short name for links",
        max_length=80,
        pattern=SLUG,
        default=None,
        pattern_hint="Use lower-case letters, numbers and dashes.",
    )
    form.name("provider", "who runs it", max_length=200)
    form.integer("guided_learning_hours", "the guided learning hours", low=0, high=2000)
    form.choice("programme", "a programme", ctx.ref.programme_ids())
    form.integer("valid_for_months", "how many months it is valid for", low=1, high=600)


async def course_rules(
    clean: CourseRow, ctx: Context, old: CourseRow | None, sent: Sent
) -> CourseRow:
    if old is None and not clean.get("slug"):
        clean["slug"] = slug_from_name(clean["name"])
    if clean.get("slug") is None:
        clean.pop("slug", None)
    return clean


def present_course(row: CourseRow, ref: Reference) -> shapes.Course:
    return shapes.Course(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        provider=row["provider"],
        guided_learning_hours=row["guided_learning_hours"],
        programme=ref.slug(row["programme"]),
        valid_for_months=row["valid_for_months"],
    )


COURSES = RecordType(
    name="course",
    shape=shapes.Course,
    row=CourseRow,
    table=Course,
    read=read_course,
    rules=course_rules,
    present=present_course,
    filters=_no_filters,
    public=frozenset({"list", "read"}),
    order_by=(("name", False),),
    in_use="People have completed this course, so it cannot be deleted.",
    unique_message={"slug": "Another course already uses this short name."},
)


# The console's settings pages: how each kind of reference record is shown and edited ---


@dataclass(frozen=True)
class Field:
    """One field of a settings form. `kind`: text, number, date, textarea or select;
    `choices` names the list a select offers (see field_choices)."""

    name: str
    label: str
    kind: str = "text"
    hint: str = ""
    choices: str = ""


@dataclass(frozen=True)
class ReferenceKind:
    """A kind of reference record on the settings pages: its address, names and fields."""

    path: str  # under /console/admin/
    rt: RecordType[Any, Any]  # any of the four: each has its own row and answer
    title: str  # "Programmes"
    one: str  # "programme", in messages
    fields: tuple[Field, ...]
    columns: tuple[tuple[str, str], ...]  # (key, heading), on the list and in downloads
    filters: tuple[str, ...] = ()  # query parameters the list accepts besides page


NAME_HINT = "Made from the name if you leave it blank. Changing it breaks saved links."

ADMIN_KINDS = (
    ReferenceKind(
        path="footprints",
        rt=FOOTPRINTS,
        title="Areas (footprints)",
        one="area",
        fields=(
            Field("name", "Name"),
            Field("code", "Short code", hint="Up to 20 letters, numbers and dashes, like WC."),
        ),
        columns=(("name", "Name"), ("code", "Code")),
    ),
    ReferenceKind(
        path="programmes",
        rt=PROGRAMMES,
        title="Programmes",
        one="programme",
        fields=(
            Field("name", "Name"),
            Field("slug", "Short name for links (optional)", hint=NAME_HINT),
            Field("kind", "Kind", "select", choices="programme_kinds"),
            Field("description", "Description (optional)", "textarea"),
            Field("target", "Target number (optional)", "number", "For example 1,500."),
            Field("target_date", "Target date (optional)", "date", "The date to reach it by."),
            Field("sort_order", "Order in lists", "number", "Lower numbers come first."),
        ),
        columns=(
            ("name", "Name"),
            ("kind", "Kind"),
            ("target", "Target"),
            ("target_date", "Target date"),
            ("sort_order", "Order"),
            ("slug", "Short name"),
        ),
    ),
    ReferenceKind(
        path="courses",
        rt=COURSES,
        title="Courses",
        one="course",
        fields=(
            Field("name", "Name"),
            Field("slug", "Short name for links (optional)", hint=NAME_HINT),
            Field("provider", "Who runs it (optional)", hint="For example RSPH."),
            Field("guided_learning_hours", "Guided learning hours (optional)", "number"),
            Field("programme", "Programme (optional)", "select", choices="programmes"),
            Field(
                "valid_for_months",
                "Valid for, in months (optional)",
                "number",
                "Leave blank if it never runs out.",
            ),
        ),
        columns=(
            ("name", "Name"),
            ("provider", "Provider"),
            ("guided_learning_hours", "Guided learning hours"),
            ("programme_name", "Programme"),
            ("valid_for_months", "Valid for (months)"),
        ),
    ),
    ReferenceKind(
        path="organisations",
        rt=ORGANISATIONS,
        title="Organisations",
        one="organisation",
        fields=(
            Field("name", "Name"),
            Field("kind", "Kind", "select", choices="organisation_kinds"),
            Field("sector", "Sector", "select", choices="sectors"),
            Field("footprint", "Area (optional)", "select", choices="footprints"),
        ),
        columns=(("name", "Name"), ("kind", "Kind"), ("sector", "Sector"), ("area", "Area")),
        filters=("q", "footprint", "kind"),
    ),
)


def field_choices(ref: Reference) -> dict[str, list[tuple[str, str]]]:
    """The lists the settings forms' selects offer: (value sent, text shown)."""
    return {
        "programme_kinds": [("champion", "Champions"), ("friend", "Friends")],
        "programmes": [(p["slug"], p["name"]) for p in ref.programmes.values()],
        "footprints": [(f["code"], f["name"]) for f in ref.footprints.values()],
        "organisation_kinds": [(k, k.replace("-", " ").capitalize()) for k in ORGANISATION_KINDS],
        "sectors": [(s, s.capitalize()) for s in SECTORS],
    }


def form_values(item: Mapping[str, object]) -> dict[str, str]:
    """A record as a form shows it: every value as text, blank for none."""
    return {
        key: "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
        for key, value in item.items()
    }


def for_list(item: Mapping[str, object], ref: Reference) -> dict[str, object]:
    """A record with the names of what it refers to, for a list or a download."""
    programme = ref.programme_by_slug.get(str(item.get("programme") or ""))
    area = ref.footprint_by_code.get(str(item.get("footprint") or ""))
    return {
        **item,
        "programme_name": programme["name"] if programme else "",
        "area": area["name"] if area else "",
    }


async def list_reference(
    kind: ReferenceKind, ctx: Context, params: Mapping[str, str], *, everything: bool = False
) -> Page[dict[str, object]]:
    """A page of one kind of reference record (or all of them, for a download), filtered
    by the kind's own filters; other query parameters are ignored."""
    wanted = {k: v for k, v in params.items() if k in kind.filters and v != ""}
    if not everything:
        page = await list_records(kind.rt, ctx, {**wanted, **_paging(params)})
        listed = [for_list(msgspec.structs.asdict(i), ctx.ref) for i in page.items]
        return Page(items=listed, page=page.page, per_page=page.per_page, total=page.total)
    items: list[dict[str, object]] = []
    for number in range(1, 201):  # reference lists are short: at most 100,000 rows
        page = await list_records(kind.rt, ctx, {**wanted, "page": str(number), "per_page": "500"})
        items.extend(for_list(msgspec.structs.asdict(i), ctx.ref) for i in page.items)
        if len(items) >= page.total or not page.items:
            break
    return Page(items=items, page=1, per_page=len(items), total=len(items))


async def reference_item(kind: ReferenceKind, ctx: Context, record_id: int) -> dict[str, object]:
    """One reference record's fields, by name (NotFound if there is none)."""
    return msgspec.structs.asdict(await get_record(kind.rt, ctx, record_id))


def _paging(params: Mapping[str, str]) -> dict[str, str]:
    return {k: params[k] for k in ("page", "per_page") if k in params}
