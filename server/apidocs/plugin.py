"""GET /schema: the API reference, a page for people; the OpenAPI document for tools is at
/schema/openapi.json.

Litestar serves everything under /schema from its OpenAPI router, through "render
plugins": this is one, drawing our own template (the app's look, our
Content-Security-Policy, no viewer loaded from anywhere) from the document."""

from __future__ import annotations

from typing import Any

from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.response import Template

from server.apidocs.document import live_document
from server.apidocs.reference import sections, shapes
from server.lib.auth import AppRequest

TEMPLATE = "apidocs/reference.html"


class ReferencePage(OpenAPIRenderPlugin):
    """The reference page at /schema (its path "/", under the OpenAPI router's /schema)."""

    def __init__(self) -> None:
        super().__init__(path="/", favicon="")

    def render(self, request: AppRequest, openapi_schema: dict[str, Any]) -> bytes:
        # The same document /schema/openapi.json sends, with the lists as they are now.
        openapi_schema = live_document(openapi_schema, request.state.reference)
        page = Template(
            TEMPLATE,
            context={
                "info": openapi_schema.get("info", {}),
                "sections": sections(openapi_schema),
                "shapes": shapes(openapi_schema),
                "shape_names": set(openapi_schema.get("components", {}).get("schemas", {})),
                "document_url": self.get_openapi_json_route(request),  # its route's name
            },
        )
        engine = request.app.template_engine
        assert engine is not None  # the app always has one (server/app.py)
        context = page.create_template_context(request)
        html: str = engine.get_template(TEMPLATE).render(**context)
        return html.encode()
