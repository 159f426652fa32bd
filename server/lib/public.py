"""Answers for the public addresses: ready-made bytes, cacheable for a short time,
readable from any site, and a 304 when the browser already has them."""

from __future__ import annotations

from typing import Any, Protocol

from litestar import Request
from litestar.response.base import ASGIResponse


class Ready(Protocol):
    @property
    def body(self) -> bytes: ...

    @property
    def etag(self) -> str: ...


def public(
    request: Request[Any, Any, Any],
    made: Ready,
    media_type: str,
    max_age: int = 60,
    extra: list[tuple[str, str]] | None = None,
    shared: bool = True,
) -> ASGIResponse:
    """The answer, or 304. shared=False for what only this account may see: no cache but
    the browser's may keep it (a proxy would otherwise give it to the next person)."""
    scope = "public" if shared else "private"
    headers = [
        ("etag", made.etag),
        ("cache-control", f"{scope}, max-age={max_age}"),
        ("access-control-allow-origin", "*"),
        *(extra or []),
    ]
    if not shared:
        headers.append(("vary", "Authorization, Cookie"))
    if made.etag in request.headers.get("if-none-match", ""):
        return ASGIResponse(status_code=304, headers=headers)
    return ASGIResponse(body=made.body, media_type=media_type, headers=headers)
