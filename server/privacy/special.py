"""The holdings that are more than a plain select or delete: accounts (kept, under a
pseudonym, so that the audit log can still say "an erased account #n") and the audit log
(events by and about the person)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TypedDict

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
from server.activities.services import KINDS
from server.lib.audit import CHANGED, record
from server.lib.audit_names import field_word
from server.lib.rows import JSON, rows_as
from server.lib.validation import describe_minutes
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


class _Event(TypedDict):
    """An audit event (every column: AuditEvent.select())."""

    id: int
    at: datetime
    account: int | None
    action: str
    record_type: str
    record_id: int
    changes: JSON  # an object; SQLite may hand it back as text


class EventShown(TypedDict):
    """An audit event as the download shows it."""

    at: datetime
    who: str
    action: str
    record_type: str
    record_id: int
    changes: str


async def audit_events(subject: Subject) -> list[EventShown]:
    """Every audit event made by the person's accounts or about their records, oldest first.
    Who made a change is "you", "a member of staff" or "the system": staff are not named."""
    by_them = AuditEvent.account.is_in(list(subject.account_ids) or [0])
    rows = rows_as(
        _Event,
        await AuditEvent.select()
        .where(by_them | await _about(subject))
        .order_by(AuditEvent.id)
        .output(load_json=True),
    )
    out: list[EventShown] = []
    for row in rows:
        what = row["changes"]
        if isinstance(what, str):  # SQLite may hand the JSON back as text
            what = json.loads(what or "{}")
        described = changes_in_words(what)
        out.append(
            {
                "at": row["at"],
                "who": _who(row["account"], subject),
                "action": row["action"],
                "record_type": row["record_type"],
                "record_id": row["record_id"],  # in the JSON only: the page and CSV leave it out
                "changes": described,
            }
        )
    return out


def changes_in_words(what: object) -> str:
    """What changed, as a person reads it: "Name changed" (personal values are never kept),
    "People reached: from 12 to 30", "What you did: A conversation", "Time spent: 1 hour
    30 minutes"; the app's own numbers left out."""
    if not isinstance(what, dict):
        return ""
    out = []
    for key, value in what.items():
        if key in INTERNAL:
            continue
        label = FIELD_LABELS.get(key) or field_word(str(key)).capitalize()
        if value == CHANGED:
            out.append(f"{label} changed")
        elif isinstance(value, list) and len(value) == 2:
            out.append(f"{label}: from {_said(key, value[0])} to {_said(key, value[1])}")
        else:
            out.append(f"{label}: {_said(key, value)}")
    return "; ".join(out)


# Fields named as the pages name them.
FIELD_LABELS = {"kind": "What you did", "minutes": "Time spent", "occurred_on": "Date"}


def _said(key: str, value: object) -> str:
    """One value in words: codes, minutes and dates as the pages show them."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "minutes" and isinstance(value, int):
        return describe_minutes(value)
    if key == "kind" and isinstance(value, str):
        return KINDS.get(value, value)
    if isinstance(value, str) and len(value) == 10:
        try:
            return f"{date.fromisoformat(value):%-d %B %Y}"
        except ValueError:
            pass
    return str(value)
