"""The public widget: /embed (for an iframe), /embed.js (for a script tag), /totals.svg
(a badge) and /how-we-count. All of them are open to any site (CORS) and answer
If-None-Match with 304."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template
from litestar.response.base import ASGIResponse

from server.lib.public import public
from server.settings import PROJECT_ROOT, get_settings
from server.totals.services import hash_body
from server.widget.render import EMBED_POLICY, render_badge, render_embed
from server.widget.services import RENDERED, Made, read_request, sources_for, widget_view

SCRIPT = (PROJECT_ROOT / "web" / "static" / "js" / "embed.js").read_bytes()
SCRIPT_MADE = Made(SCRIPT, f'"{hash_body(SCRIPT)}"', (), 0)


def _key(request: Request[Any, Any, Any], prefix: str) -> str:
    params = request.query_params
    return prefix + "?" + "&".join(f"{k}={params[k]}" for k in sorted(params))


@get("/embed", include_in_schema=False)
async def embed(request: Request[Any, Any, Any]) -> ASGIResponse:
    options = await read_request(request.query_params)
    part = request.query_params.get("part") == "1"

    async def make() -> bytes:
        view = await widget_view(options)
        return render_embed(view, part)

    made = await RENDERED.get(_key(request, "embed"), await sources_for(options), make)
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
    options = await read_request(request.query_params)

    async def make() -> bytes:
        view = await widget_view(options)
        return render_badge(view)

    made = await RENDERED.get(_key(request, "badge"), await sources_for(options), make)
    return public(request, made, "image/svg+xml")


@get("/how-we-count", include_in_schema=False)
async def how_we_count() -> Template:
    return Template("widget/how.html", context={"small_number": get_settings().small_number})


HANDLERS = [embed, embed_script, badge, how_we_count]
