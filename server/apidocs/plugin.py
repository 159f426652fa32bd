"""GET /schema: the API reference, a page for people; the OpenAPI document for tools is at
/schema/openapi.json.

Litestar serves everything under /schema from its OpenAPI router, through "render
plugins": this is one, drawing our own template (the app's look, our
Content-Security-Policy, no viewer loaded from anywhere) from the document."""

from __future__ import annotations

from collections.abc import Mapping

from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.response import Template

from server.apidocs.document import live_document
from server.apidocs.reference import json_object, sections, shapes
from server.lib.auth import AppRequest
from server.lib.rows import JSON

TEMPLATE = "apidocs/reference.html"


class ReferencePage(OpenAPIRenderPlugin):
    """The reference page at /schema (its path "/", under the OpenAPI router's /schema)."""

    def __init__(self) -> None:
        super().__init__(path="/", favicon="")

    # Litestar types the document loosely (its own signature); it is its to_schema(), JSON.
    def render(self, request: AppRequest, openapi_schema: Mapping[str, JSON]) -> bytes:
        # The same document /schema/openapi.json sends, with the lists as they are now.
        document = live_document(openapi_schema, request.state.reference)
        named = shapes(document)
        page = Template(
            TEMPLATE,
            context={
                "info": json_object(document.get("info")),
                "sections": sections(document),
                "shapes": named,
                "shape_names": {shape.name for shape in named},
                "document_url": self.get_openapi_json_route(request),  # its route's name
            },
        )
        engine = request.app.template_engine
        assert engine is not None  # the app always has one (server/app.py)
        context = page.create_template_context(request)
        html: str = engine.get_template(TEMPLATE).render(**context)
        return html.encode()
