"""A deleted record's id is never given to a new one (so an old audit event cannot point at
a new person): SQLite tables use AUTOINCREMENT, PostgreSQL sequences never go back."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.environment import ENGINE
from tests.helpers import factories as f

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "schema" / "piccolo_migrations"
sqlite_only = pytest.mark.skipif(ENGINE != "sqlite", reason="about SQLite's own ids")


async def test_a_deleted_persons_id_is_not_given_to_the_next_person(client):
    coordinator = await f.user("coordinator")
    first = await client.post("/api/people", json={"name": "Ann"}, headers=coordinator.headers)
    assert first.status_code == 201, first.text
    old_id = first.json()["id"]
    gone = await client.delete(f"/api/people/{old_id}", headers=coordinator.headers)
    assert gone.status_code == 204, gone.text
    second = await client.post("/api/people", json={"name": "Bea"}, headers=coordinator.headers)
    assert second.status_code == 201, second.text
    assert second.json()["id"] > old_id
    # The audit log's "deleted" event still names the old id, and nobody has it now.
    assert (
        await client.get(f"/api/people/{old_id}", headers=coordinator.headers)
    ).status_code == 404


def _sqlite(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    return db


@sqlite_only
def test_every_table_in_the_migrated_database_has_autoincrement():
    db = _sqlite(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
    tables = db.execute(
        # SQLite's own tables (sqlite_sequence, sqlite_stat1 after ANALYZE) have no ids.
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
    ).fetchall()
    assert len(tables) > 15
    # The people search's full-text index (a virtual table) and its shadow tables are
    # SQLite's own, as sqlite_sequence is.
    ordinary = {row[1] for row in db.execute("PRAGMA table_list") if row[2] == "table"}
    assert {"person_search", "person_search_data"} <= {name for name, _ in tables} - ordinary
    plain = [
        name for name, sql in tables if name in ordinary and "PRIMARY KEY AUTOINCREMENT" not in sql
    ]
    assert plain == []


def _migrate(path: Path, to: str = "all") -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DATA_DIR": str(path.parent)}
    piccolo = Path(sys.executable).parent / "piccolo"
    done = subprocess.run(  # noqa: S603
        [str(piccolo), "migrations", "forwards", "movement", to],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _migration_before_ours() -> str:
    """The id of the migration just before ours (whichever it is once branches merge);
    later migrations run after it in the test, as they would on a live database."""
    names = sorted(p.stem.removeprefix("movement_") for p in MIGRATIONS.glob("movement_*.py"))
    ours = names.index("2026_11_30t20_00_00_000000")
    day, time = names[ours - 1].split("t")  # 2026_11_22t06_40_00_000000
    return day.replace("_", "-") + "T" + time.replace("_", ":")


@pytest.mark.slow
@sqlite_only
def test_the_migration_keeps_rows_indexes_unique_constraints_and_foreign_keys(tmp_path):
    path = tmp_path / "before.sqlite"
    _migrate(path, _migration_before_ours())
    db = _sqlite(str(path))
    db.execute("INSERT INTO footprint (id, name, code) VALUES (3, 'Leigh', 'LE')")
    db.execute("INSERT INTO person (id, name, email, footprint) VALUES (5, 'Ann', 'ann@x.org', 3)")
    db.execute("INSERT INTO person (id, name, email, footprint) VALUES (9, 'Bea', 'bea@x.org', 3)")
    db.execute(
        "INSERT INTO account (id, email, role, person) VALUES (4, 'ann@x.org', 'champion', 5)"
    )
    db.execute("INSERT INTO story (id, person, text) VALUES (2, 9, 'Bea walked to the park.')")
    db.commit()
    db.close()

    _migrate(path)

    db = _sqlite(str(path))
    assert db.execute("SELECT id, name, email, footprint FROM person ORDER BY id").fetchall() == [
        (5, "Ann", "ann@x.org", 3),
        (9, "Bea", "bea@x.org", 3),
    ]
    assert db.execute("SELECT person FROM account WHERE id = 4").fetchone() == (5,)
    assert db.execute("SELECT text FROM story WHERE person = 9").fetchone() == (
        "Bea walked to the park.",
    )
    programmes = db.execute("SELECT count(*) FROM programme").fetchone()[0]
    assert programmes == 8
    # The indexes are all there, and the database finds rows through them.
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"person_name", "membership_person_programme", "story_status"} <= indexes
    plan = " ".join(
        str(r) for r in db.execute("EXPLAIN QUERY PLAN SELECT id FROM person WHERE name = 'Ann'")
    )
    assert "person_name" in plan
    # A unique email is still refused twice.
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO person (name, email) VALUES ('Ann again', 'ann@x.org')")
    # A foreign key still refuses a person who does not exist...
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute("INSERT INTO story (person, text) VALUES (999, 'Nobody wrote this.')")
    # ...and deleting a person still takes their stories (ON DELETE CASCADE) and unlinks
    # their account (SET NULL).
    db.execute("DELETE FROM person WHERE id = 9")
    assert db.execute("SELECT count(*) FROM story").fetchone() == (0,)
    db.execute("DELETE FROM person WHERE id = 5")
    assert db.execute("SELECT person FROM account WHERE id = 4").fetchone() == (None,)
    # The next person's id comes after every id used before, even the deleted ones.
    new_id = db.execute("INSERT INTO person (name) VALUES ('Cal') RETURNING id").fetchone()[0]
    assert new_id == 10
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.commit()
    db.close()
