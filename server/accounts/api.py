"""GET /api/me: who this token belongs to."""

from __future__ import annotations

from litestar import Response, get

from server.accounts.services import whoami
from server.accounts.shapes import AuditPage, Me
from server.lib.audit import list_events, read_event_options
from server.lib.auth import AppRequest, admin, current_actor, signed_in
from server.lib.crud_routes import api_query
from server.lib.links import paged
from server.lib.openapi import SIGNED_IN, answer, described, errors, operation
from server.lib.validation import QUERY


@get(
    "/api/me",
    guards=[signed_in],
    summary="The signed-in account",
    tags=["accounts"],
    operation_id="get_me",
    security=SIGNED_IN,
    responses={
        **errors(401),
        200: answer(Me, "The account."),
    },
)
async def me(request: AppRequest) -> dict[str, object]:
    actor = current_actor(request)
    assert actor is not None  # the guard made sure
    return await whoami(actor)


@get(
    "/api/audit",
    guards=[admin],
    summary="The audit log (admins)",
    tags=["accounts"],
    operation_id="list_audit_events",
    security=SIGNED_IN,
    responses={
        **errors(400, 401, 403),
        200: answer(AuditPage, "A page of events, newest first."),
    },
    operation_class=operation(parameters=described(read_event_options, QUERY).parameters),
)
async def audit(request: AppRequest) -> Response[dict[str, object]]:
    return paged(request, await list_events(api_query(request)))
