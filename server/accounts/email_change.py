"""Confirmed email addresses.

An address counts as someone's only once its owner has used a link sent to it: a sign-in
link (confirm_on_sign_in) or the link sent when a champion changes their own address
(request_change, then use_change). Until the link is used, the old address stays. Like
sign-in links, a change link works once, for a limited time, and only its hash is kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from math import ceil
from typing import TypedDict

import asyncpg

from schema.tables import Account, EmailChange, Person
from server.accounts.services import hash_token, new_link_token, unused_link
from server.db import write_transaction
from server.lib.audit import CHANGED, record
from server.lib.validation import Form, Invalid, Limited
from server.mail.services import send_email
from server.settings import get_settings
from server.site.context import greeting

LINK_LIFETIME = timedelta(hours=24)  # long enough for an email that comes late
PER_PERSON = 3  # change links per person in an hour: enough for a typo, too few to flood
TOO_MANY = (
    "You have asked to change your email address several times in the last hour. "
    "Use the link in the newest email, or wait an hour and ask again."
)
LINK_NOT_VALID = "Links to confirm an email address work once, for 24 hours."
SENT = (
    "We have sent a link to {email}. Your email address changes when you open it "
    "(it works once, for 24 hours). Until then your old address stays."
)


class EmailChangeRow(TypedDict):
    """Every column of a change of email address waiting for its link."""

    id: int
    person: int
    account: int | None
    new_email: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    old_email: str | None


class ChangeNotValid(Exception):
    """The link is unknown, used, out of date, or its address was taken meanwhile."""


async def _taken(email: str, person_id: int, account_id: int | None) -> bool:
    """Whether another person or another account already has this address."""
    other_person = await Person.exists().where((Person.email == email) & (Person.id != person_id))
    other_account = Account.exists().where(Account.email == email)
    if account_id is not None:
        other_account = other_account.where(Account.id != account_id)
    return bool(other_person or await other_account)


_ALREADY_USED = (
    "Hello,\n\nSomeone asked to use this email address for their account in the Health "
    "Movement app. It is already in use there, so nothing was changed and nobody was told "
    "that it is.\n\nIf it was you, ask your coordinator. If it was not you, you do not "
    "need to do anything.\n"
)


async def _account_email(account_id: int | None) -> str | None:
    row = await Account.select(Account.email).where(Account.id == (account_id or 0)).first()
    return None if row is None else str(row["email"])


def _message(email: str, link: str) -> str:
    return (
        "Hello,\n\nSomeone asked to use this email address for their account in the Health "
        f"Movement app. If it was you, open this link to confirm it:\n\n{link}\n\n"
        "It works once, for 24 hours. If it was not you, ignore this email: nothing changes "
        "unless the link is opened, and nobody else can see this address until then.\n"
    )


async def request_change(person_id: int, account_id: int | None, new_email: str) -> Awaitable[None]:
    """Record a wish to change a person's email and make the link (inside the caller's
    write transaction). Returns the sending of the email, for after the transaction.
    Invalid if asked too often. Whether the address is someone else's is never said: the
    answer must not tell a champion who is in the council's records. Such a request is
    recorded and counted like any other, but its owner gets a note instead of a link."""
    now = datetime.now(UTC)
    window = timedelta(hours=1)
    recent = await (
        EmailChange.select(EmailChange.created_at)
        .where((EmailChange.person == person_id) & (EmailChange.created_at >= now - window))
        .order_by(EmailChange.created_at, ascending=False)
    )
    if len(recent) >= PER_PERSON:
        # Another may be asked for once the oldest of the last PER_PERSON leaves the hour.
        wait = recent[PER_PERSON - 1]["created_at"] + window - now
        raise Limited({"email": TOO_MANY}, retry_after=max(1, ceil(wait.total_seconds())))
    token = new_link_token()
    rows = await EmailChange.insert(
        EmailChange(
            person=person_id,
            account=account_id,
            new_email=new_email,
            token_hash=hash_token(token),
            expires_at=now + LINK_LIFETIME,
        )
    ).returning(EmailChange.id)
    await record(account_id, "create", "email_change", rows[0]["id"], {"new_email": CHANGED})
    if await _taken(new_email, person_id, account_id):
        # use_change refuses this address anyway; a link to it would only confuse its owner.
        return send_email(new_email, "Someone tried to use your email address", _ALREADY_USED)
    link = f"{get_settings().base_url}/email/confirm/{token}"
    body = _message(new_email, link)
    return send_email(new_email, "Confirm your new email address", body, secret=True)


async def _pending(token: str, now: datetime) -> EmailChangeRow:
    change = await unused_link(EmailChange, EmailChangeRow, token, now)
    if change is None:
        raise ChangeNotValid(LINK_NOT_VALID)
    return change


async def use_change(token: str) -> tuple[str, str | None]:
    """Use a change link: the person's email and their account's become the new address,
    confirmed, and the person's other waiting changes end. Returns (new, old) addresses."""
    try:
        return await _use_change(token, datetime.now(UTC))
    except (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError) as exc:
        # Someone else's record took the address between the check and the change.
        raise ChangeNotValid(TAKEN_NOW) from exc


