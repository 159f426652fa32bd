"""Booking a place at an upcoming session: no account, a name and an email or a UK mobile
number; the places are counted inside the write transaction that takes one, so two people
asking for the last place at once cannot both get it. Cancelling (by the emailed link)
frees the place for the first on the waiting list, who is told by email."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil

from schema.rows import BookingRow, UpcomingSessionRow
from schema.tables import Booking, FriendsSession, UpcomingSession
from server.accounts.services import hash_token, new_link_token
from server.accounts.sign_in import ADDRESS_WINDOW, PER_ADDRESS, limited_by, wait_for
from server.db import is_postgres, write_transaction
from server.events.services import UPCOMING, when_text
from server.lib.records import Context, get_record
from server.lib.rows import row_as, rows_as
from server.lib.validation import Form, Invalid, Limited
from server.mail.services import send_email
from server.settings import get_settings

# A UK mobile number: 07 and nine more digits, or +44 7 and nine more (spaces allowed).
MOBILE = re.compile(r"(?:\+44|0044|0)7[0-9]{9}")
TOO_MANY = (
    "Many bookings have come from your internet connection in the last hour. "
    "Wait a while and try again, or ask the organiser."
)


class Full(Exception):
    """Every place is taken: the resident may join the waiting list instead."""


class NotBookable(Exception):
    """No such session, or it cannot be booked now (cancelled, started, not public)."""


@dataclass(frozen=True)
class Booked:
    """What booking gave: a place (booked) or a place on the waiting list (waiting)."""

    id: int
    status: str
    again: bool = False  # this email had booked already: nothing new was made


def read_booking(data: Mapping[str, object]) -> dict[str, object]:
    """A booking form's name, email, mobile and whether to join a waiting list; Invalid
    with every problem at once."""
    form = Form({k: data.get(k) for k in ("name", "email", "mobile", "waiting")})
    form.name("name", "your name", max_length=200, required=True)
    form.email("email")
    form.text("mobile", "your mobile number", max_length=20)
    form.boolean("waiting", "whether to join the waiting list")
    errors = dict(form.errors)
    mobile = form.got("mobile", str)
    if mobile:
        digits = re.sub(r"[\s()-]", "", mobile)
        if MOBILE.fullmatch(digits) is None:
            errors["mobile"] = "Enter a UK mobile number, like 07700 900123."
        else:
            form.clean["mobile"] = "0" + digits[-10:]
    if not form.clean.get("email") and not mobile and "email" not in errors:
        errors["email"] = "Enter an email address or a UK mobile number, so we can reach you."
    if errors:
        raise Invalid(errors)
    return form.clean


async def _check_address(address: str, now: datetime) -> None:
    """At most PER_ADDRESS bookings an hour from one internet address (IPv6: one /64), as
    for sign-in links; counted from the bookings themselves, so every worker agrees."""
    recent = await Booking.select(Booking.created_at).where(
        (Booking.requested_from == address) & (Booking.created_at >= now - ADDRESS_WINDOW)
    )
    if len(recent) >= PER_ADDRESS:
        times = [_aware(r["created_at"]) for r in recent]
        wait = wait_for(times, PER_ADDRESS, ADDRESS_WINDOW, now)
        raise Limited({"": TOO_MANY}, retry_after=max(1, ceil(wait)))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _session_for_update(session_id: int) -> UpcomingSessionRow | None:
    """The session, locked until the transaction ends: on PostgreSQL a row lock (another
    booking for it waits here); on SQLite the write transaction holds the whole database."""
    query = UpcomingSession.select().where(UpcomingSession.id == session_id)
    if is_postgres():
        query = query.lock_rows()
    return row_as(UpcomingSessionRow, await query.first())


async def _taken(session_id: int) -> int:
    return int(
        await Booking.count().where((Booking.session == session_id) & (Booking.status == "booked"))
    )


async def book(
    session_id: int, data: Mapping[str, object], address: str
) -> tuple[Booked, Awaitable[None] | None]:
    """Book a place (or, when full and asked for, a place on the waiting list). Returns
    what was booked and the sending of the confirmation email, for the caller to run
    once it has answered. Invalid: a field to fix; Full: no place left (the waiting list
    was not asked for); Limited: too many from this address; NotBookable."""
    clean = read_booking(data)
    now = datetime.now(UTC)
    address = limited_by(address)
    await _check_address(address, now)
    token = new_link_token()
    async with write_transaction():
        session = await _session_for_update(session_id)
        if session is None or not _open(session, now):
            raise NotBookable
        email = clean.get("email")
        if email:
            same = (
                await Booking.select(Booking.id, Booking.status)
                .where(
                    (Booking.session == session_id)
                    & (Booking.email == email)
                    & (Booking.status != "cancelled")
                )
                .first()
            )
            if same is not None:
                return Booked(same["id"], same["status"], again=True), None
        place = await _taken(session_id) < session["capacity"]
        if not place and not clean.get("waiting"):
            raise Full
        status = "booked" if place else "waiting"
        rows = await Booking.insert(
            Booking(
                session=session_id,
                name=clean["name"],
                email=email,
                mobile=clean.get("mobile"),
                status=status,
                token_hash=hash_token(token),
                requested_from=address,
            )
        ).returning(Booking.id)
    booked = Booked(rows[0]["id"], status)
    if not email:
        return booked, None
    return booked, _confirmation(str(email), str(clean["name"]), session, status, token)


def _open(session: UpcomingSessionRow, now: datetime) -> bool:
    return session["bookable"] and session["status"] == "scheduled" and session["starts_at"] > now


def cancel_url(token: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/bookings/{token}"


def _what(session: UpcomingSessionRow) -> str:
    end = session["starts_at"] + timedelta(minutes=session["minutes"])
    return f"{session['title']}\n{when_text(session['starts_at'], end)}\n{session['venue']}"


async def _confirmation(
    email: str, name: str, session: UpcomingSessionRow, status: str, token: str
) -> None:
    if status == "booked":
        subject = f"Your place is booked: {session['title']}"
        first = "Your place is booked."
    else:
        subject = f"You are on the waiting list: {session['title']}"
        first = (
            "The session is full, so you are on the waiting list. If a place comes up, "
            "it is yours and we will email you."
        )
    body = (
        f"Hello {name},\n\n{first}\n\n{_what(session)}\n\n"
        f"If you cannot come, cancel here so someone else can have the place:\n"
        f"{cancel_url(token)}\n"
    )
    await send_email(email, subject, body, secret=True)


async def cancel(token: str) -> tuple[bool, Awaitable[None] | None]:
    """Cancel the booking this link is for (a second time changes nothing). A booked
    place that is freed goes to the first on the waiting list, in the same transaction;
    returns whether there was such a booking, and the email telling the one who got the
    place (to send after answering)."""
    async with write_transaction():
        found = row_as(
            BookingRow,
            await Booking.select().where(Booking.token_hash == hash_token(token)).first(),
        )
        if found is None:
            return False, None
        session = await _session_for_update(found["session"])
        if found["status"] == "cancelled" or session is None:
            return True, None
        await Booking.update({Booking.status: "cancelled"}).where(Booking.id == found["id"])
        if found["status"] != "booked" or not _open(session, datetime.now(UTC)):
            return True, None
        promoted = await _promote(session)
    return True, promoted


async def _promote(session: UpcomingSessionRow) -> Awaitable[None] | None:
    """Give a free place to the first on the waiting list; their email, if they gave one."""
    if await _taken(session["id"]) >= session["capacity"]:
        return None
    first = rows_as(
        BookingRow,
        await Booking.select()
        .where((Booking.session == session["id"]) & (Booking.status == "waiting"))
        .order_by(Booking.created_at)
        .order_by(Booking.id)
        .limit(1),
    )
    if not first:
        return None
    await Booking.update({Booking.status: "booked"}).where(Booking.id == first[0]["id"])
    if not first[0]["email"]:
        return None
    return _place_came_up(first[0]["email"], first[0]["name"], session)


async def _place_came_up(email: str, name: str, session: UpcomingSessionRow) -> None:
    body = (
        f"Hello {name},\n\nA place has come up and it is yours: you are booked.\n\n"
        f"{_what(session)}\n\nIf you cannot come now, use the link in the first email we "
        "sent you to cancel, so the place goes to someone else.\n"
    )
    await send_email(email, f"A place has come up: {session['title']}", body)


@dataclass(frozen=True)
class Listed:
    """A booking as its organiser sees it."""

    id: int
    name: str
    email: str | None
    mobile: str | None
    status: str
    attended: bool
    created_at: datetime


async def bookings_of(session_id: int) -> list[Listed]:
    """Every booking of a session, places first then the waiting list, each in the order
    they came (the caller checked the asker may see this session)."""
    rows = rows_as(
        BookingRow,
        await Booking.select()
        .where(Booking.session == session_id)
        .order_by(Booking.created_at)
        .order_by(Booking.id),
    )
    order = {"booked": 0, "waiting": 1, "cancelled": 2}
    items = [
        Listed(r["id"], r["name"], r["email"], r["mobile"], r["status"], r["attended"],
               r["created_at"])
        for r in rows
    ]  # fmt: skip
    return sorted(items, key=lambda b: order.get(b.status, 3))


async def booking_list(ctx: Context, record_id: int) -> dict[str, object]:
    """A session and its bookings, for its organiser or staff (NotFound otherwise)."""
    session = await get_record(UPCOMING, ctx, record_id)
    listed = await bookings_of(session.id)
    end = session.starts_at + timedelta(minutes=session.minutes)
    return {
        "session": session,
        "when": when_text(session.starts_at, end),
        "bookings": listed,
        "booked": sum(1 for b in listed if b.status == "booked"),
        "started": session.starts_at <= datetime.now(UTC),
        "cancelled": session.status == "cancelled",
        "recorded": session.friends_session is not None,
        "walk_ins": await _walk_ins(session.friends_session, listed),
        "waiting": sum(1 for b in listed if b.status == "waiting"),
    }


async def _walk_ins(friends_session: int | None, listed: list[Listed]) -> int:
    """The walk-ins recorded last time: the Friends session's attendees less those ticked."""
    if friends_session is None:
        return 0
    row = (
        await FriendsSession.select(FriendsSession.attendees)
        .where(FriendsSession.id == friends_session)
        .first()
    )
    came = sum(1 for b in listed if b.attended)
    return max(0, int(row["attendees"]) - came) if row else 0


def cancel_url_note() -> str:
    """What a reminder says about cancelling (the link itself is only in the first email:
    only its hash is kept)."""
    return (
        "If you cannot come, use the link in your booking email to cancel, so that "
        "someone else can have the place.\n"
    )
