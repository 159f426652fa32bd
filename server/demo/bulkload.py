"""The demo loader's bulk paths, all inside its one write transaction.

- Rows go by COPY on PostgreSQL (asyncpg's copy_records_to_table, binary, on the
  transaction's connection) and by one prepared INSERT run for many rows (executemany) on
  SQLite.
- Ids are worked out in advance (next_id), so that rows pointing to people and activities
  need nothing read back.
- The activity tables' secondary indexes (and on PostgreSQL their foreign keys and unique
  constraints, all but the primary key) are dropped for the load and made again after it
  (drop_secondary, put_back): building an index from millions of rows at once is far
  quicker than keeping it in step row by row, and checking a foreign key once for the
  whole table quicker than once a row. It is one transaction: a load that fails part way
  leaves the database as it was, indexes and all.

Table and column names come from the code, never from input.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import cache

from server.db import is_postgres
from server.lib.bulk import postgres_connection, sqlite_connection
from server.lib.rows import whole

Row = Sequence[object]
# SQLite's page cache while the activities are written (in KiB; a negative cache_size is
# KiB): their client id index takes a page from anywhere in it for each new random UUID.
SQLITE_CACHE_KIB = 256 * 1024
# ... and after them, while the totals are summed and the indexes built: SQLite's sorter
# takes as much memory again as the page cache may hold, so the two would add up.
SQLITE_SORT_CACHE_KIB = 64 * 1024


@cache
def _insert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608


async def send(table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Insert the rows (values in the order of `columns`, as values.py makes them)."""
    if not rows:
        return
    if is_postgres():
        connection = postgres_connection()
        await connection.copy_records_to_table(table, records=rows, columns=list(columns))
    else:
        cursor = await sqlite_connection().executemany(_insert(table, tuple(columns)), rows)
        await cursor.close()


async def execute(sql: str) -> None:
    """A statement with no parameters and no answer (DDL, settings)."""
    if is_postgres():
        await postgres_connection().execute(sql)
    else:
        await (await sqlite_connection().execute(sql)).close()


async def _rows(sql: str, *values: object) -> list[tuple[object, ...]]:
    """The rows of a query with at most one parameter (written ?)."""
    if is_postgres():
        found_rows = await postgres_connection().fetch(sql.replace("?", "$1"), *values)
        return [tuple(r) for r in found_rows]
    cursor = await sqlite_connection().execute(sql, values)
    found = await cursor.fetchall()
    await cursor.close()
    return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in found]


async def lock(table: str) -> None:
    """On PostgreSQL, keep other writers of this table waiting until the transaction ends
    (readers go on); SQLite's write transaction holds the only write lock already."""
    if is_postgres():
        await execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')


async def next_id(table: str) -> int:
    """The id the next row of this table gets, for rows written with ids of their own;
    call used_ids with the last one. On PostgreSQL the table is locked against other
    writers until the transaction ends, so that none takes one of these ids (SQLite's
    write transaction holds the only write lock already). Ids of deleted rows are never
    given again, as the table's own ids are not."""
    await lock(table)
    if is_postgres():
        found = await _rows(f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id'))")
        return whole(found[0][0])
    top = await _rows(
        f"SELECT COALESCE(MAX(id), 0), (SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence "  # noqa: S608
        f'WHERE name = ?) FROM "{table}"',
        table,
    )
    return max(whole(top[0][0]), whole(top[0][1])) + 1


async def used_ids(table: str, last: int) -> None:
    """The ids up to `last` are taken (PostgreSQL's sequence moves on; SQLite's moves by
    itself)."""
    if is_postgres():
        await _rows(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), {int(last)})")


async def drop_secondary(table: str) -> list[str]:
    """Drop the table's indexes other than its primary key's (and, on PostgreSQL, its
    foreign keys and the unique constraints no foreign key depends on); the statements
    that make them again, for put_back."""
    if not is_postgres():
        found = await _rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name",
            table,
        )
        for name, _sql in found:
            await execute(f'DROP INDEX "{name}"')
        return [str(sql) for _name, sql in found]
    indexes = await _rows(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = ?::regclass "
        "AND NOT x.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
        f'"{table}"',
    )
    constraints = await _rows(
        "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = ?::regclass AND c.contype IN ('f', 'u') AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid "
        "AND c.contype = 'u') ORDER BY c.contype DESC, c.conname",
        f'"{table}"',
    )
    for name, _sql in indexes:
        await execute(f'DROP INDEX "{name}"')
    for name, _sql in constraints:
        await execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    return [str(sql) for _name, sql in indexes] + [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {sql}' for name, sql in constraints
    ]


async def put_back(statements: Sequence[str]) -> None:
    """Make again what drop_secondary dropped."""
    for sql in statements:
        await execute(sql)


async def smaller_cache() -> None:
    """SQLite: a smaller page cache from now on (see SQLITE_SORT_CACHE_KIB), and the pages
    it no longer needs given back."""
    if not is_postgres():
        await execute(f"PRAGMA cache_size = -{SQLITE_SORT_CACHE_KIB}")
        await execute("PRAGMA shrink_memory")


@asynccontextmanager
async def settings() -> AsyncIterator[None]:
    """Settings for a bulk load, for this transaction only. PostgreSQL: more memory for
    building indexes and for the totals' sums (the server's, per operation). SQLite: a
    bigger page cache (this process's), given back after."""
    if is_postgres():
        for setting in ("maintenance_work_mem = '256MB'", "work_mem = '64MB'"):
            await execute(f"SET LOCAL {setting}")
        yield
        return
    before = await _rows("PRAGMA cache_size")
    await execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        await execute(f"PRAGMA cache_size = {whole(before[0][0])}")
