"""The database engine and the one way to open a write transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import Where
from piccolo.columns.operators.comparison import ComparisonOperator
from piccolo.custom_types import Combinable
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType


def engine() -> Engine[Any]:
    """The engine configured in piccolo_conf.py from DATABASE_URL."""
    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("piccolo_conf.py defines no DB")
    return found


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for writing.

    On SQLite it takes the write lock at the start (BEGIN IMMEDIATE): with the default
    deferred transactions, concurrent read-then-write transactions fail at once with
    'database is locked', whatever the busy timeout. Nested calls join the outer one.
    """
    db = engine()
    if db.transaction_exists():
        yield
        return
    if isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


async def start() -> None:
    """Open the connection pool (PostgreSQL) or set WAL mode once (SQLite)."""
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=10)
    elif isinstance(db, SQLiteEngine):
        # WAL lets readers go on while one writer writes; it is stored in the file.
        await db.run_ddl("PRAGMA journal_mode=WAL")


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()


class _LikeLiterally(ComparisonOperator):
    template = "{name} LIKE {value} ESCAPE '\\'"


class _ILikeLiterally(ComparisonOperator):
    template = "{name} ILIKE {value} ESCAPE '\\'"


def literal_pattern(text: str) -> str:
    """Text for LIKE that matches itself only: %, _ and the escape character \\ are
    escaped, so a search for "50%" or "a_b" is not a wildcard."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: Column, text: str) -> Combinable:
    """A case-insensitive 'contains' on both engines (SQLite's LIKE already ignores case),
    taking the text literally. The ESCAPE clause is spelt out: SQLite has no escape
    character unless told, PostgreSQL's default happens to be the same one."""
    operator = _ILikeLiterally if is_postgres() else _LikeLiterally
    return Where(column=column, value=f"%{literal_pattern(text)}%", operator=operator)
