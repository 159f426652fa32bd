"""Signing in without a password: a link by email, then a session cookie for 30 days."""

from __future__ import annotations

import ipaddress
import math
import secrets
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from schema.tables import Account, SignInLink, WebSession
from server.accounts.email_change import confirm_on_sign_in
from server.accounts.services import hash_token, new_link_token, unused_link
from server.db import write_transaction
from server.lib.audit import record
from server.lib.auth import Actor
from server.lib.validation import Form
from server.mail.services import send_email
from server.settings import get_settings
from server.site.context import greeting

LINK_LIFETIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(days=30)
# At most this many links per email in LINK_LIFETIME, and per address in an hour: enough
# for someone whose email is slow, too few to flood an inbox or guess at addresses.
PER_EMAIL = 3
PER_ADDRESS = 20


class TooManyRequests(Exception):
    """Too many sign-in links asked for; the message says when to try again, and
    `retry_after` in how many seconds the limits let the next request through (the
    answer's Retry-After)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SignInLinkRow(TypedDict):
    """Every column of a sign-in link."""

    id: int
    email: str
    token_hash: str
    requested_from: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


ADDRESS_WINDOW = timedelta(hours=1)


def wait_for(times: list[datetime], most: int, window: timedelta, now: datetime) -> float:
    """Seconds until fewer than `most` of these request times are inside the window (0 if
    that is so already): when the oldest that must leave it does."""
    times = sorted(times)
    over = len(times) - most
    if over < 0:
        return 0.0
    return max(0.0, (times[over] + window - now).total_seconds())


async def _retry_after(email: str, address: str, now: datetime) -> int:
    """Whole seconds until both limits let a request through, from the same rows the
    limits count (in the database, so every worker gives the same answer)."""
    by_email = await SignInLink.select(SignInLink.created_at).where(
        (SignInLink.email == email) & (SignInLink.created_at >= now - LINK_LIFETIME)
    )
    by_address = await SignInLink.select(SignInLink.created_at).where(
        (SignInLink.requested_from == address) & (SignInLink.created_at >= now - ADDRESS_WINDOW)
    )
    wait = max(
        wait_for([_aware(r["created_at"]) for r in by_email], PER_EMAIL, LINK_LIFETIME, now),
        wait_for([_aware(r["created_at"]) for r in by_address], PER_ADDRESS, ADDRESS_WINDOW, now),
    )
    return max(1, math.ceil(wait))


def _aware(moment: datetime) -> datetime:
    """SQLite gives back times without their zone; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class LinkNotValid(Exception):
    """The link is unknown, used or out of date."""


def read_email(raw: object) -> str:
    """The email address from the form; Invalid says what to fix."""
    form = Form({"email": raw})
    form.email("email", required=True)
    return str(form.result()["email"])


def limited_by(address: str) -> str:
    """What the per-address limit counts by, and what is kept: an IPv4 address as it is,
    an IPv6 address as its /64 network. One home or phone line is given a whole /64, so
    counting single IPv6 addresses would let anyone on it make endless new ones (and the
    network alone says less about the person)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


async def request_link(raw_email: object, address: str) -> Awaitable[None] | None:
    """Record a request for a sign-in link and make the link.

    Returns the sending of the email, for the caller to run after answering (so that the
    answer takes as long whether or not the address has an account), or None when there is
    no active account with that email. The caller says the same thing either way."""
    email = read_email(raw_email)
    address = limited_by(address)
    now = datetime.now(UTC)
    recent_email = await SignInLink.count().where(
        (SignInLink.email == email) & (SignInLink.created_at >= now - LINK_LIFETIME)
    )
    recent_address = await SignInLink.count().where(
        (SignInLink.requested_from == address) & (SignInLink.created_at >= now - ADDRESS_WINDOW)
    )
    if recent_email >= PER_EMAIL or recent_address >= PER_ADDRESS:
        raise TooManyRequests(
            "You have asked for several sign-in links in a short time. "
            "Use the newest email, or wait 15 minutes and ask again.",
            await _retry_after(email, address, now),
        )
    token = new_link_token()
    # Recorded whether or not the email has an account, so the limits count every request.
    await SignInLink.insert(
        SignInLink(
            email=email,
            token_hash=hash_token(token),
            requested_from=address,
            expires_at=now + LINK_LIFETIME,
        )
    )
    known = (
        await Account.select(Account.person.name)
        .where((Account.email == email) & (Account.active == True))  # noqa: E712
        .first()
    )
    if known is None:
        return None
    link = f"{get_settings().base_url}/sign-in/{token}"
    # The name goes only to the account's own address, never onto the page that asked.
    body = (
        f"{greeting(known['person.name'])}\n\nUse this link to sign in to the Health Movement "
        "app:\n\n"
        f"{link}\n\nIt works once, for 15 minutes. If you did not ask for it, you can "
        "ignore this email: nobody can sign in without it.\n"
    )
    # A secret: never printed or kept in the outbox unless DEBUG is on (see send_email).
    return send_email(email, "Your sign-in link", body, secret=True)


async def complete(token: str) -> str:
    """Use a sign-in link: returns a new session token for the cookie."""
    now = datetime.now(UTC)
    async with write_transaction():
        link = await unused_link(SignInLink, SignInLinkRow, token, now)  # two taps: one signs in
        if link is None:
            raise LinkNotValid()
        await SignInLink.update({SignInLink.used_at: now}).where(SignInLink.id == link["id"])
        account = (
            await Account.select(Account.id)
            .where(
                (Account.email == link["email"]) & (Account.active == True)  # noqa: E712
            )
            .first()
        )
        if account is None:
            raise LinkNotValid()
        await confirm_on_sign_in(account["id"], link["email"])  # the link proved the address
        session = secrets.token_urlsafe(32)
        rows = await WebSession.insert(
            WebSession(
                account=account["id"],
                token_hash=hash_token(session),
                expires_at=now + SESSION_LIFETIME,
            )
        ).returning(WebSession.id)
        await record(account["id"], "create", "web_session", rows[0]["id"], {})
    return session


async def actor_for_session(token: str) -> Actor | None:
    """The account a session cookie belongs to, or None when it is unknown or over."""
    row = (
        await WebSession.select(
            WebSession.account.id, WebSession.account.role, WebSession.account.person
        )
        .where(
            (WebSession.token_hash == hash_token(token))
            & WebSession.revoked_at.is_null()
            & (WebSession.expires_at > datetime.now(UTC))
            & (WebSession.account.active == True)  # noqa: E712
        )
        .first()
    )
    if row is None:
        return None
    return Actor(
        account_id=row["account.id"], role=row["account.role"], person_id=row["account.person"]
    )


async def sign_out(token: str, everywhere: bool = False) -> None:
    """End this session, or every session of its account."""
    now = datetime.now(UTC)
    async with write_transaction():
        row = (
            await WebSession.select(WebSession.id, WebSession.account)
            .where(WebSession.token_hash == hash_token(token))
            .first()
        )
        if row is None:
            return
        where = (
            (WebSession.account == row["account"]) if everywhere else (WebSession.id == row["id"])
        )
        await WebSession.update({WebSession.revoked_at: now}).where(
            where & WebSession.revoked_at.is_null()
        )
        await record(
            row["account"],
            "update",
            "web_session",
            row["id"],
            {"revoked_at": "now", "everywhere": everywhere},
        )
