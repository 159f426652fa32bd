"""Schemathesis against `movement serve`, on databases of its own (tests/apidocs/
test_schemathesis.py).

One database is made for the module (migrated, with a little demo data, an account for each
role and a token for each); each role's run gets a copy of it and a server of its own, so what
one role's run writes or deletes cannot change what another's finds, and a role run alone
(`pytest -k admin`) finds what it finds among the others.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.environment import ENGINE, PG_NAME, PG_SERVER, pg_admin
from tests.helpers.browser import ARTIFACTS, ROOT, start_unmeasured_server
from tests.helpers.cli import BIN

ST = Path(sys.executable).parent / "st"
CONFIG = ROOT / "schemathesis.toml"
OUTPUT = ARTIFACTS / "schemathesis"
ROLES = ("anonymous", "champion", "coordinator", "admin")
# The champion's account is for the demo's first person, a champion with activities and a
# membership, so that the champion's run has records of its own to read and change.
CHAMPION_PERSON = "1"
# Only stops a run that hangs: one role's run takes 15 to 25 s on an idle 2-core machine.
HANG = 300


@dataclass
class Site:
    """A database for Schemathesis: the settings that point at it, and a token per role."""

    env: dict[str, str]
    tokens: dict[str, str]


def movement(env: dict[str, str], *args: str) -> str:
    """Run a `movement` command on that database; its standard output."""
    done = subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"movement {' '.join(args)}: {done.stderr}"
    return done.stdout


def settings_for(folder: Path, name: str) -> dict[str, str]:
    """The settings of a deployment on a database called `name` (in `folder` on SQLite)."""
    if ENGINE == "postgres":
        url = f"{PG_SERVER}/{PG_NAME}_{name}"
    else:
        url = f"sqlite:///{folder / name}.sqlite"
    return {**os.environ, "DATA_DIR": str(folder), "DATABASE_URL": url}


async def make_site(folder: Path) -> Site:
    """A new database with the demo data at a small scale and an account and token per role."""
    env = settings_for(folder, "st")
    if ENGINE == "postgres":
        await pg_admin(f'CREATE DATABASE "{PG_NAME}_st"')
    movement(env, "migrate")
    movement(env, "demo", "--scale", "0.01")  # 34 people, 600 activities: a second's work
    tokens = {}
    for role in ROLES[1:]:
        email = f"{role}@example.org"
        person = ["--person", CHAMPION_PERSON] if role == "champion" else ["--name", role]
        movement(env, "create-user", email, "--role", role, *person)
        tokens[role] = movement(env, "token", email).strip().splitlines()[-1]
    return Site(env, tokens)


async def copy_site(site: Site, folder: Path, role: str) -> dict[str, str]:
    """The settings of a copy of the site's database for one role's run."""
    env = settings_for(folder, f"st_{role}")
    if ENGINE == "postgres":
        # Nobody is connected to the original (the commands have ended), as TEMPLATE needs.
        await pg_admin(f'CREATE DATABASE "{PG_NAME}_st_{role}" TEMPLATE "{PG_NAME}_st"')
    else:
        original = site.env["DATABASE_URL"].removeprefix("sqlite:///")
        shutil.copyfile(original, env["DATABASE_URL"].removeprefix("sqlite:///"))
    return env


async def drop(name: str) -> None:
    if ENGINE == "postgres":
        await pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}_{name}" WITH (FORCE)')


@contextmanager
def served(env: dict[str, str], role: str):
    """`movement serve` on that database, without email; yields its base address."""
    names = ("DATA_DIR", "DATABASE_URL")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    server, base = start_unmeasured_server(
        1, log_name=f"schemathesis/{ENGINE}-{role}-server.log", SMTP_HOST="",
        **{n: env[n] for n in names},
    )  # fmt: skip
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class Run:
    """One run of Schemathesis: its exit code, its printed output and its JSON report."""

    code: int
    output: str
    report: dict

    def failures(self, lines: int = 150) -> str:
        """What Schemathesis printed of its failures and errors (the end of it, if long) and
        its last line, for the assertion's message."""
        text = self.output
        found = [at for at in (text.find("= ERRORS ="), text.find("= FAILURES =")) if at >= 0]
        if not found:
            return "\n".join(text.splitlines()[-lines:])
        start = text.rfind("\n", 0, min(found)) + 1
        ends = [at for at in (text.find("= WARNINGS =", start), text.find("= SUMMARY =", start))]
        end = text.rfind("\n", 0, min([at for at in ends if at >= 0], default=len(text)))
        part = text[start:end].splitlines()
        return "\n".join([*part[-lines:], text.rstrip().splitlines()[-1]])


