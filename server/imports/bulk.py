"""Bulk writes for the import, through the database driver of the open write transaction.

Piccolo builds a Table object and a query fragment for every value: measured here, 10,000
people took 6 s that way, and 30,000 audit events through server.lib.audit.record_many
11 s, far over the import's 10-second goal. One multi-row INSERT per few thousand values,
sent straight to the driver (asyncpg or aiosqlite, with piccolo's own SQLite adapters for
dates and times), does the same work in a fraction of that. Table and column names come
from the code, never from the file; every value is sent as a parameter.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from piccolo.table import Table

from schema.tables import AuditEvent
from server.db import engine, is_postgres

MAX_PARAMETERS = 30_000  # both drivers take up to 32,766 parameters in one statement


def _connection() -> Any:
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("Bulk writes must run inside server.db.write_transaction().")
    return transaction.connection


def _sql(table: type[Table], columns: Sequence[str], rows: int, returning: bool) -> str:
    width = len(columns)
    if is_postgres():
        groups = (
            "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")"
            for r in range(rows)
        )
    else:
        groups = ("(" + ", ".join("?" for _ in columns) + ")" for _ in range(rows))
    names = ", ".join(f'"{c}"' for c in columns)
    end = " RETURNING id" if returning else ""
    table_name = table._meta.tablename
    return f'INSERT INTO "{table_name}" ({names}) VALUES {", ".join(groups)}{end}'  # noqa: S608


async def _run(sql: str, values: list[Any], returning: bool) -> list[int]:
    connection = _connection()
    if is_postgres():
        records = await connection.fetch(sql, *values)
        return [int(r["id"]) for r in records] if returning else []
    cursor = await connection.execute(sql, values)
    found = await cursor.fetchall()
    await cursor.close()
    # piccolo's connections give rows as dicts
    return [int(r["id"] if isinstance(r, dict) else r[0]) for r in found] if returning else []


async def insert(
    table: type[Table], columns: Sequence[str], rows: Sequence[Sequence[Any]], returning: bool
) -> list[int]:
    """Insert rows (values in the order of `columns`); their new ids, in the same order,
    when `returning` (both engines return a VALUES list's rows in order)."""
    per = max(1, MAX_PARAMETERS // max(1, len(columns)))
    ids: list[int] = []
    for start in range(0, len(rows), per):
        part = rows[start : start + per]
        values = [value for row in part for value in row]
        ids += await _run(_sql(table, columns, len(part), returning), values, returning)
    return ids


async def update(table: type[Table], changes: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
    """Set some columns of some rows by id: one prepared statement per set of columns."""
    by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
    for row_id, values in changes:
        columns = tuple(sorted(values))
        by_columns.setdefault(columns, []).append([*(values[c] for c in columns), row_id])
    connection = _connection()
    name = table._meta.tablename
    for columns, rows in by_columns.items():
        if is_postgres():
            sets = ", ".join(f'"{c}" = ${i + 1}' for i, c in enumerate(columns))
            await connection.executemany(
                f'UPDATE "{name}" SET {sets} WHERE id = ${len(columns) + 1}',  # noqa: S608
                rows,
            )
        else:
            sets = ", ".join(f'"{c}" = ?' for c in columns)
            sql = f'UPDATE "{name}" SET {sets} WHERE id = ?'  # noqa: S608
            await connection.executemany(sql, rows)


async def audit(
    account_id: int | None, action: str, record_type: str, events: list[tuple[int, Any]]
) -> None:
    """The same audit events as server.lib.audit.record_many writes (the `changes` made by
    server.lib.audit.changes, so personal values are named, never copied), in bulk."""
    now = datetime.now(UTC)
    rows = [
        (now, account_id, action, record_type, record_id, json.dumps(dict(what)))
        for record_id, what in events
    ]
    columns = ("at", "account", "action", "record_type", "record_id", "changes")
    await insert(AuditEvent, columns, rows, returning=False)
