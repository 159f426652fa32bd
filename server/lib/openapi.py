"""What the OpenAPI document says of signing in: the bearer-token scheme, and which
operations need it. Handlers name the security of their operation with these."""

from __future__ import annotations

from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme

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
