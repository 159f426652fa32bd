"""Reminders by email the day before a session, to everyone with a place.

A daily job that runs once across all workers: the Chore row "session-reminders" says when
it last ran, and only the worker whose conditional update moves that on runs it (as the
privacy clean-up does, server/privacy/retention.py claim). Each booking is claimed by a
conditional update of its own reminded_at before its email goes, so no booking is reminded
twice, even by two runs at once. `movement reminders` runs it now."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime, timedelta

from schema.rows import UpcomingSessionRow
from schema.tables import Booking, UpcomingSession
from server.db import engine, write_transaction
from server.events.bookings import cancel_url_note
from server.events.services import when_text
from server.lib import chores
from server.lib.rows import rows_as
from server.mail.services import send_email
from server.settings import local_time, today

log = logging.getLogger("movement")
CHORE = "session-reminders"
EVERY = timedelta(days=1)
LOOK_EVERY = 600  # seconds between a worker's looks at whether it is due (with jitter)


async def claim(now: datetime | None = None) -> bool:
    """True for the one caller that moves the reminders' last run on, once a day."""
    return await chores.claim(CHORE, EVERY, now)


async def _tomorrows(now: datetime) -> list[UpcomingSessionRow]:
    """Sessions going ahead that start between now and the end of tomorrow (the council's
    clock): a run missed yesterday still reminds today's later sessions."""
    soon = await UpcomingSession.select().where(
        (UpcomingSession.status == "scheduled")
        & (UpcomingSession.starts_at > now)
        & (UpcomingSession.starts_at < now + timedelta(days=2))
    )
    last = today() + timedelta(days=1)
    return [
        s for s in rows_as(UpcomingSessionRow, soon) if local_time(s["starts_at"]).date() <= last
    ]


async def send_reminders(now: datetime | None = None) -> int:
    """Email everyone with a place at tomorrow's sessions who was not reminded yet; returns
    how many were sent."""
    now = now or datetime.now(UTC)
    sent = 0
    for session in await _tomorrows(now):
        waiting = await Booking.select(Booking.id, Booking.name, Booking.email).where(
            (Booking.session == session["id"])
            & (Booking.status == "booked")
            & Booking.reminded_at.is_null()
            & Booking.email.is_not_null()
        )
        for booking in waiting:
            async with write_transaction():
                mine = await (
                    Booking.update({Booking.reminded_at: now})
                    .where((Booking.id == booking["id"]) & Booking.reminded_at.is_null())
                    .returning(Booking.id)
                )
            if mine:  # claimed here: no other run sends this one
                await _remind(booking["email"], booking["name"], session)
                sent += 1
    return sent


async def _remind(email: str, name: str, session: UpcomingSessionRow) -> None:
    end = session["starts_at"] + timedelta(minutes=session["minutes"])
    body = (
        f"Hello {name},\n\nA reminder: you have a place tomorrow.\n\n{session['title']}\n"
        f"{when_text(session['starts_at'], end)}\n{session['venue']}\n\n{cancel_url_note()}"
    )
    await send_email(email, f"Tomorrow: {session['title']}", body)


async def _loop() -> None:
    while True:
        await asyncio.sleep(LOOK_EVERY * random.uniform(0.5, 1.5))  # noqa: S311 - not secret
        try:
            if await claim():
                log.info("Session reminders sent: %s", await send_reminders())
        except Exception:  # a failed run must not stop the loop or the worker
            log.exception("Sending session reminders failed; it will be tried again")


_task: list[asyncio.Task[None]] = []


async def start_reminders() -> None:
    """Start this worker's reminders loop (the app's on_startup)."""
    engine()
    _task.append(asyncio.create_task(_loop()))


async def stop_reminders() -> None:
    """Stop it (the app's on_shutdown)."""
    while _task:
        _task.pop().cancel()
