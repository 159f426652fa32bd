"""Upcoming sessions for everyone: /events (the list, filtered by programme and area), a
page per session, the calendars (/events.ics, /events/<programme>.ics) and /events.json;
and for champions trained to run sessions, /upcoming: publish and change their own."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import timedelta

from litestar import get, post
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.response.base import ASGIResponse

from server.accounts.services import is_link_token
from server.events import attendance, bookings, calendar
from server.events.services import (
    UPCOMING,
    Event,
    form_values,
    public_event,
    public_events,
    publishable,
    when_text,
)
from server.lib.auth import AppRequest
from server.lib.client import client_address
from server.lib.pages import FormData, PageContext, fields, save_or_show_again, signed_in_pages, url
from server.lib.public import public
from server.lib.records import Context, create_record, get_record, list_records, update_record
from server.lib.reference import Reference, load_reference
from server.lib.validation import Invalid, Limited
from server.public.query import read_query
from server.public.ready import Made
from server.totals.services import hash_body

FIELDS = (
    "programme", "title", "starts_on", "start_time", "minutes", "venue", "footprint",
    "capacity", "accessibility", "bookable", "status",
)  # fmt: skip
ICS = "text/calendar; charset=utf-8"
BOOKING_FIELDS = ("name", "email", "mobile", "waiting")
COPY_ALL = "If you copied it from the email, check that you copied all of it."


def _choices(ref: Reference) -> dict[str, object]:
    friends = [p for p in ref.programmes.values() if p["kind"] == "friend"]
    return {
        "programmes": [(p["slug"], p["name"]) for p in friends],
        "footprints": [(f["code"], f["name"]) for f in ref.footprints.values()],
    }


def _feeds(ref: Reference) -> list[tuple[str, str]]:
    return [(p["slug"], p["name"]) for p in ref.programmes.values() if p["kind"] == "friend"]


def _made(body: bytes) -> Made:
    return Made(body, f'"{hash_body(body)}"')


@get("/events", name="events", include_in_schema=False)
async def events_page(request: AppRequest) -> Template:
    """The list, filtered by programme and area (a form that works without JavaScript)."""
    ref = await load_reference()
    params = request.query_params
    chosen = {k: str(params.get(k) or "").strip() for k in ("programme", "area")}
    programme = ref.programme_by_slug.get(chosen["programme"])
    area = ref.footprint_by_code.get(chosen["area"])
    errors = {}
    if chosen["programme"] and (programme is None or programme["kind"] != "friend"):
        errors["programme"] = "Choose a programme from the list."
    if chosen["area"] and area is None:
        errors["area"] = "Choose an area from the list."
    events = (
        []
        if errors
        else await public_events(
            ref, programme["id"] if programme else None, area["id"] if area else None
        )
    )
    # Addresses made here from route names, record numbers and the programmes' slugs.
    pages = {e.id: url(request, "event", item=str(e.id)) for e in events}
    calendars = [(name, url(request, "event", item=f"{slug}.ics")) for slug, name in _feeds(ref)]
    context = {
        **_choices(ref),
        "events": [(e, pages[e.id]) for e in events],
        "calendars": calendars,
        "values": chosen,
        "errors": errors,
    }
    return Template("events/list.html", context=context, status_code=400 if errors else 200)


@get("/events.ics", name="events-ics", include_in_schema=False)
async def all_events_ics(request: AppRequest) -> ASGIResponse:
    read_query(request, ())
    events = await public_events(await load_reference(), with_cancelled=True)
    body = calendar.ics(events, "Health Movement sessions")
    return public(request, _made(body), ICS)


@get("/events.json", name="events-json", include_in_schema=False)
async def events_json(request: AppRequest) -> ASGIResponse:
    read_query(request, ())
    events = await public_events(await load_reference(), with_cancelled=True)
    return public(request, _made(calendar.public_json(events)), "application/json")


@get("/events/{item:str}", name="event", include_in_schema=False)
async def event_page(request: AppRequest, item: FromPath[str]) -> ASGIResponse:
    """One session's page (/events/12), or one programme's calendar
    (/events/dementia-friends.ics): one path, as a programme's slug is never a number."""
    ref = await load_reference()
    if item.endswith(".ics"):
        programme = ref.programme_by_slug.get(item.removesuffix(".ics"))
        if programme is None or programme["kind"] != "friend":
            raise NotFoundException("There is no such calendar.")
        read_query(request, ())
        events = await public_events(ref, programme["id"], with_cancelled=True)
        body = calendar.ics(events, f"{programme['name']} sessions")
        return public(request, _made(body), ICS)
    event = await _event_or_404(ref, item)
    booked = request.query_params.get("booked")
    context = {
        **_event_context(request, event),
        "booked": booked if booked in ("booked", "waiting", "again") else None,
    }
    # One return type for both (Litestar cannot send a union of a template and bytes).
    return Template("events/event.html", context=context).to_asgi_response(None, request)


