"""The public widget: /embed (for an iframe), /embed.js (for a script tag), /totals.svg
(a badge) and /how-we-count. All of them are open to any site (CORS) and answer
If-None-Match with 304."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from litestar import get
from litestar.response import Template
from litestar.response.base import ASGIResponse

from server.lib.auth import AppRequest
from server.lib.public import Answer, public, send_answer
from server.public.query import Query, query_key, read_query
from server.public.ready import RENDERED, Made
from server.public.release import public_numbers, serving_token
from server.settings import PROJECT_ROOT, get_settings
from server.totals.services import hash_body
from server.widget.render import EMBED_POLICY, render_badge, render_embed
from server.widget.services import (
    OPTION_NAMES,
    WidgetView,
    read_request,
    rotating_story,
    widget_view,
)

SCRIPT = (PROJECT_ROOT / "web" / "static" / "js" / "embed.js").read_bytes()
SCRIPT_MADE = Made(SCRIPT, f'"{hash_body(SCRIPT)}"')


OPTIONS = (*OPTION_NAMES, "part")


def wants_story(params: dict[str, str]) -> bool:
    return params.get("story", "").lower() in ("1", "yes", "true")


async def _answer(
    params: Query,
    kind: str,
    render: Callable[[WidgetView], bytes],
) -> Made:
    """The widget for this request's options, made once per set of options and totals.

    A story is looked up on every request that asks for one (one small query), and the
    answer is kept per story: so a story its author withdraws leaves every worker's widget
    at once, not when that worker next works out the numbers."""
    story = await rotating_story() if wants_story(params) else None
    key = f"{kind}?{query_key(params)}#{(story or {}).get('id')}"

    async def make(generation: int) -> Made:
        numbers = await public_numbers()
        body = render(widget_view(read_request(params, numbers), numbers, story))
        tag = f'"{hash_body(body)}"'
        return Made(body, tag, numbers.fresh_until, numbers.generation, numbers.token)

    # A hit: the options were read when it was made, and it stays while its numbers do.
    return await RENDERED.get(key, make, serving_token())


class _Keeping(TypedDict, total=False):
    """How long an answer may be kept: Answer's fields of that name."""

    max_age: int
    revalidate: bool


def _keep(params: dict[str, str]) -> _Keeping:
    """How long browsers and shared caches may keep an answer: one with a story is checked
    again each time (a cheap 304 while the story stands), so a withdrawn story never
    lingers in anyone's cache."""
    return {"max_age": 0, "revalidate": True} if wants_story(params) else {}


async def embed_answer(params: Query) -> Answer:
    """The widget for these options (also sent without the framework: server.app)."""
    part = params.get("part") == "1"
    made = await _answer(params, "embed", lambda view: render_embed(view, part))
    policy = (("content-security-policy", EMBED_POLICY),)
    return Answer(made, "text/html; charset=utf-8", extra=policy, **_keep(params))


@get("/embed", name="embed", include_in_schema=False)
async def embed(request: AppRequest) -> ASGIResponse:
    return send_answer(request, await embed_answer(read_query(request, OPTIONS)))


@get("/embed.js", include_in_schema=False)
async def embed_script(request: AppRequest) -> ASGIResponse:
    read_query(request, ())  # the script takes no options, but the same rule holds
    return public(request, SCRIPT_MADE, "text/javascript; charset=utf-8", max_age=300)


async def badge_answer(params: Query) -> Answer:
    """The badge for these options (also sent without the framework: server.app)."""
    made = await _answer(params, "badge", render_badge)
    return Answer(made, "image/svg+xml", **_keep(params))


@get("/totals.svg", name="badge", include_in_schema=False)
async def badge(request: AppRequest) -> ASGIResponse:
    return send_answer(request, await badge_answer(read_query(request, OPTIONS)))


@get("/how-we-count", name="how-we-count", include_in_schema=False)
async def how_we_count() -> Template:
    return Template("widget/how.html", context={"small_number": get_settings().small_number})


HANDLERS = [embed, embed_script, badge, how_we_count]