def run_schemathesis(base: str, role: str, token: str | None) -> Run:
    """`st run` against the server's document, as this role; settings from
    schemathesis.toml. The output and the report are kept in test-artifacts/schemathesis/."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    name = f"{ENGINE}-{role}"
    report = OUTPUT / f"{name}.json"
    report.unlink(missing_ok=True)
    header = ["-H", f"Authorization: Bearer {token}"] if token else []
    command = [
        str(ST), "--config-file", str(CONFIG), "run", f"{base}/schema/openapi.json",
        *header, *only_open_to(base, token), "--no-color",
        "--report", "json", "--report-json-path", str(report),
    ]  # fmt: skip
    # Coverage measures the server, not Schemathesis: it would only slow the run down.
    env = {k: v for k, v in os.environ.items() if k != "COVERAGE_PROCESS_CONFIG"}
    done = subprocess.run(
        command, cwd=ROOT, env={**env, "COLUMNS": "120"}, capture_output=True, text=True,
        timeout=HANG, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    (OUTPUT / f"{name}.txt").write_text(output)
    answer = json.loads(report.read_text()) if report.exists() else {}
    return Run(done.returncode, output, answer)


def only_open_to(base: str, token: str | None) -> list[str]:
    """With no token, only the operations the document says anyone may use: every other
    one answers 401 to anyone, which each signed-in role's run checks already (its
    ignored_auth check sends each request without the token) and so does the authorisation
    matrix test; this saves most of that role's run."""
    if token:
        return []
    # Nor the stateful phase: anyone may read, but create nothing, so there are no links
    # from a new record to follow.
    document = httpx.get(f"{base}/schema/openapi.json", timeout=30).json()
    open_ones = [
        op["operationId"]
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and {} in op.get("security", [])
    ]
    chosen = [arg for op_id in open_ones for arg in ("--include-operation-id", op_id)]
    return [*chosen, "--phases", "examples,coverage,fuzzing"]


def signed_in(base: str, token: str | None) -> int:
    """The status of GET /api/me with this token (200 while the account is usable)."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{base}/api/me", headers=headers, timeout=10).status_code


@dataclass
class Outcome:
    """What one role's run found, and whether the API took its token before and after."""

    role: str
    before: int
    after: int
    run: Run


def run_as(env: dict[str, str], role: str, token: str | None) -> Outcome:
    """Serve that database and run Schemathesis against it as this role."""
    with served(env, role) as base:
        before = signed_in(base, token)
        run = run_schemathesis(base, role, token)
        after = signed_in(base, token)
    return Outcome(role, before, after, run)


def run_all(roles: list[str]) -> dict[str, Outcome]:
    """Make the site, then run each role in turn on its own copy; the databases are dropped
    afterwards. Each run keeps about one core busy."""
    folder = Path(tempfile.mkdtemp(prefix="movement-st-"))
    try:
        site = asyncio.run(make_site(folder))
        outcomes = {}
        for role in roles:
            env = asyncio.run(copy_site(site, folder, role))
            outcomes[role] = run_as(env, role, site.tokens.get(role))
        return outcomes
    finally:
        for name in ["st", *(f"st_{role}" for role in roles)]:
            asyncio.run(drop(name))
        shutil.rmtree(folder, ignore_errors=True)


_BACKGROUND: dict[str, Future[dict[str, Outcome]]] = {}


def start_in_background(roles: list[str]) -> None:
    """Start the runs of these roles in a thread of their own, once the session knows its
    tests (tests/conftest.py): they use the core the rest of the suite leaves free (the
    suite runs one test at a time), and their tests, run last, wait for them. On a 2-core
    machine this hides most of their two minutes."""
    if roles and "runs" not in _BACKGROUND:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schemathesis")
        _BACKGROUND["runs"] = pool.submit(run_all, roles)
        pool.shutdown(wait=False)


def outcome(role: str) -> Outcome:
    """The run of this role, waiting for it if need be."""
    if "runs" not in _BACKGROUND:
        start_in_background([role])  # run alone (not through the session's collection)
    return _BACKGROUND["runs"].result(timeout=len(ROLES) * HANG)[role]
