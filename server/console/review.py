"""Console: the review queue. Activities marked for review (approve, correct, reject) and
stories waiting for approval (approve with consent, correct the spelling, decline)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar, cast
from urllib.parse import urlencode

from litestar import get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Response, Stream, Template

from server.activities.details import SETTINGS, TAKE_UP_SHORT, topics_of
from server.activities.services import (
    CORRECTABLE,
    KINDS,
    ReviewItem,
    review_activity,
    review_item,
    review_queue,
    service_names,
    topic_names,
)
from server.console.exports import download, wanted_format
from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, fields, save_or_show_again, url
from server.lib.records import Context, get_record
from server.lib.records import Page as Listing
from server.lib.validation import Conflict, Invalid
from server.sessions.services import SESSION_REVIEW_OVER, review_session, sessions_waiting
from server.stories.services import (
    STORIES,
    correct_story_text,
    decide_story,
    stories_decided,
    stories_waiting,
)

Page = Template | Redirect
DONE = {
    "approved": "Approved: it counts in the totals.",
    "corrected": "Corrected and approved: the corrected numbers count in the totals.",
    "rejected": "Rejected: it does not count in any total.",
    "session-approved": "Session approved: it counts in the totals.",
    "session-rejected": "Session rejected: it does not count in any total.",
    "story-approved": "Story approved.",
    "story-declined": "Story declined.",
    "story-edited": "Story text saved.",
}


def _programme_names(ctx: Context) -> dict[int, str]:
    return {p["id"]: p["name"] for p in ctx.ref.programmes.values()}


def _footprint_names(ctx: Context) -> dict[int, str]:
    return {f["id"]: f["name"] for f in ctx.ref.footprints.values()}


def _names(ctx: Context) -> dict[str, object]:
    return {
        "programme_names": _programme_names(ctx),
        "footprint_names": _footprint_names(ctx),
        "kinds": KINDS,
        "section": "review",
    }


T = TypeVar("T")


def _nothing(per_page: int) -> Listing[T]:
    """An empty page, for a list whose filters could not be used."""
    return Listing(items=[], page=1, per_page=per_page, total=0)


async def _queue_page(
    ctx: Context, params: Mapping[str, str], refused: Conflict | Invalid | None = None
) -> Template:
    """The activity queue; when a decision was refused (409) or the page number is not
    one (400), the message at the top."""
    errors, status = ({}, 200) if refused is None else (refused.errors, _status(refused))
    queue: Listing[ReviewItem]
    try:
        queue = await review_queue(params)
    except Invalid as exc:
        queue = _nothing(25)
        errors, status = exc.errors, 400
    stories = await stories_waiting({})
    context = {
        **_names(ctx),
        **await _details_words([item["id"] for item in queue.items]),
        "queue": queue,
        "sessions": await sessions_waiting(),
        "session_limit": SESSION_REVIEW_OVER,
        "stories_waiting": stories.total,
        "errors": errors,
        "done": DONE.get(params.get("done", "")),
    }
    return Template("console/review/queue.html", context=context, status_code=status)


async def _details_words(ids: list[int]) -> dict[str, object]:
    """What the queue shows of activities' details: the topics of these, and words."""
    return {
        "topics_of": await topics_of(ids),
        "topic_names": await topic_names(),
        "services": await service_names(),
        "settings": SETTINGS,
        "take_up_words": TAKE_UP_SHORT,
    }


def _status(refused: Conflict | Invalid) -> int:
    return 409 if isinstance(refused, Conflict) else 400


QUEUE_COLUMNS = (
    ("id", "Number"),
    ("person_name", "Logged by"),
    ("programme_name", "Programme"),
    ("occurred_on", "Date"),
    ("footprint_name", "Area"),
    ("kind_name", "What"),
    ("people_reached", "People reached"),
    ("minutes", "Minutes"),
    ("note", "Note"),
    ("setting_name", "Where it happened"),
    ("topic_names", "Topics"),
    ("postcode", "Postcode of the place"),
    ("service_name", "Signposted to"),
    ("take_up_word", "Did they go"),
    ("review_reason", "Why it needs a check"),
    ("created_at", "Logged at"),
)


def _name(names: Mapping[int, str], record_id: object) -> str:
    """The name of a programme or area by its id, or "" where there is none."""
    return names.get(record_id, "") if isinstance(record_id, int) else ""


def _kind_name(kind: object) -> object:
    """An activity's kind in words (its code where KINDS has no words for it)."""
    return KINDS.get(kind, kind) if isinstance(kind, str) else kind


