"""The public widget: its options and its numbers.

Every number comes from the public numbers (server/public), which the totals service's
numbers become once small numbers are hidden, so the widget, /api/totals and the open data
agree and hide the same numbers. The rendered widget is kept per set of options for as
long as those numbers, so a busy page that embeds it costs no query and no template.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from schema.tables import Story
from server.lib.validation import Invalid
from server.public.release import PublicNumbers, public_numbers
from server.settings import local_time

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
    # The code exactly as written, as /api/totals reads it: an area's code may be lower case.
    footprint = params.get("footprint", "").strip() or None
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
    count: int | None  # None: not shown (small, or it would give a small one away)


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

    @property
    def any_hidden(self) -> bool:
        counts = [self.movement_total, self.reach, *(line.count for line in self.lines)]
        return any(c is None for c in counts)


async def footprint_names(fresh: bool = False) -> dict[str, str]:
    """Area code -> name, in name order, as the public numbers know them."""
    del fresh  # the public numbers are remade after any write in this worker
    return dict((await public_numbers()).names)


def read_request(params: Mapping[str, str], numbers: PublicNumbers) -> Options:
    """The widget's options, checked against the programmes and areas of these numbers."""
    slugs = [p["slug"] for p in numbers.borough["programmes"]]
    return read_options(params, slugs, list(numbers.names))


def programme_count(p: Mapping[str, Any]) -> int | None:
    """The one number the widget shows for a programme: its Friends for a Friends
    programme, its members (roles) for a champion programme."""
    value = p["friends"] if p["kind"] == "friend" else p["members"]
    return None if value is None else int(value)


def widget_view(
    options: Options, numbers: PublicNumbers, story: dict[str, str] | None = None
) -> WidgetView:
    """The numbers the widget shows for these options (an area's as the public sees them),
    and the story given (when options.story). One answer is made from one set of public
    numbers, read once (with the cache off, each read would make them again)."""
    data = numbers.borough
    area_name = None
    if options.footprint:
        data = numbers.areas[options.footprint]
        area_name = numbers.names[options.footprint]
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
        as_at=local_time(numbers.as_at),
        small_number=numbers.small_number,
        story=story if options.story else None,
    )


async def rotating_story() -> dict[str, str] | None:
    """One published story (approved, with consent), a different one each minute.
    Only its words and programme: never who wrote it."""
    rows = await (
        Story.select(Story.id, Story.text, Story.programme.name)
        .where((Story.status == "approved") & (Story.consent_to_publish == True))  # noqa: E712
        .order_by(Story.id)
        .limit(50)
    )
    if not rows:
        return None
    row = rows[int(time.time() // 60) % len(rows)]
    return {"id": str(row["id"]), "text": row["text"], "programme": row["programme.name"] or ""}


async def programme_slugs() -> list[str]:
    """Every programme's slug, in the order the totals list them."""
    return [p["slug"] for p in (await public_numbers()).borough["programmes"]]
