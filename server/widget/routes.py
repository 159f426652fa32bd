"""The public widget: /embed (for an iframe), /embed.js (for a script tag), /totals.svg
(a badge) and /how-we-count. All of them are open to any site (CORS) and answer
If-None-Match with 304."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get
from litestar.response import Template
from litestar.response.base import ASGIResponse

from server.lib.public import public
from server.settings import PROJECT_ROOT, get_settings
from server.totals.services import Cached, hash_body
from server.widget.render import EMBED_POLICY, render_badge, render_embed
from server.widget.services import (
    AREA_SECONDS,
    RENDERED,
    Made,
    WidgetView,
    read_request,
    sources_for,
    widget_view,
)

SCRIPT = (PROJECT_ROOT / "web" / "static" / "js" / "embed.js").read_bytes()
SCRIPT_MADE = Made(SCRIPT, f'"{hash_body(SCRIPT)}"')


async def _answer(
    request: Request[Any, Any, Any], kind: str, render: Callable[[WidgetView], bytes]
) -> Made:
    """The widget for this request's options, made once per set of options and totals."""
    key = f"{kind}?{request.scope['query_string'].decode('latin-1')}"
    made = RENDERED.fresh(key)
    if made is not None:
        return made  # the options were read when it was made
    options = await read_request(request.query_params)

    async def sources() -> tuple[Cached, ...]:
        return await sources_for(options)

    async def make() -> bytes:
        return render(await widget_view(options))

    keep = AREA_SECONDS if options.footprint else 0
    return await RENDERED.get(key, sources, make, at_least=keep)


@get("/embed", include_in_schema=False)
async def embed(request: Request[Any, Any, Any]) -> ASGIResponse:
    part = request.query_params.get("part") == "1"
    made = await _answer(request, "embed", lambda view: render_embed(view, part))
    return public(
        request,
        made,
        "text/html; charset=utf-8",
        extra=[("content-security-policy", EMBED_POLICY)],
    )


@get("/embed.js", include_in_schema=False)
async def embed_script(request: Request[Any, Any, Any]) -> ASGIResponse:
    return public(request, SCRIPT_MADE, "text/javascript; charset=utf-8", max_age=300)


@get("/totals.svg", include_in_schema=False)
async def badge(request: Request[Any, Any, Any]) -> ASGIResponse:
    made = await _answer(request, "badge", render_badge)
    return public(request, made, "image/svg+xml")


@get("/how-we-count", include_in_schema=False)
async def how_we_count() -> Template:
    return Template("widget/how.html", context={"small_number": get_settings().small_number})


HANDLERS = [embed, embed_script, badge, how_we_count]
