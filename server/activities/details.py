"""An activity's details (issue 16), all optional: where it happened (a kind of place and
the place's postcode), what it was about (topics, a list the council keeps) and, for a
signpost, the service the person was sent to and later whether they took it up.

Part of the activities' services: read by read_activity, checked by activity_rules (one
activity) and by the batch (hundreds, against the lists read once).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from schema.rows import ServiceRow, TopicRow
from schema.tables import ActivityTopic, Service, Topic
from server.lib import normal
from server.lib.records import Context, Forbidden
from server.lib.reference import SLUG
from server.lib.rows import JSON, rows_as
from server.lib.validation import POSTCODE, READ_ONLY, Form
from server.settings import today

# The kinds of place an activity happened in. Like KINDS (CONTRIBUTING, Recipe A): the key
# is lower-case words joined by dashes, at most 30 characters (Activity.setting); the label
# is what the form shows; never rename or remove one (old rows and phones' queues keep it).
SETTINGS = {
    "home": "At home",
    "gp-practice": "GP practice",
    "school-college": "School or college",
    "workplace": "Workplace",
    "community-venue": "Community venue",
    "online": "Online",
    "street-event": "Street or event",
    "other": "Somewhere else",
}
# Whether a signposted person took the service up (Activity.take_up; "" not said yet).
TAKE_UP = {"yes": "Yes, they went", "no": "No, they did not", "dont-know": "Don't know"}
# The same, short, for lists and the download.
TAKE_UP_SHORT = {"yes": "Yes", "no": "No", "dont-know": "Don't know"}
SIGNPOSTING = "signposting"
# A champion can say whether someone took a service up for this many days after the date
# of the activity; after that only a coordinator can.
TAKE_UP_DAYS = 90
MOST_TOPICS = 20
# The columns of an activity's details (the topics are rows of activity_topic).
DETAILS = ("setting", "postcode", "service")
TOPICS = "topics"
ONLY_SIGNPOSTS = (
    "Only signposting names a service: choose “Signposting someone to a service” under "
    "What did you do, or leave the service blank."
)
TAKE_UP_CLOSED = (
    f"You can say whether they went for {TAKE_UP_DAYS} days after the activity. "
    "Ask your coordinator to add it."
)


def read_details(form: Form, *, batch: bool = False) -> None:
    """Read the details of one activity (a batch item has no take-up: it is said later)."""
    form.choice("setting", "the kind of place", {k: k for k in SETTINGS}, default="")
    form.text(
        "postcode",
        "the place's postcode",
        max_length=10,
        default=None,
        pattern=POSTCODE,
        pattern_hint="Enter the place's postcode like WN1 1AA, or leave it blank.",
    )
    form.slugs(TOPICS, "the topics", shape=SLUG, max_length=60, most=MOST_TOPICS)
    form.reference("service", "the service's id")
    if not batch:
        form.choice("take_up", "whether they took it up", {k: k for k in TAKE_UP}, default="")


def spaced(postcode: str) -> str:
    """A postcode as kept: capitals, one space before the last three characters (WN1 1AA),
    as the council's postcode lookup keeps them."""
    compact = normal.postcode(postcode)
    return f"{compact[:-3]} {compact[-3:]}"


@dataclass(frozen=True)
class Lists:
    """The topics (by slug) and services (by id) an activity's details are checked
    against: read once for a request, or for a whole batch."""

    topics: dict[str, TopicRow]
    services: dict[int, ServiceRow]

    @classmethod
    async def load(cls) -> Lists:
        topics = rows_as(TopicRow, await Topic.select())
        services = rows_as(ServiceRow, await Service.select())
        return cls({t["slug"]: t for t in topics}, {s["id"]: s for s in services})


def details_problems(
    clean: MutableMapping[str, object],
    old: Mapping[str, object] | None,
    lists: Lists,
    had_topics: Collection[str] = (),
) -> dict[str, str]:
    """Check and settle an activity's details, as read (a new one: old None). The postcode
    is kept spaced; a service or a take-up needs a signpost (an activity that stops being
    one loses both); take_up_at says when the take-up was said. `had_topics`: the topics
    the activity has now, which it keeps even once retired. Returns what to fix."""
    errors: dict[str, str] = {}
    kind = clean.get("kind", old.get("kind") if old else None)
    signpost = kind == SIGNPOSTING
    postcode = clean.get("postcode")
    if isinstance(postcode, str) and postcode:
        clean["postcode"] = spaced(postcode)
    if problem := _service_problem(clean, old, lists, signpost):
        errors["service"] = problem
    if "take_up" in clean and clean["take_up"] and not signpost:
        errors["take_up"] = "Only signposting has a take-up: leave it out for this activity."
    elif "take_up" not in clean and old is not None and old.get("take_up") and not signpost:
        clean["take_up"] = ""  # no longer a signpost: nothing to follow up
    if "take_up" in clean and clean["take_up"] != (old.get("take_up") if old else ""):
        clean["take_up_at"] = datetime.now(UTC) if clean["take_up"] else None
    if problem := _topics_problem(clean.get(TOPICS), lists, had_topics):
        errors[TOPICS] = problem
    return errors


