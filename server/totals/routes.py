"""GET /api/totals: the movement's numbers, with ETag and 304 answers. The public and
champions get what server/public decides they may see; coordinators and admins get every
number for any filters."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import Parameter
from litestar.response.base import ASGIResponse

from server.lib.auth import current_actor
from server.lib.public import public
from server.public.answers import AREA_SECONDS, area_json, borough_json
from server.settings import get_settings
from server.totals.services import totals


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
        "give one away, and may not mix it with the other filters (400); coordinators and "
        "admins see every number for any filters."
    ),
    tags=["totals"],
)
async def get_totals(
    request: Request[Any, Any, Any],
    programme: str | None = Parameter(default=None, description="A programme's slug"),
    footprint: str | None = Parameter(default=None, description="A footprint's code"),
    since: str | None = Parameter(default=None, description="First date, like 2025-04-01"),
    until: str | None = Parameter(default=None, description="Last date, like 2026-03-31"),
) -> ASGIResponse:
    # A low-level response: this is the busiest public address, and the body is ready-made.
    params = dict(request.query_params)
    actor = current_actor(request)
    if actor and actor.is_staff:
        cached = await totals(params)
        # A coordinator's answer for one area holds numbers the public may not see.
        return public(request, cached, "application/json", max_age=_max_age(), shared=not footprint)
    if footprint:
        made = await area_json(params)
        return public(request, made, "application/json", max_age=AREA_SECONDS)
    made = await borough_json(params)
    return public(request, made, "application/json", max_age=_max_age())
