"""The five routes of a record type: list, read, create, change, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypedDict, TypeVar

import msgspec
from litestar import Response, Router, delete, get, patch, post
from litestar.datastructures import ResponseHeader
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Link, RequestBody, SecurityRequirement
from litestar.params import Body, FromPath
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.lib.auth import Actor, AppRequest, current_actor
from server.lib.links import paged
from server.lib.openapi import ANYONE, SIGNED_IN, Described, described, errors, operation
from server.lib.records import (
    Context,
    R,
    RecordType,
    S,
    create_record,
    delete_record,
    get_record,
    list_records,
    read_list_options,
    update_record,
)
from server.lib.reference import NO_LISTS, Reference
from server.lib.revalidate import record_answer
from server.lib.shapes import PageNumber, PerPage, Total
from server.lib.validation import JSON, QUERY, Invalid, given_twice

Fields = Annotated[dict[str, object], Body(description="The record's fields as a JSON object.")]


# A route handler, as answers() gives it back.
H = TypeVar("H", bound=Callable[..., object])


class About(TypedDict):
    """What a record route's decorator is told of who may use it and what it answers."""

    description: str
    security: list[SecurityRequirement]
    responses: dict[int, ResponseSpec]


# The error answers of each action beyond 400, 401 and (when not public) 403.
ANSWERS = {
    "list": [422],
    "read": [404],
    "create": [409, 413, 415, 422],
    "update": [404, 409, 413, 415, 422],
    "delete": [404, 409, 422],
}


# What the success answers carry besides the body, for the document (server/lib/links.py,
# revalidate.py and the create below send them).
LINK = ResponseHeader(
    name="Link",
    documentation_only=True,
    description="The first, previous, next and last pages (RFC 8288), with the same filters.",
)
ETAG = ResponseHeader(
    name="ETag",
    documentation_only=True,
    description="The record as this caller sees it: send it back in If-None-Match to be "
    "told 304 when it has not changed.",
)
LOCATION = ResponseHeader(
    name="Location",
    documentation_only=True,
    description="The new record's address.",
)
NOT_CHANGED = {
    304: ResponseSpec(
        data_container=None,
        description="Not changed since the ETag sent in If-None-Match: no body.",
        generate_examples=False,
    )
}


def api_query(request: AppRequest) -> dict[str, str]:
    """A list's query options, each given once: a second value for the same option is
    refused, not quietly dropped (which one counted would depend on who read it)."""
    pairs = list(request.query_params.multi_items())
    twice = given_twice(pairs)
    if twice:
        raise Invalid(twice)
    return dict(pairs)


def who_may(rt: RecordType[R, S], action: str) -> str:
    """Who may take this action on this kind of record, in words (server.lib.records.allow
    decides it; this says the same)."""
    if action in rt.public:
        return "Anyone may use it."
    if action in rt.champion_may:
        own = " (only their own)" if rt.owner is not None else ""
        return f"Champions{own}, coordinators and admins may use it."
    return "Coordinators and admins may use it."


# Who the options and fields are described for: an admin, who may send every field.
DESCRIBER = Actor(0, "admin", None)


def list_options(rt: RecordType[R, S]) -> type:
    """The list's operation, with its query options (paging and filters) described: at
    start with empty lists, and again from the lists as they are when the document is
    served (server/apidocs/document.py)."""

    def options(ref: Reference) -> Described:
        ctx = Context(actor=DESCRIBER, ref=ref)
        return described(lambda form: read_list_options(rt, form, ctx), QUERY)

    def live(ref: Reference) -> dict[str, object]:
        return {"parameters": [p.to_schema() for p in options(ref).parameters]}

    return operation(parameters=options(NO_LISTS).parameters, live=live)


def with_body(rt: RecordType[R, S], partial: bool, links: dict[str, Link] | None = None) -> type:
    """The operation of a create (partial False) or a change, with its body described,
    like a list's options above."""

    def fields(ref: Reference) -> RequestBody:
        ctx = Context(actor=DESCRIBER, ref=ref)
        return described(lambda form: rt.read(form, ctx, None)).body(partial)

    def live(ref: Reference) -> dict[str, object]:
        return {"requestBody": fields(ref).to_schema()}

    return operation(body=fields(NO_LISTS), links=links, live=live)


def next_steps(one: str) -> dict[str, Link]:
    """What a client can do with a record it has just made: read, change or delete it by
    the id in the answer (OpenAPI links, which tools such as Schemathesis follow)."""
    by_id = {"record_id": "$response.body#/id"}
    return {
        f"{verb}_{one}": Link(
            operation_id=f"{verb}_{one}", parameters=by_id, description=f"{words} it by its id."
        )
        for verb, words in (("get", "Read"), ("update", "Change"), ("delete", "Delete"))
    }


