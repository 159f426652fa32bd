"""Security headers on every response, the 404s of unknown paths included."""

from __future__ import annotations

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
    does not set them itself.

    It works on the raw header list: this runs for every response, the cheapest included."""
    if message["type"] == "http.response.start":
        headers = list(message.get("headers") or [])
        present = {name.lower() for name, _ in headers}
        if b"content-security-policy" in present:
            # A response with its own policy (the embeddable widget) says in it who may
            # frame it; the old X-Frame-Options header would contradict it.
            present.add(b"x-frame-options")
        wanted = _RAW_HTTPS if get_settings().base_url.startswith("https://") else _RAW
        headers.extend(pair for pair in wanted if pair[0] not in present)
        message["headers"] = headers
