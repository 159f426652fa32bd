"""GET /api/totals: the public numbers, with ETag and 304 answers."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import Parameter
from litestar.response.base import ASGIResponse

from server.lib.auth import current_actor
from server.lib.public import public
from server.settings import get_settings
from server.totals.services import totals
from server.widget.services import AREA_SECONDS, public_area_json


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
    if footprint and not (actor and actor.is_staff):
        # One area's numbers, for the public and champions: small numbers hidden.
        made = await public_area_json(params)
        return public(request, made, "application/json", max_age=AREA_SECONDS)
    cached = await totals(params)
    # A coordinator's answer for one area holds numbers the public may not see.
    shared = not (footprint and actor is not None)
    return public(request, cached, "application/json", max_age=_max_age(), shared=shared)
