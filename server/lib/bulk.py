"""Bulk statements, sent straight to the database driver of the open write transaction.

Piccolo builds a Table object and a query fragment for every value: measured here, 10,000
activities took 4 s of the batch API's time that way, 10,000 people 6 s, and 30,000 audit
events 11 s. These send prepared statements instead: executemany (one statement prepared
once, many rows of parameters) where no ids are needed back, and one multi-row INSERT per
few thousand values where they are. Values go through the drivers' adapters (asyncpg's,
or piccolo's own for SQLite's dates, times and UUIDs). Table and column names come from
the code, never from input; every value is sent as a parameter.

server/lib/records.py (create_many, update_many) and server/lib/audit.py use these; other
modules do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from piccolo.table import Table

from server.db import engine, is_postgres

MAX_PARAMETERS = 30_000  # both drivers take up to 32,766 parameters in one statement
Values = Sequence[Any]


def _connection() -> Any:
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("Bulk writes must run inside server.db.write_transaction().")
    return transaction.connection


def _numbered(sql: str) -> str:
    """SQLite's ? placeholders as PostgreSQL's $1, $2, ... (none of our SQL quotes a ?)."""
    count = iter(range(1, 1_000_000))
    return re.sub(r"\?", lambda _: f"${next(count)}", sql)


def _names(columns: Iterable[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


async def execute_many(sql: str, rows: Sequence[Values]) -> None:
    """One statement (written with ? placeholders), prepared once, for many rows."""
    if not rows:
        return
    connection = _connection()
    if is_postgres():
        await connection.executemany(_numbered(sql), rows)
    else:
        await connection.executemany(sql, rows)


async def fetch(sql: str, values: Values) -> list[tuple[Any, ...]]:
    """The rows of one statement (written with ? placeholders), as tuples."""
    connection = _connection()
    if is_postgres():
        return [tuple(r) for r in await connection.fetch(_numbered(sql), *values)]
    cursor = await connection.execute(sql, values)
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
    """Multi-row INSERTs ... RETURNING; with skip_on, ON CONFLICT DO NOTHING, which is
    right however many transactions send the same value at once."""
    per = max(1, MAX_PARAMETERS // max(1, len(columns)))
    group = "(" + ", ".join("?" for _ in columns) + ")"
    key = None if skip_on is None else columns[skip_on]
    conflict = f' ON CONFLICT ("{key}") DO NOTHING' if key else ""
    back = f'id, "{key}"' if key else "id"
    saved: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), per):
        part = rows[start : start + per]
        sql = (
            f'INSERT INTO "{table._meta.tablename}" ({_names(columns)}) '  # noqa: S608
            f"VALUES {', '.join(group for _ in part)}{conflict} RETURNING {back}"
        )
        saved += await fetch(sql, [value for row in part for value in row])
    if skip_on is None:
        return [int(r[0]) for r in saved]
    by_value = {str(value): int(row_id) for row_id, value in saved}
    return [by_value.pop(str(row[skip_on]), None) for row in rows]


async def _insert_sqlite(
    table: type[Table], columns: Sequence[str], rows: Sequence[Values], skip_on: int | None
) -> list[int | None]:
    """One prepared INSERT for all the rows (executemany). The write transaction holds
    SQLite's only write lock (BEGIN IMMEDIATE), so no one else can insert meanwhile: the
    values already saved are looked up first, and the new rows' ids are consecutive,
    ending at last_insert_rowid() (every table's id is AUTOINCREMENT: schema/sqlite_ids.py)."""
    keep = [True] * len(rows)
    if skip_on is not None:
        seen = await _existing(table, columns[skip_on], [row[skip_on] for row in rows])
        for n, row in enumerate(rows):
            value = str(row[skip_on])
            keep[n] = value not in seen
            seen.add(value)
    new = [row for row, wanted in zip(rows, keep, strict=True) if wanted]
    if not new:
        return [None] * len(rows)
    await execute_many(insert_sql(table, columns), new)
    last = int((await fetch("SELECT last_insert_rowid()", []))[0][0])
    ids = iter(range(last - len(new) + 1, last + 1))
    return [next(ids) if wanted else None for wanted in keep]


async def _existing(table: type[Table], column: str, values: list[Any]) -> set[str]:
    """Which of these values the column already holds (as text), one query per chunk."""
    found: set[str] = set()
    for start in range(0, len(values), MAX_PARAMETERS):
        part = values[start : start + MAX_PARAMETERS]
        marks = ", ".join("?" for _ in part)
        sql = f'SELECT "{column}" FROM "{table._meta.tablename}" WHERE "{column}" IN ({marks})'  # noqa: S608
        found.update(str(r[0]) for r in await fetch(sql, part))
    return found


async def update(table: type[Table], changes: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
    """Set some columns of some rows by id: one prepared statement per set of columns."""
    by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
    for row_id, values in changes:
        columns = tuple(sorted(values))
        by_columns.setdefault(columns, []).append([*(values[c] for c in columns), row_id])
    name = table._meta.tablename
    for columns, rows in by_columns.items():
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        await execute_many(f'UPDATE "{name}" SET {sets} WHERE id = ?', rows)  # noqa: S608
