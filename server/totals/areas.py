"""Every area's totals for all time at once (the public numbers need them all: each is
published beside the others, server/public/release.py). Each equals
compute_totals(Filters(footprint=area)), worked out from the same rollups and tables with
one grouped query for each part instead of one set of queries for each area."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, TypedDict

from schema.tables import ActivityDaily
from server.lib.reference import Reference
from server.lib.rows import rows_as
from server.totals.dates import Filters
from server.totals.services import (
    COUNTED_SESSION,
    RollupSums,
    add_sums,
    assemble,
    external_figures,
    external_grown,
)


class _AreaSums(RollupSums):
    area: int
    programme: int


class _AreaCount(TypedDict):
    area: int
    programme: int
    n: int


async def _grouped(sql: str) -> list[_AreaCount]:
    return rows_as(_AreaCount, await ActivityDaily.raw(sql))


async def every_area(ref: Reference) -> dict[int, dict[str, Any]]:
    """Each area's all-time totals, by area id (as compute_totals gives them)."""
    areas = list(ref.footprints)
    sums: dict[int, dict[int, dict[str, int]]] = defaultdict(dict)
    rows = await ActivityDaily.raw(
        "SELECT footprint AS area, programme, SUM(activities) AS activities, "
        "SUM(people_reached) AS reach, SUM(minutes) AS minutes FROM activity_monthly "
        "GROUP BY footprint, programme"
    )
    for row in rows_as(_AreaSums, rows):
        add_sums(
            sums[row["area"]].setdefault(
                row["programme"], {"activities": 0, "reach": 0, "minutes": 0}
            ),
            row,
        )
    members: dict[int, Counter[int]] = defaultdict(Counter)
    for r in await _grouped(
        "SELECT footprint AS area, programme, SUM(roles) AS n FROM role_monthly "
        "GROUP BY footprint, programme"
    ):
        members[r["area"]][r["programme"]] += int(r["n"] or 0)
    pairs: Counter[int] = Counter()
    for r in await _grouped(
        "SELECT footprint AS area, 0 AS programme, SUM(pairs) AS n FROM role_pair_monthly "
        "GROUP BY footprint"
    ):
        pairs[r["area"]] += int(r["n"] or 0)
    attendees: dict[int, Counter[int]] = defaultdict(Counter)
    for r in await _grouped(
        "SELECT footprint AS area, programme, SUM(attendees) AS n FROM friends_session "
        f"WHERE {COUNTED_SESSION} AND footprint IS NOT NULL GROUP BY footprint, programme"
    ):
        attendees[r["area"]][r["programme"]] += int(r["n"] or 0)
    figures = await external_figures(Filters())
    out = {}
    for area in areas:
        f = Filters(footprint=area)
        roles = {p: n for p, n in members[area].items() if n}
        people = sum(roles.values()) - pairs[area]
        mine = [row for row in figures if row["footprint"] == area]
        external = external_grown(mine, f)
        out[area] = assemble(f, ref, sums[area], people, roles, attendees[area], external)
    return out
