"""Backups and restores, done as a person would: `movement backup` while the app serves and
records activities, `movement restore` into a new database, then the restored app asked
from outside. On PostgreSQL the printed pg_dump and pg_restore commands are run."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shlex
import shutil
import sqlite3
import subprocess
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.environment import ENGINE, PG_NAME, PG_SERVER
from tests.environment import pg_admin as _pg_admin
from tests.helpers.browser import ARTIFACTS, start_server
from tests.helpers.cli import BIN


def sqlite_site(folder: Path, name: str) -> dict[str, str]:
    """The settings of a deployment on its own SQLite file."""
    return {**os.environ, "DATA_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / name}"}


def movement(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def ok(env: dict[str, str], *args: str) -> str:
    done = movement(env, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def served(env: dict[str, str], log: str):
    """`movement serve` on that deployment's database; yields its base address."""
    ARTIFACTS.mkdir(exist_ok=True)
    names = ("DATA_DIR", "DATABASE_URL")
    server, base = start_server(
        1, log_name=log, SMTP_HOST="", TOTALS_CACHE_SECONDS="0", **{n: env[n] for n in names}
    )
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def rows(database: Path) -> dict[str, set[tuple[object, ...]]]:
    """Every row of every table of a SQLite file."""
    with closing(sqlite3.connect(database)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: set(db.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}  # noqa: S608


def counted(totals: dict) -> tuple[int, int, float]:
    return totals["reach"], totals["activities"], totals["hours"]


# SQLite -------------------------------------------------------------------------------


@pytest.mark.slow
async def test_a_backup_made_while_activities_are_written_restores_every_record(tmp_path):
    live = sqlite_site(tmp_path, "live.sqlite")
    ok(live, "migrate")
    ok(live, "demo", "--scale", "0.01")
    ok(live, "create-user", "coord@example.org", "--role", "coordinator", "--name", "Cora")
    ok(live, "cleanup")  # so that the app's own hourly clean-up is not due while we look
    token = ok(live, "token", "coord@example.org").strip()
    auth = {"authorization": f"Bearer {token}"}
    written: list[tuple[str, int]] = []  # (client_id, people reached), in the order answered

    with served(live, "backup-live.log") as base:
        async with httpx.AsyncClient(base_url=base, headers=auth, timeout=30) as api:
            before = (await api.get("/api/totals")).json()
            some = (await api.get("/api/activities?per_page=1&programme=health-champions")).json()
            person = some["items"][0]["person"]
            stop, enough = asyncio.Event(), asyncio.Event()

            async def write() -> None:
                n = 0
                while not stop.is_set():
                    n += 1
                    body = {
                        "client_id": str(uuid.uuid4()),
                        "person": person,
                        "programme": "health-champions",
                        "kind": "conversation",
                        "occurred_on": some["items"][0]["occurred_on"],
                        "people_reached": 1 + n % 9,
                        "minutes": 60,
                    }
                    answer = await api.post("/api/activities", json=body)
                    assert answer.status_code == 201, answer.text
                    written.append((body["client_id"], body["people_reached"]))
                    if len(written) >= 20:
                        enough.set()

            # Another reader in the middle of a read, as on a busy server: the newest writes
            # then stay in the -wal file, where a plain copy of the database file misses them.
            reader = sqlite3.connect(tmp_path / "live.sqlite", isolation_level=None)
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM activity").fetchone()
            writer = asyncio.create_task(write())
            waiting = asyncio.ensure_future(enough.wait())
            await asyncio.wait({writer, waiting}, return_when=asyncio.FIRST_COMPLETED, timeout=60)
            waiting.cancel()
            assert not writer.done(), writer.exception()
            answered_before = len(written)
            backup = await asyncio.create_subprocess_exec(
                str(BIN), "backup", str(tmp_path / "backup.sqlite"), env=live,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, err = await backup.communicate()
            answered_during = len(written) - answered_before
            reader.close()
            await asyncio.sleep(0.2)  # a few more after it
            stop.set()
            await writer
    assert backup.returncode == 0, err.decode()
    assert "Backed up" in out.decode()
    assert answered_during > 0, "no activity was written while the backup ran"

    restored = sqlite_site(tmp_path, "restored.sqlite")
    assert "Restored" in ok(restored, "restore", str(tmp_path / "backup.sqlite"))

    old, new = rows(tmp_path / "live.sqlite"), rows(tmp_path / "restored.sqlite")
    mine = dict(written)
    kept = {row[1]: row for row in new["activity"]}  # by client_id (the second column)
    in_backup = [cid for cid in kept if cid in mine]
    # Every activity answered before the backup began is in it; none is there half-written.
    assert {cid for cid, _ in written[:answered_before]} <= set(in_backup)
    assert new["activity"] <= old["activity"]
    later = {row[0] for row in old["activity"] - new["activity"]}  # ids written after it
    assert all(row[1] in mine for row in old["activity"] - new["activity"])
    assert {e for e in old["audit_event"] - new["audit_event"]} == {
        e for e in old["audit_event"] if e[5] in later and e[4] == "activity"
    }
    assert new["audit_event"] <= old["audit_event"]
    skip = {"activity", "audit_event", "chore", "api_token"}
    skip |= {"activity_daily", "activity_monthly", "activity_facet_daily", "activity_facet_monthly"}
    for table in old.keys() - skip:
        assert new[table] == old[table], f"{table} differs"
    unused = {r[:5] + r[6:] for r in old["api_token"]}  # all but when it was last used
    assert {r[:5] + r[6:] for r in new["api_token"]} == unused

    # The restored app finds the same numbers: those before, plus what the backup caught.
    with served(restored, "backup-restored.log") as base:
        async with httpx.AsyncClient(base_url=base, headers=auth, timeout=30) as api:
            totals = (await api.get("/api/totals")).json()
            last = kept[in_backup[-1]]
            found = (await api.get(f"/api/activities/{last[0]}")).json()
    reach, activities, hours = counted(before)
    caught = [mine[cid] for cid in in_backup]
    assert counted(totals) == (  # type: ignore[comparison-overlap]
        reach + sum(caught),
        activities + len(caught),
        pytest.approx(hours + len(caught)),
    )
    assert found["client_id"] == last[1] and found["people_reached"] == mine[last[1]]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_restore_keeps_a_database_that_has_data_unless_forced(tmp_path):
    live = sqlite_site(tmp_path, "live.sqlite")
    ok(live, "migrate")
    ok(live, "demo", "--scale", "0.01")
    ok(live, "backup", str(tmp_path / "backup.sqlite"))
    ok(live, "create-user", "new@example.org", "--role", "champion", "--name", "Nia")
    unchanged = digest(tmp_path / "live.sqlite")

    refused = movement(live, "restore", str(tmp_path / "backup.sqlite"))
    assert refused.returncode == 1
    assert "already has data" in refused.stderr and "--force" in refused.stderr
    assert "person: 35" in refused.stderr  # the demo's 34, and Nia
    assert digest(tmp_path / "live.sqlite") == unchanged

    # A database just made by `movement migrate` holds nothing of anyone's: no --force needed.
    empty = sqlite_site(tmp_path, "empty.sqlite")
    ok(empty, "migrate")
    ok(empty, "restore", str(tmp_path / "backup.sqlite"))
    assert rows(tmp_path / "empty.sqlite")["person"] == rows(tmp_path / "backup.sqlite")["person"]

    ok(live, "restore", "--force", str(tmp_path / "backup.sqlite"))
    with closing(sqlite3.connect(tmp_path / "live.sqlite")) as db:
        nia = db.execute("SELECT count(*) FROM account WHERE email = 'new@example.org'")
        assert nia.fetchone()[0] == 0


def test_restore_refuses_a_file_that_is_not_a_movement_backup(tmp_path):
    live = sqlite_site(tmp_path, "live.sqlite")
    ok(live, "migrate")
    ok(live, "backup", str(tmp_path / "backup.sqlite"))
    (tmp_path / "notes.txt").write_text("not a database at all\n" * 100)
    (tmp_path / "empty.sqlite").touch()
    with closing(sqlite3.connect(tmp_path / "other.sqlite")) as other:
        other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        other.execute("INSERT INTO photos (name) VALUES ('cat')")
        other.commit()
    shutil.copy(tmp_path / "backup.sqlite", tmp_path / "newer.sqlite")
    with closing(sqlite3.connect(tmp_path / "newer.sqlite")) as newer:
        newer.execute(
            "INSERT INTO migration (name, app_name, ran_on) "
            "VALUES ('2099-01-01T00:00:00:000000', 'movement', '2099-01-01')"
        )
        newer.commit()
    target = sqlite_site(tmp_path, "target.sqlite")
    cases = {
        "notes.txt": "is not a backup of Movement: it is not a SQLite database",
        "empty.sqlite": "is not a backup of Movement: it has no Movement tables in it",
        "other.sqlite": "is not a backup of Movement: it has no Movement tables in it",
        "newer.sqlite": "was made by a newer version of Movement",
        "missing.sqlite": "There is no file at",
    }
    for name, message in cases.items():
        refused = movement(target, "restore", str(tmp_path / name))
        assert refused.returncode == 1, name
        assert message in refused.stderr, (name, refused.stderr)
        assert "Traceback" not in refused.stderr
        assert not (tmp_path / "target.sqlite").exists(), name


@pytest.mark.slow
def test_backup_refuses_to_write_over_the_database_or_nowhere(tmp_path):
    live = sqlite_site(tmp_path, "live.sqlite")
    ok(live, "migrate")
    itself = movement(live, "backup", str(tmp_path / "live.sqlite"))
    assert itself.returncode == 1 and "the database itself" in itself.stderr
    nowhere = movement(live, "backup", str(tmp_path / "no-such-folder" / "b.sqlite"))
    assert nowhere.returncode == 1 and "There is no folder" in nowhere.stderr
    folder = movement(live, "backup", str(tmp_path))
    assert folder.returncode == 1 and "is a folder" in folder.stderr
    missing = movement(sqlite_site(tmp_path, "never-made.sqlite"), "backup", str(tmp_path / "b"))
    assert missing.returncode == 1 and "nothing to back up" in missing.stderr
    assert not (tmp_path / "b").exists() and not (tmp_path / "never-made.sqlite").exists()
    # A second backup to the same file replaces the first (for a nightly job).
    ok(live, "backup", str(tmp_path / "b.sqlite"))
    ok(live, "backup", str(tmp_path / "b.sqlite"))
    assert [p.name for p in tmp_path.glob("b.sqlite*")] == ["b.sqlite"]
    # It holds everyone's personal details: only the user who made it can read it.
    assert (tmp_path / "b.sqlite").stat().st_mode & 0o777 == 0o600


# PostgreSQL ---------------------------------------------------------------------------

REMOTE = "postgresql://movement:s3cret-pw@db.example.org:5432/movement?sslmode=require"


def test_on_postgresql_the_commands_to_use_are_printed(tmp_path):
    env = {**os.environ, "DATA_DIR": str(tmp_path), "DATABASE_URL": REMOTE}
    dump = tmp_path / "my backups" / "movement.dump"
    backup = movement(env, "backup", str(dump))
    assert backup.returncode == 0, backup.stderr
    url = "'postgresql://movement@db.example.org:5432/movement?sslmode=require'"
    lines = [line.strip() for line in backup.stdout.splitlines()]
    assert f"pg_dump --format=custom --file '{dump}' {url}" in lines
    assert "no backup was made" in backup.stdout
    restore = movement(env, "restore", str(dump))
    assert restore.returncode == 0, restore.stderr
    command = f"pg_restore --no-owner --single-transaction --exit-on-error --dbname {url} '{dump}'"
    assert command in [line.strip() for line in restore.stdout.splitlines()]
    assert command in lines  # the backup says how to restore it, too
    assert "nothing was changed" in restore.stdout
    for said in (backup, restore):
        assert "s3cret" not in said.stdout + said.stderr
        assert "PGPASSWORD" in said.stdout
    assert not dump.parent.exists()


def printed(stdout: str, program: str) -> list[str]:
    lines = [line.strip() for line in stdout.splitlines()]
    (line,) = [line for line in lines if line.startswith(f"{program} --")]
    return shlex.split(line)


async def table_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    conn = await asyncpg.connect(url)
    try:
        names = [
            r["table_name"]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        ]
        return {
            name: [tuple(r) for r in await conn.fetch(f'SELECT * FROM "{name}" ORDER BY 1')]  # noqa: S608
            for name in names
        }
    finally:
        await conn.close()


async def run(command: list[str], check: bool) -> subprocess.CompletedProcess[bytes]:
    """A command of PostgreSQL's, off the event loop."""
    return await asyncio.to_thread(
        subprocess.run, command, check=check, timeout=120, capture_output=True
    )


@pytest.mark.postgres
@pytest.mark.skipif(
    ENGINE != "postgres" or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="needs the PostgreSQL run and pg_dump/pg_restore on this machine",
)
async def test_the_printed_postgresql_commands_back_up_and_restore_everything(tmp_path, client):
    from tests.helpers import factories as f

    env = {**os.environ, "DATA_DIR": str(tmp_path)}
    ok(env, "demo", "--scale", "0.01")
    staff = await f.user("coordinator", email="coord@example.org")
    dump = tmp_path / "movement.dump"
    said = ok(env, "backup", str(dump))
    await run(printed(said, "pg_dump"), check=True)

    fresh = f"{PG_NAME}_restored"
    await _pg_admin(f'CREATE DATABASE "{fresh}"')
    try:
        other = {**env, "DATABASE_URL": f"{PG_SERVER}/{fresh}"}
        command = printed(ok(other, "restore", str(dump)), "pg_restore")
        await run(command, check=True)
        again = await run(command, check=False)
        assert again.returncode != 0  # a database with our tables is not overwritten
        original = await table_rows(os.environ["DATABASE_URL"])
        assert original["person"] and original["activity"]
        assert await table_rows(other["DATABASE_URL"]) == original
        with served(other, "backup-pg.log") as base:
            async with httpx.AsyncClient(base_url=base, headers=staff.headers) as api:
                totals = (await api.get("/api/totals")).json()
        mine = (await client.get("/api/totals", headers=staff.headers)).json()
        assert {k: v for k, v in totals.items() if k != "as_at"} == {
            k: v for k, v in mine.items() if k != "as_at"
        }
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
