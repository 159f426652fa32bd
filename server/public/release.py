"""Everything the public may see, decided in one place and made once.

`public_numbers()` reads the totals service (the borough's and every area's, all time) and
the open data's months, writes every number that any public address shows as a sum of true
cells (server/public/model.py), and decides what to hide (server/public/suppress.py). The
widget, the badge, /api/totals for the public and the open data all render from the one
`PublicNumbers` it returns, so no address can give away what another hides. It is made
again when something is written in this worker, or after KEEP_SECONDS (the max-age the
public answers are sent with).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.lib.reference import Reference, load_reference
from server.public import breakdowns as parts
from server.public.measures import PROGRAMME, TOGETHER, TOTALS, Measure, allowed
from server.public.model import NO_AREA, Facts, model
from server.public.opendata import (
    COLUMNS,
    LICENCE,
    LICENCE_URL,
    Key,
    MonthlyRow,
    as_csv,
    monthly_counts,
    monthly_rows,
)
from server.public.ready import RENDERED, Made, made_json
from server.public.suppress import hide
from server.settings import get_settings
from server.totals.areas import every_area
from server.totals.services import CACHE, Cached, hash_body, totals

KEEP_SECONDS = 60
log = logging.getLogger("movement")


@dataclass(frozen=True)
class PublicNumbers:
    """The public's numbers for one moment: the borough's, each area's (a hidden number
    is None) and the open data's rows."""

    generation: int
    fresh_until: float
    as_at: datetime
    names: dict[str, str]  # area code -> name, in name order
    # compute_totals' answer as the public sees it, and so typed as that answer is.
    borough: dict[str, Any]
    areas: dict[str, dict[str, Any]]
    monthly: list[MonthlyRow]
    breakdowns: list[parts.BreakdownRow]  # the borough's, for all time
    hidden: frozenset[Hashable]
    small_number: int
    area_json: dict[str, Made] = field(default_factory=dict)
    # Stands for these numbers in the answers made from them (Made.made_from): a token,
    # not the numbers, so a kept answer does not keep old numbers alive.
    token: object = field(default_factory=object, compare=False)


def _facts(
    ref: Reference,
    borough: Cached[dict[str, Any]],
    per_area: dict[str, dict[str, Any]],
    counts: dict[Key, dict[str, int]],
    split: parts.Breakdowns,
) -> Facts:
    codes = list(per_area)
    programmes = [(p["slug"], p["kind"]) for p in borough.data["programmes"]]
    cells: dict[tuple[str, str, str, str], int] = {}
    families = {"M": "new_members", "S": "friends_from_sessions", "R": "reach"}
    families.update({"A": "activities", "H": "minutes"})
    codes_of = {a: ref.code(a) or NO_AREA for a in {a for _m, _p, a in counts}}
    slugs_of = {p: ref.slug(p) or "" for p in {p for _m, p, _a in counts}}
    for (month, p, a), count in counts.items():
        code, slug = codes_of[a], slugs_of[p]
        for family, name in families.items():
            if count[name]:
                cells[(family, code, slug, month)] = count[name]
    elsewhere: dict[tuple[str, str], int] = {}
    people = {code: int(per_area[code]["people"]) for code in codes}
    people[NO_AREA] = max(0, int(borough.data["people"]) - sum(people.values()))
    for slug, _kind in programmes:
        found = {c: _programme(per_area[c], slug)["friends_from_elsewhere"] for c in codes}
        elsewhere.update({(c, slug): int(n) for c, n in found.items()})
        whole = int(_programme(borough.data, slug)["friends_from_elsewhere"])
        elsewhere[(NO_AREA, slug)] = max(0, whole - sum(found.values()))
    months = sorted({key[0] for key in counts})
    published = {
        (b, group, measure): split.counts.get((b, group, measure), 0)
        for b, group, _name in split.groups
        for measure in parts.MEASURES[b]
    }
    return Facts(codes, programmes, months, cells, elsewhere, people, published)


