"""The holdings that are more than a plain select or delete: accounts (kept, under a
pseudonym, so that the audit log can still say "an erased account #n") and the audit log
(events by and about the person)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from piccolo.custom_types import Combinable

from schema.tables import (
    Account,
    Activity,
    ApiToken,
    AuditEvent,
    FriendsSession,
    Membership,
    Story,
    TrainingRecord,
    WebSession,
)
from server.lib.audit import CHANGED, describe_changes, record
from server.privacy.subject import Subject


def pseudonym(account_id: int) -> str:
    """What an erased account is called, in its email column and in the audit log."""
    return f"erased account #{account_id}"


async def pseudonymise_accounts(subject: Subject, by: int | None) -> int:
    """Keep each account row, so that the audit log's events stay attached to it, but with
    a pseudonym for its email, no person, and never able to sign in again."""
    now = datetime.now(UTC)
    for account_id in subject.account_ids:
        await Account.update(
            {
                Account.email: pseudonym(account_id),
                Account.person: None,
                Account.active: False,
                Account.erased_at: now,
            }
        ).where(Account.id == account_id)
        what = {"email": CHANGED, "active": False, "erased": True}
        await record(by, "update", "account", account_id, what)
    return len(subject.account_ids)


# The records of each type that are the person's, for "events about them".
OWN_RECORDS = (
    ("membership", Membership, Membership.person),
    ("training", TrainingRecord, TrainingRecord.person),
    ("activity", Activity, Activity.person),
    ("friends_session", FriendsSession, FriendsSession.run_by),
    ("story", Story, Story.person),
)


async def _about(subject: Subject) -> Combinable:
    """Events about the person: their record, their accounts, and each of their records."""
    where: Combinable = (AuditEvent.record_type == "person") & (
        AuditEvent.record_id == subject.person_id
    )
    accounts = list(subject.account_ids) or [0]
    where = where | ((AuditEvent.record_type == "account") & AuditEvent.record_id.is_in(accounts))
    for name, table, owner in OWN_RECORDS:
        ids = [r["id"] for r in await table.select(table.id).where(owner == subject.person_id)]
        if ids:
            where = where | ((AuditEvent.record_type == name) & AuditEvent.record_id.is_in(ids))
    for name, column in (("api_token", ApiToken.account), ("web_session", WebSession.account)):
        key = column._meta.table._meta.primary_key
        ids = [r["id"] for r in await column._meta.table.select(key).where(column.is_in(accounts))]
        if ids:
            where = where | ((AuditEvent.record_type == name) & AuditEvent.record_id.is_in(ids))
    return where


def _who(account: int | None, subject: Subject) -> str:
    if account is None:
        return "the system"
    return "you" if account in subject.account_ids else "a member of staff"


# Fields whose values are the app's own numbers (which record, which programme): they say
# nothing to a person reading their log, and the rest of the row says what it was.
INTERNAL = frozenset(
    {"client_id", "person", "programme", "footprint", "course", "organisation", "account",
     "run_by", "review_status", "review_reason"}
)  # fmt: skip


async def audit_events(subject: Subject) -> list[dict[str, Any]]:
    """Every audit event made by the person's accounts or about their records, oldest first.
    Who made a change is "you", "a member of staff" or "the system": staff are not named."""
    by_them = AuditEvent.account.is_in(list(subject.account_ids) or [0])
    rows = await (
        AuditEvent.select()
        .where(by_them | await _about(subject))
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )
    out = []
    for row in rows:
        what = row["changes"]
        if isinstance(what, str):  # SQLite may hand the JSON back as text
            what = json.loads(what or "{}")
        described = "; ".join(
            f"{k.replace('_', ' ')}: {v}" for k, v in describe_changes(what) if k not in INTERNAL
        )
        out.append(
            {
                "at": row["at"],
                "who": _who(row["account"], subject),
                "action": row["action"],
                "record_type": row["record_type"],
                "record_id": row["record_id"],
                "changes": described,
            }
        )
    return out