async def _event_or_404(ref: Reference, item: str) -> Event:
    event = await public_event(ref, int(item)) if item.isdigit() and len(item) < 10 else None
    if event is None:
        raise NotFoundException("There is no such session.")
    return event


def _event_context(request: AppRequest, event: Event) -> dict[str, object]:
    """A session's page: the session, and its own address (the booking form's action)."""
    return {
        "event": event,
        "base": url(request, "event", item=str(event.id)),
        "values": {},
        "errors": {},
        "full": False,
    }


@post("/events/{item:str}", name="book", include_in_schema=False, status_code=303)
async def book_place(
    request: AppRequest, item: FromPath[str], data: FormData
) -> Template | Redirect:
    """Book a place: back to the page saying what happened (and the email goes after the
    answer); the form again with every problem beside its field and everything typed kept
    (400), the offer of the waiting list when it has just filled up (409), or 429."""
    event = await _event_or_404(await load_reference(), item)
    sent = fields(data, BOOKING_FIELDS)
    context = _event_context(request, event)
    try:
        booked, sending = await bookings.book(event.id, sent, client_address(request))
    except bookings.Full:
        again = {**context, "values": sent, "full": True}
        return Template("events/event.html", context=again, status_code=409)
    except bookings.NotBookable:
        message = {"": "This session cannot be booked now: it has started or is cancelled."}
        return Template(
            "events/event.html", context={**context, "errors": message}, status_code=409
        )
    except Limited as exc:
        headers = {"retry-after": str(exc.retry_after)}
        again = {**context, "values": sent, "errors": exc.errors}
        return Template("events/event.html", context=again, status_code=429, headers=headers)
    except Invalid as exc:
        again = {**context, "values": sent, "errors": exc.errors}
        return Template("events/event.html", context=again, status_code=400)
    said = "again" if booked.again else booked.status
    done = url(request, "event", {"booked": said}, item=str(event.id))
    background = BackgroundTask(_send, sending) if sending else None
    return Redirect(done, status_code=303, background=background)


async def _send(sending: Awaitable[None]) -> None:
    await sending


@get("/bookings/{token:str}", name="booking-cancel-page", include_in_schema=False)
async def cancel_page(token: FromPath[str]) -> Template:
    # A button, not a cancellation on opening: email scanners open links before people do.
    # Only a token of the shape the app makes gets the form.
    if not is_link_token(token):
        return _link_not_valid(404)
    return Template("events/cancel.html", context={"token": token, "done": False})


@post("/bookings/{token:str}", name="booking-cancel", include_in_schema=False, status_code=200)
async def cancel_booking(token: FromPath[str]) -> Template:
    if not is_link_token(token):
        return _link_not_valid(404)
    found, sending = await bookings.cancel(token)
    if not found:
        return _link_not_valid(400)
    background = BackgroundTask(_send, sending) if sending else None
    return Template("events/cancel.html", context={"done": True}, background=background)


def _link_not_valid(status_code: int) -> Template:
    return Template(
        "events/problem.html",
        status_code=status_code,
        context={
            "heading": "This link does not work" + (" any more" if status_code == 400 else ""),
            "message": "The link in your booking email cancels your place."
            + ("" if status_code == 400 else " " + COPY_ALL),
        },
    )


# Champions publish their own ------------------------------------------------------------


