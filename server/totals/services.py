"""The movement's numbers. Every view (API, app, console, widget) takes them from here.

What each number means is written out in README.md ("How the numbers are counted").
No number here reads the activities table: reach, activities and hours come from the
rollups, the rest from memberships, sessions and external figures, which grow with the
number of people and sessions, not with the number of activities.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, Generic, TypedDict
from urllib.parse import urlencode

import msgspec
from typing_extensions import TypeVar

from schema.rows import ProgrammeRow
from schema.tables import ActivityDaily, ExternalCount
from server.db import generation as db_generation
from server.lib.public import gzip_body
from server.lib.reference import Reference, load_reference
from server.lib.rows import rows_as
from server.lib.validation import QUERY, Form, Unprocessable
from server.settings import get_settings
from server.totals import people as people_rollup
from server.totals.dates import Filters as Filters  # kept importable from here
from server.totals.dates import split_range as split_range  # (people.py reads them too)


def read_filter_options(form: Form, ref: Reference) -> None:
    """The filters of the totals (the API's document describes them from this)."""
    form.choice("programme", "a programme", ref.programme_ids())
    form.choice("footprint", "an area", ref.footprint_ids())
    form.date("since", "the first date", allow_future=True)
    form.date("until", "the last date", allow_future=True)


def read_filters(params: Mapping[str, object], ref: Reference) -> Filters:
    """Check the filters of a totals request (a query string, read once and trimmed);
    Invalid says what to fix."""
    form = Form(params, sent_as=QUERY)
    read_filter_options(form, ref)
    form.result()
    since, until = form.got("since", date), form.got("until", date)
    if since and until and since > until:
        raise Unprocessable({"until": "The last date must be on or after the first date."})
    return Filters(
        programme=form.got("programme", int),
        footprint=form.got("footprint", int),
        since=since,
        until=until,
    )


# Where clauses for raw SQL: each helper returns (sql, args) with {} placeholders.


class _Where:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list[object] = []

    def add(self, sql: str, *args: object) -> None:
        self.parts.append(sql)
        self.args.extend(args)

    @property
    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "1 = 1"


class RollupSums(TypedDict):
    """Activities, reach and minutes summed from a rollup (a SUM of its BIGINT columns is
    numeric, so a Decimal, on PostgreSQL; an int on SQLite)."""

    activities: int | Decimal
    reach: int | Decimal
    minutes: int | Decimal


class _ProgrammeSums(RollupSums):
    programme: int


def add_sums(sums: dict[str, int], row: RollupSums) -> None:
    """Add a rollup row's sums to activities, reach and minutes."""
    sums["activities"] += int(row["activities"] or 0)
    sums["reach"] += int(row["reach"] or 0)
    sums["minutes"] += int(row["minutes"] or 0)


async def activity_sums(f: Filters) -> dict[int, dict[str, int]]:
    """Counted activities, reach and minutes by programme id, from the rollups: whole months
    from the monthly one, the days at either edge of the dates from the daily one (the
    impact breakdowns take their "not known" rows from these too)."""
    months, days = split_range(f.since, f.until)
    reads = []
    if months:
        reads.append(("activity_monthly", "month", months))
    reads.extend(("activity_daily", "day", d) for d in days)
    out: dict[int, dict[str, int]] = {}
    for table, period, (low, high) in reads:
        where = _Where()
        where.add(f"{period} >= {{}} AND {period} <= {{}}", low, high)
        if f.programme:
            where.add("programme = {}", f.programme)
        if f.footprint:
            where.add("footprint = {}", f.footprint)
        rows = await ActivityDaily.raw(
            f"SELECT programme, SUM(activities) AS activities, SUM(people_reached) AS reach, "
            f"SUM(minutes) AS minutes FROM {table} WHERE {where.sql} GROUP BY programme",
            *where.args,
        )
        for row in rows_as(_ProgrammeSums, rows):
            sums = out.setdefault(row["programme"], {"activities": 0, "reach": 0, "minutes": 0})
            add_sums(sums, row)
    return out


def membership_where(f: Filters) -> _Where:
    """Active roles, joined within the dates, of people of the chosen area (the membership
    must be "m" in the query, and the person "p" when an area is chosen)."""
    where = _Where()
    where.add("m.status = 'active'")
    if f.programme:
        where.add("m.programme = {}", f.programme)
    if f.footprint:
        where.add("p.footprint = {}", f.footprint)
    if f.since:
        where.add("m.joined_on >= {}", f.since)
    if f.until:
        where.add("m.joined_on <= {}", f.until)
    return where


class _Count(TypedDict):
    n: int


class _ProgrammeCount(TypedDict):
    """A count (or a SUM of an INTEGER column) for one programme."""

    programme: int
    n: int


async def _members(f: Filters) -> tuple[int, dict[int, int]]:
    """Distinct people with an active role, and active roles per programme, from the
    people rollups (server/totals/people.py)."""
    by_programme = await people_rollup.roles(f)
    everyone = await people_rollup.people(f, found=Counter({0: by_programme.total()}))
    return everyone[0], {p: n for p, n in by_programme.items() if n}


# The Friends sessions that count: not waiting for a coordinator's review, not rejected
# (a champion's session of more people than is plausible waits: server/sessions).
COUNTED_SESSION = "review_status IN ('not-needed', 'approved')"


def session_where(f: Filters) -> _Where:
    """Counted Friends sessions of the programme, held in the area, within the dates."""
    where = _Where()
    where.add(COUNTED_SESSION)
    if f.programme:
        where.add("programme = {}", f.programme)
    if f.footprint:
        where.add("footprint = {}", f.footprint)
    if f.since:
        where.add("held_on >= {}", f.since)
    if f.until:
        where.add("held_on <= {}", f.until)
    return where


async def _session_attendees(f: Filters) -> dict[int, int]:
    where = session_where(f)
    rows = rows_as(
        _ProgrammeCount,
        await ActivityDaily.raw(
            f"SELECT programme, SUM(attendees) AS n FROM friends_session WHERE {where.sql} "
            "GROUP BY programme",
            *where.args,
        ),
    )
    return {row["programme"]: int(row["n"] or 0) for row in rows}


class ExternalFigure(TypedDict):
    """A figure of Friends counted elsewhere, as the totals read it."""

    programme: int
    footprint: int | None
    source: str
    friends: int
    as_of: date


async def external_figures(f: Filters) -> list[ExternalFigure]:
    """The figures of Friends counted elsewhere, of the programme and area, oldest first."""
    query = (
        ExternalCount.select(
            ExternalCount.programme,
            ExternalCount.footprint,
            ExternalCount.source,
            ExternalCount.friends,
            ExternalCount.as_of,
        )
        .order_by(ExternalCount.as_of)
        .order_by(ExternalCount.id)
    )
    if f.programme:
        query = query.where(ExternalCount.programme == f.programme)
    if f.footprint:
        query = query.where(ExternalCount.footprint == f.footprint)
    return rows_as(ExternalFigure, await query)


def external_grown(figures: list[ExternalFigure], f: Filters) -> dict[int, int]:
    """Friends counted by others, by programme. Each source reports a running total for a
    programme and an area (or the whole borough), so only its latest figure counts, never
    the sum of all its figures; within a date range, what it grew by in that range.
    figures: as external_figures gives them for f."""
    # Keyed by (programme id, area id or None, source as written, folded).
    latest_by: dict[tuple[int, int | None, str], int] = {}
    before_by: dict[tuple[int, int | None, str], int] = {}
    for row in figures:
        key = (row["programme"], row["footprint"], row["source"].strip().lower())
        if f.until is None or row["as_of"] <= f.until:
            latest_by[key] = row["friends"]
        if f.since is not None and row["as_of"] < f.since:
            before_by[key] = row["friends"]
    out: dict[int, int] = {}
    for key, count in latest_by.items():
        out[key[0]] = out.get(key[0], 0) + max(0, count - before_by.get(key, 0))
    return out


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


class ProgrammeNumbers(TypedDict):
    """One programme's numbers in the totals (shapes.ProgrammeTotals documents them)."""

    slug: str
    name: str
    kind: str
    members: int
    friends: int
    friends_from_sessions: int
    friends_from_elsewhere: int
    reach: int
    activities: int
    hours: float
    target: int | None
    target_date: date | None


def _programme_totals(
    p: ProgrammeRow, sums: dict[str, int], members: int, attendees: int, external: int
) -> ProgrammeNumbers:
    """One programme's numbers. Friends count only for Friends programmes."""
    is_friend = p["kind"] == "friend"
    from_sessions = attendees if is_friend else 0
    from_external = external if is_friend else 0
    return {
        "slug": p["slug"],
        "name": p["name"],
        "kind": p["kind"],
        "members": members,
        "friends": members + from_sessions + from_external if is_friend else 0,
        "friends_from_sessions": from_sessions,
        "friends_from_elsewhere": from_external,
        "reach": sums["reach"],
        "activities": sums["activities"],
        "hours": _hours(sums["minutes"]),
        "target": p["target"],
        "target_date": p["target_date"],
    }


async def compute_totals(f: Filters, ref: Reference) -> dict[str, Any]:
    """Work out every number for these filters (uncached)."""
    # A plain dict, not a TypedDict, while tests add keys to the answer and its programmes
    # (tests/public/test_public_measures.py) and index it by variable keys
    # (tests/console/test_console_dashboard.py): its values are what shapes.Totals says.
    sums = await activity_sums(f)
    people, members = await _members(f)
    attendees = await _session_attendees(f)
    external = external_grown(await external_figures(f), f)
    return assemble(f, ref, sums, people, members, attendees, external)


def assemble(
    f: Filters,
    ref: Reference,
    sums: Mapping[int, dict[str, int]],
    people: int,
    members: Mapping[int, int],
    attendees: Mapping[int, int],
    external: Mapping[int, int],
) -> dict[str, Any]:
    """The totals' answer from its parts, each by programme id (compute_totals)."""
    none = {"activities": 0, "reach": 0, "minutes": 0}
    programmes = [
        _programme_totals(
            p,
            sums.get(p["id"], none),
            members.get(p["id"], 0),
            attendees.get(p["id"], 0),
            external.get(p["id"], 0),
        )
        for p in ref.programmes.values()
        if not f.programme or p["id"] == f.programme
    ]
    anonymous = sum(x["friends_from_sessions"] + x["friends_from_elsewhere"] for x in programmes)
    return {
        "as_at": datetime.now(UTC).replace(microsecond=0),
        "filters": {
            "programme": ref.slug(f.programme),
            "footprint": ref.code(f.footprint),
            "since": f.since,
            "until": f.until,
        },
        "people": people,
        "roles": sum(x["members"] for x in programmes),
        "friends": sum(x["friends"] for x in programmes),
        "anonymous_friends": anonymous,
        "movement_total": people + anonymous,
        "reach": sum(x["reach"] for x in programmes),
        "activities": sum(x["activities"] for x in programmes),
        "hours": _hours(sum(s["minutes"] for s in sums.values())),
        "programmes": programmes,
    }


# A short-lived cache in each worker ---------------------------------------------------


# What a cache keeps: the totals, or the dashboard's breakdowns (any mapping by default:
# a TypeVar's default is in typing from Python 3.13; typing_extensions comes with
# Litestar and Piccolo until then).
D = TypeVar("D", bound=Mapping[str, object], default=Mapping[str, object])


@dataclass(frozen=True)
class Cached(Generic[D]):
    body: bytes
    etag: str
    data: D
    made: float
    generation: int = -1  # the database's write generation it was worked out under

    @cached_property
    def gzipped(self) -> bytes:
        return gzip_body(self.body)


class TotalsCache(Generic[D]):
    """Keeps computed totals for TOTALS_CACHE_SECONDS. Each worker has its own, so with
    several workers a number can be that many seconds old; in the worker that wrote, an
    entry made before the write's commit (server.db.generation) is stale at once.
    Concurrent requests for the same filters, under the same generation, compute them once."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.entries: OrderedDict[str, Cached[D]] = OrderedDict()
        self.pending: dict[str, tuple[int, asyncio.Future[Cached[D]]]] = {}

    @property
    def generation(self) -> int:
        """The database's write generation: entries of an older one are stale."""
        return db_generation()

    def clear(self) -> None:
        self.entries.clear()

    def _fresh(self, key: str, ttl: int, generation: int) -> Cached[D] | None:
        hit = self.entries.get(key)
        if hit is not None and hit.generation == generation and time.monotonic() - hit.made < ttl:
            return hit
        return None

    async def get(self, key: str, compute: Callable[[], Awaitable[D]]) -> Cached[D]:
        ttl = get_settings().totals_cache_seconds
        generation = db_generation()
        hit = self._fresh(key, ttl, generation)
        if hit is not None:
            return hit
        pending = self.pending.get(key)
        # Joined only when begun under this generation: one begun before a write commits
        # may have read the database before it, and the writer must see their change.
        if pending is not None and pending[0] == generation:
            return await asyncio.shield(pending[1])
        future: asyncio.Future[Cached[D]] = asyncio.get_running_loop().create_future()
        self.pending[key] = (generation, future)
        try:
            entry = _entry(await compute(), generation)
            # Kept only if no write committed meanwhile (it would be stale already).
            if ttl and generation == db_generation():
                self.entries[key] = entry
                self.entries.move_to_end(key)
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
            future.set_result(entry)
            return entry
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark it retrieved: the caller below sees it
            raise
        finally:
            if self.pending.get(key, (0, None))[1] is future:
                del self.pending[key]


def _entry(data: D, generation: int) -> Cached[D]:
    body = msgspec.json.encode(data)
    # The tag leaves out as_at, so that it changes only when a number does: a client
    # that asks again gets 304 however often the totals are worked out.
    same = msgspec.json.encode({k: v for k, v in data.items() if k != "as_at"})
    etag = f'W/"{hash_body(same)}"'
    return Cached(body=body, etag=etag, data=data, made=time.monotonic(), generation=generation)


def hash_body(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=12).hexdigest()


CACHE: TotalsCache[dict[str, Any]] = TotalsCache()


async def totals(params: Mapping[str, str]) -> Cached[dict[str, Any]]:
    """The totals for a request's filters, from the cache when fresh. The cache is keyed on
    the parameters as sent, so a fresh answer costs no database query at all."""
    # Encoded, so that no two different sets of filters share a key ("a=1%26footprint%3DX"
    # is not "a=1&footprint=X": a staff member's answer for one area must never be another's).
    key = urlencode(sorted((k, str(v)) for k, v in params.items()))

    async def compute() -> dict[str, Any]:
        ref = await load_reference()
        return await compute_totals(read_filters(params, ref), ref)

    return await CACHE.get(key, compute)
