"""/stories/new: share a story."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from server.lib.auth import current_actor
from server.lib.pages import FormData, fields, save_or_show_again
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
    actor = current_actor(request)
    if actor is None:
        return Redirect("/sign-in")
    saved = request.query_params.get("saved") == "1"
    return Template("stories/new.html", context=await _context(await Context.load(actor), saved))


@post("/stories/new", include_in_schema=False, status_code=303)
async def share_story(request: Request[Any, Any, Any], data: FormData) -> Template | Redirect:
    actor = current_actor(request)
    if actor is None:
        return Redirect("/sign-in", status_code=303)
    ctx = await Context.load(actor)
    sent = fields(data, FIELDS)
    sent["consent_to_publish"] = data.get("consent_to_publish") == "yes"
    return await save_or_show_again(
        lambda: create_record(STORIES, ctx, sent),
        "stories/new.html",
        await _context(ctx),
        sent,
        "/stories/new?saved=1",
    )
