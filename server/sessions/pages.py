"""/sessions/new: a Dementia or Autism Friends Champion records a session they ran."""

from __future__ import annotations

from litestar import get, post
from litestar.response import Redirect, Template

from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, form_post, signed_in_pages, url
from server.lib.records import Context, create_record
from server.sessions.services import (
    CHAMPION_SESSION_LIMIT,
    FRIENDS_SESSIONS,
    SESSION_REVIEW_OVER,
    session_form_choices,
)
from server.settings import today

FIELDS = ("programme", "held_on", "venue", "footprint", "attendees", "note")


async def _context(ctx: Context, saved: bool = False) -> dict[str, object]:
    programmes = await session_form_choices(ctx)
    return {
        "programmes": [(p["slug"], p["name"]) for p in programmes],
        "footprints": [(x["code"], x["name"]) for x in ctx.ref.footprints.values()],
        "values": {
            "held_on": today().isoformat(),
            "programme": programmes[0]["slug"] if len(programmes) == 1 else "",
        },
        "limit": CHAMPION_SESSION_LIMIT,
        "review_over": SESSION_REVIEW_OVER,
        "errors": {},
        "saved": saved,
    }


@get("/sessions/new", include_in_schema=False, name="new-session")
async def new_session_page(request: AppRequest, ctx: PageContext) -> Template:
    saved = request.query_params.get("saved") == "1"
    return Template("sessions/new.html", context=await _context(ctx, saved))


@post("/sessions/new", include_in_schema=False, status_code=303)
async def record_session(
    request: AppRequest, ctx: PageContext, data: FormData
) -> Template | Redirect:
    return await form_post(
        ctx,
        data,
        FIELDS,
        lambda ctx, sent: create_record(FRIENDS_SESSIONS, ctx, sent),
        "sessions/new.html",
        _context,
        url(request, "new-session", {"saved": "1"}),
    )


HANDLERS = [signed_in_pages(new_session_page, record_session)]
