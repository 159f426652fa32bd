"""The audit log: who changed what, and when.

Values of personal fields (names, contact details, birth years, certificate numbers, and
free text such as notes and venues, which may name people) are never copied into the log:
it says that they changed, not what to. The log then never needs its own erasure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from piccolo.custom_types import Combinable

from schema.tables import AuditEvent
from server.db import contains, write_transaction
from server.lib import bulk
from server.lib.rows import JSON, rows_as
from server.lib.validation import MAX_ID, QUERY, Form

CHANGED = "changed"


# Values the log keeps as they are: most values, let through first (batches audit
# thousands). A tuple of types for isinstance, which tells mypy what passes.
_AS_THEY_ARE = (int, float, str, bool, type(None))


def _plain(value: object) -> JSON:
    if isinstance(value, _AS_THEY_ARE):  # most values, at once
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):  # a record's links, such as an activity's topics
        return [_plain(v) for v in value]
    return str(value)


def changes(
    old: Mapping[str, object] | None,
    new: Mapping[str, object],
    personal: Iterable[str] = (),
) -> dict[str, JSON]:
    """What differs between two versions of a record: {field: [old, new]} (or "changed")."""
    hidden = set(personal)
    out: dict[str, JSON] = {}
    for key, value in new.items():
        before = None if old is None else old.get(key)
        if old is not None and before == value:
            continue
        if key in hidden:
            out[key] = CHANGED
        elif old is None:
            out[key] = _plain(value)
        else:
            out[key] = [_plain(before), _plain(value)]
    return out


def created(
    new: Mapping[str, object], fields: Sequence[str] | None = None, personal: Iterable[str] = ()
) -> dict[str, JSON]:
    """What a "create" event records of a new record: changes(None, new, personal), of
    only `fields` (those given, in that order) when named. One pass over the values, as
    bulk writes make thousands of these."""
    hidden = personal if isinstance(personal, frozenset | set) else frozenset(personal)
    out: dict[str, JSON] = {}
    for key in new if fields is None else fields:
        if key in new:
            value = new[key]
            if key in hidden:
                out[key] = CHANGED
            else:
                out[key] = value if isinstance(value, _AS_THEY_ARE) else _plain(value)
    return out


async def record(
    account_id: int | None,
    action: str,
    record_type: str,
    record_id: int,
    what: Mapping[str, object],
) -> None:
    """Add one event; call it inside the transaction that made the change."""
    await AuditEvent.insert(
        AuditEvent(
            account=account_id,
            action=action,
            record_type=record_type,
            record_id=record_id,
            changes=dict(what),
        )
    )


async def record_many(
    account_id: int | None,
    action: str,
    record_type: str,
    ids_and_changes: Iterable[tuple[int, Mapping[str, object]]],
) -> None:
    """Add many events at once (batches, imports, merges, erasure): one prepared statement
    for them all. Call it inside the write transaction that made the changes."""
    now = bulk.once(datetime.now(UTC))
    rows = [
        (now, account_id, action, record_type, record_id, _JSON.encode(_as_dict(what)))
        for record_id, what in ids_and_changes
    ]
    async with write_transaction():  # joins the caller's
        await bulk.insert(AuditEvent, _EVENT_COLUMNS, rows)


def _as_dict(what: Mapping[str, object]) -> dict[str, object]:
    """The JSON encoder writes only dicts as objects (another mapping would become text)."""
    return what if type(what) is dict else dict(what)


# What piccolo's dump_json writes for the JSON column (json.dumps with default=str), with
# the encoder made once rather than for every event.
_JSON = json.JSONEncoder(default=str)
_EVENT_COLUMNS = ("at", "account", "action", "record_type", "record_id", "changes")


def read_event_options(form: Form) -> None:
    """The options of the API's list of audit events (its document describes them from
    this): a record type and id, and the page."""
    form.text("record_type", "a record type, such as person", max_length=40, default=None)
    form.integer("record_id", "a record id", low=1, high=MAX_ID)
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    form.integer("per_page", "the number per page", low=1, high=500, default=50)


class AuditRow(TypedDict):
    """An audit event as the table holds it (every column)."""

    id: int
    at: datetime
    account: int | None
    action: str
    record_type: str
    record_id: int
    changes: JSON


async def list_events(params: Mapping[str, str]) -> dict[str, object]:
    """The newest audit events, filtered by record type and id, a page at a time, with the
    total that match (like every other list). The options come from the API's query."""
    form = Form(params, sent_as=QUERY)
    read_event_options(form)
    clean = form.result()
    page, per_page = form.needed("page", int), form.needed("per_page", int)
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False).output(load_json=True)
    count = AuditEvent.count()
    if clean["record_type"]:
        query = query.where(AuditEvent.record_type == clean["record_type"])
        count = count.where(AuditEvent.record_type == clean["record_type"])
    if clean["record_id"]:
        query = query.where(AuditEvent.record_id == clean["record_id"])
        count = count.where(AuditEvent.record_id == clean["record_id"])
    query = query.limit(per_page).offset((page - 1) * per_page)
    rows = rows_as(AuditRow, await query)
    return {
        "items": rows,
        "page": page,
        "per_page": per_page,
        "total": await count,
    }


# The console's audit log viewer -------------------------------------------------------

SYSTEM = "system"  # events with no account: the command line, or an account since deleted
EXPORT_LIMIT = 100_000  # rows in one download; narrow the filters for more


class _RecordTypeRow(TypedDict):
    record_type: str


class _ActionRow(TypedDict):
    action: str


