"""Who is asking: the signed-in account behind a request (an Actor), and the guards on each
route. The middleware that finds the Actor is server.accounts.middleware: lib knows no feature."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from litestar.connection import ASGIConnection, Request
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.handlers.http_handlers import HTTPRouteHandler

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


# What the authentication middleware (server.accounts.middleware) puts on every request:
# the Actor or None for the public, and how they signed in.
SignedInBy = Literal["token", "session"] | None
AppRequest = Request[Actor | None, SignedInBy, State]
Connection = ASGIConnection[HTTPRouteHandler, Actor | None, SignedInBy, State]


def current_actor(connection: Connection) -> Actor | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Actor) else None


def signed_in(connection: Connection, _: BaseRouteHandler) -> None:
    """Guard: any signed-in account."""
    if current_actor(connection) is None:
        raise NotAuthorizedException("Sign in first: send Authorization: Bearer <your token>.")


def staff(connection: Connection, handler: BaseRouteHandler) -> None:
    """Guard: coordinators and admins."""
    signed_in(connection, handler)
    actor = current_actor(connection)
    if actor is None or not actor.is_staff:
        raise PermissionDeniedException("Only coordinators and admins can do this.")


def admin(connection: Connection, handler: BaseRouteHandler) -> None:
    """Guard: admins only."""
    signed_in(connection, handler)
    actor = current_actor(connection)
    if actor is None or not actor.is_admin:
        raise PermissionDeniedException("Only admins can do this.")
