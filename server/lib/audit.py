"""The audit log: who changed what, and when.

Values of personal fields (names, contact details, birth years, certificate numbers, and
free text such as notes and venues, which may name people) are never copied into the log:
it says that they changed, not what to. The log then never needs its own erasure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from schema.tables import AuditEvent
from server.lib.validation import Form

CHANGED = "changed"


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def changes(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    personal: Iterable[str] = (),
) -> dict[str, Any]:
    """What differs between two versions of a record: {field: [old, new]} (or "changed")."""
    hidden = set(personal)
    out: dict[str, Any] = {}
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


async def record(
    account_id: int | None,
    action: str,
    record_type: str,
    record_id: int,
    what: Mapping[str, Any],
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
    account_id: int | None, action: str, record_type: str, ids_and_changes: list[tuple[int, Any]]
) -> None:
    """Add many events in a few statements (for batches)."""
    events = [
        AuditEvent(
            account=account_id,
            action=action,
            record_type=record_type,
            record_id=record_id,
            changes=dict(what),
        )
        for record_id, what in ids_and_changes
    ]
    for start in range(0, len(events), 200):
        await AuditEvent.insert(*events[start : start + 200])


async def list_events(params: Mapping[str, str]) -> dict[str, Any]:
    """The newest audit events, filtered by record type and id, a page at a time."""
    form = Form(params)
    form.text("record_type", "a record type", max_length=40, default=None)
    form.integer("record_id", "a record id", low=1, high=2**31 - 1)
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    form.integer("per_page", "the number per page", low=1, high=500, default=50)
    clean = form.result()
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False).output(load_json=True)
    if clean["record_type"]:
        query = query.where(AuditEvent.record_type == clean["record_type"])
    if clean["record_id"]:
        query = query.where(AuditEvent.record_id == clean["record_id"])
    rows = await query.limit(clean["per_page"]).offset((clean["page"] - 1) * clean["per_page"])
    return {"items": rows, "page": clean["page"], "per_page": clean["per_page"]}
