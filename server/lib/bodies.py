"""The API reads JSON only: a write that sends anything else is told so (415)."""

from __future__ import annotations

from typing import Any

from litestar import Request

WRITES = frozenset({"POST", "PUT", "PATCH"})


class NotJson(Exception):
    """A write to the API whose body is not JSON (HTTP 415)."""


def is_json(media_type: str) -> bool:
    """application/json, or a JSON type such as application/merge-patch+json."""
    media_type = media_type.strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def has_body(request: Request[Any, Any, Any]) -> bool:
    """Whether the request says it carries a body (a length above 0, or sent in chunks)."""
    length = request.headers.get("content-length", "").strip()
    return "transfer-encoding" in request.headers or (length not in ("", "0"))


async def json_bodies_only(request: Request[Any, Any, Any]) -> None:
    """A before_request hook for the whole app: a write under /api/ with a body that is
    not JSON is refused before the body is read. Without it a text/plain body that
    happens to hold JSON was taken, and a form's body got a confusing JSON error.
    A write with no body and no type goes on (the route says what it needs). Pages' form
    posts are not under /api/ and are left alone."""
    if request.method not in WRITES or not request.scope["path"].startswith("/api/"):
        return
    media_type = request.headers.get("content-type")
    if media_type is None and not has_body(request):
        return
    if media_type is None or not is_json(media_type.split(";", 1)[0]):
        raise NotJson()
