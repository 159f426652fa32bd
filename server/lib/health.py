"""GET /healthz (the process is alive) and GET /readyz (the database answers)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Response, get

from schema.tables import Programme
from server.lib.openapi import ANYONE, answer


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
