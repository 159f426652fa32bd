"""Bulk statements, sent straight to the database driver of the open write transaction.

Piccolo builds a Table object and a query fragment for every value: measured here, 10,000
activities took 4 s of the batch API's time that way, 10,000 people 6 s, and 30,000 audit
events 11 s. These send prepared statements instead. An INSERT goes as multi-row
statements of a few thousand values, or on PostgreSQL takes each column's values as one
array (INSERT ... SELECT FROM unnest); other statements go by the driver's executemany
(one statement prepared once, many rows of parameters). Values go through the drivers' adapters
(asyncpg's, or piccolo's own for SQLite's dates, times and UUIDs). Table and column names come from
the code, never from input; every value is sent as a parameter.

server/lib/records.py (create_many, update_many), server/lib/audit.py, the rollups
(server/totals) and the demo's bulk load use these; other modules do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import TypeVar

import aiosqlite
import asyncpg
from asyncpg.pool import PoolConnectionProxy
from piccolo.engine.sqlite import convert_datetime_in
from piccolo.table import Table

from server.db import engine, is_postgres

MAX_PARAMETERS = 30_000  # both drivers take up to 32,766 parameters in one statement
Values = Sequence[object]  # one row's values, in the order of its columns
T = TypeVar("T")


def once(value: T) -> T | str:
    """A value that many rows share, as the driver stores it, worked out once: on SQLite,
    piccolo's adapter would otherwise turn the same datetime into text for every row."""
    if isinstance(value, datetime) and not is_postgres():
        return convert_datetime_in(value)
    return value


def _connection() -> object:
    """The open write transaction's connection (piccolo's engine types it loosely; see
    _postgres and _sqlite)."""
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("Bulk writes must run inside server.db.write_transaction().")
    return transaction.connection


def postgres_connection() -> asyncpg.Connection | PoolConnectionProxy:
    """The write transaction's connection on PostgreSQL: asyncpg's, or the pool's proxy of
    one. asyncpg ships no type information (the asyncpg-stubs package has it), so mypy
    checks nothing of what is done with it yet."""
    connection = _connection()
    if not isinstance(connection, asyncpg.Connection | PoolConnectionProxy):
        raise TypeError(f"Expected an asyncpg connection, not {type(connection).__name__}.")
    return connection


def sqlite_connection() -> aiosqlite.Connection:
    """The write transaction's connection on SQLite: piccolo's engine opens aiosqlite's."""
    connection = _connection()
    if not isinstance(connection, aiosqlite.Connection):
        raise TypeError(f"Expected an aiosqlite connection, not {type(connection).__name__}.")
    return connection


def _id(value: object) -> int:
    """An id as either driver gives it back: an integer."""
    if not isinstance(value, int):
        raise TypeError(f"Expected an id, not {type(value).__name__}.")
    return value


@lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    """SQLite's ? placeholders as PostgreSQL's $1, $2, ... (none of our SQL quotes a ?)."""
    count = iter(range(1, 1_000_000))
    return re.sub(r"\?", lambda _: f"${next(count)}", sql)


_ONE_ROW_INSERT = re.compile(r"(INSERT INTO .+? VALUES )(\([?, ]+\))(.*)", re.DOTALL)


def _names(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


async def execute_many(sql: str, rows: Sequence[Values]) -> int:
    """One statement (written with ? placeholders), prepared once, for many rows; on
    SQLite, how many rows it changed (-1 on PostgreSQL: asyncpg does not say). An INSERT
    goes as multi-row statements instead, a few thousand rows each (_insert_many)."""
    if not rows:
        return 0
    insert = _ONE_ROW_INSERT.fullmatch(sql)
    if insert is not None:
        return await _insert_many(insert, rows)
    if is_postgres():
        await postgres_connection().executemany(_numbered(sql), rows)
        return -1
    cursor = await sqlite_connection().executemany(sql, rows)
    count = int(cursor.rowcount)
    await cursor.close()
    return count


async def _insert_many(insert: re.Match[str], rows: Sequence[Values]) -> int:
    """A one-row INSERT sent as multi-row statements. On PostgreSQL, asyncpg's
    executemany costs about a round trip a row. On SQLite, a table with a trigger that
    writes to an FTS5 table (person, for the people search) pays that table's own work
    once per statement: 7,385 people took 0.40 s of CPU one statement a row and 0.17 s
    in statements of 370 rows (measured); other tables took the same time either way."""
    head, group, tail = insert.groups()
    per = max(1, MAX_PARAMETERS // group.count("?"))
    changed = 0
    for start in range(0, len(rows), per):
        part = rows[start : start + per]
        many = head + ", ".join(group for _ in part) + tail
        values = [v for row in part for v in row]
        if is_postgres():
            await postgres_connection().execute(_numbered(many), *values)
            continue
        cursor = await sqlite_connection().execute(many, values)
        changed += int(cursor.rowcount)
        await cursor.close()
    return -1 if is_postgres() else changed


async def fetch(sql: str, values: Values) -> list[tuple[object, ...]]:
    """The rows of one statement (written with ? placeholders), as tuples."""
    if is_postgres():
        return [tuple(r) for r in await postgres_connection().fetch(_numbered(sql), *values)]
    cursor = await sqlite_connection().execute(sql, values)
    found = await cursor.fetchall()
    await cursor.close()
    # piccolo's SQLite connections give rows as dicts
    return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in found]


def insert_sql(table: type[Table], columns: Sequence[str]) -> str:
    """INSERT of one row, for execute_many."""
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table._meta.tablename}" ({_names(columns)}) VALUES ({marks})'  # noqa: S608


