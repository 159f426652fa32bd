"""/api/totals as the public (and champions) see it, ready-made."""

from __future__ import annotations

from collections.abc import Mapping

from server.lib.validation import Invalid
from server.public.measures import allowed
from server.public.ready import RENDERED, Made, made_json
from server.public.release import KEEP_SECONDS, public_numbers
from server.settings import get_settings
from server.totals.services import totals

AREA_ONLY = (
    "Numbers for one area are published for all programmes and all dates only, so that "
    "small numbers cannot be worked out. Leave this out, or see /open-data for each month."
)
AREA_SECONDS = KEEP_SECONDS


async def borough_json(params: Mapping[str, str]) -> Made:
    """The borough's numbers for any filters: never hidden, and only the classified ones."""
    key = "api?" + "&".join(f"{k}={params[k]}" for k in sorted(params))

    async def make(generation: int) -> Made:
        cached = await totals(dict(params))
        until = cached.made + get_settings().totals_cache_seconds
        return made_json(allowed(cached.data), until, generation)

    return await RENDERED.get(key, make)


async def area_json(params: Mapping[str, str]) -> Made:
    """One area's numbers as the public sees them (small numbers hidden), ready-made.

    Only for all programmes at all dates: two answers for the same area with different
    dates (or for one programme and for all) would give a hidden number away by
    subtraction. Staff may ask for any mix; the open data has the months."""
    key = "api-area?" + "&".join(f"{k}={params[k]}" for k in sorted(params))

    async def make(generation: int) -> Made:
        await totals(dict(params))  # checks every filter, with the same messages as ever
        others = [k for k in ("programme", "since", "until") if params.get(k, "").strip()]
        if others:
            raise Invalid({k: AREA_ONLY for k in others})
        numbers = await public_numbers()
        made = numbers.area_json.get(params["footprint"].strip())
        if made is None:  # an area added in another worker since the numbers were made
            raise Invalid({"footprint": "That area is new. Try again in a minute."})
        return made

    return await RENDERED.get(key, make)
