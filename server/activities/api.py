"""POST /api/activities/batch: a phone's queue of activities, sent in one go."""

from __future__ import annotations

from typing import Annotated

from litestar import post
from litestar.exceptions import PermissionDeniedException
from litestar.openapi.spec import OpenAPIMediaType, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import Body

from server.activities.services import BATCH_LIMIT, log_batch
from server.activities.shapes import BatchAnswer
from server.lib.auth import Actor, AppRequest, current_actor, signed_in
from server.lib.openapi import SIGNED_IN, answer, errors, operation
from server.lib.owner import owner_tag
from server.lib.records import Context
from server.lib.validation import Invalid

# The body: the activities are each checked alone, as POST /api/activities checks its
# body, but a phone's form may send numbers as text and blanks as "" (an item that is not
# right is answered "invalid" with its errors, and the rest are saved): so the document
# lists an item's fields without holding the batch to them.
ITEM = Schema(
    description="An activity: an object with the fields of POST /api/activities (client_id, "
    "programme, kind, occurred_on, people_reached, minutes, footprint, note, and the "
    "optional setting, postcode, topics and service; take_up is said later, with PATCH). "
    "Each is checked alone; one that is not right, or not an object, is answered invalid.",
    properties={
        name: Schema(description=f"As {name} in POST /api/activities.")
        for name in ("client_id", "programme", "kind", "occurred_on", "people_reached",
                     "minutes", "footprint", "note", "setting", "postcode", "topics",
                     "service")
    },
)  # fmt: skip
BATCH = RequestBody(
    required=True,
    content={
        "application/json": OpenAPIMediaType(
            schema=Schema(
                type=OpenAPIType.OBJECT,
                properties={
                    "activities": Schema(type=OpenAPIType.ARRAY, items=ITEM, max_items=BATCH_LIMIT),
                    "owner": Schema(
                        type=[OpenAPIType.STRING, OpenAPIType.NULL],
                        description="The tag of the account that queued them (the app "
                        "sends it); another account's answers 403. Leave it out with a token.",
                    ),
                },
                required=["activities"],
                additional_properties=False,
            )
        )
    },
)


@post(
    "/api/activities/batch",
    guards=[signed_in],
    status_code=200,
    summary="Log up to 500 activities at once",
    description=(
        'Body: {"activities": [{"client_id", "programme", "kind", "occurred_on", '
        '"people_reached", "minutes", "footprint", "note", "setting", "postcode", "topics", '
        '"service"}], "owner"}. Answer: {"results": '
        '[{"client_id", "status": "created" | "duplicate" | "invalid", "errors"}]}, one per '
        "activity, in order. Sending the same activity again never counts it twice. "
        '"owner" is the tag of the account that queued them (the app sends it; signed in '
        "with the session cookie it is required): another account's answers 403."
    ),
    tags=["activities"],
    operation_id="log_activities",
    security=SIGNED_IN,
    responses={
        **errors(400, 401, 403, 413, 415),
        200: answer(BatchAnswer, "What became of each activity, in order."),
    },
    operation_class=operation(body=BATCH),
)
async def batch(
    request: AppRequest,
    data: Annotated[dict[str, object], Body(description='{"activities": [...]}')],
) -> BatchAnswer:
    actor = current_actor(request)
    unknown = set(data) - {"activities", "owner"}
    if unknown:
        raise Invalid({k[:60]: "This field is not known: send only activities." for k in unknown})
    check_owner(actor, data.get("owner"), by_cookie=request.scope.get("auth") == "session")
    return BatchAnswer(results=await log_batch(await Context.load(actor), data.get("activities")))


def check_owner(actor: Actor | None, owner: object, by_cookie: bool) -> None:
    """A phone's queue is sent only as the account that queued it: a shared phone may hold
    another person's items, and the session cookie is whoever signed in last."""
    if owner is None and not by_cookie:
        return  # an API client with its own token
    if actor is None or owner != owner_tag(actor.account_id):
        raise PermissionDeniedException(
            "These activities were saved on this phone by another account. They will be "
            "sent when that person signs in."
        )
