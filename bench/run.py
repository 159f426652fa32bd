"""The benchmark: `python -m bench.run` (or `make bench`).

It makes a fresh database (SQLite in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL, dropped and made again), loads the demo data at BENCH_SCALE (default
20: 1.2 million activities), starts `movement serve` and, beside it on the same server
with the same workers, a bare Litestar app (bench/bare.py: one route, a small JSON), and
measures with wrk, the addresses taking turns:

- GET /hello of the bare app: the floor, what the framework and server give at best;
- GET /healthz, which touches nothing;
- the public answers: GET /api/totals (whole, and filtered by area and by date), the
  widget (/embed, whole and for one area; /totals.svg) and /open-data/monthly.json, each
  as a share of the bare app's requests a second (the goal: at least 0.8);

then times totals worked out afresh, the coordinators' dashboard (GET /console/, afresh
and from the cache: within 300 ms), people search (within 100 ms), the quarterly report
(within 1 s), 10,000 activities sent to POST /api/activities/batch in 20 batches of 500,
and the resident memory of the server's largest process (under 200 MB); then, of a second
server that keeps nothing (TOTALS_CACHE_SECONDS=0), every public address and open data
file worked out afresh (within 200 ms and 1 s); and (python -m bench.imports) the imports.

It prints one Markdown table: every figure, its goal and a mark on any that misses.

Settings, all optional: BENCH_SCALE, BENCH_DATABASE_URL, BENCH_SECONDS (per address,
default 10), WORKERS (default 1), SERVER (default granian). The comparison of servers:
BENCH_SERVERS=uvicorn,granian and WORKERS=1,2 measure the bare app, /healthz and the
public answers under each server and worker count, all in one run and taking turns, and
print that table too; the rest is measured under the first server and worker count.
BENCH_IMPORTS=false leaves the imports out. BENCH_REUSE=true measures the database named
by BENCH_DATABASE_URL (SQLite or PostgreSQL) as it is, holding the demo data already: it is
migrated but neither dropped nor loaded (for trying things at scale 100 without waiting
for the load each time).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from bench.table import (
    Figure,
    comparison,
    markdown,
    megabytes_figure,
    missed,
    seconds_figure,
    throughput_figures,
    timing_figure,
)

ROOT = Path(__file__).resolve().parent.parent
THREADS, CONNECTIONS = 2, 32
WARM_UP_SECONDS = 2
# Each address is measured in this many rounds, taking turns with the others, and the
# median round is reported: on a small machine one round can be slowed by something else
# (a database's background work, say), and taking turns spreads that over every address.
ROUNDS = 3
BATCHES, BATCH_SIZE = 20, 500
UNCACHED = 20  # totals worked out from the database, one after another
DASHBOARD_GOAL_MS = 300
AFRESH_GOAL_MS = 200  # a public answer worked out afresh, the cache empty (issue 17)
TOTALS_AFRESH_GOAL_MS = {"SQLite": 200.0, "PostgreSQL": 50.0}  # /api/totals afresh
OPEN_DATA_GOAL_MS = 1000  # an open data file worked out afresh
SEARCH_GOAL_MS = 100  # the console's people search
REPORT_GOAL_MS = 1000  # the quarterly report
RSS_GOAL_MB = 200  # each process of the server, after everything else was measured
AFRESH_TIMES = 3  # each public address asked this many times of a server that keeps nothing
BATCH_GOAL = {"SQLite": 1.0, "PostgreSQL": 1.5}  # seconds for the 10,000 activities


class BenchFailed(Exception):
    """A step of the benchmark went wrong; the message says which and why."""


@dataclass
class WrkResult:
    """What wrk measured for one address."""

    label: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers plus socket errors


@dataclass
class Setup:
    """Where the benchmark runs."""

    env: dict[str, str]
    engine: str
    scale: float
    workers: int  # the main run's (the first of WORKERS)
    seconds: int
    work_dir: Path
    servers: tuple[str, ...] = ("granian",)  # the first is the main run's
    worker_counts: tuple[int, ...] = (1,)
    imports: bool = True
    reuse: bool = False  # BENCH_REUSE: the database holds the demo already; not loaded

    @property
    def server(self) -> str:
        return self.servers[0]

    @property
    def comparing(self) -> bool:
        return len(self.servers) > 1 or len(self.worker_counts) > 1


def _list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name, "") or default
    return [part.strip() for part in raw.split(",") if part.strip()]


def read_servers() -> tuple[str, ...]:
    """BENCH_SERVERS (or SERVER): the servers to measure, each one movement serve runs."""
    from server.settings import SERVERS

    names = tuple(name.lower() for name in _list("BENCH_SERVERS", os.environ.get("SERVER", "")))
    unknown = [name for name in names if name not in SERVERS]
    if unknown:
        raise BenchFailed(
            f"BENCH_SERVERS must be servers that movement serve runs, separated by commas "
            f"({', '.join(SERVERS)}), not {', '.join(unknown)}"
        )
    return names or SERVERS[:1]


def read_worker_counts() -> tuple[int, ...]:
    """WORKERS: one number, or several separated by commas to compare them."""
    parts = _list("WORKERS", "1")
    if not all(part.isdigit() and 1 <= int(part) <= 64 for part in parts):
        raise BenchFailed(f"WORKERS must be whole numbers from 1 to 64, like 1 or 1,2: {parts}")
    return tuple(int(part) for part in parts)


# ---------------------------------------------------------------------------------------
# The database and the demo data.


def _yes(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def make_setup() -> Setup:
    """Read the BENCH_ settings and choose a database; nothing is changed yet."""
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    reuse = _yes("BENCH_REUSE")
    if reuse and not url:
        raise BenchFailed(
            "BENCH_REUSE=true measures a database that holds the demo data already: name it "
            "in BENCH_DATABASE_URL (sqlite:////path/to/file.db or postgresql://...)."
        )
    if url.startswith("sqlite") and not reuse:
        raise BenchFailed(
            "A SQLite BENCH_DATABASE_URL is only for BENCH_REUSE=true; without it the "
            "benchmark makes its own SQLite file."
        )
    work_dir = Path(tempfile.mkdtemp(prefix="movement-bench-"))
    env = dict(os.environ)
    env["DATA_DIR"] = str(work_dir)
    env["DEBUG"] = "false"
    env.pop("SECRET_KEY", None)  # one is made in DATA_DIR and shared by every worker
    env["DATABASE_URL"] = url or f"sqlite:///{work_dir / 'bench.sqlite'}"
    env.pop("SERVER", None)
    env.pop("WORKERS", None)  # each server is given its own
    counts = read_worker_counts()
    return Setup(
        env=env,
        engine="PostgreSQL" if url.startswith("postgres") else "SQLite",
        scale=float(os.environ.get("BENCH_SCALE", "").strip() or 20),
        workers=counts[0],
        seconds=int(os.environ.get("BENCH_SECONDS", "").strip() or 10),
        work_dir=work_dir,
        servers=read_servers(),
        worker_counts=counts,
        imports=os.environ.get("BENCH_IMPORTS", "").strip().lower() not in {"0", "false", "no"},
        reuse=reuse,
    )


async def recreate_postgres(url: str) -> None:
    """Drop and make again the PostgreSQL database named by the URL.

    Only a database with "bench" in its name, so that a mistyped URL cannot wipe real data.
    """
    import asyncpg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise BenchFailed(
            f"BENCH_DATABASE_URL names the database {name!r}. The benchmark drops and remakes "
            "its database, so it works only on one with 'bench' in its name."
        )
    admin = urlunsplit(parts._replace(path="/postgres"))
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def movement_command() -> list[str]:
    """The `movement` command of this virtualenv (or the module, if it is not installed)."""
    script = Path(sys.executable).parent / "movement"
    return [str(script)] if script.exists() else [sys.executable, "-m", "server.cli"]


def run_cli(setup: Setup, *args: str, timeout: float = 300) -> str:
    """Run a `movement` command to the end; its standard output."""
    done = subprocess.run(
        [*movement_command(), *args],
        cwd=ROOT,
        env=setup.env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise BenchFailed(f"`movement {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


async def load(scale: float) -> dict[str, int]:
    """Load the demo data in this process, into the database in the environment."""
    from server import db
    from server.demo import load_demo
    from server.demo.progress import printer

    await db.start()
    try:
        return await load_demo(scale, printer())
    finally:
        await db.stop()


async def counted() -> dict[str, int]:
    """The activities and people already in the database in the environment."""
    from schema.tables import Activity
    from server import db

    await db.start()
    try:
        rows = await Activity.raw(
            "SELECT (SELECT COUNT(*) FROM activity) AS activities, "
            "(SELECT COUNT(*) FROM person) AS people"
        )
        return {k: int(v) for k, v in rows[0].items()}
    finally:
        await db.stop()


def prepare_database(setup: Setup) -> tuple[float | None, dict[str, int]]:
    """Make the database, migrate it and load the demo; the load's seconds and counts
    (no seconds when BENCH_REUSE kept a database that holds the demo already)."""
    if setup.engine == "PostgreSQL" and not setup.reuse:
        print(f"Making the PostgreSQL database {setup.env['DATABASE_URL']} again ...")
        asyncio.run(recreate_postgres(setup.env["DATABASE_URL"]))
    print(run_cli(setup, "migrate").strip())
    # The app's settings read the environment once, when first imported: set it first.
    os.environ.update({k: setup.env[k] for k in ("DATABASE_URL", "DATA_DIR", "DEBUG")})
    os.environ.pop("SECRET_KEY", None)
    for name in ("WORKERS", "SERVER"):  # the bench's lists, read already: not for the app
        os.environ.pop(name, None)
    if setup.reuse:
        print("BENCH_REUSE: measuring the demo data already in the database.")
        return None, asyncio.run(counted())
    print(f"Loading the demo data at scale {setup.scale:g} ...")
    started = time.perf_counter()
    counts = asyncio.run(load(setup.scale))
    return time.perf_counter() - started, counts


def make_token(setup: Setup) -> str:
    """A coordinator's API token (the last line the `token` command prints)."""
    run_cli(setup, "create-user", "bench@example.org", "--role", "coordinator")
    lines = run_cli(setup, "token", "bench@example.org").strip().splitlines()
    if not lines:
        raise BenchFailed("`movement token` printed no token.")
    return lines[-1].strip()


