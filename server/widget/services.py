"""The public widget: its options, its numbers and the ready-made bytes served for them.

Every number comes from the totals service (and its cache), so the widget, /api/totals and
the console agree. The rendered widget is kept per set of options for as long as the
totals it was made from, so a busy page that embeds it costs no database query and no
template rendering.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import msgspec

from schema.tables import Footprint, Story
from server.lib.public import gzip_body
from server.lib.validation import Invalid
from server.settings import get_settings, local_time
from server.totals.services import CACHE, Cached, hash_body, totals
from server.widget.areas import area_sources, programme_count, public_area_totals

THEMES = ("light", "dark")
OPTION_NAMES = ("programmes", "footprint", "theme", "compact", "story")


@dataclass(frozen=True)
class Options:
    programmes: tuple[str, ...] = ()  # empty: all of them
    footprint: str | None = None
    theme: str = "light"
    compact: bool = False
    story: bool = False

    @property
    def key(self) -> str:
        return "|".join(
            [
                ",".join(self.programmes),
                self.footprint or "",
                self.theme,
                str(self.compact),
                str(self.story),
            ]
        )


def _flag(params: Mapping[str, str], name: str, errors: dict[str, str]) -> bool:
    raw = params.get(name, "").strip().lower()
    if raw in ("", "0", "no", "false"):
        return False
    if raw in ("1", "yes", "true"):
        return True
    errors[name] = f"Use {name}=1 or leave it out."
    return False


def read_options(params: Mapping[str, str], slugs: list[str], codes: list[str]) -> Options:
    """Check the query string's options; Invalid says what to fix."""
    errors: dict[str, str] = {}
    wanted = tuple(s.strip() for s in params.get("programmes", "").split(",") if s.strip())
    unknown = [s for s in wanted if s not in slugs]
    if unknown:
        errors["programmes"] = (
            f"There is no programme {unknown[0][:60]!r}. Use these: {', '.join(slugs)}."
        )
    footprint = params.get("footprint", "").strip().upper() or None
    if footprint is not None and footprint not in codes:
        errors["footprint"] = (
            f"There is no area {footprint[:20]!r}. Use one of: {', '.join(codes)}."
        )
    theme = params.get("theme", "").strip().lower() or "light"
    if theme not in THEMES:
        errors["theme"] = "Choose theme=light or theme=dark."
    compact, story = _flag(params, "compact", errors), _flag(params, "story", errors)
    if errors:
        raise Invalid(errors)
    return Options(tuple(dict.fromkeys(wanted)), footprint, theme, compact, story)


@dataclass(frozen=True)
class Line:
    slug: str
    name: str
    count: int | None  # None: fewer than the small number


@dataclass(frozen=True)
class WidgetView:
    options: Options
    area: str | None  # the area's name
    movement_total: int | None
    reach: int | None
    lines: list[Line]
    as_at: datetime
    small_number: int
    story: dict[str, str] | None


async def _borough() -> Cached:
    return await totals({})


_AREAS: tuple[float, int, dict[str, str]] | None = None


async def footprint_names(fresh: bool = False) -> dict[str, str]:
    """Area code -> name, kept as long as the totals are (areas change rarely)."""
    global _AREAS
    ttl = get_settings().totals_cache_seconds
    if (
        fresh
        or _AREAS is None
        or _AREAS[1] != CACHE.generation  # something was written in this worker
        or time.monotonic() - _AREAS[0] >= ttl
    ):
        rows = await Footprint.select(Footprint.code, Footprint.name).order_by(Footprint.name)
        _AREAS = (time.monotonic(), CACHE.generation, {r["code"]: r["name"] for r in rows})
    return _AREAS[2]


async def read_request(params: Mapping[str, str]) -> Options:
    borough = await _borough()
    slugs = [p["slug"] for p in borough.data["programmes"]]
    codes = list(await footprint_names())
    if params.get("footprint", "").strip().upper() not in ("", *codes):
        codes = list(await footprint_names(fresh=True))  # perhaps new since: look again
    return read_options(params, slugs, codes)


async def widget_view(options: Options) -> WidgetView:
    """The numbers the widget shows for these options (an area's as the public sees them)."""
    data: dict[str, Any] = (await _borough()).data
    area_name = None
    if options.footprint:
        names = await footprint_names()
        data = await public_area_totals({}, options.footprint, list(names))
        area_name = names[options.footprint]
    lines = [
        Line(p["slug"], p["name"], programme_count(p))
        for p in data["programmes"]
        if not options.programmes or p["slug"] in options.programmes
    ]
    if options.programmes:
        order = {s: i for i, s in enumerate(options.programmes)}
        lines.sort(key=lambda line: order[line.slug])
    return WidgetView(
        options=options,
        area=area_name,
        movement_total=data["movement_total"],
        reach=data["reach"],
        lines=lines,
        as_at=local_time(data["as_at"]),
        small_number=get_settings().small_number,
        story=await rotating_story() if options.story else None,
    )


