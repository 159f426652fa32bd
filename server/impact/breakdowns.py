"""The impact breakdowns as the console shows them (issue 16): every figure from
server/impact/figures.py, with the names of settings, topics, quintiles and services, in
the order the tables list them. The dashboard, the quarterly report and the downloads all
read this one answer, so they always agree.

Staff see every number exactly, as on the rest of the dashboard (nothing here is public:
the open data makes its own tables under the small-number rule).
"""

from __future__ import annotations

import asyncio
from typing import TypedDict

from schema.tables import Service, Topic
from server.impact import figures, words
from server.impact.figures import NO_TOPIC, NOT_KNOWN, QUINTILES, Reach, Signposts
from server.lib.rows import rows_as
from server.totals.services import Filters


class ReachRow(TypedDict):
    """Activities under one setting, topic or quintile: how many, the people they reached
    and their hours (to one decimal, as the totals give them)."""

    key: str  # the setting's code, the topic's slug, the quintile ("1".."5"), "" for none
    name: str
    activities: int
    reach: int
    hours: float


class QuintileRow(ReachRow):
    people: int  # people with a role whose home postcode is in this quintile
    people_share: str  # of the people whose quintile is known ("–" for Not known)
    reach_share: str  # of the people reached where the place's quintile is known


class SignpostRow(TypedDict):
    key: str  # the service's id ("" for no service named, "total" for every service)
    name: str
    kind: str
    signposts: int
    reach: int
    yes: int
    no: int
    dont_know: int
    not_asked: int
    known: int  # yes + no
    rate: str  # yes / (yes + no) as a whole percentage, "–" when neither is known
    rate_percent: float | None  # the same to one decimal place, for the downloads


class LookupSizes(TypedDict):
    postcodes: int
    areas: int
    placed: int
    loaded: bool


class Impact(TypedDict):
    """Everything the impact sections show for one set of filters."""

    settings: list[ReachRow]
    topics: list[ReachRow]
    quintiles: list[QuintileRow]
    signposts: list[SignpostRow]
    signposts_total: SignpostRow
    lookups: LookupSizes


def _reach_row(key: str, name: str, reach: Reach | None) -> ReachRow:
    r = reach or Reach()
    return {
        "key": key,
        "name": name,
        "activities": r.activities,
        "reach": r.reach,
        "hours": r.hours,
    }


def setting_rows(found: dict[str, Reach]) -> list[ReachRow]:
    """Every setting the forms offer (none left out, so the table keeps its shape), any
    other code found, and last the activities that gave none."""
    codes = [*words.SETTINGS, *sorted(c for c in found if c and c not in words.SETTINGS)]
    rows = [_reach_row(code, words.setting_label(code), found.get(code)) for code in codes]
    return [*rows, _reach_row("", words.NOT_GIVEN, found.get(""))]


class _TopicName(TypedDict):
    id: int
    slug: str
    name: str
    active: bool


async def topic_rows(found: dict[int, Reach]) -> list[ReachRow]:
    """Each topic in the council's order (retired ones only if counted), then the
    activities about none."""
    topics = rows_as(
        _TopicName,
        await Topic.select(Topic.id, Topic.slug, Topic.name, Topic.active)
        .order_by(Topic.sort_order)
        .order_by(Topic.name),
    )
    rows = [
        _reach_row(t["slug"], t["name"], found.get(t["id"]))
        for t in topics
        if t["active"] or t["id"] in found
    ]
    return [*rows, _reach_row("", words.NO_TOPIC, found.get(NO_TOPIC))]


def quintile_rows(people: dict[int, int], places: dict[int, Reach]) -> list[QuintileRow]:
    """Quintiles 1 to 5 and Not known: people by their home, activities by their place.
    The shares are of those whose quintile is known."""
    known_people = sum(n for q, n in people.items() if q != NOT_KNOWN)
    known_reach = sum(r.reach for q, r in places.items() if q != NOT_KNOWN)
    rows: list[QuintileRow] = []
    for q in (*QUINTILES, NOT_KNOWN):
        base = _reach_row(str(q) if q else "", words.quintile_label(q), places.get(q))
        n = people.get(q, 0)
        known = q != NOT_KNOWN
        rows.append(
            {
                **base,
                "people": n,
                "people_share": words.percent(n, known_people) if known else "–",
                "reach_share": words.percent(base["reach"], known_reach) if known else "–",
            }
        )
    return rows


class _ServiceName(TypedDict):
    id: int
    name: str
    kind: str


def _signpost_row(key: str, name: str, kind: str, s: Signposts) -> SignpostRow:
    rate = s.take_up_rate
    return {
        "key": key,
        "name": name,
        "kind": kind,
        "signposts": s.activities,
        "reach": s.reach,
        "yes": s.yes,
        "no": s.no,
        "dont_know": s.dont_know,
        "not_asked": s.not_asked,
        "known": s.known,
        "rate": words.percent(s.yes, s.known),
        "rate_percent": None if rate is None else round(100 * rate, 1),
    }


async def signpost_rows(found: list[Signposts]) -> tuple[list[SignpostRow], SignpostRow]:
    """Each service signposted to (most signposts first), "No service named" last; and the
    row of them all."""
    ids = [s.service for s in found if s.service is not None]
    names = {
        r["id"]: r
        for r in rows_as(
            _ServiceName,
            await Service.select(Service.id, Service.name, Service.kind).where(
                Service.id.is_in(ids)
            )
            if ids
            else [],
        )
    }
    rows = []
    for s in found:
        if s.service is None:
            rows.append(_signpost_row("", words.NO_SERVICE, "", s))
        else:
            service = names.get(s.service, {"id": s.service, "name": "", "kind": ""})
            rows.append(_signpost_row(str(s.service), service["name"], service["kind"], s))
    total = Signposts(
        service=None,
        activities=sum(s.activities for s in found),
        reach=sum(s.reach for s in found),
        yes=sum(s.yes for s in found),
        no=sum(s.no for s in found),
        dont_know=sum(s.dont_know for s in found),
        not_asked=sum(s.not_asked for s in found),
    )
    return rows, _signpost_row("total", "All signposts", "", total)


async def compute_impact(f: Filters) -> Impact:
    """The impact sections' figures for these filters (uncached)."""
    settings, topics, places, people, signposts, sizes = await asyncio.gather(
        figures.by_setting(f),
        figures.by_topic(f),
        figures.activities_by_quintile(f),
        figures.people_by_quintile(f),
        figures.signposts(f),
        figures.lookup_sizes(),
    )
    signpost_list, signposts_total = await signpost_rows(signposts)
    return {
        "settings": setting_rows(settings),
        "topics": await topic_rows(topics),
        "quintiles": quintile_rows(people, places),
        "signposts": signpost_list,
        "signposts_total": signposts_total,
        "lookups": {
            "postcodes": sizes.postcodes,
            "areas": sizes.areas,
            "placed": sizes.placed,
            "loaded": sizes.loaded,
        },
    }
