"""Console: upcoming sessions (list, publish, change, cancel), published before they
happen so that residents can book."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import urlencode

from litestar import get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.console.record_forms import RecordForm, form_handlers
from server.events.attendance import read_attendance, record_attendance
from server.events.bookings import booking_list
from server.events.services import UPCOMING, form_values, places_taken, when_text
from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, save_or_show_again, url
from server.lib.records import Context, Page, get_record, list_records
from server.lib.validation import Invalid

FIELDS = (
    "programme", "title", "starts_on", "start_time", "minutes", "venue", "footprint",
    "capacity", "accessibility", "bookable", "organiser", "status",
)  # fmt: skip
FILTERS = ("programme", "footprint", "status", "past", "page")
DONE = {"added": "Published.", "changed": "Your changes are saved."}


def _choices(ctx: Context) -> dict[str, object]:
    friends = [p for p in ctx.ref.programmes.values() if p["kind"] == "friend"]
    return {
        "section": "events",
        "programmes": [(p["slug"], p["name"]) for p in friends],
        "footprints": [(f["code"], f["name"]) for f in ctx.ref.footprints.values()],
        "programme_names": {p["slug"]: p["name"] for p in friends},
    }


@get("/upcoming", name="console-upcoming")
async def upcoming_page(request: AppRequest, ctx: PageContext) -> Template:
    """Upcoming sessions, soonest first, filtered by programme, area and status."""
    params = {k: v for k in FILTERS if (v := str(request.query_params.get(k) or "").strip())}
    errors: dict[str, str] = {}
    try:
        listing = await list_records(UPCOMING, ctx, params)
    except Invalid as exc:
        listing, errors = Page(items=[], page=1, per_page=50, total=0), exc.errors
    taken = await places_taken([i.id for i in listing.items])
    context = {
        **_choices(ctx),
        "listing": listing,
        "whens": {
            i.id: when_text(i.starts_at, i.starts_at + timedelta(minutes=i.minutes))
            for i in listing.items
        },
        "taken": taken,
        "values": params,
        "errors": errors,
        "query": urlencode({k: v for k, v in params.items() if k != "page"}),
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return Template("console/events/list.html", context=context, status_code=400 if errors else 200)


async def _form(
    ctx: Context, record_id: int | None = None, sent: Mapping[str, object] | None = None
) -> dict[str, object]:
    values: dict[str, object] = {"minutes": "60", "bookable": "yes", "status": "scheduled"}
    if record_id is not None:
        values = form_values(await get_record(UPCOMING, ctx, record_id))  # NotFound: 404
    values.update(sent or {})
    return {**_choices(ctx), "values": values, "errors": {}, "record_id": record_id}


FORM = RecordForm(
    rt=UPCOMING,
    template="console/events/form.html",
    names=FIELDS,
    context=_form,
    list_name="console-upcoming",
    name="console-upcoming",  # console-upcoming-new, -add, -edit, -change
    done_key="done",
    new_path="/upcoming/new",
    add_path="/upcoming/new",
    edit_path="/upcoming/{record_id:int}/edit",
    on_conflict="done",
)


@get("/upcoming/{record_id:int}/bookings", name="console-upcoming-bookings")
async def bookings_page(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int]
) -> Template:
    """Who booked a session, places first, then the waiting list; after it started, the
    form to record who came."""
    saved = request.query_params.get("saved") == "1"
    context = {**_choices(ctx), **await booking_list(ctx, record_id), "saved": saved}
    return Template("console/events/bookings.html", context={**context, "console": True})


@post("/upcoming/{record_id:int}/attendance", name="console-upcoming-attendance", status_code=303)
async def attendance_sent(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
) -> Template | Redirect:
    """Who came: the Friends session that counts is made, or changed (never a second)."""
    sent = dict(data)
    done = url(request, "console-upcoming-bookings", {"saved": "1"}, record_id=record_id)

    async def save() -> int:
        attended, walk_ins = read_attendance(sent)
        return await record_attendance(ctx, record_id, attended, walk_ins)

    context = {**_choices(ctx), **await booking_list(ctx, record_id), "console": True}
    typed = {"walk_ins": sent.get("walk_ins", "")}
    template = "console/events/bookings.html"
    return await save_or_show_again(save, template, {**context, "values": typed}, typed, done)


HANDLERS: list[HTTPRouteHandler] = [
    upcoming_page,
    bookings_page,
    attendance_sent,
    *form_handlers(FORM),
]
