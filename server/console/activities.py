"""Console: one activity, everything about it, and its details as staff change them: the
kind of place, topics, the place's postcode and, for signposting, the service and whether
the person took it up (any time: the 90 days are the champions' limit). Reached from the
review queue and a person's page; saved through ACTIVITIES, so the checks and the audit
log are the API's."""

from __future__ import annotations

from collections.abc import Mapping

from litestar import get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.activities.details import SETTINGS, TAKE_UP, TAKE_UP_SHORT, offered
from server.activities.services import (
    ACTIVITIES,
    KINDS,
    review_item,
    service_names,
    topic_names,
)
from server.console.common import REVIEW_WORDS
from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, fields, save_or_show_again, url
from server.lib.records import Context, get_record, update_record

DETAIL_FIELDS = ("setting", "topics", "postcode", "service", "take_up")
DONE = {"saved": "The activity's details were saved."}


async def _context(ctx: Context, record_id: int) -> dict[str, object]:
    row = await review_item(ctx, record_id)  # NotFound: a 404 page
    record = await get_record(ACTIVITIES, ctx, record_id)
    values: dict[str, object] = {
        "setting": record.setting or "",
        "topics": record.topics,
        "postcode": record.postcode or "",
        "service": str(record.service or ""),
        "take_up": record.take_up or "",
    }
    return {
        "section": "review",
        "a": record,
        "person_name": row["person_name"],
        "programme": ctx.ref.programme_by_slug.get(record.programme or "", {}).get("name", ""),
        "area": ctx.ref.footprint_by_code.get(record.footprint or "", {}).get("name", ""),
        "kinds": KINDS,
        "review_words": REVIEW_WORDS,
        "settings": SETTINGS,
        "topic_names": await topic_names(),
        "services": await service_names(),
        "take_up_words": TAKE_UP_SHORT,
        "take_up_choices": [("", "Not known yet"), *TAKE_UP.items()],
        "details": await offered(record.topics, record.service),
        "hide_service": record.kind != "signposting",
        "details_open": True,
        "values": values,
        "errors": {},
    }


@get("/activities/{record_id:int}", name="console-activity")
async def activity_page(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int]
) -> Template:
    context = await _context(ctx, record_id)
    context["done"] = DONE.get(request.query_params.get("done", ""), "")
    return Template("console/activity.html", context=context)


@post("/activities/{record_id:int}", status_code=303)
async def change_details(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
) -> Template | Redirect:
    context = await _context(ctx, record_id)
    names = DETAIL_FIELDS if not context["hide_service"] else ("setting", "topics", "postcode")
    sent: Mapping[str, object] = fields(data, names)
    return await save_or_show_again(
        lambda: update_record(ACTIVITIES, ctx, record_id, sent),
        "console/activity.html",
        context,
        sent,
        url(request, "console-activity", {"done": "saved"}, record_id=record_id),
    )


HANDLERS: list[HTTPRouteHandler] = [activity_page, change_details]
