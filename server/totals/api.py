"""GET /api/totals: the movement's numbers, with ETag and 304 answers. The public and
champions get what server/public decides they may see; coordinators and admins get every
number for any filters."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import Parameter
from litestar.response.base import ASGIResponse

from server.lib.auth import current_actor
from server.lib.openapi import ANYONE, errors
from server.lib.public import public
from server.public.answers import AREA_SECONDS, area_json, borough_json
from server.public.query import read_query
from server.settings import get_settings
from server.totals.services import totals

OPTIONS = ("programme", "footprint", "since", "until")


def _max_age() -> int:
    return max(get_settings().totals_cache_seconds, 5)


@get(
    "/api/totals",
    summary="The movement's totals",
    description=(
        "Public. People, roles, Friends, reach, activities and hours, overall and per "
        "programme. Filters: programme (slug), footprint (code), since and until (dates, "
        "inclusive). See the README for what each number means. For one footprint, the "
        "public sees small numbers (under small_number) as null, and any number that would "
        "give one away, and may not mix it with the other filters (400). With since or until, "
        "the public's numbers that count Friends counted elsewhere are null (a figure from "
        "elsewhere is a running total, so its growth in a few days could be one area's). "
        "Each option may be given once (400 otherwise). Coordinators and admins see every "
        "number for any filters. Answers asked with an account are sent no-store."
    ),
    tags=["totals"],
    operation_id="get_totals",
    security=ANYONE,
    responses=errors(400, 401),
)
async def get_totals(
    request: Request[Any, Any, Any],
    programme: str | None = Parameter(default=None, description="A programme's slug"),
    footprint: str | None = Parameter(default=None, description="A footprint's code"),
    since: str | None = Parameter(default=None, description="First date, like 2025-04-01"),
    until: str | None = Parameter(default=None, description="Last date, like 2026-03-31"),
) -> ASGIResponse:
    # The arguments above only describe the options for the API's documentation: every
    # decision below is made from the one reading of the query that is also passed on.
    del programme, footprint, since, until
    params = read_query(request, OPTIONS, others=False)
    actor = current_actor(request)
    # A low-level response: this is the busiest public address, and the body is ready-made.
    # Anything asked with an account is sent no-store (it may hold what the public may not
    # see, and a phone may be shared); the public's answer may be kept by any cache.
    signed_in = actor is not None
    if actor and actor.is_staff:
        cached = await totals(params)
        return public(request, cached, "application/json", signed_in=True)
    if params.get("footprint"):
        made = await area_json(params)
        return public(request, made, "application/json", AREA_SECONDS, signed_in=signed_in)
    made = await borough_json(params)
    return public(request, made, "application/json", _max_age(), signed_in=signed_in)
