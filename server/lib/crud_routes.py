"""The five routes of a record type: list, read, create, change, delete."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Router, delete, get, patch, post
from litestar.params import Body, FromPath
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.lib.auth import current_actor
from server.lib.records import (
    Context,
    RecordType,
    create_record,
    delete_record,
    get_record,
    list_records,
    update_record,
)

Fields = Annotated[dict[str, Any], Body(description="The record's fields as a JSON object.")]


def crud_router(path: str, rt: RecordType, *, plural: str, description: str) -> Router:
    """A router with list, read, create, change and delete for one record type."""
    op = plural.replace(" ", "_")

    @get("/", operation_id=f"list_{op}", summary=f"List {plural}", description=description)
    async def list_(request: Request[Any, Any, Any]) -> dict[str, Any]:
        ctx = await Context.load(current_actor(request))
        return await list_records(rt, ctx, dict(request.query_params))

    @get("/{record_id:int}", operation_id=f"read_{op}", summary=f"Read one of the {plural}")
    async def read(request: Request[Any, Any, Any], record_id: FromPath[int]) -> dict[str, Any]:
        ctx = await Context.load(current_actor(request))
        return await get_record(rt, ctx, record_id)

    @post(
        "/",
        operation_id=f"create_{op}",
        summary=f"Add to the {plural}",
        status_code=HTTP_201_CREATED,
    )
    async def create(request: Request[Any, Any, Any], data: Fields) -> dict[str, Any]:
        ctx = await Context.load(current_actor(request))
        return await create_record(rt, ctx, data)

    @patch(
        "/{record_id:int}",
        operation_id=f"update_{op}",
        summary=f"Change some fields of one of the {plural}",
    )
    async def update(
        request: Request[Any, Any, Any], record_id: FromPath[int], data: Fields
    ) -> dict[str, Any]:
        ctx = await Context.load(current_actor(request))
        return await update_record(rt, ctx, record_id, data)

    @delete(
        "/{record_id:int}",
        operation_id=f"delete_{op}",
        summary=f"Delete one of the {plural}",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def remove(request: Request[Any, Any, Any], record_id: FromPath[int]) -> None:
        ctx = await Context.load(current_actor(request))
        await delete_record(rt, ctx, record_id)

    return Router(path=path, route_handlers=[list_, read, create, update, remove], tags=[plural])
