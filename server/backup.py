"""Backups and restores of the database: `movement backup` and `movement restore`.

SQLite: SQLite's online backup API copies the database page by page in one read
transaction, so the copy is the database as it was at one moment, even while the app goes on
serving and writing (in WAL mode readers never stop the writer). A plain file copy is not
safe: the newest writes may still be in the -wal file, or half written.

PostgreSQL: pg_dump and pg_restore do this better than the app could, so the commands to
use are printed instead (without the password, which pg_dump asks for or finds in
PGPASSWORD or ~/.pgpass).
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from server.settings import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "schema" / "piccolo_migrations"
# Filled by the migrations or by the app on its own: rows here are not someone's data.
NOT_DATA = {"migration", "programme", "course", "topic", "chore"}


class Refused(Exception):
    """Nothing was written; the message says why and what to do."""


def backup_sqlite(database: Path, path: Path) -> int:
    """Copy the database to path (replacing an older backup there); returns its size."""
    if not database.is_file():
        raise Refused(f"There is no database at {database}: nothing to back up.")
    path = _checked_target(database, path)
    partial = path.with_name(f"{path.name}.partial")  # a failed backup leaves no half file
    partial.unlink(missing_ok=True)
    # Everyone's personal data is in it: readable by the app's own user only, from the start.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with closing(_connect(database)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)  # all pages in one step: one consistent moment
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, with no -wal beside it
            _check(copy, "The copy")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


def _checked_target(database: Path, path: Path) -> Path:
    if path.is_dir():
        raise Refused(f"{path} is a folder: give a file name, like {path / 'movement.sqlite'}")
    if not path.parent.is_dir():
        raise Refused(f"There is no folder {path.parent}: make it first, or choose another.")
    live = database.resolve()
    if path.resolve() in {live, Path(f"{live}-wal"), Path(f"{live}-shm")}:
        raise Refused("That is the database itself: choose another file for the backup.")
    return path


def restore_sqlite(path: Path, database: Path, force: bool) -> None:
    """Replace the database with the backup at path, once it is known to be one of ours
    and, unless force, the database holds no data that the restore would lose."""
    if not path.is_file():
        raise Refused(f"There is no file at {path}.")
    if database.exists() and path.resolve() == database.resolve():
        raise Refused("That is the database itself: give the backup's file.")
    with closing(_connect(path, read_only=True)) as backup:
        _check_is_ours(backup, path)
        if database.exists():
            _check_may_replace(database, force)
        database.parent.mkdir(parents=True, exist_ok=True)
        with closing(_connect(database, create=True)) as live:
            backup.backup(live)


def _check_is_ours(backup: sqlite3.Connection, path: Path) -> None:
    """A SQLite file with our migrations table, none of whose migrations are unknown here."""
    not_ours = f"{path} is not a backup of Movement"
    try:
        rows = backup.execute("SELECT name FROM migration WHERE app_name = 'movement'").fetchall()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            raise Refused(f"{not_ours}: it has no Movement tables in it.") from None
        raise Refused(f"{not_ours}: it is not a SQLite database.") from None
    if not rows:
        raise Refused(f"{not_ours}: it has no Movement tables in it.")
    newer = {name for (name,) in rows} - known_migrations()
    if newer:
        raise Refused(
            f"{path} was made by a newer version of Movement, whose database has changes this "
            "version does not know. Restore it with that version (or a newer one)."
        )
    _check(backup, str(path))


def _check_may_replace(database: Path, force: bool) -> None:
    try:
        with closing(_connect(database)) as live:
            held = _data_in(live)
    except sqlite3.DatabaseError:
        raise Refused(
            f"{database} is not a SQLite database: move it away, then restore again."
        ) from None
    if held and not force:
        counts = ", ".join(f"{table}: {count:,}" for table, count in held.items())
        raise Refused(
            f"The database at {database} already has data ({counts}). Restoring would "
            "replace all of it. If that is what you want, back it up first, then run "
            "movement restore again with --force."
        )


def _data_in(connection: sqlite3.Connection) -> dict[str, int]:
    """How many rows each table holds that people put there (the tables with any)."""
    # Ordinary tables only: a full-text index (person_search) and its shadow tables hold
    # nothing of their own.
    ordinary = {row[1] for row in connection.execute("PRAGMA table_list") if row[2] == "table"}
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        if name not in NOT_DATA and name in ordinary
    ]
    counts = {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608 - names from sqlite_master
    return {table: count for table, count in counts.items() if count}


def known_migrations() -> set[str]:
    """The ids of the migrations this version of the app has."""
    found = set()
    for file in MIGRATIONS.glob("*.py"):
        match = re.search(r'^ID = "([^"]+)"', file.read_text(), re.MULTILINE)
        if match:
            found.add(match.group(1))
    return found


def _connect(path: Path, read_only: bool = False, create: bool = False) -> sqlite3.Connection:
    """A connection that never makes a file by mistake (unless create), and waits for the
    app's writer rather than failing with 'database is locked'."""
    mode = "ro" if read_only else "rwc" if create else "rw"
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=30)


def _check(connection: sqlite3.Connection, what: str) -> None:
    result = connection.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise Refused(f"{what} is damaged ({result}); nothing was written.")


def postgres_commands(database_url: str, path: Path) -> tuple[str, str]:
    """The pg_dump command that backs the database up to path, and the pg_restore command
    that puts such a backup into the (new, empty) database of database_url."""
    url = shlex.quote(without_password(database_url))
    file = shlex.quote(str(path))
    dump = f"pg_dump --format=custom --file {file} {url}"
    restore = f"pg_restore --no-owner --single-transaction --exit-on-error --dbname {url} {file}"
    return dump, restore


def without_password(database_url: str) -> str:
    """The URL with its password left out (pg_dump asks for it, or reads PGPASSWORD)."""
    parts = urlsplit(database_url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if not at:
        return database_url
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{hostport}" if user else hostport))


def has_password(database_url: str) -> bool:
    userinfo, at, _ = urlsplit(database_url).netloc.rpartition("@")
    return bool(at) and ":" in userinfo
