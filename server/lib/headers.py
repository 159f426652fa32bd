"""Security headers on every response, the 404s of unknown paths included."""

from __future__ import annotations

from collections.abc import Iterable

from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope

from server.settings import get_settings

HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}
_RAW = [(name.encode(), value.encode()) for name, value in HEADERS.items()]
# Only over https: a browser that saw it keeps to https for a year, whatever a link says.
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_RAW_HTTPS = [*_RAW, _HSTS]


async def security_headers(message: Message, scope: Scope) -> None:
    """A before_send hook: add HEADERS (and HSTS when BASE_URL is https) to a response that
    does not set them itself (see secure)."""
    if message["type"] == "http.response.start":
        message["headers"] = secure(message.get("headers") or [])


def secure(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers with HEADERS (and HSTS when BASE_URL is https) added after them, each
    one the answer does not set itself: what security_headers does to every answer, for the
    answers sent without the framework (server.lib.public.public_first).

    It works on the raw header list: this runs for every response, the cheapest included."""
    out = list(headers)
    present = {name.lower() for name, _ in out}
    if b"content-security-policy" in present:
        # A response with its own policy (the embeddable widget) says in it who may
        # frame it; the old X-Frame-Options header would contradict it.
        present.add(b"x-frame-options")
    wanted = _RAW_HTTPS if get_settings().base_url.startswith("https://") else _RAW
    out.extend(pair for pair in wanted if pair[0] not in present)
    return out


def allowed_methods(app: Litestar) -> dict[int, bytes]:
    """The methods each path takes, for the Allow header of OPTIONS answers, by the route's
    OPTIONS handler.

    Litestar makes that handler when a path's first handler is registered and keeps it when
    more are added to the path (by a router), so its own Allow header named only the first
    one's methods: GET where POST was taken too."""
    out: dict[int, bytes] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute) and "OPTIONS" in route.route_handler_map:
            handler, _ = route.route_handler_map["OPTIONS"]
            out[id(handler)] = ", ".join(sorted(route.methods)).encode()
    return out


async def allow_header(message: Message, scope: Scope) -> None:
    """A before_send hook: an OPTIONS answer's Allow header lists every method its path
    takes (see allowed_methods, kept in the app's state as "allow")."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    table: dict[int, bytes] = scope["app"].state.get("allow") or {}
    allow = table.get(id(scope.get("route_handler")))
    if allow is None:
        return
    headers = [(k, v) for k, v in message.get("headers") or [] if k.lower() != b"allow"]
    message["headers"] = [*headers, (b"allow", allow)]
