"""The lists the council keeps for activities' details (issue 16): topics and the services
champions signpost people to. Coordinators and admins keep them in the console; everyone
signed in reads them (GET /api/topics, GET /api/services). One in use is never deleted,
only retired: it is then no longer offered, and old activities keep it.
"""

from __future__ import annotations

from piccolo.columns import Boolean
from piccolo.custom_types import Combinable

from schema.rows import ServiceRow, TopicRow
from schema.tables import Service, Topic
from server.activities import shapes
from server.db import contains
from server.lib.records import Context, RecordType, Sent
from server.lib.reference import Reference
from server.lib.validation import Form, Invalid

ACTIVE = {"true": True, "false": False}


def _slug_from_name(name: str) -> str:
    """A topic's slug, made once from its first name (lower-case words joined by dashes)."""
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in name.lower())
    slug = "-".join(words.split())[:60].strip("-")
    if not slug:
        raise Invalid({"name": "Use at least one letter or number from A to Z in the name."})
    return slug


def _active_filter(form: Form, column: Boolean) -> list[Combinable]:
    form.choice("active", "true (offered) or false (retired)", ACTIVE)
    chosen = form.clean.get("active")
    return [] if chosen is None else [column == chosen]


# Topics -------------------------------------------------------------------------------


def read_topic(form: Form, ctx: Context, old: TopicRow | None) -> None:
    form.name("name", "the topic's name", max_length=100, required=True)
    form.boolean("active", "whether it is offered", default=True)


async def topic_rules(clean: TopicRow, ctx: Context, old: TopicRow | None, sent: Sent) -> TopicRow:
    # The slug is made once: activities, phones' queues and the API name the topic by it,
    # so renaming a topic keeps it.
    if old is None:
        clean["slug"] = _slug_from_name(clean["name"])
        # Said beside the name (the form has no slug); the unique index still decides.
        if await Topic.exists().where(Topic.slug == clean["slug"]):
            taken = "Another topic already has this name."
            if not await Topic.exists().where(Topic.name == clean["name"]):
                taken = "Another topic already has a name so close to this one: change a word."
            raise Invalid({"name": taken})
    return clean


def present_topic(row: TopicRow, ref: Reference) -> shapes.Topic:
    return shapes.Topic(id=row["id"], slug=row["slug"], name=row["name"], active=row["active"])


def topic_filters(form: Form, ctx: Context) -> list[Combinable]:
    return _active_filter(form, Topic.active)


TOPICS = RecordType(
    name="topic",
    shape=shapes.Topic,
    row=TopicRow,
    table=Topic,
    read=read_topic,
    rules=topic_rules,
    present=present_topic,
    filters=topic_filters,
    champion_may=frozenset({"list", "read"}),
    order_by=(("sort_order", False), ("id", False)),
    in_use="Activities are about this topic, so it cannot be deleted. Retire it instead: "
    "it is then no longer offered, and those activities keep it.",
    unique_message={
        "name": "Another topic already has this name.",
        "slug": "Another topic already has a name so close to this one: change a word.",
    },
)


# Services -----------------------------------------------------------------------------


def read_service(form: Form, ctx: Context, old: ServiceRow | None) -> None:
    form.name("name", "the service's name", max_length=200, required=True)
    form.name("kind", "the kind of service", max_length=100)
    form.choice("footprint", "the area", ctx.ref.footprint_ids())
    form.boolean("active", "whether it is offered", default=True)


def present_service(row: ServiceRow, ref: Reference) -> shapes.Service:
    return shapes.Service(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        footprint=ref.code(row["footprint"]),
        active=row["active"],
    )


def service_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.text("q", "words to search for", max_length=100, default=None)
    out = _active_filter(form, Service.active)
    if q := form.got("q", str):
        out.append(contains(Service.name, q) | contains(Service.kind, q))
    return out


SERVICES = RecordType(
    name="service",
    shape=shapes.Service,
    row=ServiceRow,
    table=Service,
    read=read_service,
    present=present_service,
    filters=service_filters,
    champion_may=frozenset({"list", "read"}),
    order_by=(("name", False), ("id", False)),
    in_use="Signposts name this service, so it cannot be deleted. Retire it instead: it "
    "is then no longer offered, and those signposts keep it.",
    unique_message={"name": "Another service already has this name."},
)