def _programme(data: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(p for p in data["programmes"] if p["slug"] == slug)


def area_view(
    data: dict[str, Any], code: str, hidden: frozenset[Hashable], small: int
) -> dict[str, Any]:
    """One area's totals as the public sees them: classified numbers only, hidden as None."""
    out = allowed(data)
    for name, measure in TOTALS.items():
        if isinstance(measure, Measure) and ("area", code, TOGETHER.get(name, name)) in hidden:
            out[name] = None
    for p in out["programmes"]:
        for name, measure in PROGRAMME.items():
            unit = ("programme", code, p["slug"], TOGETHER.get(name, name))
            if isinstance(measure, Measure) and unit in hidden:
                p[name] = None
    out["small_number"] = small
    return out


# Everything in Facts that what to hide depends on, with the small number: small, codes,
# programmes (slug, kind) and months in order, then the cells, Friends counted elsewhere,
# people and breakdowns as mappings (equal whatever order the database gave the rows in:
# comparing them is quicker than sorting them, a sixth of the numbers' making at scale 100).
SameFacts = tuple[
    int,
    tuple[str, ...],
    tuple[tuple[str, str], ...],
    tuple[str, ...],
    Mapping[tuple[str, str, str, str], int],
    Mapping[tuple[str, str], int],
    Mapping[str, int],
    Mapping[tuple[str, str, str], int],
]
_DECIDED: tuple[SameFacts, frozenset[Hashable]] | None = None


def _same_facts(facts: Facts, small: int) -> SameFacts:
    """Everything that what to hide depends on (Facts is never changed once made)."""
    return (
        small,
        tuple(facts.codes),
        tuple(facts.programmes),
        tuple(facts.months),
        facts.cells,
        facts.elsewhere,
        facts.people,
        facts.parts,
    )


def _decide(facts: Facts, small: int) -> frozenset[Hashable]:
    """What to hide, with the cyclic garbage collector paused meanwhile: the work makes a
    hundred thousand small objects (and no cycles), and the collections they would set off
    walk every object in the process, a quarter of the time at demo scale 100."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return hide(model(facts), small)
    finally:
        if collecting:
            gc.enable()


async def _hidden(facts: Facts, small: int) -> frozenset[Hashable]:
    """What to hide. Worked out again only when the true numbers changed: the public
    numbers are remade every minute (another worker may have written), and most minutes
    nothing that counts has changed, so the exact arithmetic is not done again."""
    global _DECIDED
    same = _same_facts(facts, small)
    if _DECIDED is not None and _DECIDED[0] == same:
        return _DECIDED[1]
    # Exact arithmetic on a few thousand numbers: kept off the event loop.
    hidden = await asyncio.to_thread(_decide, facts, small)
    _DECIDED = (same, hidden)
    return hidden


async def _make(generation: int) -> PublicNumbers:
    ref = await load_reference()
    names = {info["code"]: info["name"] for info in ref.footprints.values()}
    # Every area's totals in one set of grouped queries, not a set of queries per area;
    # the four parts read different tables, so they are read side by side.
    borough, by_area, counts, found = await asyncio.gather(
        totals({}), every_area(ref), monthly_counts(), parts.breakdown_counts()
    )
    per_area = {ref.footprints[a]["code"]: data for a, data in by_area.items()}
    facts = _facts(ref, borough, per_area, counts, found)
    small = get_settings().small_number
    hidden = await _hidden(facts, small)
    ttl = get_settings().totals_cache_seconds
    now = time.monotonic()
    fresh_until = now + max(ttl, KEEP_SECONDS) if ttl else now
    areas = {c: area_view(per_area[c], c, hidden, small) for c in names}
    numbers = PublicNumbers(
        generation=generation,
        fresh_until=fresh_until,
        as_at=borough.data["as_at"],
        names=names,
        borough=allowed(borough.data),
        areas=areas,
        monthly=monthly_rows(counts, ref, hidden),
        breakdowns=parts.breakdown_rows(found, hidden),
        hidden=hidden,
        small_number=small,
    )
    numbers.area_json.update(
        {c: made_json(a, fresh_until, generation, numbers.token) for c, a in areas.items()}
    )
    return numbers


_current: PublicNumbers | None = None
_pending: asyncio.Future[PublicNumbers] | None = None
_pending_generation = -1  # the write generation the numbers being made started from


def _fresh(numbers: PublicNumbers | None) -> bool:
    return (
        numbers is not None
        and numbers.generation == CACHE.generation
        and time.monotonic() < numbers.fresh_until
    )


async def public_numbers() -> PublicNumbers:
    """The public numbers, made at most once at a time however many ask at once.

    After a write in this worker they are made again before anyone is answered (so the
    writer sees their change). When only their minute has run out (another worker may have
    written), the current ones keep being served while new ones are made in the background:
    nobody waits for the remake."""
    numbers = serving()
    return numbers if numbers is not None else await _remake()


def serving() -> PublicNumbers | None:
    """The numbers public_numbers() gives now without waiting, or None when they must be
    made first. Past their minute (nothing written in this worker since) that is the
    current ones, while new ones are made in the background, started here."""
    if _current is None:
        return None
    if _fresh(_current):
        return _current
    if _current.generation == CACHE.generation and _keeping():
        if _pending is None:
            _BACKGROUND.add(task := asyncio.create_task(_remake()))
            task.add_done_callback(_made_in_background)
        return _current
    return None


def serving_token() -> object:
    """Token of the numbers served now without waiting (None if none): for Rendered.get."""
    numbers = serving()
    return None if numbers is None else numbers.token


def _keeping() -> bool:
    return get_settings().totals_cache_seconds > 0  # 0: always afresh, for trying things


_BACKGROUND: set[asyncio.Task[PublicNumbers]] = set()  # held, so they are not collected


def _made_in_background(task: asyncio.Task[PublicNumbers]) -> None:
    _BACKGROUND.discard(task)
    if not task.cancelled() and task.exception() is not None:
        # The current numbers stay, and the next request tries again.
        log.warning("The public numbers could not be made again", exc_info=task.exception())


async def _remake() -> PublicNumbers:
    """Make the numbers, or wait for the making already under way. Numbers begun before a
    write in this worker may have been read before it: they are waited for, then made
    again, so that the writer sees their change."""
    global _current, _pending, _pending_generation
    while _pending is not None:
        if _pending_generation == CACHE.generation:
            return await asyncio.shield(_pending)
        with contextlib.suppress(Exception):  # its failure is its own caller's to report
            await asyncio.shield(_pending)
    future: asyncio.Future[PublicNumbers] = asyncio.get_running_loop().create_future()
    _pending, _pending_generation = future, CACHE.generation
    try:
        numbers = await _make(CACHE.generation)
        _current = numbers
        future.set_result(numbers)
        return numbers
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()
        raise
    finally:
        _pending = None


NOTE = (
    "A count under {small} is null (shown as empty in the CSV), and so is any other number "
    "that would let it be worked out from the numbers published beside it: the borough's "
    "totals for any dates, the other months and areas, and each area's totals for all time "
    "(the widget). Rows with nothing to count are left out."
)


async def monthly_json() -> Made:
    """/open-data/monthly.json, made once per set of public numbers."""

    async def make(generation: int) -> Made:
        numbers = await public_numbers()
        document = {
            "title": "Health Movement for Change: monthly numbers by programme and area",
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "as_at": numbers.as_at,
            "small_number": numbers.small_number,
            "note": NOTE.format(small=numbers.small_number),
            "columns": [{"name": n, "description": d} for n, d in COLUMNS],
            "rows": numbers.monthly,
        }
        return made_json(document, numbers.fresh_until, numbers.generation, numbers.token)

    return await RENDERED.get("open-data:json", make, serving_token())


async def monthly_csv() -> Made:
    """/open-data/monthly.csv: the same rows."""

    async def make(generation: int) -> Made:
        numbers = await public_numbers()
        body = as_csv(numbers.monthly)
        tag = f'"{hash_body(body)}"'
        return Made(body, tag, numbers.fresh_until, numbers.generation, numbers.token)

    return await RENDERED.get("open-data:csv", make, serving_token())


BREAKDOWN_NOTE = (
    "For the whole borough and all time. A count under {small} is null (shown as empty in "
    "the CSV), and so is at least one more number of the same breakdown where the others "
    "and the borough's total would give it away: the settings and the deprivation "
    "quintiles each add up to the borough's total. Topics overlap (one activity can be "
    "about several), so they add up to more than the total."
)


async def breakdowns_json() -> Made:
    """/open-data/breakdowns.json, made once per set of public numbers."""

    async def make(generation: int) -> Made:
        numbers = await public_numbers()
        document = {
            "title": "Health Movement for Change: activities by setting, topic and "
            "deprivation, and people by the deprivation of their home",
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "as_at": numbers.as_at,
            "small_number": numbers.small_number,
            "note": BREAKDOWN_NOTE.format(small=numbers.small_number),
            "columns": [{"name": n, "description": d} for n, d in parts.COLUMNS],
            "rows": numbers.breakdowns,
        }
        return made_json(document, numbers.fresh_until, numbers.generation, numbers.token)

    return await RENDERED.get("open-data:breakdowns-json", make, serving_token())


async def breakdowns_csv() -> Made:
    """/open-data/breakdowns.csv: the same rows."""

    async def make(generation: int) -> Made:
        numbers = await public_numbers()
        body = parts.as_csv(numbers.breakdowns)
        tag = f'"{hash_body(body)}"'
        return Made(body, tag, numbers.fresh_until, numbers.generation, numbers.token)

    return await RENDERED.get("open-data:breakdowns-csv", make, serving_token())
