"""Who is asking: the authentication middleware sets request.user to an Actor (from an
API token or a session cookie) or to None, and checks the API's CSRF header for writes
that ride on the session cookie. The guards that read the Actor are in server.lib.auth."""

from __future__ import annotations

import hmac

from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import Receive, Scope, Send

from server.accounts.services import actor_for_token
from server.accounts.sign_in import actor_for_session
from server.lib.auth import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, Connection


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

    async def authenticate_request(self, connection: Connection) -> AuthenticationResult:
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


def _check_api_csrf(connection: Connection) -> None:
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