async def filter_choices() -> dict[str, list[str]]:
    """The record types and actions that appear in the log, for the filters' lists."""
    types = rows_as(_RecordTypeRow, await AuditEvent.select(AuditEvent.record_type).distinct())
    actions = rows_as(_ActionRow, await AuditEvent.select(AuditEvent.action).distinct())
    return {
        "record_types": sorted(r["record_type"] for r in types),
        "actions": sorted(a["action"] for a in actions),
    }


def _local_midnight(day: date, zone: str) -> datetime:
    """The start of a day in the council's time zone, as UTC (what the log stores)."""
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def event_filters(form: Form, choices: Mapping[str, list[str]], zone: str) -> list[Combinable]:
    """Filters by record type, action, account (email, or "system"), dates (in the
    council's time zone, both included) and record id."""
    form.choice("record_type", "a kind of record", {t: t for t in choices["record_types"]})
    form.choice("action", "an action", {a: a for a in choices["actions"]})
    form.text("account", "an account's email", max_length=254, default=None)
    form.date("since", "the first date", allow_future=True)
    form.date("until", "the last date", allow_future=True)
    form.integer("record_id", "a record id", low=1, high=MAX_ID)
    c = form.clean
    out: list[Combinable] = []
    if c.get("record_type"):
        out.append(AuditEvent.record_type == c["record_type"])
    if c.get("action"):
        out.append(AuditEvent.action == c["action"])
    account = form.got("account", str)
    since, until = form.got("since", date), form.got("until", date)
    if account and account.lower() == SYSTEM:
        out.append(AuditEvent.account.is_null())
    elif account:
        out.append(contains(AuditEvent.account.email, account.lower()))
    if since and until and until < since:
        form.errors["until"] = "The last date must be the same as or after the first date."
    if since:
        out.append(AuditEvent.at >= _local_midnight(since, zone))
    if until:
        out.append(AuditEvent.at < _local_midnight(until + timedelta(days=1), zone))
    if c.get("record_id"):
        out.append(AuditEvent.record_id == c["record_id"])
    return out


def describe_value(value: object) -> str:
    """A value from the log as people read it."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def describe_changes(what: JSON) -> list[tuple[str, str]]:
    """What changed, for people to read: (field, "old → new"), (field, "changed") for
    personal fields, or (field, value) for a new record's fields."""
    if not isinstance(what, Mapping):
        return []
    out: list[tuple[str, str]] = []
    for key, value in what.items():
        if value == CHANGED:
            out.append((str(key), CHANGED))
        elif isinstance(value, list) and len(value) == 2:
            out.append((str(key), f"{describe_value(value[0])} → {describe_value(value[1])}"))
        else:
            out.append((str(key), describe_value(value)))
    return out


# The account's columns beside an event's (EVENT_COLUMNS), named as piccolo names joins.
_AccountColumns = TypedDict(
    "_AccountColumns", {"account.email": str | None, "account.erased_at": datetime | None}
)


class LoggedEvent(AuditRow, _AccountColumns):
    """An audit event with its account's email and erasure (EVENT_COLUMNS)."""


def who(row: LoggedEvent) -> str:
    """Who made a change: the account's email; "an erased account #n" for an account whose
    person was erased (their events stay, under that pseudonym); or "system"."""
    if row.get("account") is None:
        return SYSTEM
    if row.get("account.erased_at") is not None:
        return f"an erased account #{row['account']}"
    return str(row.get("account.email") or SYSTEM)


def _shown(row: LoggedEvent, zone: str) -> dict[str, object]:
    """An event for the console's page and download (values only they read)."""
    at = row["at"]
    local = at.astimezone(ZoneInfo(zone)) if isinstance(at, datetime) else None
    what = row["changes"]
    if isinstance(what, str):  # SQLite may hand the JSON back as text
        what = json.loads(what or "{}")
    return {
        "id": row["id"],
        "at": local,
        "when": local.strftime("%-d %b %Y, %H:%M:%S") if local else "",
        "who": who(row),
        "account": row["account"],
        "action": row["action"],
        "record_type": row["record_type"],
        "record_id": row["record_id"],
        "changes": describe_changes(what),
        "raw_changes": what if isinstance(what, Mapping) else {},
    }


EVENT_COLUMNS = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.account,
    AuditEvent.account.email,
    AuditEvent.account.erased_at,
    AuditEvent.action,
    AuditEvent.record_type,
    AuditEvent.record_id,
    AuditEvent.changes,
)


class EventSearch(TypedDict):
    """A page of the console's audit log (or all of it, for a download)."""

    items: list[dict[str, object]]
    page: int
    per_page: int
    total: int


async def search_events(
    params: Mapping[str, object], zone: str, *, everything: bool = False
) -> EventSearch:
    """A page of audit events, newest first, with the filters above; with everything=True,
    all of them (up to EXPORT_LIMIT) for a download. Times are in the council's zone."""
    form = Form(params)
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    form.integer("per_page", "the number per page", low=1, high=500, default=50)
    clauses = event_filters(form, await filter_choices(), zone)
    form.result()
    page, per_page = form.needed("page", int), form.needed("per_page", int)
    query = AuditEvent.select(*EVENT_COLUMNS).order_by(AuditEvent.id, ascending=False)
    count = AuditEvent.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    if everything:
        query = query.limit(EXPORT_LIMIT)
    else:
        query = query.limit(per_page).offset((page - 1) * per_page)
    rows = rows_as(LoggedEvent, await query.output(load_json=True))
    return {
        "items": [_shown(row, zone) for row in rows],
        "page": page,
        "per_page": per_page,
        "total": await count,
    }
