"""GET /api/totals: the movement's numbers, with ETag and 304 answers. The public and
champions get what server/public decides they may see; coordinators and admins get every
number for any filters."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.openapi.spec import Parameter as OpenAPIParameter
from litestar.response.base import ASGIResponse

from server.lib.auth import AppRequest, current_actor
from server.lib.openapi import ANYONE, answer, described, errors, operation
from server.lib.public import public
from server.lib.reference import NO_LISTS, Reference
from server.lib.validation import QUERY
from server.public.answers import AREA_SECONDS, area_json, borough_json
from server.public.query import read_query
from server.settings import get_settings
from server.totals.services import read_filter_options, totals
from server.totals.shapes import Totals

OPTIONS = ("programme", "footprint", "since", "until")


def _max_age() -> int:
    return max(get_settings().totals_cache_seconds, 5)


def options(ref: Reference) -> list[OpenAPIParameter]:
    """The filters, described from the code that reads them (server/totals/services.py)."""
    return described(lambda form: read_filter_options(form, ref), QUERY).parameters


def live_options(ref: Reference) -> dict[str, Any]:  # lib.openapi.Live; to_schema()'s dicts
    return {"parameters": [p.to_schema() for p in options(ref)]}


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
    responses={**errors(400, 401, 422), 200: answer(Totals, "The numbers.")},
    operation_class=operation(parameters=options(NO_LISTS), live=live_options),
)
async def get_totals(request: AppRequest) -> ASGIResponse:
    # Every decision below is made from the one reading of the query that is also passed on.
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
