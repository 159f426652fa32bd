"""The staff API of upcoming sessions beyond their records (crud_router in app.py): a
session's bookings, and recording who came."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, RequestBody, Schema
from litestar.params import Body, FromPath

from server.events import attendance, bookings
from server.events.services import UPCOMING
from server.events.shapes import BookingAnswer, Bookings
from server.lib.auth import AppRequest, current_actor, signed_in
from server.lib.openapi import SIGNED_IN, answer, errors, operation
from server.lib.records import Context, get_record
from server.sessions.services import FRIENDS_SESSIONS
from server.sessions.shapes import FriendsSession

ATTENDANCE = RequestBody(
    required=True,
    content={
        "application/json": OpenAPIMediaType(
            schema=Schema(
                type=OpenAPIType.OBJECT,
                properties={
                    "attended": Schema(
                        type=OpenAPIType.ARRAY,
                        items=Schema(type=OpenAPIType.INTEGER),
                        max_items=attendance.MOST_TICKED,
                        description="The ids of the bookings that came (GET …/bookings); the "
                        "others did not. Ids of no booking of this session are ignored.",
                    ),
                    "walk_ins": Schema(
                        type=OpenAPIType.INTEGER,
                        minimum=0,
                        maximum=attendance.MOST_WALK_INS,
                        description="How many came without booking (0 when left out).",
                    ),
                },
                additional_properties=False,
            )
        )
    },
)
WHO = "Coordinators and admins: any session; champions: only the sessions they organise."


@get(
    "/api/upcoming-sessions/{record_id:int}/bookings",
    guards=[signed_in],
    summary="A session's bookings",
    description=WHO,
    tags=["upcoming sessions"],
    operation_id="get_session_bookings",
    security=SIGNED_IN,
    responses={
        **errors(400, 401, 404),
        200: answer(Bookings, "Places first, then the waiting list."),
    },
)
async def session_bookings(request: AppRequest, record_id: FromPath[int]) -> Bookings:
    ctx = await Context.load(current_actor(request))
    session = await get_record(UPCOMING, ctx, record_id)  # NotFound for others' sessions
    items = [
        BookingAnswer(b.id, b.name, b.email, b.mobile, b.status, b.attended, b.created_at)
        for b in await bookings.bookings_of(session.id)
    ]
    return Bookings(items=items)


@post(
    "/api/upcoming-sessions/{record_id:int}/attendance",
    guards=[signed_in],
    status_code=200,
    summary="Record who came",
    description="Once the session has started: the bookings that came (the others did not) "
    "and the walk-ins. The session becomes the Friends session that counts (attendees = "
    "bookings that came + walk-ins); sending it again changes that same Friends session. " + WHO,
    tags=["upcoming sessions"],
    operation_id="log_session_attendance",
    security=SIGNED_IN,
    responses={
        **errors(400, 401, 403, 404, 422),
        200: answer(FriendsSession, "The Friends session, as it counts now."),
    },
    operation_class=operation(body=ATTENDANCE),
)
async def record_attendance(
    request: AppRequest,
    record_id: FromPath[int],
    data: Annotated[dict[str, object], Body(description='{"attended": [...], "walk_ins": 3}')],
) -> FriendsSession:
    ctx = await Context.load(current_actor(request))
    ids, walk_ins = attendance.read_attendance_json(data)
    made = await attendance.record_attendance(ctx, record_id, ids, walk_ins)
    return await get_record(FRIENDS_SESSIONS, ctx, made)


HANDLERS = [session_bookings, record_attendance]
