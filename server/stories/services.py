"""Stories: a few sentences about what happened, in the champion's own words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from piccolo.custom_types import Combinable
from piccolo.query import Select

from schema.rows import StoryRow
from schema.tables import Story
from server.db import write_transaction
from server.lib.records import (
    Context,
    Forbidden,
    NotFound,
    Page,
    RecordType,
    Sent,
    delete_record,
    get_record,
    update_record,
)
from server.lib.reference import Reference
from server.lib.rows import rows_as
from server.lib.validation import Form, Invalid
from server.stories import shapes

# withdrawn: its author took back their consent to publish (only that way, never set by hand).
STATUSES = ("waiting", "approved", "declined", "withdrawn")
SET_BY_HAND = {s: s for s in STATUSES if s != "withdrawn"}
SHORTEST, LONGEST = 20, 1500
ONLY_CONSENT = (
    "You can only change whether your story may be published. To change its words, "
    "delete it and share it again."
)
ONLY_THE_AUTHOR = "Only the person who shared this story can agree to publish it."


def read_story(form: Form, ctx: Context, old: StoryRow | None) -> None:
    if old is not None and ctx.champion and isinstance(form.data, Mapping):
        # An author may take their consent back or give it again; new words would be
        # published without a coordinator reading them. The fields fit the document (staff
        # may send them): this role may not, so 403, as for a field only staff set.
        if any(k != "consent_to_publish" for k in form.data):
            raise Forbidden(ONLY_CONSENT)
    form.text("text", "your story", max_length=LONGEST, required=True)
    form.choice("programme", "a programme", ctx.ref.programme_ids())
    form.boolean("consent_to_publish", "consent to publish")
    staff = ctx.actor is not None and ctx.actor.is_staff
    if staff:
        form.reference("person", "the person's id")
        form.choice("status", "a status", SET_BY_HAND, default="waiting")


async def story_rules(clean: StoryRow, ctx: Context, old: StoryRow | None, sent: Sent) -> StoryRow:
    if old is None and clean.get("person") is None and ctx.actor is not None:
        clean["person"] = ctx.actor.person_id  # a coordinator's own story
    if "text" in clean and len(clean["text"]) < SHORTEST:
        raise Invalid({"text": f"Tell us a little more: at least {SHORTEST} characters."})
    _consent_changed(clean, old, ctx)
    if clean.get("status") == "approved" and not {**(old or {}), **clean}.get("consent_to_publish"):
        raise Invalid({"status": "A story can be approved only if its author agreed to publish."})
    if clean.get("status") in ("approved", "declined", "withdrawn") and clean["status"] != (
        old or {}
    ).get("status"):
        clean["reviewed_at"] = datetime.now(UTC)  # however it was decided: console or API
    return clean


def _consent_changed(clean: StoryRow, old: StoryRow | None, ctx: Context) -> None:
    """Consent taken back withdraws the story at once, whatever its status (whoever records
    it). Once a story exists, only its author can give consent (nobody agrees for them),
    and it then goes back to a coordinator to approve (again)."""
    if old is None or "consent_to_publish" not in clean:
        return
    before, now = bool(old["consent_to_publish"]), bool(clean["consent_to_publish"])
    if before and not now:
        clean["status"] = "withdrawn"
    elif now and not before:
        if ctx.actor is None or ctx.actor.person_id != old["person"]:
            raise Forbidden(ONLY_THE_AUTHOR)
        if old["status"] != "declined" and "status" not in clean:
            clean["status"] = "waiting"


def present_story(row: StoryRow, ref: Reference) -> shapes.Story:
    return shapes.Story(
        id=row["id"],
        person=row["person"],
        programme=ref.slug(row["programme"]),
        text=row["text"],
        consent_to_publish=row["consent_to_publish"],
        status=row["status"],
        created_at=row["created_at"],
    )


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
    shape=shapes.Story,
    table=Story,
    row=StoryRow,
    read=read_story,
    rules=story_rules,
    present=present_story,
    filters=story_filters,
    owner="person",
    # Authors may also take back (or give again) their consent, and delete their story.
    champion_may=frozenset({"list", "read", "create", "update", "delete"}),
    personal=frozenset({"text"}),
    order_by=(("id", True),),
)


# Coordinators' review (console) -----------------------------------------------------------

DECIDED = ("approved", "declined", "withdrawn")
# What a coordinator's decision sets the status to.
DECISIONS = {"approve": "approved", "decline": "declined"}
NO_CONSENT = (
    "This story cannot be approved: its author has not agreed to publish it. "
    "You can decline it, or ask them and let them share it again."
)


class Named(StoryRow):
    """A story with the names of its author and programme (None: erased, or none)."""

    person_name: str | None
    programme_name: str | None


def _with_names() -> Select[Story]:
    return Story.select(
        *Story.all_columns(),
        Story.person.name.as_alias("person_name"),
        Story.programme.name.as_alias("programme_name"),
    )


def _page_number(value: str | None) -> int:
    form = Form({"page": value or ""})
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    form.result()
    return form.needed("page", int)


async def stories_waiting(params: Mapping[str, str], per_page: int = 20) -> Page[Named]:
    """Stories waiting for a coordinator, the longest waiting first, with author and
    programme names."""
    page = _page_number(params.get("page"))
    waiting = Story.status == "waiting"
    rows = await (
        _with_names()
        .where(waiting)
        .order_by(Story.created_at)
        .order_by(Story.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    total = await Story.count().where(waiting)
    return Page(items=rows_as(Named, rows), page=page, per_page=per_page, total=total)


def _decided_where(params: Mapping[str, str], ctx: Context) -> tuple[Combinable, int]:
    form = Form({k: params.get(k, "") for k in ("status", "programme", "page")})
    form.choice("status", "approved, declined or withdrawn", {s: s for s in DECIDED})
    form.choice("programme", "a programme", ctx.ref.programme_ids())
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    clean = form.result()
    where: Combinable = Story.status.is_in(list(DECIDED))
    if clean["status"]:
        where = where & (Story.status == clean["status"])
    if clean["programme"]:
        where = where & (Story.programme == clean["programme"])
    return where, form.needed("page", int)


async def stories_decided(
    params: Mapping[str, str], ctx: Context, per_page: int = 20
) -> Page[Named]:
    """Stories already approved, declined or withdrawn by their authors, the latest
    decision first; filtered by
    status and programme (Invalid says what to fix). per_page=0: all of them."""
    where, page = _decided_where(params, ctx)
    query = (
        _with_names()
        .where(where)
        .order_by(Story.reviewed_at, ascending=False)
        .order_by(Story.id, ascending=False)
    )
    if per_page:
        query = query.limit(per_page).offset((page - 1) * per_page)
    total = await Story.count().where(where)
    rows = rows_as(Named, await query)
    return Page(items=rows, page=page, per_page=per_page, total=total)


async def decide_story(ctx: Context, record_id: int, decision: str) -> shapes.Story:
    """Approve (only with the author's consent to publish) or decline a story, through
    STORIES (so audited), and note when it was decided."""
    status = DECISIONS[decision]
    story = await get_record(STORIES, ctx, record_id)
    if status == "approved" and not story.consent_to_publish:
        raise Invalid({"": NO_CONSENT})
    async with write_transaction():
        saved = await update_record(STORIES, ctx, record_id, {"status": status})
        await Story.update({Story.reviewed_at: datetime.now(UTC)}).where(Story.id == record_id)
    return saved


async def correct_story_text(ctx: Context, record_id: int, text: object) -> shapes.Story:
    """Change a story's words (spelling, say). The audit log notes that the text changed,
    never the text itself."""
    return await update_record(STORIES, ctx, record_id, {"text": text})


# Authors' own stories (the app's "My stories") -----------------------------------------


async def my_stories(ctx: Context) -> list[shapes.Story]:
    """The signed-in person's own stories, newest first (staff too: only their own)."""
    assert ctx.actor is not None
    rows = await (
        Story.select()
        .where(Story.person == (ctx.actor.person_id or 0))
        .order_by(Story.id, ascending=False)
    )
    return [present_story(row, ctx.ref) for row in rows_as(StoryRow, rows)]


async def my_story(ctx: Context, record_id: int) -> shapes.Story:
    """One of the signed-in person's own stories; NotFound for anyone else's, coordinators
    included (they review stories in the console, not here)."""
    story = await get_record(STORIES, ctx, record_id)
    if ctx.actor is None or story.person != ctx.actor.person_id:
        raise NotFound(f"There is no story with id {record_id}.")
    return story


async def set_my_consent(ctx: Context, record_id: int, consent: bool) -> shapes.Story:
    """Take back (False) or give again (True) the consent to publish one's own story.
    Taken back, it leaves the widget and the report at once; given again, it waits for a
    coordinator to approve it again."""
    await my_story(ctx, record_id)
    return await update_record(STORIES, ctx, record_id, {"consent_to_publish": consent})


async def delete_my_story(ctx: Context, record_id: int) -> None:
    """Delete one's own story for good (the audit log keeps that it was deleted)."""
    await my_story(ctx, record_id)
    await delete_record(STORIES, ctx, record_id)
