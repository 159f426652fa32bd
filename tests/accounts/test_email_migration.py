"""The migration that brings confirmed addresses marks as confirmed only what is already
proven: an account with the record's address that signed in with it. Run as a release
would run it (`movement migrate`) on a database holding data from before it, on the engine
under test."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from tests.environment import ENGINE, PG_SERVER

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BEFORE = "2026-11-22T06:40:00:000000"  # the migration before confirmed addresses
UP_TO_BEFORE = (str(BIN / "piccolo"), "migrations", "forwards", "movement", BEFORE)

# (person, the person's email, the account's email or None, what proves it)
PEOPLE = [
    ("Ann", "ann@example.org", "ann@example.org", "used link"),
    ("Ben", "ben@example.org", "ben@example.org", "session"),
    ("Chris", "newcomer@example.org", "chris@example.org", "used link"),  # claimed an address
    ("Dee", "dee@example.org", None, ""),  # typed by a coordinator
    ("Eli", "eli@example.org", "eli@example.org", "unused link"),
]
WANTED = {"Ann": True, "Ben": True, "Chris": False, "Dee": False, "Eli": False}

SQL = [
    "INSERT INTO person (name, email) VALUES ($1, $2)",
    "INSERT INTO account (email, role, person) SELECT $1, 'champion', id FROM person "
    "WHERE name = $2",
    "INSERT INTO sign_in_link (email, token_hash, expires_at, used_at) VALUES ($1, $2, "
    "CURRENT_TIMESTAMP, {used})",
    "INSERT INTO web_session (account, token_hash, expires_at) SELECT id, $1, "
    "CURRENT_TIMESTAMP FROM account WHERE email = $2",
]


def _run(url: str, *command: str) -> None:
    done = subprocess.run(
        list(command),
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _statements() -> list[tuple[str, tuple[object, ...]]]:
    out: list[tuple[str, tuple[object, ...]]] = []
    for name, email, account, proof in PEOPLE:
        out.append((SQL[0], (name, email)))
        if account:
            out.append((SQL[1], (account, name)))
        if proof in ("used link", "unused link"):
            used = "CURRENT_TIMESTAMP" if proof == "used link" else "NULL"
            out.append((SQL[2].format(used=used), (account, uuid.uuid4().hex)))
        if proof == "session":
            out.append((SQL[3], (uuid.uuid4().hex, account)))
    return out


async def _on_postgres(url: str) -> dict[str, bool]:
    conn = await asyncpg.connect(url)
    try:
        for sql, args in _statements():
            await conn.execute(sql, *args)
        _run(url, str(BIN / "movement"), "migrate")
        rows = await conn.fetch("SELECT name, email_confirmed FROM person")
    finally:
        await conn.close()
    return {r["name"]: r["email_confirmed"] for r in rows}


def _on_sqlite(path: Path) -> dict[str, bool]:
    import re
    import sqlite3

    with sqlite3.connect(path) as conn:
        for sql, args in _statements():
            conn.execute(re.sub(r"\$\d", "?", sql), args)
    _run(f"sqlite:///{path}", str(BIN / "movement"), "migrate")
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, email_confirmed FROM person").fetchall()
    return {name: bool(confirmed) for name, confirmed in rows}


@pytest.mark.slow
async def test_only_addresses_already_proven_are_marked_confirmed(tmp_path):
    if ENGINE == "postgres":
        name = f"movement_migration_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(f"{PG_SERVER}/postgres")
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = f"{PG_SERVER}/{name}"
            _run(url, *UP_TO_BEFORE)
            found = await _on_postgres(url)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    else:
        path = tmp_path / "before.sqlite"
        _run(f"sqlite:///{path}", *UP_TO_BEFORE)
        found = _on_sqlite(path)
    assert found == WANTED
