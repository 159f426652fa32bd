"""The coordinators' pages timed in this process (issue 17): the dashboard worked out afresh
with every kind of filter, the people search, and the quarterly report with its downloads.

    DATABASE_URL=sqlite:////path/to/copy.db .venv/bin/python -m bench.console

It calls the app through httpx's ASGITransport as an admin (an account it makes once, with
an API token: run it on a copy, never on a database someone uses), with the totals' caches
off (TOTALS_CACHE_SECONDS=0), so every answer is worked out afresh. It prints each address,
its time (the best of BENCH_REPEAT tries, 3 by default: the machine is shared) with the
process's CPU time beside it (steadier when others share the machine), its goal, and
"missed" beside any that misses; then each page's slowest. It exits with 1 on a miss.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

os.environ["TOTALS_CACHE_SECONDS"] = "0"  # before the settings are read: nothing cached

import httpx  # noqa: E402

from schema.tables import Account, Person  # noqa: E402
from server import db  # noqa: E402
from server.accounts.services import create_account, issue_token  # noqa: E402
from server.app import create_app  # noqa: E402
from server.lib.reference import load_reference  # noqa: E402
from server.settings import today  # noqa: E402
from server.totals.quarter import quarter_of  # noqa: E402

EMAIL = "console-bench@example.org"
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
GOALS_MS = {"dashboard": 300, "people": 100, "report": 1000}
# Only some pages: BENCH_PAGES=people,report (all three by default).
PAGES = os.environ.get("BENCH_PAGES", ",".join(GOALS_MS)).split(",")


@dataclass(frozen=True)
class Timed:
    page: str
    path: str
    ms: float
    cpu_ms: float  # the process's CPU time (every thread): steadier on a busy machine

    @property
    def missed(self) -> bool:
        return self.ms >= GOALS_MS[self.page]


async def dashboard_paths() -> list[str]:
    """Every area, every programme, dates alone and with them, and no filter at all."""
    ref = await load_reference()
    year = today().year
    dated = [
        {"since": f"{year - 1}-01-01"},
        {"until": f"{year - 1}-12-31"},
        {"since": f"{year - 2}-03-17", "until": f"{year - 1}-09-04"},
        {"since": f"{year}-02-01", "until": f"{year}-02-28"},
    ]
    filters: list[dict[str, str]] = [{}, *dated]
    filters += [{"footprint": f["code"]} for f in ref.footprints.values()]
    filters += [{"programme": p["slug"]} for p in ref.programmes.values()]
    some_area = next(iter(ref.footprints.values()))["code"]
    some_programme = next(iter(ref.programmes.values()))["slug"]
    filters += [{**d, "footprint": some_area, "programme": some_programme} for d in dated]
    return ["/console/?" + urlencode(f) for f in filters]


async def people_paths() -> list[str]:
    """Searches for a full name, part of one, an email, a postcode, nothing there, one
    letter; and the filters alone and with a search."""
    ref = await load_reference()
    person = (
        await Person.select(Person.name, Person.email, Person.postcode)
        .where(Person.email.is_not_null() & Person.postcode.is_not_null())
        .first()
    )
    assert person is not None, "the database has no people: load the demo first"
    surname = person["name"].split()[-1]
    searches = [
        person["name"],
        surname[:4],
        person["email"],
        person["postcode"],
        "zzqxj nobody",
        "a",
        "",
    ]
    filters: list[dict[str, str]] = [{"q": q} for q in searches]
    filters += [{"footprint": f["code"], "q": surname[:4]} for f in ref.footprints.values()]
    filters += [{"programme": p["slug"]} for p in ref.programmes.values()]
    filters += [{"status": "paused", "q": "a"}, {"q": surname, "page": "3"}]
    return ["/console/people?" + urlencode(f) for f in filters]


def report_paths() -> list[str]:
    """The last complete quarter (the default), two before it, and its downloads."""
    q = quarter_of(today()).before()
    older = [q.before(), q.before().before().before()]
    dates = urlencode({"since": q.start.isoformat(), "until": q.end.isoformat()})
    return [
        "/console/report",
        *(f"/console/report?quarter={o.code}" for o in older),
        f"/console/export?format=xlsx&{dates}",
        f"/console/export?format=csv&table=areas&{dates}",
    ]


async def admin_token() -> str:
    """A new token for the bench's own admin account (made the first time)."""
    if not await Account.exists().where(Account.email == EMAIL):
        await create_account(EMAIL, "admin", name="Console Bench")
    return await issue_token(EMAIL, "bench.console")


async def time_path(client: httpx.AsyncClient, page: str, path: str) -> Timed:
    best, cpu = float("inf"), float("inf")
    for _ in range(REPEAT):
        started, cpu_started = time.perf_counter(), time.process_time()
        answer = await client.get(path)
        best = min(best, 1000 * (time.perf_counter() - started))
        cpu = min(cpu, 1000 * (time.process_time() - cpu_started))
        if answer.status_code != 200:
            raise SystemExit(f"GET {path} answered {answer.status_code}")
    return Timed(page, path, best, cpu)


async def measure() -> list[Timed]:
    await db.start()
    try:
        headers = {"Authorization": f"Bearer {await admin_token()}", "Accept": "text/html"}
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers, timeout=120
        ) as client:
            await client.get("/console/?until=2000-01-01")  # templates compiled, not counted
            pages = {
                "dashboard": await dashboard_paths(),
                "people": await people_paths(),
                "report": report_paths(),
            }
            return [
                await time_path(client, page, path)
                for page, paths in pages.items()
                if page in PAGES
                for path in paths
            ]
    finally:
        await db.stop()


def report(results: list[Timed]) -> bool:
    """Print every figure and each page's slowest; True when nothing missed."""
    engine = "PostgreSQL" if db.is_postgres() else "SQLite"
    print(f"{engine}, {date.today()}, best of {REPEAT} tries each, caches off\n")
    print(f"| {'address':<72} | {'ms':>7} | {'CPU ms':>7} | goal |")
    for r in results:
        mark = "  missed" if r.missed else ""
        print(
            f"| {r.path[:72]:<72} | {r.ms:7.1f} | {r.cpu_ms:7.1f} | < {GOALS_MS[r.page]} ms |{mark}"
        )
    print()
    for page, goal in GOALS_MS.items():
        if page not in PAGES:
            continue
        mine = sorted(r.ms for r in results if r.page == page)
        cpu = max(r.cpu_ms for r in results if r.page == page)
        print(
            f"{page}: {len(mine)} addresses, p50 {mine[len(mine) // 2]:.1f} ms, "
            f"slowest {mine[-1]:.1f} ms (most CPU {cpu:.1f} ms; goal < {goal} ms)"
            + ("  missed" if mine[-1] >= goal else "")
        )
    return not any(r.missed for r in results)


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line for every request
    sys.exit(0 if report(asyncio.run(measure())) else 1)


if __name__ == "__main__":
    main()
