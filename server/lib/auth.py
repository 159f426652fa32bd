"""Who is asking: the signed-in account behind a request, and the guards on each route."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import Receive, Scope, Send

ROLES = ("champion", "coordinator", "admin")
SESSION_COOKIE = "movement_session"
# Not piccolo_admin's "csrftoken", so that a visit to /admin never breaks our forms.
CSRF_COOKIE = "movement_csrf"
CSRF_HEADER = "x-movement-csrf"
STAFF = frozenset({"coordinator", "admin"})


@dataclass(frozen=True)
class Actor:
    """The signed-in account, as the services need it."""

    account_id: int
    role: str
    person_id: int | None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class AuthMiddleware(AbstractAuthenticationMiddleware):
    """Sets request.user to an Actor, or None for the public. Routes decide with guards."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The public's requests carry no credentials: skip the work (it shows in the
        # throughput of the public totals).
        if scope["type"] == ScopeType.HTTP and not any(
            name == b"authorization" or (name == b"cookie" and SESSION_COOKIE.encode() in value)
            for name, value in scope["headers"]
        ):
            scope["user"] = None
            scope["auth"] = None
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        from server.accounts.services import actor_for_token
        from server.accounts.sign_in import actor_for_session

        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            actor = await actor_for_token(token.strip())
            if actor is None:
                raise NotAuthorizedException(
                    "This API token is not valid: it may have been revoked. Ask for a new one."
                )
            return AuthenticationResult(user=actor, auth="token")
        session = connection.cookies.get(SESSION_COOKIE, "")
        actor = await actor_for_session(session) if session else None
        if actor is not None:
            _check_api_csrf(connection)
        # A cookie that is no longer valid is treated as no sign-in at all: pages then
        # offer to sign in again, rather than refusing.
        return AuthenticationResult(user=actor, auth="session" if actor else None)


def _check_api_csrf(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """The API skips the CSRF middleware (token clients need none), so a write to it that
    rides on the session cookie must show the CSRF cookie's value in a header."""
    if connection.scope.get("method") in {"GET", "HEAD", "OPTIONS"}:
        return
    if not connection.url.path.startswith("/api/"):
        return  # the CSRF middleware checks the pages' forms
    cookie = connection.cookies.get(CSRF_COOKIE, "")
    header = connection.headers.get(CSRF_HEADER, "")
    if not cookie or not hmac.compare_digest(cookie, header):
        raise PermissionDeniedException(
            "This request is missing its security check: reload the page and try again."
        )


def current_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Actor) else None


def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: any signed-in account."""
    if current_actor(connection) is None:
        raise NotAuthorizedException("Sign in first: send Authorization: Bearer <your token>.")


def staff(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard: coordinators and admins."""
    signed_in(connection, handler)
    actor = current_actor(connection)
    if actor is None or not actor.is_staff:
        raise PermissionDeniedException("Only coordinators and admins can do this.")


def admin(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard: admins only."""
    signed_in(connection, handler)
    actor = current_actor(connection)
    if actor is None or not actor.is_admin:
        raise PermissionDeniedException("Only admins can do this.")