async def rotating_story() -> dict[str, str] | None:
    """One published story (approved, with consent), a different one each minute.
    Only its words and programme: never who wrote it."""
    rows = await (
        Story.select(Story.text, Story.programme.name)
        .where((Story.status == "approved") & (Story.consent_to_publish == True))  # noqa: E712
        .order_by(Story.id)
        .limit(50)
    )
    if not rows:
        return None
    row = rows[int(time.time() // 60) % len(rows)]
    return {"text": row["text"], "programme": row["programme.name"] or ""}


# Ready-made responses ---------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    """A ready-made answer: its bytes, their tag, and until when they are current."""

    body: bytes
    etag: str
    fresh_until: float = math.inf
    generation: int = -1  # the totals cache's, when made from it

    @cached_property
    def gzipped(self) -> bytes:
        return gzip_body(self.body)


class Rendered:
    """Bytes made from the totals, kept as long as the totals they came from: until the
    first of them is due to be worked out again, or something is written in this worker.
    A hit needs no query, no template and not even the options read again."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.entries: OrderedDict[str, Made] = OrderedDict()

    def fresh(self, key: str) -> Made | None:
        hit = self.entries.get(key)
        if (
            hit is not None
            and hit.generation == CACHE.generation
            and time.monotonic() < hit.fresh_until
        ):
            return hit
        return None

    async def get(
        self,
        key: str,
        sources: Callable[[], Awaitable[tuple[Cached, ...]]],
        make: Callable[[], Awaitable[bytes]],
        at_least: float = 0,
    ) -> Made:
        """The answer for key, made afresh when it is out of date. It is kept as long as
        the totals it was made from, or at_least this many seconds (unless the totals are
        never kept: TOTALS_CACHE_SECONDS=0)."""
        hit = self.fresh(key)
        if hit is not None:
            return hit
        generation = CACHE.generation
        made_from = await sources()
        body = await make()
        ttl = get_settings().totals_cache_seconds
        oldest = min((s.made for s in made_from), default=time.monotonic())
        until = oldest + ttl if not ttl else max(oldest + ttl, time.monotonic() + at_least)
        made = Made(body, f'"{hash_body(body)}"', until, generation)
        self.entries[key] = made
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return made


RENDERED = Rendered()


async def sources_for(options: Options) -> tuple[Cached, ...]:
    """The cached totals a widget with these options is made from."""
    if not options.footprint:
        return (await _borough(),)
    return await area_sources({}, list(await footprint_names()))


# An area's public numbers are made from every area's totals (to know which to hide), so
# they are kept for the max-age they are sent with anyway, rather than worked out again
# every TOTALS_CACHE_SECONDS. A write in this worker still remakes them at once.
AREA_SECONDS = 60

AREA_ONLY = (
    "Numbers for one area are published for all programmes and all dates only, so that "
    "small numbers cannot be worked out. Leave this out, or see /open-data for each month."
)


async def public_area_json(params: Mapping[str, str]) -> Made:
    """/api/totals for one area, as the public sees it (small numbers hidden), ready-made.

    Only for all programmes at all dates: two answers for the same area with different
    dates (or for one programme and for all) would give a hidden number away by
    subtraction. Staff may ask for any mix; the open data has the months."""
    key = "api-area?" + "&".join(f"{k}={params[k]}" for k in sorted(params))
    hit = RENDERED.fresh(key)
    if hit is not None:
        return hit
    await totals(dict(params))  # checks every filter, with the same messages as ever
    mixed = [k for k in ("programme", "since", "until") if params.get(k, "").strip()]
    if mixed:
        raise Invalid({k: AREA_ONLY for k in mixed})
    code = params["footprint"].strip()
    codes = list(await footprint_names())
    if code not in codes:
        codes = list(await footprint_names(fresh=True))

    async def sources() -> tuple[Cached, ...]:
        return await area_sources({}, codes)

    async def make() -> bytes:
        return msgspec.json.encode(await public_area_totals({}, code, codes))

    return await RENDERED.get(key, sources, make, at_least=AREA_SECONDS)


async def programme_slugs() -> list[str]:
    """Every programme's slug, in the order the totals list them."""
    return [p["slug"] for p in (await _borough()).data["programmes"]]
