"""The database engine and the one way to open a write transaction."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from types import TracebackType
from typing import Any

import aiosqlite
from piccolo.columns import Column
from piccolo.columns.combination import Where
from piccolo.columns.operators.comparison import ComparisonOperator
from piccolo.custom_types import Combinable
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType
from piccolo.table import Table


def engine() -> Engine[Any]:
    """The engine configured in piccolo_conf.py from DATABASE_URL."""
    # Untyped: its transaction (and connection) is SQLite's or PostgreSQL's, and lib/bulk.py and
    # demo/write.py use each engine's connection as its own.
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
    if isinstance(db, SQLitePool):
        db.checkpoint_soon()


async def refresh_statistics(*tables: type[Table]) -> None:
    """Bring PostgreSQL's planner statistics of these tables up to date, after a bulk load
    (an import). Autovacuum would do it within a minute or so; until then the planner
    knows nothing of the new rows, and a second import straight after took its look-ups
    of 500 people at a time in 120 ms each rather than 1 ms (the import step 2.2 s rather
    than 0.7 s, measured). SQLite's planner keeps no such statistics for these look-ups."""
    if is_postgres() and tables:
        names = ", ".join(f'"{table._meta.tablename}"' for table in tables)
        await engine().run_ddl(f"ANALYZE {names}")


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


@asynccontextmanager
async def snapshot() -> AsyncIterator[None]:
    """Run reads that must agree with each other (a number worked out from two others) in
    one transaction that sees the database as it was at its first read: a write committed
    between them cannot make the difference wrong, or below zero. SQLite's read
    transactions do this; PostgreSQL's need REPEATABLE READ. Inside a caller's transaction,
    that one."""
    db = engine()
    if db.transaction_exists():
        yield
        return
    async with db.transaction():
        if is_postgres():
            await db.run_ddl("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


async def start() -> None:
    """Open the connection pool (PostgreSQL; on SQLite, see SQLitePool) and set WAL mode
    once (SQLite)."""
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=10)
        _postgres_operator()  # the search's fold, built once now rather than on a search
    elif isinstance(db, SQLiteEngine):
        if isinstance(db, SQLitePool):
            db.pooling = True
        # WAL lets readers go on while one writer writes; it is stored in the file.
        await db.run_ddl("PRAGMA journal_mode=WAL")


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()
    elif isinstance(db, SQLitePool):
        await db.close_all()


POOL_SIZE = 8  # idle SQLite connections kept open for the next queries
# The WAL is copied into the database once writes pause for CHECKPOINT_QUIET seconds,
# or CHECKPOINT_LATEST seconds after the first write not yet copied, whichever is first.
CHECKPOINT_QUIET = 0.5
CHECKPOINT_LATEST = 5.0
# SQLite's own checkpoint, run inside the COMMIT of whichever write passes this many
# pages of WAL: only a safety net (for writes made outside write_transaction, or a
# worker stopped before its checkpoint ran), as checkpoint_soon() does it out of the way.
WAL_PAGES = 65_536  # 256 MB of 4 kB pages
WAL_KEEP = 64 * 1024 * 1024  # bytes of WAL file kept for reuse after a checkpoint


