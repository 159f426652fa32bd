"""GET /schema/openapi.json: the OpenAPI document, with the council's lists as they are.

Litestar makes the document once, from the routes. Some of what it says changes while the
app runs: the programmes, areas and courses a field may name (a coordinator adds one) and
today's date (the last a date may be). The operations that name them (server/lib/openapi.py
LIVE) are described again each time the document is asked for, from the lists read for
that request, so a client or a tester reading it is told exactly what is accepted now."""

from __future__ import annotations

from typing import Any

from litestar.openapi.plugins import JsonRenderPlugin

from server.db import one_connection
from server.lib.auth import AppRequest
from server.lib.openapi import LIVE
from server.lib.reference import Reference, load_reference

METHODS = ("get", "post", "put", "patch", "delete")


async def read_lists(request: AppRequest) -> None:
    """Before the document is made (the schema router's before_request): the lists."""
    async with one_connection():
        request.state.reference = await load_reference()


def live_document(document: dict[str, Any], ref: Reference) -> dict[str, Any]:
    """The document with each live operation's query options, or body, made again from
    these lists; the document Litestar made is left as it is."""
    paths: dict[str, Any] = {}
    for path, item in document.get("paths", {}).items():
        item = dict(item)
        for method in METHODS:
            op = item.get(method)
            refresh = LIVE.get(op.get("operationId", "")) if op else None
            if op is None or refresh is None:
                continue
            fresh = refresh(ref)
            op = dict(op)
            parameters = fresh.get("parameters")
            if isinstance(parameters, list):
                named = {p["name"] for p in parameters}
                kept = [p for p in op.get("parameters", []) if p["name"] not in named]
                op["parameters"] = kept + parameters
            if "requestBody" in fresh:
                op["requestBody"] = fresh["requestBody"]
            item[method] = op
        paths[path] = item
    return {**document, "paths": paths}


class LiveDocument(JsonRenderPlugin):
    """The document as JSON, at /schema/openapi.json."""

    def render(self, request: AppRequest, openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, live_document(openapi_schema, request.state.reference))
