"""The public numbers of one area, with small numbers hidden.

Area numbers are published beside the borough's, so a small one is hidden together with
enough others that it cannot be worked out by subtraction (see server/lib/suppression.py).
The table that decides it is every area (and the people and activities with no area, which
anyone can work out as the borough minus the areas) against every programme.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from server.lib.suppression import protect
from server.settings import get_settings
from server.totals.services import Cached, totals

NO_AREA = ""


def programme_count(p: Mapping[str, Any]) -> int:
    """The one number the widget shows for a programme: its Friends for a Friends
    programme, its members (roles) for a champion programme."""
    return int(p["friends"] if p["kind"] == "friend" else p["members"])


@dataclass(frozen=True)
class AreaNumbers:
    """One area's headline and programme counts; None where the count is hidden."""

    movement_total: int | None
    reach: int | None
    programmes: dict[str, int | None]  # slug -> count
    sources: tuple[Cached, ...]  # the cached totals these came from (for reuse checks)


async def area_numbers(base: Mapping[str, str], code: str, codes: list[str]) -> AreaNumbers:
    """The numbers for area `code`, hidden where small (filters in `base` apply to all)."""
    borough = await totals(dict(base))
    per_area = {c: await totals({**base, "footprint": c}) for c in codes}
    slugs = [p["slug"] for p in borough.data["programmes"]]
    cells: dict[tuple[str, str], int] = {}
    heads: dict[tuple[str, str], int] = {}  # (area, headline) -> count
    for c, cached in per_area.items():
        for p in cached.data["programmes"]:
            cells[(c, p["slug"])] = programme_count(p)
        heads[(c, "all")] = int(cached.data["movement_total"])
        heads[(c, "reach")] = int(cached.data["reach"])
    for p in borough.data["programmes"]:
        others = sum(cells[(c, p["slug"])] for c in codes)
        cells[(NO_AREA, p["slug"])] = max(0, programme_count(p) - others)
    for name, key in (("all", "movement_total"), ("reach", "reach")):
        heads[(NO_AREA, name)] = max(
            0, int(borough.data[key]) - sum(heads[(c, name)] for c in codes)
        )
    rows = [*codes, NO_AREA]
    small = get_settings().small_number
    grid = protect(cells, rows, slugs, small)
    # Each headline on its own: areas down the side, the borough's figure as the total.
    total = protect({k: v for k, v in heads.items() if k[1] == "all"}, rows, ["all"], small, False)
    reach = protect(
        {k: v for k, v in heads.items() if k[1] == "reach"}, rows, ["reach"], small, False
    )
    return AreaNumbers(
        movement_total=None if total.cell(code, "all") else heads[(code, "all")],
        reach=None if reach.cell(code, "reach") else heads[(code, "reach")],
        programmes={s: None if grid.cell(code, s) else cells[(code, s)] for s in slugs},
        sources=(borough, *per_area.values()),
    )
