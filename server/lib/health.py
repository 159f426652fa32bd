"""GET /healthz (the process is alive) and GET /readyz (the database answers)."""

from __future__ import annotations

from litestar import Response, get

from schema.tables import Programme
from server.lib.openapi import ANYONE


@get(
    "/healthz",
    summary="Alive",
    description="Touches nothing: the cheapest endpoint.",
    tags=["health"],
    operation_id="get_health",
    security=ANYONE,
    sync_to_thread=False,
)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get(
    "/readyz",
    summary="Ready",
    description="The database answers.",
    tags=["health"],
    operation_id="get_readiness",
    security=ANYONE,
)
async def readyz() -> Response[dict[str, str]]:
    try:
        await Programme.count()
    except Exception:  # noqa: BLE001 - any failure means not ready
        return Response({"status": "database unreachable"}, status_code=503)
    return Response({"status": "ok"})