# ---------------------------------------------------------------------------------------
# The server.


def free_port() -> int:
    """A TCP port that nothing listens on just now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_server(
    setup: Setup, server: str = "", workers: int = 0, bare: bool = False, keep: int = 10
) -> Iterator[str]:
    """Start `movement serve` (or the bare app, on the same server with the same settings),
    wait until it answers, and always stop it; yields its URL (its process is in STARTED).
    keep: TOTALS_CACHE_SECONDS, 0 for a server that works out every answer afresh."""
    port = free_port()
    server, workers = server or setup.server, workers or setup.workers
    env = dict(setup.env, HOST="127.0.0.1", PORT=str(port), WORKERS=str(workers), SERVER=server)
    env["TOTALS_CACHE_SECONDS"] = str(keep)
    name = f"{'bare' if bare else 'app'}-{server}-{workers}"
    log_path = setup.work_dir / f"{name}.log"
    command = [sys.executable, "-m", "bench.bare"] if bare else [*movement_command(), "serve"]
    with open(log_path, "w") as log:
        # A session of its own, so that stopping it stops the workers as well.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        STARTED[base] = process
        try:
            wait_until_up(process, base + ("/hello" if bare else "/healthz"), log_path)
            yield base
        finally:
            stop(process)
            del STARTED[base]


STARTED: dict[str, subprocess.Popen[bytes]] = {}  # the servers running, by URL


def wait_until_up(server: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    """Wait (at most 60 s) for the address to answer 200."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchFailed(f"The server stopped at once:\n{log_path.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise BenchFailed(f"The server did not answer within 60 s:\n{log_path.read_text()[-3000:]}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and its workers: politely, then (after 15 s) firmly."""
    if server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


# ---------------------------------------------------------------------------------------
# wrk.


def ensure_wrk() -> str:
    """The path of wrk, installing the Debian package if it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is not installed: installing it with apt-get ...")
    if _apt("install", "-y", "wrk") != 0:
        _apt("update")  # the package lists may be missing or stale
        _apt("install", "-y", "wrk")
    found = shutil.which("wrk")
    if not found:
        raise BenchFailed("wrk is missing and could not be installed: apt-get install wrk")
    return found


def _apt(*args: str) -> int:
    done = subprocess.run(["apt-get", *args], capture_output=True, timeout=600, check=False)
    return done.returncode


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    """wrk's '1.23ms', '850.00us' or '1.02s' in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise BenchFailed(f"Cannot read wrk's time {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(label: str, output: str) -> WrkResult:
    """Read the numbers out of `wrk --latency` output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and total):
        raise BenchFailed(f"Cannot read wrk's output for {label}:\n{output}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return WrkResult(
        label,
        float(rps.group(1)),
        to_ms(p50.group(1)),
        to_ms(p99.group(1)),
        int(total.group(1)),
        errors,
    )


def wrk(wrk_path: str, url: str, seconds: int) -> str:
    """Run wrk against one address for this many seconds; its output."""
    # As a browser asks: a ready-made answer is sent gzipped (the bare app's is too small).
    command = [wrk_path, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
               "-H", "Accept-Encoding: gzip", url]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        raise BenchFailed(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    return done.stdout


def measure_all(wrk_path: str, targets: list[tuple[str, str]], seconds: int) -> list[WrkResult]:
    """Warm up each (label, URL), then measure them in turn, ROUNDS times; the median
    rounds, in the order given."""
    for _, url in targets:
        wrk(wrk_path, url, WARM_UP_SECONDS)
    per_round = max(1, round(seconds / ROUNDS))
    rounds: dict[str, list[WrkResult]] = {label: [] for label, _ in targets}
    for _ in range(ROUNDS):
        for label, url in targets:
            rounds[label].append(parse_wrk(label, wrk(wrk_path, url, per_round)))
    results = []
    for label, _ in targets:
        ordered = sorted(rounds[label], key=lambda r: r.requests_per_second)
        errors = sum(r.errors for r in ordered)  # any error in any round counts
        results.append(report_one(replace(ordered[len(ordered) // 2], errors=errors)))
    return results


def report_one(result: WrkResult) -> WrkResult:
    print(
        f"  {result.label}: {result.requests_per_second:,.0f} requests/s, "
        f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, {result.errors} errors",
        flush=True,
    )
    return result


# ---------------------------------------------------------------------------------------
# The batch of new activities.


def batch_bodies(footprint: str, rng: random.Random) -> list[dict[str, Any]]:
    """BATCHES bodies of BATCH_SIZE new activities each, over the last year."""
    today = date.today()
    bodies = []
    for _ in range(BATCHES):
        items = [
            {
                "client_id": str(uuid.uuid4()),  # new ones: never the demo's
                "programme": "health-champions",
                "kind": "conversation",
                "occurred_on": (today - timedelta(days=rng.randrange(365))).isoformat(),
                "people_reached": rng.randint(1, 30),
                "minutes": rng.randint(5, 60),
                "footprint": footprint,
                "note": "",
            }
            for _ in range(BATCH_SIZE)
        ]
        bodies.append({"activities": items})
    return bodies


def post_batches(base: str, token: str, footprint: str) -> tuple[float, int]:
    """Send the batches one after another; the seconds taken and how many were created."""
    bodies = batch_bodies(footprint, random.Random(1))
    headers = {"Authorization": f"Bearer {token}"}
    created = 0
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        started = time.perf_counter()
        for body in bodies:
            response = client.post("/api/activities/batch", json=body)
            if response.status_code != 200:
                raise BenchFailed(
                    f"POST /api/activities/batch answered {response.status_code}: "
                    f"{response.text[:500]}"
                )
            results = response.json()["results"]
            created += sum(1 for r in results if r["status"] == "created")
        seconds = time.perf_counter() - started
    return seconds, created


RAW_COLUMNS = ("client_id", "person", "programme", "kind", "occurred_on", "footprint",
               "people_reached", "minutes", "note", "review_status", "review_reason",
               "created_at", "updated_at")  # fmt: skip


def raw_rows(ids: dict[str, int | None]) -> list[tuple[Any, ...]]:
    """The batches' activities (the same values, new client_ids) as rows of the table."""
    now = datetime.now(UTC)
    rows = []
    for body in batch_bodies("", random.Random(1)):
        for item in body["activities"]:
            rows.append((
                uuid.uuid4(), ids["person"], ids["programme"], item["kind"],
                date.fromisoformat(item["occurred_on"]), ids["footprint"],
                item["people_reached"], item["minutes"], "", "not-needed", "", now, now,
            ))  # fmt: skip
    return rows


def raw_insert(setup: Setup, footprint: str) -> float:
    """Seconds to insert the same number of activities straight into the table (the same
    indexes), with executemany in one transaction, no audit and no rollups: the floor the
    batch API is measured against (on SQLite, with the app's own connection settings). The
    rows are deleted again afterwards."""
    return asyncio.run(_raw_insert(setup.env["DATABASE_URL"], footprint))


_RAW_IDS = (
    "SELECT (SELECT person FROM account WHERE email = 'bench@example.org') AS person, "
    "(SELECT id FROM programme WHERE slug = 'health-champions') AS programme, "
    "(SELECT id FROM footprint WHERE code = {}) AS footprint"
)


async def _raw_insert(url: str, footprint: str) -> float:
    names = ", ".join(RAW_COLUMNS)
    if url.startswith("sqlite:///"):
        import sqlite3

        from piccolo.engine import sqlite as _adapters  # noqa: F401  (dates, UUIDs)

        from server.db import SQLiteConnection  # the app's settings: WAL sync, checkpoints

        path = url.removeprefix("sqlite:///")
        connection = sqlite3.connect(path, factory=SQLiteConnection)
        try:
            cursor = connection.execute(_RAW_IDS.format("?"), (footprint,))
            ids = dict(zip(("person", "programme", "footprint"), cursor.fetchone(), strict=True))
            rows = raw_rows(ids)
            marks = ", ".join("?" for _ in RAW_COLUMNS)
            started = time.perf_counter()
            with connection:
                connection.executemany(
                    f"INSERT INTO activity ({names}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
            seconds = time.perf_counter() - started
            with connection:
                connection.executemany(
                    "DELETE FROM activity WHERE client_id = ?", [(r[0],) for r in rows]
                )
        finally:
            connection.close()
        return seconds
    import asyncpg

    pg = await asyncpg.connect(url)
    try:
        found = await pg.fetchrow(_RAW_IDS.format("$1"), footprint)
        assert found is not None, "the demo data has this area's programme and person"
        ids = dict(found)
        rows = raw_rows(ids)
        marks = ", ".join(f"${n + 1}" for n in range(len(RAW_COLUMNS)))
        started = time.perf_counter()
        async with pg.transaction():
            await pg.executemany(
                f"INSERT INTO activity ({names}) VALUES ({marks})",  # noqa: S608
                rows,
            )
        seconds = time.perf_counter() - started
        await pg.execute(
            "DELETE FROM activity WHERE client_id = ANY($1::uuid[])", [r[0] for r in rows]
        )
    finally:
        await pg.close()
    return seconds


def uncached_totals(base: str, count: int = UNCACHED) -> list[float]:
    """Milliseconds for totals that are not in the cache: each asks for another date."""
    timings = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for n in range(count):
            since = date(2024, 1, 1) + timedelta(days=7 * n + 3)
            started = time.perf_counter()
            response = client.get(f"/api/totals?since={since.isoformat()}")
            timings.append(1000 * (time.perf_counter() - started))
            if response.status_code != 200:
                raise BenchFailed(f"GET /api/totals answered {response.status_code}")
    return sorted(timings)


def dashboard_paths(count: int = UNCACHED) -> list[str]:
    """Dashboard addresses with filters no earlier request used (not the totals' dates
    above either), so each is worked out afresh: other dates, every other one in an area,
    every third one for one programme."""
    from server.demo.data import AREAS, ROLES

    paths = []
    for n in range(count):
        query = [f"since={date(2024, 1, 1) + timedelta(days=7 * n + 5)}"]
        if n % 2:
            query.append(f"footprint={AREAS[n % len(AREAS)].code}")
        if n % 3 == 2:
            query.append(f"programme={ROLES[n % len(ROLES)][0]}")
        paths.append("/console/?" + "&".join(query))
    return paths


def timed_gets(client: httpx.Client, paths: list[str]) -> list[float]:
    """Milliseconds for each GET, one after another, sorted; any answer but 200 fails."""
    timings = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        timings.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise BenchFailed(f"GET {path} answered {response.status_code}")
    return sorted(timings)


def dashboard_times(base: str, token: str) -> tuple[list[float], list[float]]:
    """The dashboard page worked out afresh (cold) and from the cache (warm), as a
    coordinator's browser asks for it."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/html"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        # Not counted: the process's first page compiles the templates, once.
        timed_gets(client, ["/console/?until=2023-12-31"])
        cold = timed_gets(client, dashboard_paths())
        timed_gets(client, ["/console/"])  # into the cache
        warm = timed_gets(client, ["/console/"] * UNCACHED)
    return cold, warm


def p50_max(timings: list[float]) -> str:
    return f"p50 {timings[len(timings) // 2]:.1f} ms, slowest {timings[-1]:.1f} ms"


def search_paths() -> list[str]:
    """The console's people list searched as a coordinator does: a whole name, a surname,
    a few letters, one letter, an email's domain, a name nobody has, and with filters."""
    from server.demo.data import AREAS, FIRST_NAMES, ROLES, SURNAMES

    terms = [f"{FIRST_NAMES[3]} {SURNAMES[5]}", SURNAMES[10], FIRST_NAMES[7][:3], "e",
             "example", "Nobody Atall"]  # fmt: skip
    paths = [f"/console/people?q={quote(term)}" for term in terms]
    paths += [
        f"/console/people?q={quote(SURNAMES[n])}&footprint={AREAS[n % len(AREAS)].code}"
        f"&programme={ROLES[n % len(ROLES)][0]}&status=active"
        for n in range(3)
    ]
    return [*paths, "/console/people", "/console/people?page=50"]


def report_paths() -> list[str]:
    """The quarterly report: this quarter so far and the four before it."""
    from server.totals.quarter import quarter_choices

    return [f"/console/report?quarter={q.code}" for q in quarter_choices(date.today())[:5]]


@dataclass
class Console:
    """The coordinators' pages, timed one after another (milliseconds, sorted)."""

    search: list[float]
    report: list[float]


def console_times(base: str, token: str) -> Console:
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/html"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        timed_gets(client, ["/console/people?q=warm"])  # the templates, compiled once
        return Console(timed_gets(client, search_paths()), timed_gets(client, report_paths()))


OPEN_DATA = ["/open-data/monthly.csv", "/open-data/breakdowns.json", "/open-data/breakdowns.csv"]


def afresh_public(base: str) -> dict[str, list[float]]:
    """Each public address asked AFRESH_TIMES times, in turn, of a server that keeps
    nothing (TOTALS_CACHE_SECONDS=0: every answer is worked out from the database):
    milliseconds. The very first request of all is counted too (the worker made the
    public numbers and decided what to hide as it started: server/serving.py)."""
    paths = [*public_paths(), *OPEN_DATA]
    out: dict[str, list[float]] = {path: [] for path in paths}
    with httpx.Client(base_url=base, timeout=120) as client:
        for _ in range(AFRESH_TIMES):
            for path in paths:
                out[path] += timed_gets(client, [path])
    return {path: sorted(times) for path, times in out.items()}


def after_writes(base: str, token: str) -> list[float]:
    """One area's public totals asked right after an activity is logged in the same worker
    (the bench's servers have one), AFRESH_TIMES times: the numbers changed, so the answer
    also decides again what to hide before it is sent (milliseconds)."""
    from server.demo.data import AREAS

    area = AREAS[0].code
    body = batch_bodies(area, random.Random(2))[0]
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for item in body["activities"][:AFRESH_TIMES]:
            logged = client.post("/api/activities/batch", json={"activities": [item]},
                                 headers=headers)  # fmt: skip
            if logged.status_code != 200:
                raise BenchFailed(f"POST /api/activities/batch answered {logged.status_code}")
            times += timed_gets(client, [f"/api/totals?footprint={area}"])
    return sorted(times)


def descendants(pid: int) -> list[int]:
    """The process and every process it started, however deep (Linux's /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(child) for child in task.read_text().split()]
    return found


def resident_mb(pid: int) -> float | None:
    """A process's resident memory now, in MB (None if it has gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def largest_resident_mb(pid: int) -> float:
    """The resident memory of the server's largest process (a worker), in MB."""
    sizes = [mb for p in descendants(pid) if (mb := resident_mb(p)) is not None]
    return max(sizes, default=0.0)


# ---------------------------------------------------------------------------------------
# The report.

BARE = "GET /hello"


def public_paths() -> list[str]:
    """The public answers measured against the bare app, whole and for one area."""
    from server.demo.data import AREAS

    area = AREAS[0].code
    return ["/api/totals", f"/api/totals?footprint={area}", "/api/totals?since=2025-01-01",
            "/embed", f"/embed?footprint={area}", "/totals.svg",
            "/open-data/monthly.json"]  # fmt: skip


def describe(setup: Setup, load_seconds: float | None, counts: dict[str, int]) -> str:
    """The line above the table: what was measured, where and how."""
    reused = "; the demo data loaded before (BENCH_REUSE)" if load_seconds is None else ""
    return (
        f"{date.today():%-d %B %Y}; {setup.engine}; demo scale {setup.scale:g} "
        f"({counts.get('activities', 0):,} activities, {counts.get('people', 0):,} people); "
        f"{setup.server} with {setup.workers} worker(s); {os.cpu_count()} CPU cores; wrk "
        f"with {THREADS} threads and {CONNECTIONS} connections, {setup.seconds} s for each "
        f"address in {ROUNDS} rounds, taking turns (the median round){reused}."
    )


Batch = tuple[float, int, float]  # seconds, activities created, seconds of the raw insert


@dataclass
class Served:
    """What was measured of the running servers."""

    results: list[WrkResult]  # the bare app's first
    uncached: list[float]
    board: tuple[list[float], list[float]]
    console: Console
    batch: Batch | None
    afresh: dict[str, list[float]]  # public address -> milliseconds, worked out afresh
    after_writes: list[float]  # one area's totals right after a write in the same worker
    resident_mb: float  # the largest process of the server, after all the rest


@dataclass
class Measured:
    """Everything the main run measured (what is missing was not measured)."""

    load_seconds: float | None  # None: BENCH_REUSE, not loaded by this run
    served: Served
    imports: list[dict[str, Any]]


def figures(setup: Setup, m: Measured) -> list[Figure]:
    """Every figure with its goal, in the table's order."""
    from bench import imports as bench_imports

    s = m.served
    bare, rest = s.results[0], s.results[1:]
    goal = [f"GET {path}" for path in public_paths()]
    rows = []
    if m.load_seconds is not None:
        name = f"demo loaded (scale {setup.scale:g})"
        rows.append(seconds_figure(name, m.load_seconds, 300.0))
    rows += throughput_figures(rest, bare, goal)
    name = f"`GET /api/totals` worked out afresh ({len(s.uncached)} dates)"
    rows.append(timing_figure(name, s.uncached, TOTALS_AFRESH_GOAL_MS[setup.engine]))
    for path, times in s.afresh.items():
        goal_ms = OPEN_DATA_GOAL_MS if path.startswith("/open-data/") else AFRESH_GOAL_MS
        name = f"`GET {path}` worked out afresh ({len(times)} times)"
        rows.append(timing_figure(name, times, goal_ms))
    area = public_paths()[1]
    name = f"`GET {area}` right after a write in its worker ({len(s.after_writes)} times)"
    rows.append(timing_figure(name, s.after_writes, AFRESH_GOAL_MS))
    cold, warm = s.board
    rows.append(timing_figure(f"`GET /console/` worked out afresh ({len(cold)} filter "
                              "sets)", cold, DASHBOARD_GOAL_MS))  # fmt: skip
    rows.append(timing_figure(f"`GET /console/` from the cache ({len(warm)})", warm, None))
    name = f"people search, `GET /console/people?q=...` ({len(s.console.search)} searches)"
    rows.append(timing_figure(name, s.console.search, SEARCH_GOAL_MS))
    rows.append(timing_figure(f"the quarterly report ({len(s.console.report)} quarters)",
                              s.console.report, REPORT_GOAL_MS))  # fmt: skip
    if s.batch is not None:
        seconds, created, raw = s.batch
        wanted = BATCHES * BATCH_SIZE
        note = f" ({created:,} of {wanted:,} created; {seconds / raw:.1f} × a raw insert)"
        batch = seconds_figure(f"{wanted:,} activities in {BATCHES} batches of {BATCH_SIZE}",
                               seconds, BATCH_GOAL[setup.engine], note)  # fmt: skip
        rows.append(replace(batch, met=batch.met and created == wanted))
        rows.append(seconds_figure("the same rows inserted straight into the table", raw, None))
    for r in m.imports:
        name = f"import of {r['file']} ({bench_imports.ROWS:,} rows), the import step"
        note = f" (read {r['read']:.1f} s, preview {r['preview']:.1f} s)"
        rows.append(seconds_figure(name, r["import"], bench_imports.GOAL, note))
    rows.append(megabytes_figure("the server's largest process, resident memory after the rest",
                                 s.resident_mb, RSS_GOAL_MB))  # fmt: skip
    return rows


def report(setup: Setup, counts: dict[str, int], m: Measured) -> str:
    """The results as Markdown, ready for the README."""
    rows = figures(setup, m)
    lost = missed(rows)
    verdict = f"Missed: {'; '.join(lost)}." if lost else "Every goal met."
    return "\n".join([describe(setup, m.load_seconds, counts), "", markdown(rows), "", verdict])


def measure_server(setup: Setup, token: str) -> Served:
    """Start the server and the bare app, measure the reads (the bare app's first), the
    console's pages and then the batch writes, and the server's memory; stop both. Then
    a server that keeps nothing, for the public answers worked out afresh."""
    from server.demo.data import AREAS

    paths = ["/healthz", *public_paths()]
    wrk_path = ensure_wrk()
    with running_server(setup, bare=True) as bare, running_server(setup) as base:
        print(f"Measuring {base} and the bare app at {bare} with wrk ...", flush=True)
        targets = [(BARE, bare + "/hello")] + [(f"GET {path}", base + path) for path in paths]
        results = measure_all(wrk_path, targets, setup.seconds)
        uncached = uncached_totals(base)
        print("Timing the dashboard ...", flush=True)
        board = dashboard_times(base, token)
        print(f"  cold: {p50_max(board[0])}; warm: {p50_max(board[1])}", flush=True)
        print("Timing people search and the quarterly report ...", flush=True)
        console = console_times(base, token)
        print(f"  search: {p50_max(console.search)}; report: {p50_max(console.report)}")
        print(f"Sending {BATCHES * BATCH_SIZE:,} activities in batches ...", flush=True)
        seconds, created = post_batches(base, token, AREAS[0].code)
        print(f"  {seconds:.2f} s; inserting the same rows straight into the table ...")
        batch = (seconds, created, raw_insert(setup, AREAS[0].code))
        resident = largest_resident_mb(STARTED[base].pid)
    with running_server(setup, keep=0) as fresh:
        print("Timing the public answers worked out afresh ...", flush=True)
        afresh = afresh_public(fresh)
        written = after_writes(fresh, token)
        resident = max(resident, largest_resident_mb(STARTED[fresh].pid))
    print(f"  slowest: {max(max(t) for t in afresh.values()):.1f} ms; largest process: "
          f"{resident:.0f} MB", flush=True)  # fmt: skip
    return Served(results, uncached, board, console, batch, afresh, written, resident)


COMPARED = ["/healthz", "/api/totals", "/embed", "/totals.svg", "/open-data/monthly.json"]


def compare_servers(setup: Setup) -> str:
    """Every server and worker count, each with its bare app, all started at once and
    measured taking turns; the comparison table."""
    wrk_path = ensure_wrk()
    columns, targets, labels = [], [], [BARE, *(f"GET {p}" for p in COMPARED)]
    with contextlib.ExitStack() as stack:
        for server in setup.servers:
            for workers in setup.worker_counts:
                column = f"{server}, {workers} worker{'s' if workers > 1 else ''}"
                columns.append(column)
                bare = stack.enter_context(running_server(setup, server, workers, bare=True))
                base = stack.enter_context(running_server(setup, server, workers))
                targets.append((f"{column}: {BARE}", bare + "/hello"))
                targets += [(f"{column}: GET {p}", base + p) for p in COMPARED]
        print(f"Comparing {', '.join(columns)} with wrk ...", flush=True)
        results = measure_all(wrk_path, targets, setup.seconds)
    cells = {}
    for result in results:
        column, _, label = result.label.partition(": ")
        cells[(column, label)] = result
    return comparison(columns, labels, cells)


def imports_figures(setup: Setup) -> list[dict[str, Any]]:
    """Run the imports' benchmark (python -m bench.imports) and read its figures."""
    if not setup.imports:
        return []
    print("Timing the imports (python -m bench.imports) ...", flush=True)
    out = setup.work_dir / "imports.json"
    env = dict(os.environ, BENCH_IMPORTS_JSON=str(out))
    done = subprocess.run([sys.executable, "-m", "bench.imports"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
    if done.returncode != 0 or not out.exists():
        raise BenchFailed(f"python -m bench.imports failed:\n{done.stdout}{done.stderr}")
    figures: list[dict[str, Any]] = json.loads(out.read_text())
    return figures


def main() -> int:
    """Run the whole benchmark; 0 when every step worked and every goal was met."""
    try:
        setup = make_setup()
    except BenchFailed as exc:
        print(exc, file=sys.stderr)
        return 2
    compared = ""
    try:
        load_seconds, counts = prepare_database(setup)
        token = make_token(setup)
        if setup.comparing:
            compared = compare_servers(setup)
        served = measure_server(setup, token)
        measured = Measured(load_seconds, served, imports_figures(setup))
    except (BenchFailed, subprocess.TimeoutExpired) as exc:
        print(f"\nThe benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(setup.work_dir, ignore_errors=True)
    if compared:
        print(f"\nThe servers compared (requests/s; in brackets, the share of the bare app "
              f"under the same server and workers):\n\n{compared}")  # fmt: skip
    print("\n" + report(setup, counts, measured))
    return 1 if missed(figures(setup, measured)) else 0


if __name__ == "__main__":
    sys.exit(main())
