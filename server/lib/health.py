"""GET /healthz (the process is alive) and GET /readyz (the database answers)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Response, get

from schema.tables import Programme
from server.lib.openapi import ANYONE, answer
from server.lib.public import Fixed


class Health(msgspec.Struct):
    status: Annotated[
        str,
        msgspec.Meta(
            description='"ok", or what is wrong, such as "database unreachable" (GET /readyz, '
            "with 503).",
            examples=["ok"],
        ),
    ]


@get(
    "/healthz",
    summary="Alive",
    description="Touches nothing: the cheapest endpoint.",
    tags=["health"],
    operation_id="get_health",
    security=ANYONE,
    sync_to_thread=False,
)
def healthz() -> Health:
    return Health("ok")


@get(
    "/readyz",
    summary="Ready",
    description="The database answers.",
    tags=["health"],
    operation_id="get_readiness",
    security=ANYONE,
    responses={503: answer(Health, "The database does not answer.")},
)
async def readyz() -> Response[Health]:
    try:
        await Programme.count()
    except Exception:  # noqa: BLE001 - any failure means not ready
        return Response(Health("database unreachable"), status_code=503)
    return Response(Health("ok"))


_OK = msgspec.json.encode(Health("ok"))
# GET /healthz as the route above answers it, sent without the framework
# (server.public.plain): it touches nothing, so it is always the same bytes.
HEALTHZ = Fixed(
    200, [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(_OK))], _OK
)