def _service_problem(
    clean: MutableMapping[str, object],
    old: Mapping[str, object] | None,
    lists: Lists,
    signpost: bool,
) -> str | None:
    if "service" not in clean:
        if old is not None and old.get("service") is not None and not signpost:
            clean["service"] = None  # no longer a signpost: the service goes with it
        return None
    chosen = clean["service"]
    if not isinstance(chosen, int):
        return None
    service = lists.services.get(chosen)
    if service is None:
        return f"There is no service with id {chosen}: choose one from the list."
    if not signpost:
        return ONLY_SIGNPOSTS
    if not service["active"] and (old is None or old.get("service") != chosen):
        return f"{service['name']} is no longer offered: choose another service."
    return None


def _topics_problem(chosen: object, lists: Lists, had: Collection[str]) -> str | None:
    if not isinstance(chosen, list):
        return None
    for slug in chosen:
        topic = lists.topics.get(slug)
        if topic is None:
            return f"There is no topic “{slug}”: choose topics from the list."
        if not topic["active"] and slug not in had:
            return f"The topic {topic['name']} is no longer offered: choose another."
    return None


def only_take_up(sent: object) -> bool:
    """Whether a change says only whether someone took a service up (with, at most, the
    read-only fields a client sends back)."""
    return isinstance(sent, Mapping) and "take_up" in sent and set(sent) <= {"take_up"} | READ_ONLY


def take_up_open(occurred_on: date) -> bool:
    """Whether a champion can still say if someone took up the service they were sent to."""
    return (today() - occurred_on).days <= TAKE_UP_DAYS


def check_take_up_window(
    clean: Mapping[str, object], old: Mapping[str, object] | None, ctx: Context
) -> None:
    """Forbidden when a champion changes a take-up past its 90 days."""
    if not ctx.champion or "take_up" not in clean:
        return
    if clean["take_up"] == (old.get("take_up") if old else ""):
        return
    occurred = clean.get("occurred_on") or (old or {}).get("occurred_on")
    if isinstance(occurred, date) and not take_up_open(occurred):
        raise Forbidden(TAKE_UP_CLOSED)


# The topics of activities (activity_topic) ------------------------------------------


async def topics_of(activity_ids: Sequence[int]) -> dict[int, list[str]]:
    """The topics' slugs of each of these activities, in the list's order."""
    out: dict[int, list[str]] = {}
    for start in range(0, len(activity_ids), 500):
        part = list(activity_ids[start : start + 500])
        rows = await (
            ActivityTopic.select(ActivityTopic.activity, ActivityTopic.topic.slug.as_alias("slug"))
            .where(ActivityTopic.activity.is_in(part))
            .order_by(ActivityTopic.topic.sort_order)
            .order_by(ActivityTopic.topic.id)
        )
        for row in rows:
            out.setdefault(row["activity"], []).append(row["slug"])
    return out


async def save_topics(
    activity_id: int, chosen: Sequence[str], before: Sequence[str]
) -> dict[str, JSON]:
    """Make the activity's topics these (in its write transaction); what changed, for the
    audit log ({} when nothing did)."""
    if set(chosen) == set(before):
        return {}
    ids = {
        row["slug"]: row["id"]
        for row in await Topic.select(Topic.id, Topic.slug).where(
            Topic.slug.is_in([*chosen, *before])
        )
    }
    gone = [ids[s] for s in before if s not in chosen and s in ids]
    if gone:
        await ActivityTopic.delete().where(
            (ActivityTopic.activity == activity_id) & ActivityTopic.topic.is_in(gone)
        )
    new = [ActivityTopic(activity=activity_id, topic=ids[s]) for s in chosen if s not in before]
    if new:
        await ActivityTopic.insert(*new)
    now: list[JSON] = [*chosen]
    return {TOPICS: now} if not before else {TOPICS: [[*before], now]}


async def add_topics(rows: Sequence[tuple[int, Sequence[str]]], lists: Lists) -> None:
    """The topics of new activities (a batch's), by id, in the caller's write transaction."""
    new = [
        ActivityTopic(activity=activity_id, topic=lists.topics[slug]["id"])
        for activity_id, slugs in rows
        for slug in slugs
    ]
    for start in range(0, len(new), 1000):
        await ActivityTopic.insert(*new[start : start + 1000])


# What the forms offer ------------------------------------------------------------------


async def offered(
    keep_topics: Collection[str] = (), keep_service: int | None = None
) -> dict[str, object]:
    """The topics and services a form offers: the active ones, and those an activity
    already has (retired since), so that changing it keeps them."""
    lists = await Lists.load()
    topics = sorted(
        (t for t in lists.topics.values() if t["active"] or t["slug"] in keep_topics),
        key=lambda t: (t["sort_order"], t["id"]),
    )
    services = sorted(
        (s for s in lists.services.values() if s["active"] or s["id"] == keep_service),
        key=lambda s: s["name"].casefold(),
    )
    return {
        "settings": SETTINGS,
        "topics": [(t["slug"], t["name"]) for t in topics],
        "services": [(str(s["id"]), s["name"]) for s in services],
    }