def page_of(shape: type[msgspec.Struct]) -> type[msgspec.Struct]:
    """The Struct of one page of a list of these records (PersonPage, ...)."""
    items = Annotated[list[shape], msgspec.Meta(description="The records on this page.")]  # type: ignore[valid-type]
    return msgspec.defstruct(
        f"{shape.__name__}Page",
        [("items", items), ("page", PageNumber), ("per_page", PerPage), ("total", Total)],
        module=shape.__module__,
    )


def answers(handler: H, shape: object) -> H:
    """The handler, with the type of what it answers set from the record type: the
    document describes its body from that."""
    handler.__annotations__["return"] = shape
    return handler


ALL_ACTIONS = frozenset(ANSWERS)
READ_ONLY_ACTIONS = frozenset({"list", "read"})


def crud_router(
    path: str,
    rt: RecordType[R, S],
    *,
    plural: str,
    singular: str,
    description: str,
    actions: frozenset[str] = ALL_ACTIONS,
) -> Router:
    """A router with list, read, create, change and delete for one record type (only
    `actions` of them: READ_ONLY_ACTIONS for a list the console keeps). Operation
    ids are list_<plural>, get_<singular>, create_<singular>, update_<singular> and
    delete_<singular>, e.g. list_people and get_person. Each answers with the record
    type's Struct (rt.shape), or a page of them."""
    many, one = plural.replace(" ", "_"), singular.replace(" ", "_")
    page_shape = page_of(rt.shape)

    def about(action: str, text: str = "", answers: dict[int, ResponseSpec] | None = None) -> About:
        words = " ".join(filter(None, [text, who_may(rt, action)]))
        public = action in rt.public
        statuses = [400, 401] + ([] if public else [403]) + ANSWERS[action]
        statuses += [429] if action in rt.limited else []
        return {
            "description": words,
            "security": ANYONE if public else SIGNED_IN,
            "responses": {**errors(*statuses), **(answers or {})},
        }

    async def list_(request: AppRequest) -> Response[msgspec.Struct]:
        ctx = await Context.load(current_actor(request))
        found = await list_records(rt, ctx, api_query(request), sent_as=QUERY)
        page = page_shape(
            items=found.items, page=found.page, per_page=found.per_page, total=found.total
        )
        return paged(request, page)

    async def read(request: AppRequest, record_id: FromPath[int]) -> Response[bytes]:
        ctx = await Context.load(current_actor(request))
        return record_answer(request, await get_record(rt, ctx, record_id))

    async def create(request: AppRequest, data: Fields) -> Response[S]:
        ctx = await Context.load(current_actor(request))
        record = await create_record(rt, ctx, data, sent_as=JSON)
        # The new record's own address (this router's path and its id), as RFC 9110 asks of a 201.
        where = f"{request.url.path.rstrip('/')}/{getattr(record, 'id')}"  # noqa: B009
        return Response(record, status_code=HTTP_201_CREATED, headers={"Location": where})

    async def update(request: AppRequest, record_id: FromPath[int], data: Fields) -> S:
        ctx = await Context.load(current_actor(request))
        return await update_record(rt, ctx, record_id, data, sent_as=JSON)

    async def remove(request: AppRequest, record_id: FromPath[int]) -> None:
        ctx = await Context.load(current_actor(request))
        await delete_record(rt, ctx, record_id)

    # What the document says a read or a create answers: made from this record type's Struct.
    one_answer = Response[rt.shape]  # type: ignore[name-defined]
    handlers = [
        get(
            "/",
            operation_id=f"list_{many}",
            summary=f"List {plural}",
            response_description=f"A page of the {plural}, and how many there are in all.",
            operation_class=list_options(rt),
            response_headers=[LINK],
            **about("list", description),
        )(answers(list_, Response[page_shape])),  # type: ignore[valid-type]
        get(
            "/{record_id:int}",
            operation_id=f"get_{one}",
            summary=f"Read one of the {plural}",
            response_description="The record.",
            operation_class=operation(),
            response_headers=[ETAG],
            **about("read", answers=NOT_CHANGED),
        )(answers(read, one_answer)),
        post(
            "/",
            operation_id=f"create_{one}",
            summary=f"Add to the {plural}",
            response_description="The new record, as saved.",
            status_code=HTTP_201_CREATED,
            operation_class=with_body(rt, partial=False, links=next_steps(one)),
            response_headers=[LOCATION],
            **about("create"),
        )(answers(create, one_answer)),
        patch(
            "/{record_id:int}",
            operation_id=f"update_{one}",
            summary=f"Change some fields of one of the {plural}",
            response_description="The record, as it is now.",
            operation_class=with_body(rt, partial=True),
            **about("update"),
        )(answers(update, rt.shape)),
        delete(
            "/{record_id:int}",
            operation_id=f"delete_{one}",
            summary=f"Delete one of the {plural}",
            response_description="Deleted: no body.",
            operation_class=operation(),
            status_code=HTTP_204_NO_CONTENT,
            **about("delete"),
        )(remove),
    ]
    wanted = [h for h, action in zip(handlers, ANSWERS, strict=True) if action in actions]
    return Router(path=path, route_handlers=wanted, tags=[plural])