TAKEN_NOW = (
    "This email address is now used by someone else's record, so it cannot be yours here. "
    "Ask your coordinator."
)


async def _use_change(token: str, now: datetime) -> tuple[str, str | None]:
    async with write_transaction():
        change = await _pending(token, now)
        new, person_id, account_id = change["new_email"], change["person"], change["account"]
        person = await Person.select(Person.email).where(Person.id == person_id).first()
        if person is None or await _taken(new, person_id, account_id):
            raise ChangeNotValid(TAKEN_NOW)
        await EmailChange.update({EmailChange.used_at: now}).where(
            (EmailChange.person == person_id) & EmailChange.used_at.is_null()
        )
        # Kept so that erasure and the download still find what was sent to it.
        old = person["email"] or await _account_email(account_id)
        await EmailChange.update({EmailChange.old_email: old}).where(EmailChange.id == change["id"])
        await Person.update(
            {Person.email: new, Person.email_confirmed: True, Person.updated_at: now}
        ).where(Person.id == person_id)
        await record(account_id, "update", "person", person_id, {"email": CHANGED})
        if account_id is not None:
            await Account.update({Account.email: new}).where(Account.id == account_id)
            await record(account_id, "update", "account", account_id, {"email": CHANGED})
    return new, person["email"]


def tell_old_address(old: str | None, new: str) -> Awaitable[None] | None:
    """A note to the old address, so that a change nobody meant is noticed."""
    if not old or old == new:
        return None
    return _tell_old_address(old, new)


async def _tell_old_address(old: str, new: str) -> None:
    person = await Person.select(Person.name).where(Person.email == new).first()
    body = (
        f"{greeting((person or {}).get('name'))}\n\nThe email address of your account in the "
        "Health Movement app was changed to a new one, confirmed with a link sent to it. From "
        "now on, sign in with the new address.\n\nIf you did not do this, tell your "
        "coordinator at once.\n"
    )
    await send_email(old, "Your email address was changed", body)


async def confirm_on_sign_in(account_id: int, email: str) -> None:
    """Signing in through a link sent to an address proves it: the account's person, if
    their record has that same address, now has it confirmed."""
    account = await Account.select(Account.person).where(Account.id == account_id).first()
    if account is None or account["person"] is None:
        return
    rows = (
        await Person.update({Person.email_confirmed: True})
        .where(
            (Person.id == account["person"])
            & (Person.email == email)
            & (Person.email_confirmed == False)  # noqa: E712 - piccolo's column comparison
        )
        .returning(Person.id)
    )
    if rows:
        what = {"email_confirmed": [False, True]}
        await record(account_id, "update", "person", rows[0]["id"], what)


async def my_email(person_id: int | None) -> str | None:
    """The address on the signed-in person's record."""
    if person_id is None:
        return None
    row = await Person.select(Person.email).where(Person.id == person_id).first()
    return None if row is None else row["email"]


async def change_my_email(person_id: int | None, account_id: int, raw: object) -> Awaitable[None]:
    """The change-my-email page: check the address, then as request_change. Invalid says
    what to fix."""
    form = Form({"email": raw})
    form.email("email", required=True)
    new = str(form.result()["email"])
    if person_id is None:
        raise Invalid({"email": "Your account is not linked to a person: ask your coordinator."})
    if new == await my_email(person_id):
        raise Invalid({"email": "This is already your email address: enter the new one."})
    async with write_transaction():
        return await request_change(person_id, account_id, new)
