"""The console dashboard's figures for a set of filters: the totals themselves (the very
answer /api/totals gives for the same filters, from the same cache), and the breakdowns by
area and month (breakdown.py), cached beside them and cleared with them; and the impact
breakdowns (server/impact/breakdowns.py: by setting, topic, deprivation quintile, and
signposting), cached the same way."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from server.impact.breakdowns import Impact, compute_impact
from server.lib.reference import Reference, load_reference
from server.lib.validation import DateParts
from server.totals.breakdown import Breakdowns, MonthRow, breakdown_key, compute_breakdowns
from server.totals.services import Filters, TotalsCache, read_filters, totals

FILTERS = ("programme", "footprint", "since", "until")
# The breakdowns (by area and month: no personal data), kept and cleared with the totals
# (the same write generation) so that the two always agree.
BREAKDOWN_CACHE: TotalsCache[Breakdowns] = TotalsCache()
IMPACT_CACHE: TotalsCache[Impact] = TotalsCache()


def filter_params(params: Mapping[str, object]) -> dict[str, str | DateParts]:
    """Only the filters of a query string, trimmed, without the blank ones (a GET form
    sends every field, filled or not). Anything else in the address is left alone."""
    out: dict[str, str | DateParts] = {}
    for name in FILTERS:
        given = params.get(name)
        if isinstance(given, DateParts):  # boxes typed wrong: Form says why
            out[name] = given
            continue
        value = str(given or "").strip()
        if value:
            out[name] = value
    return out


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows for one set of filters."""

    params: dict[str, str]  # the filters as sent (for links that keep them)
    filters: Filters
    ref: Reference
    totals: dict[str, Any]  # compute_totals' answer, as /api/totals sends it
    footprints: list[dict[str, Any]]
    months: list[MonthRow]
    new_this_month: dict[str, int]  # by programme slug
    impact: Impact | None = None  # None when not asked for (the report's figures at its end)


async def dashboard(
    params: Mapping[str, object], today: date, with_impact: bool = True
) -> Dashboard:
    """The dashboard's figures for a request's filters; Invalid says what to fix."""
    given = filter_params(params)
    ref = await load_reference()
    f = read_filters(given, ref)
    # Every filter is text now: read_filters refused any date left as boxes typed wrong.
    clean = {k: v for k, v in given.items() if isinstance(v, str)}

    async def compute() -> Breakdowns:
        return await compute_breakdowns(f, ref, today)

    async def impact() -> Impact | None:
        if not with_impact:
            return None
        key = "&".join(f"{k}={clean[k]}" for k in sorted(clean))  # it does not use today
        return (await IMPACT_CACHE.get(key, lambda: compute_impact(f))).data

    # All at once: on SQLite each query has a connection (and a thread) of its own.
    headline, extra, impact_figures = await asyncio.gather(
        totals(clean), BREAKDOWN_CACHE.get(breakdown_key(clean, today), compute), impact()
    )
    return Dashboard(
        params=clean,
        filters=f,
        ref=ref,
        totals=headline.data,
        footprints=extra.data["footprints"],
        months=extra.data["months"],
        new_this_month=extra.data["new_this_month"],
        impact=impact_figures,
    )


class Progress(TypedDict):
    done: int
    target: int
    percent: int
    by: date | None


def target_progress(programme: Mapping[str, Any]) -> Progress | None:
    """How far a programme is towards its target, or None without one. Friends programmes
    count their Friends (named and counted), others their members."""
    # Untyped values: a programme of compute_totals' answer (see there), or a test's dict.
    target = programme.get("target")
    if not target:
        return None
    done = programme["friends"] if programme["kind"] == "friend" else programme["members"]
    return {
        "done": done,
        "target": target,
        "percent": int(100 * done / target),
        "by": programme.get("target_date"),
    }
