"""POST /api/activities/batch: a phone's queue of activities, sent in one go."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import Body

from server.activities.services import log_batch
from server.lib.auth import Actor, current_actor, signed_in
from server.lib.openapi import SIGNED_IN, errors
from server.lib.owner import owner_tag
from server.lib.records import Context
from server.lib.validation import Invalid


@post(
    "/api/activities/batch",
    guards=[signed_in],
    status_code=200,
    summary="Log up to 500 activities at once",
    description=(
        'Body: {"activities": [{"client_id", "programme", "kind", "occurred_on", '
        '"people_reached", "minutes", "footprint", "note"}], "owner"}. Answer: {"results": '
        '[{"client_id", "status": "created" | "duplicate" | "invalid", "errors"}]}, one per '
        "activity, in order. Sending the same activity again never counts it twice. "
        '"owner" is the tag of the account that queued them (the app sends it; signed in '
        "with the session cookie it is required): another account's answers 403."
    ),
    tags=["activities"],
    operation_id="log_activities",
    security=SIGNED_IN,
    responses=errors(400, 401, 403, 413, 415),
)
async def batch(
    request: Request[Any, Any, Any],
    data: Annotated[dict[str, Any], Body(description='{"activities": [...]}')],
) -> dict[str, Any]:
    actor = current_actor(request)
    unknown = set(data) - {"activities", "owner"}
    if unknown:
        raise Invalid({k[:60]: "This field is not known: send only activities." for k in unknown})
    check_owner(actor, data.get("owner"), by_cookie=request.scope.get("auth") == "session")
    return {"results": await log_batch(await Context.load(actor), data.get("activities"))}


def check_owner(actor: Actor | None, owner: Any, by_cookie: bool) -> None:
    """A phone's queue is sent only as the account that queued it: a shared phone may hold
    another person's items, and the session cookie is whoever signed in last."""
    if owner is None and not by_cookie:
        return  # an API client with its own token
    if actor is None or owner != owner_tag(actor.account_id):
        raise PermissionDeniedException(
            "These activities were saved on this phone by another account. They will be "
            "sent when that person signs in."
        )
