"""The demo's impact data (issue 16): where activities happened, their topics and places,
the services signposts named and whether people took them up, a small made-up
deprivation lookup for the demo's postcodes, and a demo social value rate.

Everything comes from its own seeded generator (IMPACT_SEED), so the same scale on the
same day gives the same data, and the rest of the demo is as it was before these fields.
No national data set is shipped: the LSOA codes are fake (E01DEMO001...) and their deciles
made up, in the same spirit as the demo's names.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from schema.tables import AreaDeprivation, Footprint, PostcodeArea, Service, Topic
from server.demo.data import (
    AREAS,
    ASKED_AFTER,
    ASKED_SHARE,
    DEMO_RATE,
    DEMO_RATE_SOURCE,
    HOMES_KNOWN,
    LSOA_DECILES,
    PLACE_POSTCODE_SHARE,
    PLACES_PER_AREA,
    POSTCODE_LETTERS,
    SERVICE_SHARE,
    SERVICE_WEIGHTS,
    SERVICES,
    SETTINGS_BY_KIND,
    TAKE_UP,
    TOPIC_SHARE,
    TOPIC_WEIGHTS,
)
from server.impact.social_value import RATE_KEY, SOURCE_KEY
from server.lib import normal
from server.lib.site_text import read_site_text, write_site_text

ImpactFields = tuple[str, str | None, int | None, str, datetime | None]


@dataclass
class Lookup:
    """The made-up lookups: each LSOA's decile, and each postcode's LSOA (compact form)."""

    deciles: dict[str, int] = field(default_factory=dict)
    postcodes: dict[str, str] = field(default_factory=dict)
    places: list[list[str]] = field(default_factory=list)  # place postcodes, by area index
    lsoas: list[list[str]] = field(default_factory=list)  # LSOA codes, by area index


def _postcode(rng: random.Random, area: int) -> str:
    letters = "".join(rng.choices(POSTCODE_LETTERS, k=2))
    return f"{rng.choice(AREAS[area].districts)} {rng.randrange(1, 10)}{letters}"


def plan_lookup(rng: random.Random) -> Lookup:
    """LSOAs for every area and places' postcodes in each, with a lookup that knows all
    but two places in each area; add_home then adds HOMES_KNOWN of the people's
    postcodes, person by person (with the same generator, nothing drawn in between)."""
    out = Lookup()
    for area in AREAS:
        codes = []
        for decile in LSOA_DECILES[area.code]:
            code = f"E01DEMO{len(out.deciles) + 1:03d}"
            out.deciles[code] = decile
            codes.append(code)
        out.lsoas.append(codes)
    for index in range(len(AREAS)):
        places = sorted({_postcode(rng, index) for _ in range(PLACES_PER_AREA)})
        out.places.append(places)
        for place in places[2:]:  # the first two stay unknown, as some always are
            out.postcodes.setdefault(normal.postcode(place), rng.choice(out.lsoas[index]))
    return out


def add_home(rng: random.Random, lookup: Lookup, home: str | None, area: int) -> None:
    """A person's postcode (and the index of their area): most go into the lookup. The
    lookup grows with the postcodes, not the people: the demo's are a few tens of thousands."""
    if home and rng.random() < HOMES_KNOWN:
        lookup.postcodes.setdefault(normal.postcode(home), rng.choice(lookup.lsoas[area]))


@dataclass
class ImpactContext:
    """What each activity's impact fields are drawn from."""

    rng: random.Random
    today: date
    now: datetime
    places: list[list[str]]
    services: list[int]  # ids, in SERVICES order
    topics: list[int]  # ids, in TOPIC_WEIGHTS order (those the database has)
    topic_cum: list[int]
    service_cum: list[int] = field(default_factory=lambda: list(accumulate(SERVICE_WEIGHTS)))
    setting_cum: dict[str, list[int]] = field(
        default_factory=lambda: {
            kind: list(accumulate(w for _, w in options))
            for kind, options in SETTINGS_BY_KIND.items()
        }
    )
    take_up_cum: list[int] = field(default_factory=lambda: list(accumulate(w for _, w in TAKE_UP)))


def activity_fields(ctx: ImpactContext, kind: str, area: int, day: date) -> ImpactFields:
    """(setting, postcode of the place, service id, take-up, when take-up was said)."""
    rng = ctx.rng
    options = SETTINGS_BY_KIND.get(kind, [("", 1)])
    setting = rng.choices(options, cum_weights=ctx.setting_cum.get(kind, [1]))[0][0]
    postcode = None
    if setting != "online" and rng.random() < PLACE_POSTCODE_SHARE:
        postcode = rng.choice(ctx.places[area])
    service, take_up, said = None, "", None
    if kind == "signposting" and ctx.services and rng.random() < SERVICE_SHARE:
        service = rng.choices(ctx.services, cum_weights=ctx.service_cum[: len(ctx.services)])[0]
        if (ctx.today - day).days > ASKED_AFTER and rng.random() < ASKED_SHARE:
            take_up = rng.choices(TAKE_UP, cum_weights=ctx.take_up_cum)[0][0]
            later = day + timedelta(days=rng.randint(ASKED_AFTER, 60))
            said = min(ctx.now, datetime.combine(later, time(18, 0), tzinfo=UTC))
    return setting, postcode, service, take_up, said


def activity_topics(ctx: ImpactContext) -> list[int]:
    """The topics an activity was about: none, one, or two different ones."""
    rng = ctx.rng
    if not ctx.topics or rng.random() >= TOPIC_SHARE:
        return []
    count = 2 if rng.random() < 0.2 and len(ctx.topics) > 1 else 1
    chosen: list[int] = []
    while len(chosen) < count:
        topic = rng.choices(ctx.topics, cum_weights=ctx.topic_cum)[0]
        if topic not in chosen:
            chosen.append(topic)
    return chosen


# Writing (inside the demo's write transaction) -------------------------------------------


async def write_services() -> list[int]:
    """The made-up services (kept if already there, by name); their ids in SERVICES order."""
    areas = {r["code"]: r["id"] for r in await Footprint.select(Footprint.id, Footprint.code)}
    for name, kind, area in SERVICES:
        await Service.insert(
            Service(name=name, kind=kind, footprint=areas.get(area) if area else None)
        ).on_conflict(target=Service.name, action="DO NOTHING")
    names = [name for name, _kind, _area in SERVICES]
    rows = await Service.select(Service.id, Service.name).where(Service.name.is_in(names))
    found = {r["name"]: r["id"] for r in rows}
    return [found[name] for name in names]


async def topic_choices() -> tuple[list[int], list[int]]:
    """The ids of the active topics TOPIC_WEIGHTS names, in its order (any missing or
    retired ones left out), and their cumulative weights."""
    rows = await Topic.select(Topic.id, Topic.slug).where(Topic.active.eq(True))
    found = {r["slug"]: r["id"] for r in rows}
    chosen = [(found[slug], weight) for slug, weight in TOPIC_WEIGHTS if slug in found]
    return [i for i, _ in chosen], list(accumulate(w for _, w in chosen))


async def lookups_loaded() -> bool:
    """Whether the council has loaded lookups already: the demo then adds none of its
    made-up ones, which must never mix with real ones."""
    return bool(await PostcodeArea.count() or await AreaDeprivation.count())


async def write_rate() -> bool:
    """The demo's social value rate, unless a rate is set already; whether it was written."""
    if any((await read_site_text([RATE_KEY, SOURCE_KEY])).values()):
        return False
    for key, value in ((RATE_KEY, DEMO_RATE), (SOURCE_KEY, DEMO_RATE_SOURCE)):
        await write_site_text(key, value)
    return True
