"""Security headers on every response, the 404s of unknown paths included."""

from __future__ import annotations

from litestar.types import Message, Scope

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


async def security_headers(message: Message, scope: Scope) -> None:
    """A before_send hook: add HEADERS to a response that does not set them itself.

    It works on the raw header list: this runs for every response, the cheapest included."""
    if message["type"] == "http.response.start":
        headers = list(message.get("headers") or [])
        present = {name.lower() for name, _ in headers}
        if b"content-security-policy" in present:
            # A response with its own policy (the embeddable widget) says in it who may
            # frame it; the old X-Frame-Options header would contradict it.
            present.add(b"x-frame-options")
        headers.extend(pair for pair in _RAW if pair[0] not in present)
        message["headers"] = headers
