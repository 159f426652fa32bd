"""/log and /activities: logging what you did, and the list of it. No JavaScript needed."""

from __future__ import annotations

import msgspec
from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.activities.details import (
    SETTINGS,
    TAKE_UP,
    TAKE_UP_CLOSED,
    TAKE_UP_DAYS,
    TAKE_UP_SHORT,
    offered,
    take_up_open,
)
from server.activities.services import (
    ACTIVITIES,
    KINDS,
    changeable,
    log_form_defaults,
    log_from_form,
    service_names,
    still_changeable,
    topic_names,
)
from server.activities.shapes import Activity
from server.home.services import my_numbers
from server.lib.auth import AppRequest
from server.lib.pages import (
    FormData,
    PageContext,
    fields,
    form_post,
    save_or_show_again,
    signed_in_pages,
    url,
)
from server.lib.records import (
    Context,
    Forbidden,
    delete_record,
    get_record,
    list_records,
    update_record,
)
from server.lib.validation import left_blank

FIELDS = (
    "client_id",
    "programme",
    "kind",
    "occurred_on",
    "footprint",
    "people_reached",
    "minutes",
    "note",
    # More details (optional)
    "setting",
    "topics",
    "postcode",
    "service",
)


@get("/log", include_in_schema=False, name="log")
async def log_page(ctx: PageContext) -> Template:
    return Template("activities/log.html", context={**await log_form_defaults(ctx), "errors": {}})


@post("/log", include_in_schema=False, status_code=303)
async def log_activity(
    request: AppRequest, ctx: PageContext, data: FormData
) -> Template | Redirect:
    return await form_post(
        ctx,
        data,
        FIELDS,
        log_from_form,
        "activities/log.html",
        log_form_defaults,
        url(request, "my-activities", {"saved": "1"}),
    )


@get("/activities", include_in_schema=False, name="my-activities")
async def my_activities(request: AppRequest, ctx: PageContext) -> Template:
    actor = ctx.actor
    assert actor is not None  # the sign-in guard let them in
    page = await list_records(ACTIVITIES, ctx, {"person": str(actor.person_id or 0)})
    saved = request.query_params.get("saved") == "1"
    signposts = [a for a in page.items if a.kind == "signposting"]
    return Template(
        "activities/list.html",
        context={
            "items": page.items,
            "total": page.total,
            "kinds": KINDS,
            "saved": saved,
            # After saving, the confirmation says where their numbers stand now.
            "mine": await my_numbers(actor.person_id) if saved else None,
            "deleted": request.query_params.get("deleted") == "1",
            "changeable": changeable(page.items, ctx),
            "programmes": {p["slug"]: p["name"] for p in ctx.ref.programmes.values()},
            "settings": SETTINGS,
            "topic_names": await topic_names(),
            "services": await service_names(),
            "take_up_words": TAKE_UP_SHORT,
            "take_up_open": {a.id for a in signposts if take_up_open(a.occurred_on)},
            "take_up_said": request.query_params.get("saved") == "take-up",
            "take_up_days": TAKE_UP_DAYS,
        },
    )


EDITABLE = FIELDS[1:]  # everything but the client_id


async def _edit_context(ctx: Context, record_id: int) -> dict[str, object]:
    record = await get_record(ACTIVITIES, ctx, record_id)  # NotFound: not theirs
    defaults = await log_form_defaults(ctx)
    saved = msgspec.structs.asdict(record)
    values: dict[str, object] = {
        k: ("" if saved[k] is None else str(saved[k])) for k in EDITABLE if k != "topics"
    }
    values["topics"] = record.topics
    return {
        **defaults,
        # What it has now is offered even when retired since, so saving keeps it.
        "details": await offered(record.topics, record.service),
        "values": values,
        "errors": {},
        "editing": record_id,  # the form posts to this activity's edit page
    }


def _too_late(message: str) -> Template:
    return Template(
        "error.html",
        status_code=403,
        context={"heading": "You cannot change this activity now", "message": message},
    )


@get("/activities/{record_id:int}/edit", name="activity-edit", include_in_schema=False)
async def edit_page(ctx: PageContext, record_id: FromPath[int]) -> Template:
    return Template("activities/log.html", context=await _edit_context(ctx, record_id))


