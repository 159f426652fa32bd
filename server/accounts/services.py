"""Accounts and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TypedDict, TypeVar

import asyncpg
from piccolo.custom_types import Combinable
from piccolo.table import Table

from schema.tables import (
    Account,
    ApiToken,
    EmailChange,
    Membership,
    Person,
    SignInLink,
    WebSession,
)
from server.accounts.addresses import person_for_new_account
from server.db import contains, is_postgres, write_transaction
from server.lib.audit import CHANGED, record, record_many
from server.lib.auth import ROLES, Actor
from server.lib.records import Forbidden
from server.lib.reference import load_reference
from server.lib.rows import row_as, rows_as
from server.lib.validation import CONTROL, MAX_ID, Clash, Form, Invalid

T = TypeVar("T")

# last_used_at is written at most this often, so that reading the API costs no write.
TOKEN_TOUCH_INTERVAL = timedelta(hours=1)


# A link token is exactly what new_link_token makes: 32 random bytes, URL-safe base64.
_LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_link_token() -> str:
    """The secret in a sign-in or email-confirmation link."""
    return secrets.token_urlsafe(32)


def is_link_token(token: str) -> bool:
    """Whether token has the shape of one new_link_token makes. Anything else in a link's
    address is refused before it reaches a page, so no request text ends up in a form's
    action (a crafted `..\\` there would post the page's CSRF token somewhere else)."""
    return _LINK_TOKEN.fullmatch(token) is not None


def hash_token(token: str) -> str:
    """Tokens are long and random, so a plain SHA-256 is enough to keep them safe at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


async def unused_link(table: type[Table], shape: type[T], token: str, now: datetime) -> T | None:
    """The row of a link (a sign-in link, an email change) that has not been used or run
    out, every column, as `shape` (the TypedDict of the table's columns); locked on
    PostgreSQL so that two taps at once change things only once. Call it inside the write
    transaction that uses the link."""
    columns = {c._meta.name: c for c in table._meta.columns}
    query = table.select().where(
        (columns["token_hash"] == hash_token(token))
        & columns["used_at"].is_null()
        & (columns["expires_at"] > now)
    )
    if is_postgres():
        query = query.lock_rows()
    row = await query.first()
    return None if row is None else row_as(shape, dict(row))


async def create_account(
    email: str, role: str, name: str | None = None, person_id: int | None = None
) -> dict[str, object]:
    """Make an account for the person with person_id, or the person whose confirmed email
    this is, or a new person. Returns the account; raises Invalid for a bad email or role,
    an existing account, or an address on a record that nobody confirmed (see addresses)."""
    form = Form({"email": email, "role": role, "name": name})
    form.email("email", required=True)
    form.choice("role", "a role", {r: r for r in ROLES}, required=True)
    form.name("name", "the person's name", max_length=200)
    form.result()
    name, address = form.got("name", str), form.needed("email", str)
    if await Account.exists().where(Account.email == address):
        raise Invalid({"email": f"There is already an account for {address}."})
    async with write_transaction():
        found = await person_for_new_account(address, person_id)
        person = None if found is None else {"id": found}
        if person is None:
            rows = await Person.insert(
                Person(name=name or address.split("@")[0], email=address)
            ).returning(Person.id)
            person = rows[0]
            await record(None, "create", "person", person["id"], {"name": "changed"})
        rows = await Account.insert(
            Account(email=address, role=form.needed("role", str), person=person["id"])
        ).returning(*Account.all_columns())
        await record(None, "create", "account", rows[0]["id"], {"role": form.needed("role", str)})
    return rows[0]


async def issue_token(email: str, name: str = "") -> str:
    """A new API token for the account with this email; only its hash is kept."""
    account = (
        await Account.select(Account.id)
        .where(
            (Account.email == email.strip().lower()) & (Account.active == True)  # noqa: E712
        )
        .first()
    )
    if account is None:
        raise Invalid({"email": f"There is no active account for {email}."})
    token = "mvt_" + secrets.token_urlsafe(32)
    async with write_transaction():
        rows = await ApiToken.insert(
            ApiToken(account=account["id"], token_hash=hash_token(token), name=name[:100])
        ).returning(ApiToken.id)
        await record(None, "create", "api_token", rows[0]["id"], {"name": name[:100]})
    return token


async def actor_for_token(token: str) -> Actor | None:
    """The account a token acts for, or None when it is unknown, revoked or disabled."""
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.last_used_at,
            ApiToken.account.id,
            ApiToken.account.role,
            ApiToken.account.person,
        )
        .where(
            (ApiToken.token_hash == hash_token(token))
            & ApiToken.revoked_at.is_null()
            & (ApiToken.account.active == True)  # noqa: E712
        )
        .first()
    )
    if row is None:
        return None
    now = datetime.now(UTC)
    if row["last_used_at"] is None or now - row["last_used_at"] > TOKEN_TOUCH_INTERVAL:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return Actor(
        account_id=row["account.id"], role=row["account.role"], person_id=row["account.person"]
    )


async def revoke_tokens(account_id: int, by: int | None = None) -> int:
    """Revoke every live token of an account; returns how many there were."""
    async with write_transaction():
        rows = (
            await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC)})
            .where((ApiToken.account == account_id) & ApiToken.revoked_at.is_null())
            .returning(ApiToken.id)
        )
        for row in rows:
            await record(by, "update", "api_token", row["id"], {"revoked_at": "now"})
    return len(rows)


async def account_id(email: str) -> int:
    """The id of the account with this email; Invalid if there is none."""
    row = await Account.select(Account.id).where(Account.email == email.strip().lower()).first()
    if row is None:
        raise Invalid({"email": f"There is no account for {email}."})
    return int(row["id"])


async def disable_account(email: str) -> int:
    """Stop an account signing in (as an admin deactivating it does: its sessions, links and
    tokens end); returns how many tokens were revoked. The person and their records stay.
    The last active admin is not disabled (LastAdmin)."""
    found = await account_id(email)
    async with write_transaction():
        row = await Account.select(Account.role, Account.active).where(Account.id == found).first()
        assert row is not None  # account_id found it
        if row["active"]:
            if row["role"] == "admin":
                await keep_an_admin({found}, "disabled")
            await Account.update({Account.active: False}).where(Account.id == found)
            await record(None, "update", "account", found, {"active": [True, False]})
        return await end_access(found)


async def whoami(actor: Actor) -> dict[str, object]:
    """The account and person behind a request, and the programmes the person is in."""
    account = (
        await Account.select(Account.id, Account.email, Account.role)
        .where(Account.id == actor.account_id)
        .first()
    )
    memberships = []
    if actor.person_id is not None:
        ref = await load_reference()
        rows = await Membership.select(Membership.programme, Membership.status).where(
            Membership.person == actor.person_id
        )
        memberships = [{"programme": ref.slug(r["programme"]), "status": r["status"]} for r in rows]
    return {**(account or {}), "person": actor.person_id, "memberships": memberships}


# The console's account administration (admins only; the routes check the role) ----------

SELF_ROLE = (
    "You cannot remove your own admin role: ask another admin to do it. "
    "This makes sure there is always an admin."
)
SELF_DEACTIVATE = (
    "You cannot deactivate your own account: ask another admin to do it. "
    "This makes sure there is always an admin."
)
ACCOUNT_STATUSES = {"active": True, "deactivated": False}
LAST_ADMIN = (
    "This is the last active admin account, so it cannot be {doing}: make another account "
    "an admin first, so that someone can always run the app."
)
ADMINS_ONLY = "Only an admin can close an admin's account: this person has one, so ask an admin."


class LastAdmin(Clash):
    """The change would leave no active admin."""


async def keep_an_admin(losing: set[int], doing: str) -> None:
    """Raise LastAdmin when no active admin would be left once the accounts in `losing`
    stop being admins (demoted, deactivated, disabled or erased). Call it inside the write
    transaction that makes the change: on PostgreSQL the active admins' rows stay locked
    until it ends, so two admins closing each other's accounts at once cannot both pass
    (on SQLite the write transaction already holds the whole database)."""
    query = (
        Account.select(Account.id)
        .where((Account.role == "admin") & (Account.active == True))  # noqa: E712
        .order_by(Account.id)
    )
    admins = {r["id"] for r in await (query.lock_rows() if is_postgres() else query)}
    if admins & losing and not admins - losing:
        raise LastAdmin({"": LAST_ADMIN.format(doing=doing)})


async def check_closing(account_ids: set[int], by: int | None, doing: str) -> None:
    """Whether the account `by` (None: the `movement` command) may close these accounts:
    an admin's account is closed only by an admin (Forbidden for anyone else), and never
    the last active admin's (LastAdmin)."""
    if not account_ids:
        return
    admins = {
        r["id"]
        for r in await Account.select(Account.id).where(
            Account.id.is_in(list(account_ids))
            & (Account.role == "admin")
            & (Account.active == True)  # noqa: E712
        )
    }
    if not admins:
        return
    if by is not None:
        closer = await Account.select(Account.role).where(Account.id == by).first()
        if closer is None or closer["role"] != "admin":
            raise Forbidden(ADMINS_ONLY)
    await keep_an_admin(admins, doing)


class NoSuchAccount(Exception):
    """There is no account with this id."""


def account_filters(form: Form) -> list[Combinable]:
    """The console list's filters: words in the email or name, role, active or not."""
    form.text("q", "words to search for", max_length=100, default=None)
    form.choice("role", "a role", {r: r for r in ROLES})
    form.choice("status", "active or deactivated", ACCOUNT_STATUSES)
    clean = form.clean
    out: list[Combinable] = []
    if q := form.got("q", str):
        out.append(contains(Account.email, q) | contains(Account.person.name, q))
    if clean.get("role"):
        out.append(Account.role == clean["role"])
    if clean.get("status") is not None:
        out.append(Account.active == clean["status"])
    return out


def _all(clauses: list[Combinable]) -> Combinable | None:
    out = clauses[0] if clauses else None
    for clause in clauses[1:]:
        out = out & clause  # type: ignore[operator]
    return out


class AccountRow(TypedDict):
    """Every column of an account."""

    id: int
    email: str
    role: str
    person: int | None
    active: bool
    created_at: datetime
    erased_at: datetime | None


class AccountListed(TypedDict):
    """An account as the console lists it (ACCOUNT_COLUMNS)."""

    id: int
    email: str
    role: str
    active: bool
    created_at: datetime
    person: int | None
    name: str | None  # the person's name (None: no person)


ACCOUNT_COLUMNS = (
    Account.id,
    Account.email,
    Account.role,
    Account.active,
    Account.created_at,
    Account.person,
    Account.person.name.as_alias("name"),
)


async def _last_sign_in(ids: list[int]) -> dict[int, datetime]:
    """When each account last signed in (started a web session), where known."""
    if not ids:
        return {}
    rows = await WebSession.select(WebSession.account, WebSession.created_at).where(
        WebSession.account.is_in(ids)
    )
    out: dict[int, datetime] = {}
    for row in rows:
        at = row["created_at"]
        if row["account"] not in out or at > out[row["account"]]:
            out[row["account"]] = at
    return out


class AccountSeen(AccountListed):
    """An account as the console lists it, with when it last signed in (None: never)."""

    last_sign_in: datetime | None


class AccountShown(AccountSeen):
    """One account on its console page: also how many API tokens it has that still work."""

    live_tokens: int


class AccountsPage(TypedDict):
    items: list[AccountSeen]
    page: int
    per_page: int
    total: int


async def list_accounts(params: Mapping[str, object], *, everything: bool = False) -> AccountsPage:
    """A page of accounts (by email) with their person's name and last sign-in; with
    everything=True, every account that matches (for a download)."""
    form = Form(params)
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    form.integer("per_page", "the number per page", low=1, high=500, default=50)
    where = _all(account_filters(form))
    form.result()
    page, per_page = form.needed("page", int), form.needed("per_page", int)
    query = Account.select(*ACCOUNT_COLUMNS).order_by(Account.email)
    count = Account.count()
    if where is not None:
        query, count = query.where(where), count.where(where)
    if not everything:
        query = query.limit(per_page).offset((page - 1) * per_page)
    rows = rows_as(AccountListed, await query)
    last = await _last_sign_in([r["id"] for r in rows])
    items: list[AccountSeen] = [{**r, "last_sign_in": last.get(r["id"])} for r in rows]
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": await count,
    }


async def get_account(account_id: int) -> AccountShown:
    """One account with its person's name and last sign-in; NoSuchAccount if missing."""
    if not 1 <= account_id <= MAX_ID:
        raise NoSuchAccount()
    found = await Account.select(*ACCOUNT_COLUMNS).where(Account.id == account_id).first()
    row = row_as(AccountListed, found)
    if row is None:
        raise NoSuchAccount()
    last = await _last_sign_in([account_id])
    live_tokens = await ApiToken.count().where(
        (ApiToken.account == account_id) & ApiToken.revoked_at.is_null()
    )
    return {**row, "last_sign_in": last.get(account_id), "live_tokens": live_tokens}


class _PersonFound(TypedDict):
    id: int
    name: str
    email: str | None


class PersonFound(_PersonFound):
    """A person found by name or email, with their account's email (None: no account)."""

    account: str | None


class _AccountOf(TypedDict):
    person: int | None
    email: str


async def find_people(text: str, limit: int = 20) -> list[PersonFound]:
    """People whose name or email contains the text, with the email of any account they
    already have (to link a new account to someone already recorded)."""
    text = text.strip()[:100]
    if not text or CONTROL.search(text):
        return []
    people = rows_as(
        _PersonFound,
        await Person.select(Person.id, Person.name, Person.email)
        .where(contains(Person.name, text) | contains(Person.email, text))
        .order_by(Person.name)
        .limit(limit),
    )
    ids = [p["id"] for p in people]
    accounts = rows_as(
        _AccountOf,
        await Account.select(Account.person, Account.email).where(Account.person.is_in(ids))
        if ids
        else [],
    )
    has = {a["person"]: a["email"] for a in accounts}
    return [{**p, "account": has.get(p["id"])} for p in people]


class NewAccount(TypedDict):
    """The console's new-account form, read."""

    email: str
    role: str
    person: str  # "new", or a person's id
    name: str | None


def _read_new_account(data: Mapping[str, object]) -> NewAccount:
    form = Form(data)
    form.email("email", required=True)
    form.choice("role", "a role", {r: r for r in ROLES}, required=True)
    form.text("person", "who the account is for", max_length=12, default="new")
    form.name("name", "the person's name", max_length=200)
    form.result()
    person, name = form.needed("person", str), form.got("name", str)
    if person != "new" and not person.isdigit():
        raise Invalid({"person": "Choose someone from the list, or a new person."})
    if person == "new" and not name:
        raise Invalid({"name": "Enter the person's name."})
    return {
        "email": form.needed("email", str),
        "role": form.needed("role", str),
        "person": person,
        "name": name,
    }


async def _person_for(clean: NewAccount, by: int | None) -> int:
    """The person the new account belongs to: the one chosen, or a new one."""
    if clean["person"] != "new":
        person_id = int(clean["person"])
        if not 1 <= person_id <= MAX_ID or not await Person.exists().where(Person.id == person_id):
            raise Invalid({"person": "Choose someone from the list, or a new person."})
        other = await Account.select(Account.email).where(Account.person == person_id).first()
        if other is not None:
            raise Invalid({"person": f"This person already has an account: {other['email']}."})
        return person_id
    if await Person.exists().where(Person.email == clean["email"]):
        raise Invalid(
            {"person": "Someone with this email is already recorded: choose them from the list."}
        )
    rows = await Person.insert(Person(name=clean["name"], email=clean["email"])).returning(
        Person.id
    )
    await record(by, "create", "person", rows[0]["id"], {"name": CHANGED, "email": CHANGED})
    return int(rows[0]["id"])


async def add_account(data: Mapping[str, object], by: int | None) -> AccountRow:
    """Make an account from the console's form (email, role, and person: "new" with a name,
    or a person's id). Audited as the admin who did it; no personal values in the log."""
    clean = _read_new_account(data)
    if await Account.exists().where(Account.email == clean["email"]):
        raise Invalid({"email": f"There is already an account for {clean['email']}."})
    try:
        async with write_transaction():
            person_id = await _person_for(clean, by)
            rows = await Account.insert(
                Account(email=clean["email"], role=clean["role"], person=person_id)
            ).returning(*Account.all_columns())
            what = {"email": CHANGED, "role": clean["role"], "person": person_id}
            await record(by, "create", "account", rows[0]["id"], what)
    except (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError) as exc:
        # Someone else added the same email at the same moment.
        raise Invalid({"email": f"There is already an account for {clean['email']}."}) from exc
    return rows_as(AccountRow, rows)[0]


class NoLongerAdmin(Exception):
    """The admin making a change stopped being one while the request was on its way."""


class _AccountState(TypedDict):
    id: int
    role: str
    active: bool


async def _locked_account(account_id: int, by: Actor) -> _AccountState:
    """The account to change, with it, the admin's own account and every active admin's
    locked in one query, in id order: keep_an_admin locks the active admins later in the
    same transaction, and taking them all at once here means two admins changing each
    other's accounts wait for one another rather than deadlock. The admin is checked again
    inside the transaction: two admins demoting each other at the same moment must not
    leave no admin at all."""
    if not 1 <= account_id <= MAX_ID:
        raise NoSuchAccount()
    query = (
        Account.select(Account.id, Account.role, Account.active)
        .where(
            Account.id.is_in([account_id, by.account_id])
            | ((Account.role == "admin") & (Account.active == True))  # noqa: E712
        )
        .order_by(Account.id)
    )
    found = await (query.lock_rows() if is_postgres() else query)
    rows = {r["id"]: r for r in rows_as(_AccountState, found)}
    me = rows.get(by.account_id)
    if me is None or me["role"] != "admin" or not me["active"]:
        raise NoLongerAdmin()
    if account_id not in rows:
        raise NoSuchAccount()
    return rows[account_id]


async def change_role(account_id: int, raw_role: object, by: Actor) -> None:
    """Give an account another role; an admin cannot take away their own admin role."""
    form = Form({"role": raw_role})
    form.choice("role", "a role", {r: r for r in ROLES}, required=True)
    form.result()
    role = form.needed("role", str)
    async with write_transaction():
        row = await _locked_account(account_id, by)
        if row["role"] == role:
            return
        if account_id == by.account_id:
            raise Invalid({"role": SELF_ROLE})
        if row["role"] == "admin" and row["active"]:
            await keep_an_admin({account_id}, "made a " + role)
        await Account.update({Account.role: role}).where(Account.id == account_id)
        await record(by.account_id, "update", "account", account_id, {"role": [row["role"], role]})


async def end_web_sessions(account_id: int, by: int | None = None) -> int:
    """Sign an account out of every browser; returns how many sessions were ended."""
    async with write_transaction():
        rows = (
            await WebSession.update({WebSession.revoked_at: datetime.now(UTC)})
            .where((WebSession.account == account_id) & WebSession.revoked_at.is_null())
            .returning(WebSession.id)
        )
        await record_many(
            by, "update", "web_session", [(r["id"], {"revoked_at": "now"}) for r in rows]
        )
    return len(rows)


async def end_links(account_id: int) -> int:
    """End the account's unused links (sign-in links to its address, and the email-change
    links it asked for): they run out now, so they never work again, even if the account is
    reactivated within their 15 minutes or day. Returns how many were ended."""
    now = datetime.now(UTC)
    account = await Account.select(Account.email).where(Account.id == account_id).first()
    ended = 0
    if account is not None:
        rows = (
            await SignInLink.update({SignInLink.expires_at: now})
            .where(
                (SignInLink.email == account["email"])
                & SignInLink.used_at.is_null()
                & (SignInLink.expires_at > now)
            )
            .returning(SignInLink.id)
        )
        ended += len(rows)
    rows = (
        await EmailChange.update({EmailChange.expires_at: now})
        .where(
            (EmailChange.account == account_id)
            & EmailChange.used_at.is_null()
            & (EmailChange.expires_at > now)
        )
        .returning(EmailChange.id)
    )
    return ended + len(rows)


async def end_access(account_id: int, by: int | None = None) -> int:
    """Everything that lets an account in ends: its browser sessions, unused links and API
    tokens. None of them comes back if the account is reactivated. Returns how many tokens
    were revoked."""
    async with write_transaction():
        await end_web_sessions(account_id, by)
        await end_links(account_id)
        return await revoke_tokens(account_id, by)


async def set_active(account_id: int, active: bool, by: Actor) -> None:
    """Deactivate an account (it can no longer sign in: its browser sessions, unused links
    and API tokens end at once) or let it sign in again. Nobody can deactivate themselves,
    and the last active admin is never deactivated."""
    async with write_transaction():
        row = await _locked_account(account_id, by)
        if not active and account_id == by.account_id:
            raise Invalid({"": SELF_DEACTIVATE})
        if row["active"] == active:
            return
        if not active and row["role"] == "admin":
            await keep_an_admin({account_id}, "deactivated")
        await Account.update({Account.active: active}).where(Account.id == account_id)
        what = {"active": [row["active"], active]}
        await record(by.account_id, "update", "account", account_id, what)
        if not active:
            await end_access(account_id, by.account_id)


# The device a session signed in from, for "download my data" -----------------------------

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"),
             ("Firefox/", "Firefox"), ("FxiOS", "Firefox"), ("CriOS", "Chrome"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Mac OS X", "Mac"), ("CrOS", "Chromebook"),
            ("Linux", "Linux"))  # fmt: skip


def describe_device(user_agent: str | None) -> str:
    """A short, plain description of a browser ("Chrome on Android") from its User-Agent:
    enough for someone to recognise their own devices, without keeping the whole string
    (which, with its version numbers, can single a browser out)."""
    text = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in text), "")
    system = next((name for mark, name in _SYSTEMS if mark in text), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An unknown browser"


async def note_device(session_token: str, user_agent: str | None) -> None:
    """Keep the short description of the device a session was started on."""
    await WebSession.update({WebSession.device: describe_device(user_agent)}).where(
        WebSession.token_hash == hash_token(session_token)
    )