async def insert_new(
    table: type[Table],
    columns: Sequence[str],
    rows: Sequence[Values],
    skip_on: int | None = None,
) -> list[int | None]:
    """Insert rows (values in the order of `columns`); their new ids, in the same order.
    With skip_on (the index in `columns` of a unique column), a row whose value is already
    saved, or came earlier in `rows`, is skipped: its id is None."""
    if is_postgres():
        return await _insert_postgres(table, columns, rows, skip_on)
    return await _insert_sqlite(table, columns, rows, skip_on)


async def _insert_postgres(
    table: type[Table], columns: Sequence[str], rows: Sequence[Values], skip_on: int | None
) -> list[int | None]:
    """One INSERT ... SELECT FROM unnest(arrays) ... RETURNING: each column's values go as
    one array parameter, so the statement is the same whatever the number of rows (asyncpg
    prepares it once) and the values travel in binary. With skip_on, ON CONFLICT DO
    NOTHING, which is right however many transactions send the same value at once."""
    key = None if skip_on is None else columns[skip_on]
    conflict = f' ON CONFLICT ("{key}") DO NOTHING' if key else ""
    back = f'id, "{key}"' if key else "id"
    sql = await _unnest_insert(table, columns) + f"{conflict} RETURNING {back}"
    saved = [tuple(r) for r in await postgres_connection().fetch(sql, *_by_column(columns, rows))]
    if skip_on is None:
        return [_id(r[0]) for r in saved]  # in the order of the arrays, as unnest reads them
    return _ids_by_value(rows, saved, skip_on)


async def insert(table: type[Table], columns: Sequence[str], rows: Sequence[Values]) -> None:
    """Insert rows (values in the order of `columns`) whose ids are not needed back."""
    if not rows:
        return
    if is_postgres():
        sql = await _unnest_insert(table, columns)
        await postgres_connection().execute(sql, *_by_column(columns, rows))
    else:
        await execute_many(insert_sql(table, columns), rows)


def _by_column(columns: Sequence[str], rows: Sequence[Values]) -> list[list[object]]:
    return [list(values) for values in zip(*rows, strict=True)] if rows else [[] for _ in columns]


_TYPES: dict[str, dict[str, str]] = {}  # table: {column: its type in PostgreSQL}


async def _unnest_insert(table: type[Table], columns: Sequence[str]) -> str:
    """INSERT INTO table (columns) SELECT * FROM unnest($1::type[], ...), each column's
    array cast to the column's own type (read from the database once per process)."""
    name = table._meta.tablename
    if name not in _TYPES:
        found = await postgres_connection().fetch(
            "SELECT column_name, udt_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = $1",
            name,
        )
        _TYPES[name] = {r["column_name"]: r["udt_name"] for r in found}
    arrays = ", ".join(f"${n}::{_TYPES[name][c]}[]" for n, c in enumerate(columns, 1))
    return f'INSERT INTO "{name}" ({_names(columns)}) SELECT * FROM unnest({arrays})'  # noqa: S608


async def _insert_sqlite(
    table: type[Table], columns: Sequence[str], rows: Sequence[Values], skip_on: int | None
) -> list[int | None]:
    """One prepared INSERT for all the rows (executemany; with skip_on, ON CONFLICT DO
    NOTHING). The write transaction holds SQLite's only write lock (BEGIN IMMEDIATE), so
    every id above the highest one before is one of these rows, in the order inserted."""
    name = table._meta.tablename
    top = f'SELECT COALESCE(MAX(id), 0) FROM "{name}"'  # noqa: S608
    before = _id((await fetch(top, []))[0][0])
    key = None if skip_on is None else columns[skip_on]
    conflict = f' ON CONFLICT ("{key}") DO NOTHING' if key else ""
    inserted = await execute_many(insert_sql(table, columns) + conflict, rows)
    after = _id((await fetch(top, []))[0][0])
    if inserted == len(rows) == after - before:
        return list(range(before + 1, after + 1))  # the usual case: all new, no gaps
    back = f'id, "{key}"' if key else "id"
    sql = f'SELECT {back} FROM "{name}" WHERE id > ? ORDER BY id'  # noqa: S608
    saved = await fetch(sql, [before])
    if skip_on is None:
        return [_id(r[0]) for r in saved]
    return _ids_by_value(rows, saved, skip_on)


def _ids_by_value(
    rows: Sequence[Values], saved: list[tuple[object, ...]], skip_on: int
) -> list[int | None]:
    """Each row's new id, matched on its unique value (None: not inserted). A value sent
    twice is saved once, by the first row that has it."""
    by_value = {str(value): _id(row_id) for row_id, value in saved}
    return [by_value.pop(str(row[skip_on]), None) for row in rows]


async def update(table: type[Table], changes: Iterable[tuple[int, Mapping[str, object]]]) -> None:
    """Set some columns of some rows by id: one prepared statement per set of columns."""
    by_columns: dict[tuple[str, ...], list[list[object]]] = {}
    for row_id, values in changes:
        columns = tuple(sorted(values))
        by_columns.setdefault(columns, []).append([*(values[c] for c in columns), row_id])
    name = table._meta.tablename
    for columns, rows in by_columns.items():
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        await execute_many(f'UPDATE "{name}" SET {sets} WHERE id = ?', rows)  # noqa: S608