@post("/activities/{record_id:int}/edit", include_in_schema=False, status_code=303)
async def change_activity(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
) -> Template | Redirect:
    sent = fields(data, EDITABLE)
    try:
        return await save_or_show_again(
            lambda: update_record(ACTIVITIES, ctx, record_id, sent),
            "activities/log.html",
            await _edit_context(ctx, record_id),
            sent,
            url(request, "my-activities", {"saved": "1"}),
        )
    except Forbidden as exc:
        return _too_late(str(exc))


@get("/activities/{record_id:int}/delete", name="activity-delete", include_in_schema=False)
async def delete_confirm_page(ctx: PageContext, record_id: FromPath[int]) -> Template:
    """ "Are you sure?" before deleting: a page of its own, so it works without JavaScript
    and the red button is never next to Save."""
    record = await get_record(ACTIVITIES, ctx, record_id)  # NotFound: not theirs
    try:
        still_changeable(record.created_at, ctx)
    except Forbidden as exc:
        return _too_late(str(exc))
    programmes = {p["slug"]: p["name"] for p in ctx.ref.programmes.values()}
    return Template(
        "activities/delete.html",
        context={"a": record, "kinds": KINDS, "programmes": programmes},
    )


@post("/activities/{record_id:int}/delete", include_in_schema=False, status_code=303)
async def delete_activity(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int]
) -> Template | Redirect:
    try:
        await delete_record(ACTIVITIES, ctx, record_id)
    except Forbidden as exc:
        return _too_late(str(exc))
    return Redirect(url(request, "my-activities", {"deleted": "1"}), status_code=303)


# Whether a signposted person took the service up -------------------------------------


async def _take_up_context(ctx: Context, record_id: int) -> dict[str, object]:
    record = await get_record(ACTIVITIES, ctx, record_id)  # NotFound: not theirs
    services = await service_names()
    return {
        "a": record,
        "kinds": KINDS,
        "service_name": services.get(record.service) if record.service else None,
        "choices": list(TAKE_UP.items()),
        "values": {"take_up": record.take_up or ""},
        "errors": {},
        "take_up_days": TAKE_UP_DAYS,
    }


def _not_a_signpost() -> Template:
    return Template(
        "error.html",
        status_code=404,
        context={
            "heading": "Page not found",
            "message": "Only signposting has a take-up to add.",
        },
    )


@get("/activities/{record_id:int}/take-up", name="activity-take-up", include_in_schema=False)
async def take_up_page(ctx: PageContext, record_id: FromPath[int]) -> Template:
    """ "Did they go?" for a signpost: yes, no or don't know, for 90 days after it."""
    context = await _take_up_context(ctx, record_id)
    record = context["a"]
    assert isinstance(record, Activity)
    if record.kind != "signposting":
        return _not_a_signpost()
    if ctx.champion and not take_up_open(record.occurred_on):
        return _too_late(TAKE_UP_CLOSED)
    return Template("activities/take_up.html", context=context)


@post("/activities/{record_id:int}/take-up", include_in_schema=False, status_code=303)
async def say_take_up(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
) -> Template | Redirect:
    sent = fields(data, ("take_up",))
    context = await _take_up_context(ctx, record_id)
    record = context["a"]
    assert isinstance(record, Activity)
    if record.kind != "signposting":
        return _not_a_signpost()
    if left_blank(sent["take_up"]):
        context["errors"] = {"take_up": "Choose whether they went: yes, no or don't know."}
        return Template("activities/take_up.html", status_code=400, context=context)
    try:
        return await save_or_show_again(
            lambda: update_record(ACTIVITIES, ctx, record_id, sent),
            "activities/take_up.html",
            context,
            sent,
            url(request, "my-activities", {"saved": "take-up"}),
        )
    except Forbidden as exc:
        return _too_late(str(exc))


HANDLERS = [
    signed_in_pages(
        log_page,
        log_activity,
        my_activities,
        edit_page,
        change_activity,
        delete_confirm_page,
        delete_activity,
        take_up_page,
        say_take_up,
    )
]
