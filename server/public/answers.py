"""/api/totals as the public (and champions) see it, ready-made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.lib.validation import Invalid, Unprocessable
from server.public.measures import PROGRAMME, TOTALS, Measure, allowed
from server.public.query import query_key
from server.public.ready import RENDERED, Made, made_json
from server.public.release import KEEP_SECONDS, public_numbers, serving_token
from server.settings import get_settings
from server.totals.services import totals

AREA_ONLY = (
    "Numbers for one area are published for all programmes and all dates only, so that "
    "small numbers cannot be worked out. Leave this out, or see /open-data for each month."
)
BOROUGH_ONLY = "These are the borough's numbers: ask for one area's at /api/totals?footprint=."
AREA_SECONDS = KEEP_SECONDS
# Numbers that count Friends counted elsewhere (family E in server/public/measures.py). A
# source reports a running total on the day it reports, so what it grew by between two
# dates can be one area's small figure: for dates, the public is not given these
# (server/public/model.py models them for all time only). Worked out from the
# classification, so a new measure that counts them is left out of dated answers too.
WITH_ELSEWHERE = tuple(k for k, m in TOTALS.items() if isinstance(m, Measure) and "E" in m.cells)
PROGRAMME_WITH_ELSEWHERE = tuple(
    k for k, m in PROGRAMME.items() if isinstance(m, Measure) and "E" in m.cells
)


def _dated(params: Mapping[str, str]) -> bool:
    return any(params.get(k, "").strip() for k in ("since", "until"))


def undated_only(data: dict[str, Any]) -> dict[str, Any]:
    """A dated answer without the numbers that count Friends counted elsewhere (null)."""
    out = {**data, **dict.fromkeys(WITH_ELSEWHERE)}
    out["programmes"] = [
        {**p, **dict.fromkeys(PROGRAMME_WITH_ELSEWHERE)} for p in data["programmes"]
    ]
    return out


async def borough_now() -> dict[str, Any]:
    """The borough's numbers for all time as the public sees them (the same as
    `public_numbers().borough`): the borough's numbers are never hidden, so this needs only
    the allow-list, not the work of deciding what to hide in each area, and a page that
    shows them (the champion's home) never waits for that after a write."""
    return allowed((await totals({})).data)


async def borough_json(params: Mapping[str, str]) -> Made:
    """The borough's numbers for any filters but an area: never hidden, only the classified
    ones, and for dates none that count Friends counted elsewhere."""
    if params.get("footprint", "").strip():
        raise Invalid({"footprint": BOROUGH_ONLY})
    key = "api?" + query_key(params)

    async def make(generation: int) -> Made:
        cached = await totals(dict(params))
        until = cached.made + get_settings().totals_cache_seconds
        data = allowed(cached.data)
        return made_json(undated_only(data) if _dated(params) else data, until, generation)

    return await RENDERED.get(key, make)


async def area_json(params: Mapping[str, str]) -> Made:
    """One area's numbers as the public sees them (small numbers hidden), ready-made.

    Only for all programmes at all dates: two answers for the same area with different
    dates (or for one programme and for all) would give a hidden number away by
    subtraction. Staff may ask for any mix; the open data has the months."""
    key = "api-area?" + query_key(params)

    async def make(generation: int) -> Made:
        await totals(dict(params))  # checks every filter, with the same messages as ever
        others = [k for k in ("programme", "since", "until") if params.get(k, "").strip()]
        if others:  # each fits the document; together with an area they may not be asked
            raise Unprocessable({k: AREA_ONLY for k in others})
        numbers = await public_numbers()
        made = numbers.area_json.get(params["footprint"].strip())
        if made is None:  # an area added in another worker since the numbers were made
            raise Unprocessable({"footprint": "That area is new. Try again in a minute."})
        return made

    return await RENDERED.get(key, make, serving_token())