async def _queue_rows(
    ctx: Context, items: Sequence[Mapping[str, object]]
) -> list[dict[str, object]]:
    """The queue's rows for its download, with names and words for the codes and ids."""
    programmes, footprints = _programme_names(ctx), _footprint_names(ctx)
    ids = [i for i in (item["id"] for item in items) if isinstance(i, int)]
    words = await _details_words(ids)
    topics = cast(dict[int, list[str]], words["topics_of"])
    topic_words = cast(dict[str, str], words["topic_names"])
    services = cast(dict[int, str], words["services"])
    return [
        {
            **item,
            "programme_name": _name(programmes, item["programme"]),
            "footprint_name": _name(footprints, item["footprint"]),
            "kind_name": _kind_name(item["kind"]),
            "setting_name": SETTINGS.get(str(item.get("setting") or ""), ""),
            "topic_names": "; ".join(
                topic_words.get(slug, slug) for slug in topics.get(cast(int, item["id"]), [])
            ),
            "service_name": _name(services, item.get("service")),
            "take_up_word": TAKE_UP_SHORT.get(str(item.get("take_up") or ""), ""),
        }
        for item in items
    ]


@get("/review", name="console-review")
async def queue_page(request: AppRequest, ctx: PageContext) -> Template | Response[bytes] | Stream:
    if request.query_params.get("format"):
        try:
            fmt = wanted_format(request.query_params.get("format"))
        except Invalid as exc:
            return await _queue_page(ctx, {}, exc)
        every = await review_queue({}, per_page=0)
        rows = await _queue_rows(ctx, every.items)
        return download("activities-to-review", QUEUE_COLUMNS, rows, fmt)
    return await _queue_page(ctx, request.query_params)


async def _decide(request: AppRequest, ctx: Context, record_id: int, decision: str) -> Page:
    try:
        await review_activity(ctx, record_id, decision)
    except (Conflict, Invalid) as exc:
        return await _queue_page(ctx, {}, exc)
    page = request.query_params.get("page", "")
    query = {"done": "approved" if decision == "approve" else "rejected"}
    if page.isdigit() and page != "1":
        query["page"] = page
    return Redirect(url(request, "console-review", query), status_code=303)