class SQLitePool(SQLiteEngine):
    """Piccolo's SQLite engine, with its connections used again while the app runs
    (between start() and stop()). Piccolo opens a new connection (and a thread) for every
    query outside a transaction and for every transaction, and closes it after: about
    2.5 ms a query on this kind of machine, several a request. Worse, in WAL mode the last
    connection to close copies the whole WAL into the database and syncs it, so every
    write paid for a checkpoint as well. A connection goes back to the pool only when it is
    outside any transaction (so no query inherits another's); one left otherwise, or met
    by an error, is closed. Each transaction still has a connection to itself.

    It also copies the WAL into the database in the background after writes
    (checkpoint_soon). SQLite would otherwise do it inside the COMMIT of the write that
    passes 1,000 pages of WAL: measured on a 1.2 million activity database, that was half
    the time of a phone's batch of 500."""

    def __init__(
        self,
        path: str = "piccolo.sqlite",
        log_queries: bool = False,
        log_responses: bool = False,
        **connection_kwargs: object,
    ) -> None:
        """As SQLiteEngine's: connection_kwargs go to sqlite3.connect."""
        super().__init__(path, log_queries, log_responses, **connection_kwargs)
        self.idle: list[aiosqlite.Connection] = []
        self.pooling = False
        self.checkpoint: asyncio.Task[None] | None = None  # the latest one started
        self.timer: asyncio.TimerHandle | None = None  # when the next one starts
        self.first_write = 0.0  # loop time of the first write it copies (0: none yet)

    async def get_connection(self) -> aiosqlite.Connection:
        if self.idle:
            return self.idle.pop()
        return await super().get_connection()

    async def give_back(self, connection: aiosqlite.Connection) -> None:
        if self.pooling and len(self.idle) < POOL_SIZE and not connection.in_transaction:
            self.idle.append(connection)
        else:
            await connection.close()

    async def close_all(self) -> None:
        self.pooling = False
        if self.timer is not None:
            self.timer.cancel()
        if self.checkpoint is not None:
            self.checkpoint.cancel()  # the last connection to close checkpoints anyway
            await asyncio.gather(self.checkpoint, return_exceptions=True)
        while self.idle:
            await self.idle.pop().close()

    def checkpoint_soon(self) -> None:
        """Copy the WAL into the database in the background once writes pause (see
        CHECKPOINT_QUIET): a burst of writes, such as a phone's queue sent in batches,
        then copies each page it changed once, not once per write. PASSIVE: it waits for
        no reader and blocks no writer; what it cannot copy yet, the next one does."""
        if not self.pooling:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        self.first_write = self.first_write or now
        if self.timer is not None:
            self.timer.cancel()
        due = min(now + CHECKPOINT_QUIET, self.first_write + CHECKPOINT_LATEST)
        self.timer = loop.call_at(due, self._start_checkpoint)

    def _start_checkpoint(self) -> None:
        self.timer, self.first_write = None, 0.0
        self.checkpoint = asyncio.get_running_loop().create_task(
            self._checkpoint(after=self.checkpoint)
        )

    async def _checkpoint(self, after: asyncio.Task[None] | None) -> None:
        if after is not None:  # one at a time
            await asyncio.gather(after, return_exceptions=True)
        connection = await self.get_connection()
        try:
            await connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:  # e.g. the disk is full: the next write tries again
            logging.getLogger(__name__).warning("The WAL checkpoint failed: %s", exc)
            connection.stop()
            return
        await self.give_back(connection)

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[object] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> object:
        if not self.pooling or self.get_version_sync() < 3.35:  # older: no RETURNING
            return await super()._run_in_new_connection(query, args, query_type, table)
        connection = await self.get_connection()
        try:
            async with connection.execute(query, args or []) as cursor:
                rows = await cursor.fetchall()
        except BaseException:
            connection.stop()  # closed once what it is doing is done; never used again
            raise
        await self.give_back(connection)
        return rows

    async def _run_in_existing_connection(
        self,
        connection: aiosqlite.Connection,
        query: str,
        args: list[object] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> object:
        """As piccolo's, without the PRAGMA foreign_keys it sends before every query of a
        transaction (a no-op there, as SQLite documents; every connection has it on)."""
        if self.get_version_sync() < 3.35:
            return await super()._run_in_existing_connection(
                connection, query, args, query_type, table
            )
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return _PooledTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


class _PooledTransaction(SQLiteTransaction):
    """A transaction whose connection goes back to the pool (SQLitePool) at the end."""

    engine: SQLitePool

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.engine.get_connection()
        try:
            await self.connection.execute(f"BEGIN {self.transaction_type.value}")
        except BaseException:
            self.connection.stop()  # piccolo's would leave it open (and its thread running)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(
        self,
        exception_type: type[BaseException] | None,
        exception: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception is not None and not self._rolled_back:
                await self.connection.execute("ROLLBACK")
            elif exception is None and not self._committed and not self._rolled_back:
                await self.connection.execute("COMMIT")
        except BaseException:
            self.connection.stop()
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
        await self.engine.give_back(self.connection)
        return exception is None


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


class SQLiteConnection(sqlite3.Connection):
    """Every SQLite connection the engine opens (piccolo_conf.py: `factory=`):

    - It knows movement_fold(text), our fold in SQL (SQLite's own lower() and LIKE know
      A to Z only), so every query can use it.
    - synchronous=NORMAL, SQLite's advice for WAL mode: a commit is not synced to disk
      by itself, the WAL is synced before each checkpoint (SQLitePool.checkpoint_soon:
      within seconds). The database is never corrupted; a crash of the app loses nothing;
      a power cut can lose the writes of the last few seconds. PostgreSQL, the engine for
      production, syncs every commit.
    - Its own WAL checkpoints wait for WAL_PAGES (checkpoint_soon does them sooner), and
      the WAL file is cut back to WAL_KEEP bytes after one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # sqlite3.connect's, passed on
        super().__init__(*args, **kwargs)
        self.create_function("movement_fold", 1, _sqlite_fold, deterministic=True)
        self.execute("PRAGMA synchronous=NORMAL")
        self.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
        self.execute(f"PRAGMA journal_size_limit={WAL_KEEP}")


class _FoldedLikeLiterally(ComparisonOperator):
    # Text in ASCII (length() counts characters, a BLOB's length bytes: the same only in
    # ASCII) is compared as it is: LIKE ignores the case of A to Z, all that folding does to
    # it, and skipping the call to Python on each row makes a search three times quicker.
    template = (
        "(CASE WHEN length(CAST({name} AS BLOB)) = length({name}) THEN {name} "
        "ELSE movement_fold({name}) END) LIKE {value} ESCAPE '\\'"
    )


@cache
def _postgres_operator(indexed: bool = True) -> type[ComparisonOperator]:
    """The same comparison on PostgreSQL, with the fold spelt out in SQL (built once).
    indexed=False: the same comparison in a form no index matches (`|| ''`), so that the
    planner tries rows in another index's order instead (a text most rows hold)."""
    sql = postgres_fold_sql().replace("{col}", "{name}")
    if not indexed:
        sql = f"({sql} || '')"
    return type(
        "_PgFoldedLikeLiterally",
        (ComparisonOperator,),
        {"template": sql + " LIKE {value} ESCAPE '\\'"},
    )


@cache
def postgres_fold_sql() -> str:
    """The fold in PostgreSQL's SQL, built from Python's Unicode tables (the people search's
    trigram indexes are made on this very expression: see schema/piccolo_migrations/
    movement_2026_12_01t12_30_00_000000.py). PostgreSQL's
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


def contains(column: Column, text: str, indexed: bool = True) -> Combinable:
    """A 'contains' that ignores case the same way on both engines, in every alphabet,
    taking the text literally: both the column and the text are folded (see fold), then
    compared with LIKE. The ESCAPE clause is spelt out: SQLite has no escape character
    unless told, PostgreSQL's default happens to be the same one. Folding costs a
    function call a row beyond ASCII; the people search narrows the rows with trigram
    indexes first (server/people/search.py). indexed=False: on PostgreSQL, in a form the
    trigram indexes do not match (for a text most rows hold: server/people/search.py)."""
    operator = _postgres_operator(indexed) if is_postgres() else _FoldedLikeLiterally
    return Where(column=column, value=f"%{literal_pattern(fold(text))}%", operator=operator)
