"""GET /schema/openapi.json: the OpenAPI document, with the council's lists as they are.

Litestar makes the document once, from the routes. Some of what it says changes while the
app runs: the programmes, areas and courses a field may name (a coordinator adds one) and
today's date (the last a date may be). The operations that name them (server/lib/openapi.py
LIVE) are described again each time the document is asked for, from the lists read for
that request, so a client or a tester reading it is told exactly what is accepted now."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeGuard

from litestar.openapi.plugins import JsonRenderPlugin

from server.apidocs.reference import json_list, json_object, json_text
from server.db import one_connection
from server.lib.auth import AppRequest
from server.lib.openapi import LIVE
from server.lib.reference import Reference, load_reference
from server.lib.rows import JSON

METHODS = ("get", "post", "put", "patch", "delete")


async def read_lists(request: AppRequest) -> None:
    """Before the document is made (the schema router's before_request): the lists."""
    async with one_connection():
        request.state.reference = await load_reference()


def is_json(value: object) -> TypeGuard[JSON]:
    """Whether a value is JSON all the way down: strings, numbers, booleans and nulls, in
    lists and in objects with text keys."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and is_json(item) for key, item in value.items())
    return False


def live_document(document: Mapping[str, JSON], ref: Reference) -> dict[str, JSON]:
    """The document with each live operation's query options, or body, made again from
    these lists; the document Litestar made is left as it is."""
    paths: dict[str, JSON] = {}
    for path, found in json_object(document.get("paths")).items():
        item = dict(json_object(found))
        for method in METHODS:
            op = json_object(item.get(method))
            operation_id = json_text(op.get("operationId"))
            refresh = LIVE.get(operation_id)  # every live operation has an id ("" has none)
            if refresh is None:
                continue
            fresh = refresh(ref)
            # Made by Litestar's to_schema(), though server/lib/openapi.py types it `object`:
            # proved JSON before it goes into the document (a mistake there fails loudly here).
            if not is_json(fresh):
                raise TypeError(f"The live description of {operation_id} is not JSON")
            item[method] = _refreshed(op, json_object(fresh))
        paths[path] = item
    return {**document, "paths": paths}


def _refreshed(op: Mapping[str, JSON], fresh: Mapping[str, JSON]) -> dict[str, JSON]:
    """An operation with the query options, or the body, it was given again."""
    changed = dict(op)
    parameters = fresh.get("parameters")
    if isinstance(parameters, list):
        named = {_name(p) for p in parameters}
        kept = [p for p in json_list(op.get("parameters")) if _name(p) not in named]
        changed["parameters"] = kept + parameters
    if "requestBody" in fresh:
        changed["requestBody"] = fresh["requestBody"]
    return changed


def _name(parameter: JSON) -> str:
    return json_text(json_object(parameter).get("name"))


class LiveDocument(JsonRenderPlugin):
    """The document as JSON, at /schema/openapi.json."""

    # Litestar types the document loosely (its own signature); it is its to_schema(), JSON.
    def render(self, request: AppRequest, openapi_schema: Mapping[str, JSON]) -> bytes:
        return self.render_json(request, live_document(openapi_schema, request.state.reference))
