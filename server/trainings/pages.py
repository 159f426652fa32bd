"""/training: my training, and adding a course I completed."""

from __future__ import annotations

from litestar import get, post
from litestar.response import Redirect, Template

from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, form_post, signed_in_pages, url
from server.lib.records import Context, create_record
from server.settings import today
from server.trainings.services import TRAININGS, my_trainings, trainer_courses

FIELDS = ("course", "completed_on", "certificate_number")


async def _context(ctx: Context, saved: bool = False) -> dict[str, object]:
    trainers = trainer_courses(ctx.ref)
    return {
        "trainings": await my_trainings(ctx),
        # A course that lets someone run Friends sessions is recorded by staff only.
        "courses": [
            (c["slug"], c["name"])
            for c in ctx.ref.courses.values()
            if ctx.actor is not None and (ctx.actor.is_staff or c["id"] not in trainers)
        ],
        "values": {"completed_on": today().isoformat()},
        "errors": {},
        "saved": saved,
    }


@get("/training", include_in_schema=False, name="training")
async def training_page(request: AppRequest, ctx: PageContext) -> Template:
    saved = request.query_params.get("saved") == "1"
    return Template("trainings/training.html", context=await _context(ctx, saved))


@post("/training", include_in_schema=False, status_code=303)
async def add_training(
    request: AppRequest, ctx: PageContext, data: FormData
) -> Template | Redirect:
    return await form_post(
        ctx,
        data,
        FIELDS,
        lambda ctx, sent: create_record(TRAININGS, ctx, sent),
        "trainings/training.html",
        _context,
        url(request, "training", {"saved": "1"}),
    )


HANDLERS = [signed_in_pages(training_page, add_training)]
