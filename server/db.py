"""The database engine and the one way to open a write transaction."""

from __future__ import annotations

import sqlite3
import sys
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
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


# How many write transactions this process has committed. Caches of anything written
# (the totals, the public answers) note the generation they were made under and treat
# an older one as stale, so a write is seen at once in the worker that made it. Other
# workers have their own caches and their own count: there, freshness is by TTL.
_generation = 0


def generation() -> int:
    """This process's write generation: it grows each time a write transaction commits."""
    return _generation


def note_write() -> None:
    """Count a write made outside write_transaction (tests' factories, a repair): every
    cache of data made before it is then stale in this process."""
    global _generation
    _generation += 1


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for writing; when the outermost one commits, the write generation
    grows (not on a rollback: nothing changed).

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
    note_write()  # reached only after the commit: an exception has left by now


@asynccontextmanager
async def one_connection() -> AsyncIterator[None]:
    """Run a few reads on one connection (a read transaction; or the caller's). Piccolo
    opens a new SQLite connection for every query outside a transaction, a few
    milliseconds each on this kind of machine: reads that always go together share one."""
    db = engine()
    if db.transaction_exists():
        yield
        return
    async with db.transaction():
        yield


async def start() -> None:
    """Open the connection pool (PostgreSQL) or set WAL mode once (SQLite)."""
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=10)
        _postgres_operator()  # the search's fold, built once now rather than on a search
    elif isinstance(db, SQLiteEngine):
        # WAL lets readers go on while one writer writes; it is stored in the file.
        await db.run_ddl("PRAGMA journal_mode=WAL")


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()


def fold(text: object) -> str:
    """Text as a search compares it: Unicode case folding after NFKC, so "ZOË" is "zoë"
    however the ë is encoded, "ΟΔΟΣ" is "οδοσ", "ЖУК" is "жук" and "Strauß" is "strauss"
    (accents still count). The same as normal.simple, without touching spaces."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", str(text)).casefold())


def _sqlite_fold(text: object) -> str | None:
    """fold() for SQLite, called on every row searched: text in ASCII (most names and every
    email address) is only lowered, which is all that folding does to it, and costs less."""
    if isinstance(text, str) and text.isascii():
        return text.lower()
    return None if text is None else fold(text)


class FoldingConnection(sqlite3.Connection):
    """A SQLite connection that knows movement_fold(text), our fold in SQL. SQLite's own
    lower() and LIKE know A to Z only; the engine passes this class to every connection
    it opens (piccolo_conf.py: `factory=`), so every query can use it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.create_function("movement_fold", 1, _sqlite_fold, deterministic=True)


class _FoldedLikeLiterally(ComparisonOperator):
    template = "movement_fold({name}) LIKE {value} ESCAPE '\\'"


@cache
def _postgres_operator() -> type[ComparisonOperator]:
    """The same comparison on PostgreSQL, with the fold spelt out in SQL (built once)."""
    sql = _postgres_fold_sql().replace("{col}", "{name}")
    return type(
        "_PgFoldedLikeLiterally",
        (ComparisonOperator,),
        {"template": sql + " LIKE {value} ESCAPE '\\'"},
    )


def _postgres_fold_sql() -> str:
    """The fold in PostgreSQL's SQL, built from Python's Unicode tables. PostgreSQL's
    lower() lower-cases but does not case-fold: the letters where the two differ (ß, final
    ς, Cherokee, old Cyrillic forms, the Greek iota subscript once decomposed) are mapped
    here after lower(), so both engines fold alike. {col} stands for the column. Checked
    against every code point on PostgreSQL 15 in a UTF-8 locale (C.UTF-8); a database
    whose locale is plain "C" lowers A to Z only and would not match."""
    one_from, one_to, replaces = [], [], []
    for point in range(sys.maxunicode + 1):
        ch = chr(point)
        if ch.casefold() == ch.lower() or ch.lower() != ch:
            continue
        if unicodedata.normalize("NFD", ch) != ch or unicodedata.normalize("NFKC", ch) != ch:
            continue  # never seen after NFKC, lower() and NFD
        to = unicodedata.normalize("NFD", ch.casefold())
        if len(to) == 1:
            one_from.append(ch)
            one_to.append(to)
        else:
            replaces.append((ch, to))
    # İ: PostgreSQL lowers it to a bare i, Python (and Unicode's full folding) to i + dot.
    sql = "normalize(lower(replace(normalize({col}, NFKC), 'İ', 'i\u0307')), NFD)"
    for ch, to in replaces:
        sql = f"replace({sql}, '{ch}', '{to}')"
    folded = f"normalize(translate({sql}, '{''.join(one_from)}', '{''.join(one_to)}'), NFKC)"
    # Text in ASCII is only lowered (all that folding does to it), at a fraction of the cost.
    return f"CASE WHEN {{col}} ~ '^[\\x01-\\x7F]*$' THEN lower({{col}}) ELSE {folded} END"


def literal_pattern(text: str) -> str:
    """Text for LIKE that matches itself only: %, _ and the escape character \\ are
    escaped, so a search for "50%" or "a_b" is not a wildcard."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: Column, text: str) -> Combinable:
    """A 'contains' that ignores case the same way on both engines, in every alphabet,
    taking the text literally: both the column and the text are folded (see fold), then
    compared with LIKE. The ESCAPE clause is spelt out: SQLite has no escape character
    unless told, PostgreSQL's default happens to be the same one. Folding every row costs
    a function call a row; no index served '%...%' anyway."""
    operator = _postgres_operator() if is_postgres() else _FoldedLikeLiterally
    return Where(column=column, value=f"%{literal_pattern(fold(text))}%", operator=operator)
