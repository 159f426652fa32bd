"""POST /api/activities/batch: a phone's queue of activities, sent in one go."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, post
from litestar.params import Body

from server.activities.services import log_batch
from server.lib.auth import current_actor, signed_in
from server.lib.records import Context
from server.lib.validation import Invalid


@post(
    "/api/activities/batch",
    guards=[signed_in],
    status_code=200,
    summary="Log up to 500 activities at once",
    description=(
        'Body: {"activities": [{"client_id", "programme", "kind", "occurred_on", '
        '"people_reached", "minutes", "footprint", "note"}]}. Answer: {"results": '
        '[{"client_id", "status": "created" | "duplicate" | "invalid", "errors"}]}, one per '
        "activity, in order. Sending the same activity again never counts it twice."
    ),
    tags=["activities"],
)
async def batch(
    request: Request[Any, Any, Any],
    data: Annotated[dict[str, Any], Body(description='{"activities": [...]}')],
) -> dict[str, Any]:
    ctx = await Context.load(current_actor(request))
    unknown = set(data) - {"activities"}
    if unknown:
        raise Invalid({k[:60]: "This field is not known: send only activities." for k in unknown})
    return {"results": await log_batch(ctx, data.get("activities"))}
