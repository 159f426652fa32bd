"""Answers for the public addresses: ready-made bytes, cacheable for a short time,
readable from any site, and a 304 when the browser already has them.

They are compressed here, once per body, rather than by the compression middleware on
every request (the app leaves these addresses out of it): a page that embeds the widget
costs the server no more than sending bytes it already has."""

from __future__ import annotations

import gzip
from typing import Any, NoReturn, Protocol

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.response.base import ASGIResponse
from litestar.types import ASGIApp, Receive, Scope, Send

from server.lib.auth import SESSION_COOKIE, AppRequest

# The addresses that answer everyone alike: no account read, no cookie set (a cookie would
# also stop shared caches from keeping them).
WIDGET_PATHS = [r"^/embed", r"^/totals\.svg$", r"^/open-data/"]
# The public feeds of upcoming sessions (server/events), answered the same way: compressed
# once, CORS, ETag, no account read, no cookie set.
EVENT_FEEDS = [r"^/events\.(ics|json)$", r"^/events/[^/]+\.ics$"]
# Every address answered through `public`, for the compression middleware to skip.
PUBLIC_PATHS = [r"^/api/totals$", *WIDGET_PATHS]
SMALLEST_TO_COMPRESS = 1000


def none_match(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header holds `*` or a tag that weakly matches `etag` (RFC
    9110 13.1.2: a W/ mark is ignored in the comparison)."""
    if header is None:
        return False
    if header.strip() == "*":
        return True
    return any(_opaque(tag) == _opaque(etag) for tag in header.split(",") if tag.strip())


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def tag_as_sent(request: AppRequest, etag: str, size: int) -> str:
    """The tag of a body as it will be sent: a body big enough to be gzipped, to a client
    that takes gzip, is other bytes, so a strong tag may not be shared with it (weak)."""
    gzipped = size >= SMALLEST_TO_COMPRESS and "gzip" in request.headers.get("accept-encoding", "")
    return f"W/{etag}" if gzipped and not etag.startswith("W/") else etag


def gzip_body(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=9, mtime=0)


class Ready(Protocol):
    @property
    def body(self) -> bytes: ...

    @property
    def etag(self) -> str: ...

    @property
    def gzipped(self) -> bytes: ...


def public(
    request: AppRequest,
    made: Ready,
    media_type: str,
    max_age: int = 60,
    extra: list[tuple[str, str]] | None = None,
    signed_in: bool = False,
    revalidate: bool = False,
) -> ASGIResponse:
    """The answer, or 304. signed_in=True for an answer to a request with an account:
    `no-store`, as for every signed-in answer (it may hold what only that account may see,
    and a phone may be shared), though its ETag still gives a 304.
    revalidate: caches must ask again each time (the ETag makes that a 304)."""
    if media_type.startswith("text/"):
        media_type = media_type.partition(";")[0]  # "; charset=utf-8" is added below
    compress = len(made.body) >= SMALLEST_TO_COMPRESS
    gzipped = compress and "gzip" in request.headers.get("accept-encoding", "")
    etag = tag_as_sent(request, made.etag, len(made.body))
    keep = "public, no-cache" if revalidate else f"public, max-age={max_age}"
    if signed_in:
        keep = "no-store"
    headers = [
        (b"etag", etag.encode()),
        (b"cache-control", keep.encode()),
        (b"access-control-allow-origin", b"*"),
        *((name.encode("latin-1"), value.encode("latin-1")) for name, value in extra or ()),
    ]
    vary = ["Accept-Encoding"] if compress else []
    if signed_in:
        vary += ["Authorization", "Cookie"]
    if vary:
        headers.append((b"vary", ", ".join(vary).encode()))
    if none_match(request.headers.get("if-none-match"), etag):
        return ReadyResponse(304, headers)
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    body = made.body
    if gzipped:
        headers.append((b"content-encoding", b"gzip"))
        body = made.gzipped
    headers += [(b"content-type", media_type.encode()), (b"content-length", b"%d" % len(body))]
    return ReadyResponse(200, headers, body)


class ReadyResponse(ASGIResponse):
    """An answer whose headers are given already encoded, as Litestar sends them: the same
    status, headers and body as ASGIResponse(status_code=..., headers=..., body=...,
    media_type=...) would send. Litestar's own constructor adds each header through a
    case-insensitive search of the others, a tenth of a public answer's time."""

    __slots__ = ()

    def __init__(self, status_code: int, headers: list[tuple[bytes, bytes]], body: bytes = b""):
        self.headers = MutableScopeHeaders()
        self.headers.headers = headers
        self.background = None
        self.body = body
        self.content_length = len(body)
        self._encoded_cookies = ()
        self.encoding = "utf-8"
        self.is_head_response = False
        self.status_code = status_code


# The public answers' own lean app -------------------------------------------------------
# A request for a ready-made public answer, from nobody signed in, is first given to a
# second Litestar app that has only those routes and the hooks every answer needs (the
# security and cache headers): none of the main app's session, CSRF, htmx or compression
# machinery, which such an answer does not use and which cost it about a third of its
# time. Whatever that app would not answer with the route's own answer (bad options, any
# error) is handed over untouched to the main app, which answers it as it always has.


class HandOver(Exception):  # noqa: N818 - a signal, not an error
    """The lean app does not answer this request: the main app does."""


def hand_over(_: Request[Any, Any, Any], exc: Exception) -> NoReturn:
    """The lean app's one exception handler, for every exception."""
    raise HandOver from exc


_SIGNED_IN = (b"authorization", b"cookie")
SESSION_COOKIE_BYTES = SESSION_COOKIE.encode() + b"="


def _anonymous(scope: Scope) -> bool:
    """No Authorization header and no session cookie: the answer is the public's."""
    for name, value in scope["headers"]:
        if name in _SIGNED_IN and (name == b"authorization" or SESSION_COOKIE_BYTES in value):
            return False
    return True


def public_first(app: ASGIApp, lean: ASGIApp, paths: frozenset[str]) -> ASGIApp:
    """Wrap the app's ASGI handler: a GET of one of these exact paths from nobody signed in
    goes to the lean app first."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == ScopeType.HTTP
            and scope["path"] in paths
            and scope.get("method") == "GET"
            and _anonymous(scope)
        ):
            try:
                await lean(dict(scope), receive, send)  # type: ignore[arg-type]
                return
            except HandOver:
                pass  # nothing was sent: the exception came before the answer
        await app(scope, receive, send)

    return handle
