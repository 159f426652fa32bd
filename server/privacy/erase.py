"""Erasing a person: everything in HOLDINGS about them is deleted, detached or (their
accounts) kept under a pseudonym. Used by /my-data/delete and by staff deleting a person
(the PEOPLE record type's before_delete), so both mean the same "everything"."""

from __future__ import annotations

from schema.tables import Activity
from server.accounts.services import check_closing
from server.db import write_transaction
from server.lib.audit import CHANGED, record, record_many
from server.lib.records import Kind, update_many
from server.privacy.holdings import HOLDINGS
from server.privacy.registry import CUSTOM, DELETE, DETACH, Holding
from server.privacy.subject import Subject, subject_of
from server.totals import people as people_rollup
from server.totals import rollup


async def _erase(holding: Holding, subject: Subject, by: int | None) -> int:
    table = holding.table
    if holding.action == CUSTOM:
        assert holding.erase is not None
        return await holding.erase(subject, by)
    if holding.action not in (DELETE, DETACH):
        return 0  # KEEP
    where = holding.about(subject)
    key = table._meta.primary_key
    if holding.action == DETACH and holding.audit_as:
        rows = await table.select(key).where(where)
        what = dict.fromkeys(holding.detach, CHANGED)
        detached = [(r["id"], holding.detach, what) for r in rows]
        # A detached activity loses its place's postcode: the rollups move it with it.
        kind = (
            Kind(holding.audit_as, table, on_rows=rollup.keep)
            if table is Activity
            else Kind(holding.audit_as, table)
        )
        await update_many(kind, by, detached)
        return len(rows)
    if holding.action == DELETE:
        rows = await table.delete().where(where).returning(key)
    else:
        rows = await table.update(holding.detach).where(where).returning(key)  # type: ignore[arg-type]
    if holding.audit_as:
        await record_many(by, "delete", holding.audit_as, [(r["id"], {}) for r in rows])
    return len(rows)


async def erase_person(person_id: int, by: int | None) -> dict[str, int]:
    """Erase everything held about a person, their own record last, in one transaction
    (joining the caller's). The audit log keeps one "erase" event with how many of each
    kind of record went, and nothing that identifies them. Returns those counts.
    A person with an admin account is erased only by an admin (Forbidden), and never when
    theirs is the last active admin account (LastAdmin): nothing changes then."""
    async with write_transaction():
        subject = await subject_of(person_id)
        await check_closing(set(subject.account_ids), by, "closed")
        counts: dict[str, int] = {}
        for holding in HOLDINGS:
            done = await _erase(holding, subject, by)
            if done:
                counts[holding.key] = done
        await people_rollup.refresh([person_id])  # their roles went with them
        await record(by, "erase", "person", person_id, counts)
    return counts
