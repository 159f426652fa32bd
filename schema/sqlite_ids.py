"""SQLite ids that are never used twice.

SQLite's `INTEGER PRIMARY KEY` gives a new row the highest id in use plus one, so after the
newest row is deleted its id comes back for the next row: an old audit event would then
point at a new person. Only `AUTOINCREMENT` never hands an id out twice. Piccolo does not
write AUTOINCREMENT, and SQLite cannot add it to an existing table, so each table without
it is rebuilt with SQLite's own procedure (https://www.sqlite.org/lang_altertable.html,
"Making Other Kinds Of Table Schema Changes"): foreign keys off, a new table with the same
columns and constraints, the rows copied, the old table dropped, the new one renamed, the
indexes and triggers made again, the sequence set to the highest id, foreign keys checked.

PostgreSQL's sequences never hand an id out twice already: there this does nothing.

Any migration that creates a table calls `use_autoincrement()` after creating it (the
function finds the tables itself; tables that already have AUTOINCREMENT are left alone).
"""

from __future__ import annotations

import re
from typing import Any

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine


class RebuildFailed(Exception):
    """The rebuilt tables would break a foreign key: nothing was changed."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _rows(db: aiosqlite.Connection, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    async with db.execute(sql, args) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def tables_without_autoincrement(db: aiosqlite.Connection) -> list[str]:
    """The tables whose id is a plain INTEGER PRIMARY KEY (one that can be used again)."""
    out = []
    # Only ordinary tables: a full-text index (a virtual table, such as person_search) keeps
    # its own shadow tables, which only it may change.
    ordinary = {row[1] for row in await _rows(db, "PRAGMA table_list") if row[2] == "table"}
    for name, sql in await _rows(
        db,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    ):
        if name not in ordinary:
            continue
        if await _integer_key(db, name) and "AUTOINCREMENT" not in sql.upper():
            out.append(name)
    return out


async def _integer_key(db: aiosqlite.Connection, table: str) -> str | None:
    """The table's one-column INTEGER primary key (its rowid), if it has one."""
    columns = await _rows(db, f"PRAGMA table_info({_quote(table)})")
    keys = [c for c in columns if c[5]]  # (cid, name, type, notnull, default, pk)
    if len(keys) == 1 and str(keys[0][2]).upper() == "INTEGER":
        return str(keys[0][1])
    return None


def _with_autoincrement(create_sql: str, table: str, new_name: str, key: str) -> str:
    """The table's CREATE statement for new_name, its key marked AUTOINCREMENT."""
    head = re.match(r'\s*CREATE\s+TABLE\s+(?:"(?:[^"]|"")+"|\S+)', create_sql, re.IGNORECASE)
    if head is None:
        raise RebuildFailed(f"Cannot read the CREATE statement of {table}.")
    sql = f"CREATE TABLE {_quote(new_name)}{create_sql[head.end() :]}"
    name = rf'(?:"{re.escape(key)}"|`{re.escape(key)}`|\[{re.escape(key)}\]|\b{re.escape(key)}\b)'
    pattern = rf"({name}\s+INTEGER\s+PRIMARY\s+KEY(?:\s+(?:ASC|DESC))?)"
    sql, found = re.subn(pattern, r"\1 AUTOINCREMENT", sql, count=1, flags=re.IGNORECASE)
    if not found:
        raise RebuildFailed(
            f"Cannot find the primary key {key} in the CREATE statement of {table}."
        )
    return sql


async def _rebuild(db: aiosqlite.Connection, table: str) -> None:
    """Steps 4 to 10 of SQLite's procedure for one table, inside the caller's transaction."""
    key = await _integer_key(db, table)
    assert key is not None
    (create_sql,) = (await _rows(db, "SELECT sql FROM sqlite_master WHERE name = ?", table))[0]
    # Indexes and triggers go with the dropped table: keep their statements to make them
    # again. The automatic indexes of UNIQUE constraints (no sql) come back with the table.
    others = await _rows(
        db,
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL",
        table,
    )
    new_name = f"_new_{table}"
    await db.execute(_with_autoincrement(create_sql, table, new_name, key))
    columns = ", ".join(
        _quote(c[1]) for c in await _rows(db, f"PRAGMA table_info({_quote(table)})")
    )
    # Names only from the schema itself, never from input.
    copy = f"INSERT INTO {_quote(new_name)} ({columns}) SELECT {columns} FROM {_quote(table)}"  # noqa: S608
    await db.execute(copy)
    await db.execute(f"DROP TABLE {_quote(table)}")
    await db.execute(f"ALTER TABLE {_quote(new_name)} RENAME TO {_quote(table)}")
    for (sql,) in others:
        await db.execute(sql)
    # The next id: one more than the highest in use (copying set it already; made sure).
    await db.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
    highest = f"SELECT ?, COALESCE(MAX({_quote(key)}), 0) FROM {_quote(table)}"  # noqa: S608
    await db.execute(f"INSERT INTO sqlite_sequence (name, seq) {highest}", (table,))


async def use_autoincrement(engine: Engine[Any]) -> list[str]:
    """On SQLite, rebuild every table whose id lacks AUTOINCREMENT, keeping its rows,
    indexes, unique constraints and foreign keys; returns the tables rebuilt. All tables
    change in one transaction, or none do. On other engines: nothing to do."""
    if not isinstance(engine, SQLiteEngine):
        return []
    kwargs = {**engine.connection_kwargs, "isolation_level": None}  # BEGIN/COMMIT by hand
    async with aiosqlite.connect(**kwargs) as db:
        # Off outside the transaction (SQLite ignores it inside one), so that dropping a
        # table that others refer to neither fails nor cascades.
        await db.execute("PRAGMA foreign_keys = OFF")
        try:
            await db.execute("BEGIN IMMEDIATE")
            broken_before = set(await _rows(db, "PRAGMA foreign_key_check"))
            tables = await tables_without_autoincrement(db)
            for table in tables:
                await _rebuild(db, table)
            broken = set(await _rows(db, "PRAGMA foreign_key_check")) - broken_before
            if broken:
                raise RebuildFailed(f"Foreign keys would break: {sorted(broken)[:5]}")
            await db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
        finally:
            await db.execute("PRAGMA foreign_keys = ON")
    return tables
