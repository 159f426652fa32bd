"""/open-data: the monthly numbers, and the borough's breakdowns by setting, topic and
deprivation, as CSV and JSON, under the Open Government Licence."""

from __future__ import annotations

from litestar import get
from litestar.response import Template
from litestar.response.base import ASGIResponse

from server.lib.auth import AppRequest
from server.lib.public import Answer, send_answer
from server.public import breakdowns
from server.public.opendata import COLUMNS, LICENCE, LICENCE_URL
from server.public.query import Query, read_query
from server.public.release import breakdowns_csv as made_breakdowns_csv
from server.public.release import breakdowns_json as made_breakdowns_json
from server.public.release import monthly_csv as made_csv
from server.public.release import monthly_json as made_json
from server.public.release import public_numbers
from server.settings import get_settings

LINK = f'<{LICENCE_URL}>; rel="license"'


# Each file's answer, for its route and for sending without the framework (server.app).
# None takes options, but a key given twice is refused everywhere (read_query).


async def monthly_json_answer(_: Query) -> Answer:
    return Answer(await made_json(), "application/json", extra=(("link", LINK),))


async def monthly_csv_answer(_: Query) -> Answer:
    extra = (
        ("link", LINK),
        ("content-disposition", 'inline; filename="health-movement-monthly.csv"'),
    )
    return Answer(await made_csv(), "text/csv; charset=utf-8", extra=extra)


async def breakdowns_json_answer(_: Query) -> Answer:
    return Answer(await made_breakdowns_json(), "application/json", extra=(("link", LINK),))


async def breakdowns_csv_answer(_: Query) -> Answer:
    extra = (
        ("link", LINK),
        ("content-disposition", 'inline; filename="health-movement-breakdowns.csv"'),
    )
    return Answer(await made_breakdowns_csv(), "text/csv; charset=utf-8", extra=extra)


@get("/open-data/monthly.json", name="open-data-json", include_in_schema=False)
async def monthly_json(request: AppRequest) -> ASGIResponse:
    return send_answer(request, await monthly_json_answer(read_query(request, ())))


@get("/open-data/monthly.csv", name="open-data-csv", include_in_schema=False)
async def monthly_csv(request: AppRequest) -> ASGIResponse:
    return send_answer(request, await monthly_csv_answer(read_query(request, ())))


@get("/open-data/breakdowns.json", name="open-data-breakdowns-json", include_in_schema=False)
async def breakdowns_json(request: AppRequest) -> ASGIResponse:
    return send_answer(request, await breakdowns_json_answer(read_query(request, ())))


@get("/open-data/breakdowns.csv", name="open-data-breakdowns-csv", include_in_schema=False)
async def breakdowns_csv(request: AppRequest) -> ASGIResponse:
    return send_answer(request, await breakdowns_csv_answer(read_query(request, ())))


@get("/open-data", name="open-data", include_in_schema=False)
async def open_data_page() -> Template:
    numbers = await public_numbers()  # made once for everything public, and kept
    return Template(
        "opendata/open_data.html",
        context={
            "columns": COLUMNS,
            "breakdown_columns": breakdowns.COLUMNS,
            "tables": breakdowns.tables(numbers.breakdowns),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "small_number": get_settings().small_number,
        },
    )


HANDLERS = [monthly_json, monthly_csv, breakdowns_json, breakdowns_csv, open_data_page]
