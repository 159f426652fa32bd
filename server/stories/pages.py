"""/stories/new: share a story."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from server.lib.pages import FormData, form_post, page_context, to_sign_in
from server.lib.records import Context, create_record, list_records
from server.stories.services import LONGEST, STORIES

FIELDS = ("text", "programme", "consent_to_publish")


async def _context(ctx: Context, saved: bool = False) -> dict[str, Any]:
    assert ctx.actor is not None
    mine = await list_records(STORIES, ctx, {"person": str(ctx.actor.person_id or 0)})
    return {
        "stories": mine["items"],
        "values": {},
        "errors": {},
        "saved": saved,
        "longest": LONGEST,
    }


@get("/stories/new", include_in_schema=False)
async def new_story_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    ctx = await page_context(request)
    if ctx is None:
        return to_sign_in()
    saved = request.query_params.get("saved") == "1"
    return Template("stories/new.html", context=await _context(ctx, saved))


@post("/stories/new", include_in_schema=False, status_code=303)
async def share_story(request: Request[Any, Any, Any], data: FormData) -> Template | Redirect:
    def save(ctx: Context, sent: dict[str, Any]) -> Any:
        consent = sent["consent_to_publish"] == "yes"  # a ticked box sends "yes"
        return create_record(STORIES, ctx, {**sent, "consent_to_publish": consent})

    return await form_post(
        request, data, FIELDS, save, "stories/new.html", _context, "/stories/new?saved=1"
    )
