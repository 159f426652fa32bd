"""/open-data: the monthly numbers as CSV and JSON, under the Open Government Licence."""

from __future__ import annotations

from litestar import get
from litestar.response import Template
from litestar.response.base import ASGIResponse

from server.lib.auth import AppRequest
from server.lib.public import public
from server.public.opendata import COLUMNS, LICENCE, LICENCE_URL
from server.public.query import read_query
from server.public.release import monthly_csv as made_csv
from server.public.release import monthly_json as made_json
from server.settings import get_settings

LINK = f'<{LICENCE_URL}>; rel="license"'


@get("/open-data/monthly.json", name="open-data-json", include_in_schema=False)
async def monthly_json(request: AppRequest) -> ASGIResponse:
    read_query(request, ())  # no options, but a key given twice is refused everywhere
    made = await made_json()
    return public(request, made, "application/json", extra=[("link", LINK)])


@get("/open-data/monthly.csv", name="open-data-csv", include_in_schema=False)
async def monthly_csv(request: AppRequest) -> ASGIResponse:
    read_query(request, ())
    made = await made_csv()
    extra = [
        ("link", LINK),
        ("content-disposition", 'inline; filename="health-movement-monthly.csv"'),
    ]
    return public(request, made, "text/csv; charset=utf-8", extra=extra)


@get("/open-data", name="open-data", include_in_schema=False)
async def open_data_page() -> Template:
    return Template(
        "opendata/open_data.html",
        context={
            "columns": COLUMNS,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "small_number": get_settings().small_number,
        },
    )


HANDLERS = [monthly_json, monthly_csv, open_data_page]