async def _form(
    ctx: Context, record_id: int | None, sent: Mapping[str, object] | None
) -> dict[str, object]:
    programmes = await publishable(ctx)
    values: dict[str, object] = {
        "programme": programmes[0]["slug"] if len(programmes) == 1 else "",
        "minutes": "60",
        "bookable": "yes",
        "status": "scheduled",
    }
    if record_id is not None:
        values = form_values(await get_record(UPCOMING, ctx, record_id))
    values.update(sent or {})
    return {
        "programmes": [(p["slug"], p["name"]) for p in programmes],
        "footprints": [(f["code"], f["name"]) for f in ctx.ref.footprints.values()],
        "values": values,
        "errors": {},
        "record_id": record_id,
    }


@get("/upcoming", name="my-upcoming")
async def my_upcoming(request: AppRequest, ctx: PageContext) -> Template:
    """The signed-in person's upcoming sessions (staff: everyone's, as the API lists them)."""
    listing = await list_records(UPCOMING, ctx, {"per_page": "100"})
    done = request.query_params.get("done")
    context = {
        **_choices(ctx.ref),
        "listing": listing,
        "whens": {
            i.id: when_text(i.starts_at, i.starts_at + timedelta(minutes=i.minutes))
            for i in listing.items
        },
        "may_publish": bool(await publishable(ctx)),
        "done": done if done in ("added", "changed") else None,
    }
    return Template("events/mine.html", context=context)


@get("/upcoming/new", name="new-upcoming")
async def new_upcoming(ctx: PageContext) -> Template:
    return Template("events/publish.html", context=await _form(ctx, None, None))


@post("/upcoming/new", name="add-upcoming", status_code=303)
async def add_upcoming(
    request: AppRequest, ctx: PageContext, data: FormData
) -> Template | Redirect:
    sent = fields(data, FIELDS)
    return await save_or_show_again(
        lambda: create_record(UPCOMING, ctx, sent),
        "events/publish.html",
        await _form(ctx, None, sent),
        sent,
        url(request, "my-upcoming", {"done": "added"}),
    )


@get("/upcoming/{record_id:int}/edit", name="edit-upcoming")
async def edit_upcoming(ctx: PageContext, record_id: FromPath[int]) -> Template:
    return Template("events/publish.html", context=await _form(ctx, record_id, None))


@post("/upcoming/{record_id:int}/edit", name="change-upcoming", status_code=303)
async def change_upcoming(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
) -> Template | Redirect:
    sent = fields(data, FIELDS)
    return await save_or_show_again(
        lambda: update_record(UPCOMING, ctx, record_id, sent),
        "events/publish.html",
        await _form(ctx, record_id, sent),
        sent,
        url(request, "my-upcoming", {"done": "changed"}),
    )


@get("/upcoming/{record_id:int}/bookings", name="upcoming-bookings")
async def my_bookings(request: AppRequest, ctx: PageContext, record_id: FromPath[int]) -> Template:
    """Who booked the organiser's session (404 for anyone else's: NotFound)."""
    context = await bookings.booking_list(ctx, record_id)
    return Template(
        "events/bookings.html",
        context={**context, "saved": request.query_params.get("saved") == "1"},
    )


@post("/upcoming/{record_id:int}/attendance", name="upcoming-attendance", status_code=303)
async def my_attendance(
    request: AppRequest, ctx: PageContext, record_id: FromPath[int], data: FormData
) -> Template | Redirect:
    """Who came, from the booking list: the Friends session that counts is made (or changed)."""
    done = url(request, "upcoming-bookings", {"saved": "1"}, record_id=record_id)
    return await save_attendance(ctx, record_id, data, "events/bookings.html", done)


async def save_attendance(
    ctx: Context, record_id: int, data: Mapping[str, object], template: str, done: str
) -> Template | Redirect:
    """Save who came, then back to the list; or the list again with what to fix."""
    sent = dict(data)

    async def save() -> int:
        attended, walk_ins = attendance.read_attendance(sent)
        return await attendance.record_attendance(ctx, record_id, attended, walk_ins)

    context = await bookings.booking_list(ctx, record_id)
    typed = {"walk_ins": sent.get("walk_ins", "")}
    return await save_or_show_again(save, template, {**context, "values": typed}, typed, done)


HANDLERS = [
    book_place,
    cancel_page,
    cancel_booking,
    events_page,
    all_events_ics,
    events_json,
    event_page,
    signed_in_pages(
        my_upcoming,
        new_upcoming,
        add_upcoming,
        edit_upcoming,
        change_upcoming,
        my_bookings,
        my_attendance,
    ),
]
