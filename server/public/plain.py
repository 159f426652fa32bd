"""The addresses answered without the framework (server.lib.public.public_first), and how
each answer is made: by the route's own function from its options, so the route and the
plain answer cannot drift apart (tests/lib/test_public_first.py compares them byte for
byte and header for header)."""

from __future__ import annotations

from server.lib.health import HEALTHZ
from server.lib.public import Answer, Plain, ReadyRoute
from server.opendata import pages as opendata
from server.public.answers import AREA_SECONDS, area_json, borough_json
from server.public.query import Query
from server.totals import api as totals_api
from server.widget import pages as widget


async def public_totals(params: Query) -> Answer:
    """GET /api/totals for nobody signed in: get_totals' answer for the public (its
    route, server/totals/api.py, answers everyone else)."""
    if params.get("footprint"):
        return Answer(await area_json(params), "application/json", AREA_SECONDS)
    made = await borough_json(params)
    return Answer(made, "application/json", totals_api._max_age())  # noqa: SLF001 - the route's own


ROUTES: dict[str, Plain] = {
    "/api/totals": ReadyRoute(totals_api.OPTIONS, public_totals, others=False),
    "/embed": ReadyRoute(widget.OPTIONS, widget.embed_answer),
    "/totals.svg": ReadyRoute(widget.OPTIONS, widget.badge_answer),
    "/open-data/monthly.json": ReadyRoute((), opendata.monthly_json_answer),
    "/open-data/monthly.csv": ReadyRoute((), opendata.monthly_csv_answer),
    "/open-data/breakdowns.json": ReadyRoute((), opendata.breakdowns_json_answer),
    "/open-data/breakdowns.csv": ReadyRoute((), opendata.breakdowns_csv_answer),
    "/healthz": HEALTHZ,
}
