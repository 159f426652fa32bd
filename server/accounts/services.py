"""Accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from schema.tables import Account, ApiToken, Membership, Person
from server.db import write_transaction
from server.lib.audit import record
from server.lib.auth import ROLES, Actor
from server.lib.reference import load_reference
from server.lib.validation import Form, Invalid

# last_used_at is written at most this often, so that reading the API costs no write.
TOKEN_TOUCH_INTERVAL = timedelta(hours=1)


def hash_token(token: str) -> str:
    """Tokens are long and random, so a plain SHA-256 is enough to keep them safe at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create_account(email: str, role: str, name: str | None = None) -> dict[str, object]:
    """Make an account (and the person it belongs to, if there is none with that email).

    Returns the account; raises Invalid for a bad email or role, or an existing account."""
    form = Form({"email": email, "role": role})
    form.email("email", required=True)
    form.choice("role", "a role", {r: r for r in ROLES}, required=True)
    clean = form.result()
    if await Account.exists().where(Account.email == clean["email"]):
        raise Invalid({"email": f"There is already an account for {clean['email']}."})
    async with write_transaction():
        person = await Person.select(Person.id).where(Person.email == clean["email"]).first()
        if person is None:
            rows = await Person.insert(
                Person(name=name or clean["email"].split("@")[0], email=clean["email"])
            ).returning(Person.id)
            person = rows[0]
            await record(None, "create", "person", person["id"], {"name": "changed"})
        rows = await Account.insert(
            Account(email=clean["email"], role=clean["role"], person=person["id"])
        ).returning(*Account.all_columns())
        await record(None, "create", "account", rows[0]["id"], {"role": clean["role"]})
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


async def close_accounts_of(person_id: int, by: int | None = None) -> None:
    """Disable the accounts of a person and revoke their tokens (the person is going)."""
    async with write_transaction():
        closed = (
            await Account.update({Account.active: False, Account.person: None})
            .where(Account.person == person_id)
            .returning(Account.id)
        )
        for account in closed:
            await record(by, "update", "account", account["id"], {"active": [True, False]})
            await revoke_tokens(account["id"], by)


async def account_id(email: str) -> int:
    """The id of the account with this email; Invalid if there is none."""
    row = await Account.select(Account.id).where(Account.email == email.strip().lower()).first()
    if row is None:
        raise Invalid({"email": f"There is no account for {email}."})
    return int(row["id"])


async def disable_account(email: str) -> int:
    """Stop an account signing in, and revoke its tokens; returns how many were revoked.
    The person and their records stay."""
    found = await account_id(email)
    async with write_transaction():
        await Account.update({Account.active: False}).where(Account.id == found)
        await record(None, "update", "account", found, {"active": [True, False]})
        return await revoke_tokens(found)


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
