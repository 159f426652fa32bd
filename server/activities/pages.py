"""/log and /activities: logging what you did, and the list of it. No JavaScript needed."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from server.activities.services import ACTIVITIES, KINDS, log_form_defaults
from server.lib.auth import current_actor
from server.lib.pages import FormData, fields, save_or_show_again
from server.lib.records import Context, create_record, list_records

FIELDS = (
    "client_id",
    "programme",
    "kind",
    "occurred_on",
    "footprint",
    "people_reached",
    "minutes",
    "note",
)


@get("/log", include_in_schema=False)
async def log_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    actor = current_actor(request)
    if actor is None:
        return Redirect("/sign-in")
    ctx = await Context.load(actor)
    return Template("activities/log.html", context={**await log_form_defaults(ctx), "errors": {}})


@post("/log", include_in_schema=False, status_code=303)
async def log_activity(request: Request[Any, Any, Any], data: FormData) -> Template | Redirect:
    actor = current_actor(request)
    if actor is None:
        return Redirect("/sign-in", status_code=303)
    ctx = await Context.load(actor)
    sent = fields(data, FIELDS)
    return await save_or_show_again(
        lambda: create_record(ACTIVITIES, ctx, sent),
        "activities/log.html",
        await log_form_defaults(ctx),
        sent,
        "/activities?saved=1",
    )


@get("/activities", include_in_schema=False)
async def my_activities(request: Request[Any, Any, Any]) -> Template | Redirect:
    actor = current_actor(request)
    if actor is None:
        return Redirect("/sign-in")
    ctx = await Context.load(actor)
    page = await list_records(ACTIVITIES, ctx, {"person": str(actor.person_id or 0)})
    return Template(
        "activities/list.html",
        context={
            "items": page["items"],
            "total": page["total"],
            "kinds": KINDS,
            "saved": request.query_params.get("saved") == "1",
            "programmes": {p["slug"]: p["name"] for p in ctx.ref.programmes.values()},
        },
    )
