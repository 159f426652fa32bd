"""server/db.py on SQLite: how connections are set up, and the WAL copied into the
database after writes, in the background rather than inside a request's COMMIT."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from tests.environment import ENGINE

pytestmark = pytest.mark.skipif(ENGINE != "sqlite", reason="about SQLite's WAL")


def _sizes() -> tuple[int, int]:
    """The database file's size and its WAL's, in bytes."""
    from server.settings import get_settings

    path = get_settings().sqlite_path
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size, wal.stat().st_size if wal.exists() else 0


def _in_the_database_file(record_type: str) -> int:
    """How many audit events of this type the database file itself holds, its WAL left
    unread (SQLite's immutable=1): what a checkpoint has copied there."""
    from server.settings import get_settings

    path = get_settings().sqlite_path
    raw = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        query = "SELECT COUNT(*) FROM audit_event WHERE record_type = ?"
        return int(raw.execute(query, (record_type,)).fetchone()[0])
    finally:
        raw.close()


async def _pragma(name: str) -> object:
    from server.db import engine

    rows = await engine().run_ddl(f"PRAGMA {name}")
    return next(iter(rows[0].values()))


async def test_every_connection_is_set_up_for_wal():
    from server.db import WAL_KEEP, WAL_PAGES

    assert await _pragma("journal_mode") == "wal"
    assert await _pragma("synchronous") == 1  # NORMAL
    assert await _pragma("wal_autocheckpoint") == WAL_PAGES
    assert await _pragma("journal_size_limit") == WAL_KEEP


async def test_a_big_write_is_copied_into_the_database_after_its_commit_not_in_it():
    from server import db
    from server.lib import audit

    pool = db.engine()
    assert isinstance(pool, db.SQLitePool) and pool.pooling
    if pool.checkpoint is not None:
        await pool.checkpoint  # what earlier tests wrote is copied first
    # About 6 MB: SQLite by itself would copy it within the COMMIT (past 1,000 pages).
    events = [(n, {"note": f"{n:06d}" + "x" * 2_000}) for n in range(3_000)]
    async with db.write_transaction():
        await audit.record_many(None, "update", "big-write", events)
    _, wal = _sizes()
    assert _in_the_database_file("big-write") == 0, "the COMMIT copied the WAL"
    assert wal > 6_000_000
    assert pool.timer is not None  # a copy is due, in the background
    await asyncio.sleep(db.CHECKPOINT_QUIET + 0.3)
    assert pool.timer is None  # started once writes paused
    assert pool.checkpoint is not None
    await asyncio.wait_for(pool.checkpoint, timeout=10)
    assert _in_the_database_file("big-write") == 3_000  # copied there now


async def test_writes_in_quick_succession_share_one_copy(monkeypatch):
    from server import db
    from server.lib import audit

    pool = db.engine()
    assert isinstance(pool, db.SQLitePool)
    started: list[float] = []
    start = pool._start_checkpoint

    def counted() -> None:
        started.append(1)
        start()

    monkeypatch.setattr(pool, "_start_checkpoint", counted)
    for n in range(5):
        async with db.write_transaction():
            await audit.record_many(None, "update", "bench", [(n, {"n": n})])
        await asyncio.sleep(db.CHECKPOINT_QUIET / 10)
    await asyncio.sleep(db.CHECKPOINT_QUIET + 0.3)
    assert started == [1]
