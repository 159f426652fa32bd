"""How long each kind of personal data is kept, and the clean-up that enforces it.

The clean-up runs by itself: every worker of the app starts a small loop (start_cleanup, in
the app's lifespan) that looks every few minutes whether the clean-up is due; the database
row Chore "privacy-cleanup" says when it last ran, and the one worker whose conditional
update moves that time on runs it. So it runs about once an hour however many workers and
machines there are, on either engine, and nothing depends on one process's memory.
`movement cleanup` runs it at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from piccolo.querystring import QueryString

from schema.tables import (
    AuditEvent,
    EmailChange,
    OutboxMessage,
    SignInLink,
    WebSession,
)
from server.db import engine, write_transaction
from server.imports.jobs import KEEP_UPLOADS_FOR, clear_old_uploads
from server.join.queue import delete_declined  # Joining (issue 15)
from server.lib import chores

log = logging.getLogger("movement")
CHORE = "privacy-cleanup"
EVERY = timedelta(hours=1)  # how often the clean-up runs
LOOK_EVERY = 300  # seconds between a worker's looks at whether it is due (with jitter)

SIGN_IN_LINKS_FOR = timedelta(days=30)
EMAIL_CHANGES_FOR = timedelta(days=30)  # after the link was used or ran out
SESSIONS_FOR = timedelta(days=90)  # after a session ended
OUTBOX_FOR = timedelta(days=7)
AUDIT_DETAILS_FOR = timedelta(days=730)
AUDIT_EVENTS_FOR = timedelta(days=6 * 365)
DECLINED_APPLICATIONS_FOR = timedelta(days=30)  # Joining (issue 15): after the decision


@dataclass(frozen=True)
class Rule:
    """One retention rule: what is held, why, how long, and what the clean-up does."""

    name: str
    held: str
    kept: str
    run: Callable[[datetime], Awaitable[int]]


async def _sign_in_links(now: datetime) -> int:
    rows = await (
        SignInLink.delete()
        .where(SignInLink.created_at < now - SIGN_IN_LINKS_FOR)
        .returning(SignInLink.id)
    )
    return len(rows)


async def _email_changes(now: datetime) -> int:
    """Email changes whose link was used, or ran out unused, long enough ago."""
    cutoff = now - EMAIL_CHANGES_FOR
    over = (EmailChange.used_at < cutoff) | (
        EmailChange.used_at.is_null() & (EmailChange.expires_at < cutoff)
    )
    rows = await EmailChange.delete().where(over).returning(EmailChange.id)
    return len(rows)


async def _sessions(now: datetime) -> int:
    """Sessions that ended long ago, except each account's newest (it is the account's
    "last signed in")."""
    cutoff = now - SESSIONS_FOR
    ended = (WebSession.expires_at < cutoff) | (WebSession.revoked_at < cutoff)
    # In the database, not as a list of ids: one per account could pass SQLite's limit of
    # values in one query.
    newest = QueryString("SELECT MAX(id) FROM web_session GROUP BY account")
    rows = await (
        WebSession.delete().where(ended & WebSession.id.not_in(newest)).returning(WebSession.id)
    )
    return len(rows)


async def _outbox(now: datetime) -> int:
    rows = await (
        OutboxMessage.delete()
        .where(OutboxMessage.created_at < now - OUTBOX_FOR)
        .returning(OutboxMessage.id)
    )
    return len(rows)


async def _audit_details(now: datetime) -> int:
    """Old events keep who, when and which record, but no longer what changed."""
    rows = await (
        AuditEvent.update({AuditEvent.changes: {}})
        .where(
            (AuditEvent.at < now - AUDIT_DETAILS_FOR)
            # Only those with details left, so that no run rewrites what an earlier one did;
            # the empty value is a parameter, not text in the query.
            & AuditEvent.id.is_in(
                QueryString("SELECT id FROM audit_event WHERE CAST(changes AS TEXT) <> {}", "{}")
            )
        )
        .returning(AuditEvent.id)
    )
    return len(rows)


async def _audit_events(now: datetime) -> int:
    rows = await (
        AuditEvent.delete().where(AuditEvent.at < now - AUDIT_EVENTS_FOR).returning(AuditEvent.id)
    )
    return len(rows)


RULES: tuple[Rule, ...] = (
    Rule("import uploads", "rows of uploaded spreadsheets not imported", "7 days",
         clear_old_uploads),
    Rule("sign-in links", "email and internet address of each sign-in link", "30 days",
         _sign_in_links),
    Rule("email changes", "new and replaced email addresses of each change of address",
         "30 days after its link was used or ran out", _email_changes),
    Rule("sessions", "device and dates of each sign-in", "90 days after it ended", _sessions),
    Rule("outbox", "emails in the development outbox", "7 days", _outbox),
    Rule("audit details", "what changed, in the audit log", "2 years", _audit_details),
    Rule("audit events", "the audit log's events", "6 years", _audit_events),
    # Joining (issue 15)
    Rule("declined applications", "applications to join that a coordinator declined",
         "30 days after the decision",
         lambda now: delete_declined(now - DECLINED_APPLICATIONS_FOR)),
)  # fmt: skip
assert KEEP_UPLOADS_FOR == timedelta(days=7)  # the rule above says so


async def run_cleanup(now: datetime | None = None) -> dict[str, int]:
    """Apply every retention rule once; returns how many records each one changed."""
    now = now or datetime.now(UTC)
    done: dict[str, int] = {}
    for rule in RULES:
        async with write_transaction():
            done[rule.name] = await rule.run(now)
    return done


async def claim(now: datetime | None = None) -> bool:
    """True for the one caller that moves the clean-up's last run on, when it is due."""
    return await chores.claim(CHORE, EVERY, now)


async def _loop() -> None:
    while True:
        await asyncio.sleep(LOOK_EVERY * random.uniform(0.5, 1.5))  # noqa: S311 - not secret
        try:
            if await claim():
                done = await run_cleanup()
                log.info("Privacy clean-up: %s", done)
        except Exception:  # a clean-up that fails must not stop the loop or the worker
            log.exception("The privacy clean-up failed; it will be tried again")


_task: list[asyncio.Task[None]] = []


async def start_cleanup() -> None:
    """Start this worker's clean-up loop (the app's on_startup)."""
    engine()  # fail early if no database is configured
    _task.append(asyncio.create_task(_loop()))


async def stop_cleanup() -> None:
    """Stop it (the app's on_shutdown)."""
    while _task:
        task = _task.pop()
        task.cancel()


# Upcoming sessions (issue 15) ---------------------------------------------------------
BOOKINGS_FOR = timedelta(days=30)  # after the session


async def _bookings(now: datetime) -> int:
    """Bookings (a name, an email or a mobile number) of sessions that started more than
    BOOKINGS_FOR ago. Who came is already counted in the session's Friends session."""
    from schema.tables import Booking, UpcomingSession

    old = UpcomingSession.select(UpcomingSession.id).where(
        UpcomingSession.starts_at < now - BOOKINGS_FOR
    )
    rows = await Booking.delete().where(Booking.session.is_in(old)).returning(Booking.id)
    return len(rows)


RULES = (
    *RULES,
    Rule("bookings", "names, emails and mobile numbers of people who booked a session",
         "30 days after the session", _bookings),
)  # fmt: skip
