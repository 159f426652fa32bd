"""The public numbers of one area, with small numbers hidden.

Every public view of one area (/api/totals?footprint=..., the widget, the badge) takes its
numbers from `public_area_totals`, so they hide the same numbers. An area's numbers sit
beside the borough's and the other areas', so each measure is protected as a table:
areas (and "no area", which anyone can work out as the borough minus the areas) down the
side, programmes across, with the areas' and the borough's totals published
(server/lib/suppression.py). A programme's numbers in an area are shown all or none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.lib.suppression import ALL, Protected, protect
from server.settings import get_settings
from server.totals.services import Cached, totals

NO_AREA = ""
# Measures that are a sum over programmes (the table's rows add up to the area's figure).
BY_PROGRAMME = {
    "members": "roles",
    "friends": "friends",
    "reach": "reach",
    "activities": "activities",
}
# Measures that are not (one person in two programmes is one person): areas only.
HEADLINE_ONLY = ("people", "anonymous_friends", "movement_total")
PART_OF = {
    "hours": "activities",
    "friends_from_sessions": "friends",
    "friends_from_elsewhere": "friends",
}


def programme_count(p: Mapping[str, Any]) -> int | None:
    """The one number the widget shows for a programme: its Friends for a Friends
    programme, its members (roles) for a champion programme."""
    value = p["friends"] if p["kind"] == "friend" else p["members"]
    return None if value is None else int(value)


async def _sources(base: Mapping[str, str], codes: list[str]) -> tuple[Cached, dict[str, Cached]]:
    borough = await totals(dict(base))
    return borough, {c: await totals({**base, "footprint": c}) for c in codes}


def _table(
    borough: Cached, per_area: dict[str, Cached], measure: str
) -> dict[tuple[str, str], int]:
    """(area, programme) -> count, the no-area row being what the areas leave over."""
    cells: dict[tuple[str, str], int] = {}
    for code, cached in per_area.items():
        for p in cached.data["programmes"]:
            cells[(code, p["slug"])] = int(p[measure])
    for p in borough.data["programmes"]:
        rest = int(p[measure]) - sum(cells[(c, p["slug"])] for c in per_area)
        cells[(NO_AREA, p["slug"])] = max(0, rest)
    return cells


def _headline(borough: Cached, per_area: dict[str, Cached], measure: str) -> dict[Any, int]:
    cells: dict[Any, int] = {(c, "all"): int(x.data[measure]) for c, x in per_area.items()}
    rest = int(borough.data[measure]) - sum(cells.values())
    cells[(NO_AREA, "all")] = max(0, rest)
    return cells


def _hide_programmes(data: dict[str, Any], code: str, grids: dict[str, Protected]) -> None:
    for p in data["programmes"]:
        if any(grid.cell(code, p["slug"]) for grid in grids.values()):
            for key in (*BY_PROGRAMME, *PART_OF):
                p[key] = None


def _grids(borough: Cached, per_area: dict[str, Cached], rows: list[str]) -> dict[str, Protected]:
    small = get_settings().small_number
    slugs = [p["slug"] for p in borough.data["programmes"]]
    boroughs = [ALL, *(("column", slug) for slug in slugs)]  # never hidden
    return {
        m: protect(_table(borough, per_area, m), rows, slugs, small, shown_elsewhere=boroughs)
        for m in BY_PROGRAMME
    }


async def hidden_programmes(codes: list[str]) -> set[tuple[str, str]]:
    """(area code, or "" for no area; programme slug): the programmes whose numbers the
    public does not see for that area, for all time (what the widget hides)."""
    borough, per_area = await _sources({}, codes)
    rows = [*codes, NO_AREA]
    grids = _grids(borough, per_area, rows)
    slugs = [p["slug"] for p in borough.data["programmes"]]
    return {(r, s) for r in rows for s in slugs if any(g.cell(r, s) for g in grids.values())}


async def area_sources(base: Mapping[str, str], codes: list[str]) -> tuple[Cached, ...]:
    """The cached totals an area's public numbers are made from (to know when to remake)."""
    borough, per_area = await _sources(base, codes)
    return (borough, *per_area.values())


async def public_area_totals(
    base: Mapping[str, str], code: str, codes: list[str]
) -> dict[str, Any]:
    """/api/totals's answer for one area as the public may see it: a hidden number is
    null, and "small_number" says below what numbers are hidden."""
    borough, per_area = await _sources(base, codes)
    rows = [*codes, NO_AREA]
    small = get_settings().small_number
    grids = _grids(borough, per_area, rows)
    heads = {
        m: protect(
            _headline(borough, per_area, m),
            rows,
            ["all"],
            small,
            row_totals=False,
            shown_elsewhere=[("column", "all"), ALL],  # the borough's
        )
        for m in HEADLINE_ONLY
    }
    mine = per_area[code]
    data = {**mine.data, "programmes": [dict(p) for p in mine.data["programmes"]]}
    _hide_programmes(data, code, grids)
    for measure, total in BY_PROGRAMME.items():
        if grids[measure].row(code):
            data[total] = None
    for measure in HEADLINE_ONLY:
        if heads[measure].cell(code, "all"):
            data[measure] = None
    for part, whole in PART_OF.items():
        if part in data and data.get(whole) is None:
            data[part] = None
    data["small_number"] = small
    return data