@post(
    "/review/activities/{record_id:int}/approve",
    name="console-review-activity-approve",
    status_code=303,
)
async def approve_activity(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Page:
    return await _decide(request, ctx, record_id, "approve")


@post(
    "/review/activities/{record_id:int}/reject",
    name="console-review-activity-reject",
    status_code=303,
)
async def reject_activity(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Page:
    return await _decide(request, ctx, record_id, "reject")


async def _decide_session(request: AppRequest, ctx: Context, record_id: int, decision: str) -> Page:
    try:
        await review_session(ctx, record_id, decision)
    except (Conflict, Invalid) as exc:
        return await _queue_page(ctx, {}, exc)
    done = "session-approved" if decision == "approve" else "session-rejected"
    address = url(request, "console-review", {"done": done})
    return Redirect(f"{address}#sessions", status_code=303)


@post(
    "/review/sessions/{record_id:int}/approve",
    name="console-review-session-approve",
    status_code=303,
)
async def approve_session(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Page:
    return await _decide_session(request, ctx, record_id, "approve")


@post(
    "/review/sessions/{record_id:int}/reject",
    name="console-review-session-reject",
    status_code=303,
)
async def reject_session(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Page:
    return await _decide_session(request, ctx, record_id, "reject")


def _correct_context(ctx: Context, activity: ReviewItem) -> dict[str, object]:
    """The correction form for an activity (review_item's row)."""
    fields_of: Mapping[str, object] = activity
    values = {k: "" if fields_of[k] is None else str(fields_of[k]) for k in CORRECTABLE}
    values["footprint"] = ctx.ref.code(activity["footprint"]) or ""
    return {
        **_names(ctx),
        "activity": activity,
        "values": values,
        "errors": {},
        "footprints": [(f["code"], f["name"]) for f in ctx.ref.footprints.values()],
        "kind_options": list(KINDS.items()),
    }


@get("/review/activities/{record_id:int}/correct", name="console-review-activity-correct")
async def correct_page(ctx: PageContext, record_id: FromPath[int]) -> Template:
    activity = await review_item(ctx, record_id)  # NotFound: a 404 page
    context = _correct_context(ctx, activity)
    return Template("console/review/correct.html", context=context)


@post("/review/activities/{record_id:int}/correct", status_code=303)
async def correct_activity(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
) -> Page:
    activity = await review_item(ctx, record_id)  # NotFound: a 404 page
    context = _correct_context(ctx, activity)
    if activity["review_status"] != "needs-review":
        refused = Conflict({"": "This activity is no longer waiting for review."})
        return await _queue_page(ctx, {}, refused)
    sent = fields(data, CORRECTABLE)
    return await save_or_show_again(
        lambda: review_activity(ctx, record_id, "correct", sent),
        "console/review/correct.html",
        context,
        sent,
        url(request, "console-review", {"done": "corrected"}),
    )


# Stories --------------------------------------------------------------------------------


async def _stories_page(
    ctx: Context, params: Mapping[str, str], refused: Conflict | Invalid | None = None
) -> Template:
    errors, status = ({}, 200) if refused is None else (refused.errors, _status(refused))
    try:
        stories = await stories_waiting(params)
    except Invalid as exc:
        stories = _nothing(20)
        errors, status = exc.errors, 400
    context = {
        **_names(ctx),
        "stories": stories,
        "errors": errors,
        "done": DONE.get(params.get("done", "")),
    }
    return Template("console/review/stories.html", context=context, status_code=status)


@get("/review/stories", name="console-review-stories")
async def stories_page(request: AppRequest, ctx: PageContext) -> Template:
    return await _stories_page(ctx, request.query_params)


async def _decide_story(request: AppRequest, ctx: Context, record_id: int, decision: str) -> Page:
    try:
        await decide_story(ctx, record_id, decision)
    except (Conflict, Invalid) as exc:
        return await _stories_page(ctx, {}, exc)
    done = "story-approved" if decision == "approve" else "story-declined"
    return Redirect(url(request, "console-review-stories", {"done": done}), status_code=303)


@post(
    "/review/stories/{record_id:int}/approve", name="console-review-story-approve", status_code=303
)
async def approve_story(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Page:
    return await _decide_story(request, ctx, record_id, "approve")


@post(
    "/review/stories/{record_id:int}/decline", name="console-review-story-decline", status_code=303
)
async def decline_story(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Page:
    return await _decide_story(request, ctx, record_id, "decline")


async def _story_context(ctx: Context, record_id: int) -> dict[str, object]:
    story = await get_record(STORIES, ctx, record_id)  # NotFound: a 404 page
    return {**_names(ctx), "story": story, "values": {"text": story.text}, "errors": {}}


@get("/review/stories/{record_id:int}/edit", name="console-review-story-edit")
async def edit_story_page(ctx: PageContext, record_id: FromPath[int]) -> Template:
    context = await _story_context(ctx, record_id)
    return Template("console/review/story_edit.html", context=context)


@post("/review/stories/{record_id:int}/edit", status_code=303)
async def edit_story(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
) -> Page:
    sent = fields(data, ("text",))
    return await save_or_show_again(
        lambda: correct_story_text(ctx, record_id, sent["text"]),
        "console/review/story_edit.html",
        await _story_context(ctx, record_id),
        sent,
        url(request, "console-review-stories", {"done": "story-edited"}),
    )


STORY_COLUMNS = (
    ("id", "Number"),
    ("status", "Decision"),
    ("reviewed_at", "Decided at"),
    ("person_name", "Shared by"),
    ("programme_name", "Programme"),
    ("created_at", "Shared at"),
    ("text", "Story"),
)


@get("/review/stories/decided", name="console-review-decided")
async def decided_page(
    request: AppRequest, ctx: PageContext
) -> Template | Response[bytes] | Stream:
    params = request.query_params
    filters = {k: params.get(k, "") for k in ("status", "programme")}
    try:
        if params.get("format"):
            fmt = wanted_format(params.get("format"))
            every = await stories_decided(params, ctx, per_page=0)
            return download("stories", STORY_COLUMNS, every.items, fmt)
        stories, errors, status = await stories_decided(params, ctx), {}, 200
    except Invalid as exc:
        stories = _nothing(20)
        errors, status = exc.errors, 400
    context = {
        **_names(ctx),
        "stories": stories,
        "values": filters,
        "errors": errors,
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "programmes": [(p["slug"], p["name"]) for p in ctx.ref.programmes.values()],
    }
    return Template("console/review/decided.html", context=context, status_code=status)


HANDLERS: list[HTTPRouteHandler] = [
    queue_page,
    approve_activity,
    reject_activity,
    approve_session,
    reject_session,
    correct_page,
    correct_activity,
    stories_page,
    approve_story,
    decline_story,
    edit_story_page,
    edit_story,
    decided_page,
]
