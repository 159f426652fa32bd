"""/api/applications: the applications to join, for staff (coordinators and admins): the
list and one application, and the decisions as POST actions (approve, ask, decline)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated

from litestar import Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.params import Body, FromPath

from server.join import queue, shapes
from server.join.queue import STATUS, Applicant, Filters
from server.lib.auth import AppRequest, current_actor, staff
from server.lib.crud_routes import api_query
from server.lib.links import paged
from server.lib.openapi import SIGNED_IN, answer, described, errors, operation
from server.lib.records import NotFound
from server.lib.reference import CODE, SLUG, Reference, load_reference
from server.lib.validation import MAX_ID, QUERY, Form, Invalid, Unprocessable

TAGS = ["applications"]
ApproveData = Annotated[shapes.ApproveBody, Body(description="The approval.")]
AskData = Annotated[shapes.AskBody, Body(description="The question.")]
DeclineData = Annotated[shapes.DeclineBody, Body(description="The reason.")]
STATUSES = {"open": "open", "all": "all", **{k: k for k in STATUS}}


def read_options(form: Form) -> None:
    """The list's options (the API's document describes them from this)."""
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    form.integer("per_page", "the number per page", low=1, high=500, default=50)
    form.text("programme", "a programme's slug", max_length=60, default=None, pattern=SLUG)
    form.text("footprint", "an area's code, or none", max_length=20, default=None, pattern=CODE)
    form.choice("status", "open (the default: waiting or more asked), all, or a status",
                STATUSES, default="open")  # fmt: skip


def _filters(form: Form, ref: Reference) -> Filters:
    slug, code = form.got("programme", str), form.got("footprint", str)
    problems = {}
    if slug is not None and slug not in ref.programme_by_slug:
        problems["programme"] = "There is no such programme: see GET /api/programmes."
    if code is not None and code != "none" and code not in ref.footprint_by_code:
        problems["footprint"] = "There is no such area: see GET /api/footprints, or send none."
    if problems:
        raise Unprocessable(problems)
    return Filters(
        programme=ref.programme_by_slug[slug]["id"] if slug else None,
        footprint=None
        if code is None
        else (0 if code == "none" else ref.footprint_by_code[code]["id"]),
        status=form.needed("status", str),
    )


def present(a: Applicant, ref: Reference) -> shapes.Application:
    row = a.row
    return shapes.Application(
        id=row["id"], created_at=row["created_at"], status=row["status"], name=row["name"],
        email=row["email"], phone=row["phone"], postcode=row["postcode"],
        year_of_birth=row["year_of_birth"], programmes=a.programmes,
        footprint=ref.code(row["footprint"]), organisation=row["organisation"],
        parent_name=row["parent_name"], parent_email=row["parent_email"],
        parent_checked_at=row["parent_checked_at"], message=row["message"],
        person=row["person"], waited_days=a.waited_days,
    )  # fmt: skip


def _by(request: AppRequest) -> int | None:
    actor = current_actor(request)
    return actor.account_id if actor else None


async def _found(record_id: int, ref: Reference) -> Applicant:
    # An id beyond the database's 32-bit ids names nothing (and must not reach a query).
    found = await queue.get_applicant(record_id, ref) if 1 <= record_id <= MAX_ID else None
    if found is None:
        raise NotFound()
    return found


async def _send(sending: Awaitable[None]) -> None:
    await sending


@get(
    "/api/applications",
    guards=[staff],
    summary="Applications to join",
    description="Oldest first; by default those waiting or asked for more.",
    tags=TAGS,
    operation_id="list_applications",
    security=SIGNED_IN,
    responses={
        **errors(400, 401, 403, 422),
        200: answer(shapes.ApplicationPage, "A page of applications, oldest first."),
    },
    operation_class=operation(parameters=described(read_options, QUERY).parameters),
)
async def list_applications(request: AppRequest) -> Response[shapes.ApplicationPage]:
    form = Form(api_query(request), sent_as=QUERY)
    read_options(form)
    form.result()
    ref = await load_reference()
    page, per_page = form.needed("page", int), form.needed("per_page", int)
    items, total = await queue.list_applicants(
        _filters(form, ref), ref, offset=(page - 1) * per_page, limit=per_page
    )
    answer_ = shapes.ApplicationPage(
        items=[present(a, ref) for a in items], page=page, per_page=per_page, total=total
    )
    return paged(request, answer_)


@get(
    "/api/applications/{record_id:int}",
    guards=[staff],
    summary="One application to join",
    tags=TAGS,
    operation_id="get_application",
    security=SIGNED_IN,
    responses={**errors(400, 401, 403, 404)},
    operation_class=operation(),
)
async def get_application(record_id: FromPath[int]) -> shapes.Application:
    ref = await load_reference()
    return present(await _found(record_id, ref), ref)


@post(
    "/api/applications/{record_id:int}/approve",
    guards=[staff],
    status_code=200,
    summary="Approve an application",
    description=(
        "Makes or matches the person (a record with their confirmed email), adds the "
        "programmes they chose, and with an email makes a champion account and emails a "
        "sign-in link that works once within 7 days. With only a mobile number: no account; "
        "phone_them says whom to phone. A young applicant needs parent_checked. 409 when it "
        "was decided already; 422 when a rule refuses it (an unconfirmed email on a record)."
    ),
    tags=TAGS,
    operation_id="approve_application",
    security=SIGNED_IN,
    responses={**errors(400, 401, 403, 404, 409, 422)},
    operation_class=operation(),
)
async def approve_application(
    request: AppRequest, record_id: FromPath[int], data: ApproveData
) -> Response[shapes.Approval]:
    ref = await load_reference()
    await _found(record_id, ref)
    try:
        done = await queue.approve(record_id, _by(request), ref, parent_checked=data.parent_checked)
    except Unprocessable:
        raise
    except Invalid as exc:
        raise Unprocessable(exc.errors) from None
    body = shapes.Approval(
        application=present(await _found(record_id, ref), ref), person=done.person_id,
        matched=done.matched, account_made=done.account_made, phone_them=done.phone,
        not_added=done.skipped,
    )  # fmt: skip
    task = BackgroundTask(_send, done.sending) if done.sending is not None else None
    return Response(body, background=task)


@post(
    "/api/applications/{record_id:int}/ask",
    guards=[staff],
    status_code=200,
    summary="Ask an applicant for more information",
    description="The message is kept and emailed to them when they gave an email; the "
    "application waits (more-asked). 409 when it was decided already.",
    tags=TAGS,
    operation_id="ask_applicant",
    security=SIGNED_IN,
    responses={**errors(400, 401, 403, 404, 409)},
    operation_class=operation(),
)
async def ask_applicant(
    request: AppRequest, record_id: FromPath[int], data: AskData
) -> Response[shapes.Application]:
    ref = await load_reference()
    await _found(record_id, ref)
    _, sending = await queue.ask_for_more(record_id, {"message": data.message}, _by(request))
    task = BackgroundTask(_send, sending) if sending is not None else None
    return Response(present(await _found(record_id, ref), ref), background=task)


@post(
    "/api/applications/{record_id:int}/decline",
    guards=[staff],
    status_code=200,
    summary="Decline an application",
    description="The reason is kept; the application is deleted 30 days after. 409 when it "
    "was decided already.",
    tags=TAGS,
    operation_id="decline_application",
    security=SIGNED_IN,
    responses={**errors(400, 401, 403, 404, 409)},
    operation_class=operation(),
)
async def decline_application(
    request: AppRequest, record_id: FromPath[int], data: DeclineData
) -> shapes.Application:
    ref = await load_reference()
    await _found(record_id, ref)
    await queue.decline(record_id, {"reason": data.reason}, _by(request))
    return present(await _found(record_id, ref), ref)


HANDLERS = [
    list_applications, get_application, approve_application, ask_applicant, decline_application
]  # fmt: skip
