"""What the OpenAPI document says of signing in: the bearer-token scheme, and which
operations need it. Handlers name the security of their operation with these."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Components, Example, SecurityRequirement, SecurityScheme

BEARER = "bearer"
COMPONENTS = Components(
    security_schemes={
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            description="An API token: `movement token EMAIL` makes one. It can do what its "
            "account can do, and no more.",
        )
    }
)
SIGNED_IN: list[SecurityRequirement] = [{BEARER: []}]
# Open to everyone; a token may still be sent (a coordinator's sees more).
ANYONE: list[SecurityRequirement] = [{}, {BEARER: []}]


class ErrorBody(msgspec.Struct):
    """What every error answer of the API says (server/lib/errors.py sends it)."""

    message: Annotated[str, msgspec.Meta(description="What went wrong, in plain words.")]
    errors: Annotated[
        dict[str, str],
        msgspec.Meta(
            description="Where fields are at fault: for each field (\"\" for the body as a "
            "whole), what to fix. Left out when no field is at fault."
        ),
    ] = msgspec.field(default_factory=dict)


# When each error status is answered: the same words for every operation.
WHEN = {
    400: "What was sent needs fixing: the message, and each field's error, say what to fix.",
    401: "No token, or a token that is not valid (or has been revoked).",
    403: "This account's role may not do this.",
    404: "There is no such record, or not one this account may see.",
    409: "It clashes with a record already there (the same email twice, a record still in "
    "use), or with a change made since.",
    413: "What was sent is too big: send less at once.",
    415: "The body is not JSON: send Content-Type: application/json.",
}
_EXAMPLE = Example(
    value={
        "message": "Some of what was sent needs fixing.",
        "errors": {"people_reached": "The number of people reached must be from 0 to 100,000."},
    }
)


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """The error answers an operation can give, each with the error body."""
    return {
        status: ResponseSpec(
            data_container=ErrorBody,
            description=WHEN[status],
            examples=[_EXAMPLE] if status == 400 else None,
            generate_examples=False,
        )
        for status in statuses
    }
