"""Jobs that run by themselves on a schedule, once however many workers and machines run
the app: a `Chore` row per job says when it last ran, and the one caller whose conditional
update moves that time on runs it (the privacy clean-up, the session reminders)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schema.tables import Chore
from server.db import write_transaction


async def claim(name: str, every: timedelta, now: datetime | None = None) -> bool:
    """True for the one caller that moves the job `name`'s last run on, when `every` has
    passed since it last ran (or it never ran)."""
    now = now or datetime.now(UTC)
    await Chore.insert(Chore(name=name, last_run_at=None)).on_conflict(
        target=Chore.name, action="DO NOTHING"
    )
    due = (Chore.name == name) & (Chore.last_run_at.is_null() | (Chore.last_run_at < now - every))
    async with write_transaction():
        rows = await Chore.update({Chore.last_run_at: now}).where(due).returning(Chore.id)
    return bool(rows)
