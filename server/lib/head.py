"""HEAD wherever GET is, under /api/ (RFC 9110 9.3.2).

Litestar answers HEAD only on routes that declare it (405 elsewhere), so a HEAD under
/api/ is run as the GET it stands for, and only the status and headers are passed on:
the same status and headers (Content-Length, ETag, Cache-Control) with no body."""

from __future__ import annotations

from typing import cast

from litestar.types import ASGIApp, Message, Receive, Scope, Send


def head_like_get(app: ASGIApp) -> ASGIApp:
    """Wrap the app's ASGI handler (outside its router) so HEAD under /api/ is a GET without
    its body."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "HEAD" or not scope["path"].startswith("/api/"):
            await app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the rest is dropped too; the end is sent once, empty
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        as_get = cast(Scope, {**scope, "method": "GET"})
        await app(as_get, receive, without_body)

    return handle
