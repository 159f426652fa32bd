"""Answers for the public addresses: ready-made bytes, cacheable for a short time,
readable from any site, and a 304 when the browser already has them.

They are compressed here, once per body, rather than by the compression middleware on
every request (the app leaves these addresses out of it): a page that embeds the widget
costs the server no more than sending bytes it already has."""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.response.base import ASGIResponse
from litestar.types import ASGIApp, Receive, Scope, Send

from server.lib.auth import SESSION_COOKIE, AppRequest
from server.lib.caching import cache_control
from server.lib.headers import secure

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
    return sent_tag(etag, gzipped)


def sent_tag(etag: str, gzipped: bool) -> str:
    """The tag of a body sent gzipped (weak) or as it is (see tag_as_sent)."""
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


Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class Answer:
    """A ready-made public answer and how it is sent: public()'s arguments but the request."""

    made: Ready
    media_type: str
    max_age: int = 60
    extra: tuple[tuple[str, str], ...] = ()
    revalidate: bool = False

    def parts(
        self, gzip_ok: bool, if_none_match: str | None, signed_in: bool = False
    ) -> tuple[int, Headers, bytes]:
        """The status, headers and body for a client that takes gzip (or not) and sent
        this If-None-Match (see public)."""
        made, media_type = self.made, self.media_type
        if media_type.startswith("text/"):
            media_type = media_type.partition(";")[0]  # "; charset=utf-8" is added below
        compress = len(made.body) >= SMALLEST_TO_COMPRESS
        gzipped = compress and gzip_ok
        etag = sent_tag(made.etag, gzipped)
        keep = "public, no-cache" if self.revalidate else f"public, max-age={self.max_age}"
        if signed_in:
            keep = "no-store"
        headers = [
            (b"etag", etag.encode()),
            (b"cache-control", keep.encode()),
            (b"access-control-allow-origin", b"*"),
            *((name.encode("latin-1"), value.encode("latin-1")) for name, value in self.extra),
        ]
        vary = ["Accept-Encoding"] if compress else []
        if signed_in:
            vary += ["Authorization", "Cookie"]
        if vary:
            headers.append((b"vary", ", ".join(vary).encode()))
        if none_match(if_none_match, etag):
            return 304, headers, b""
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        body = made.body
        if gzipped:
            headers.append((b"content-encoding", b"gzip"))
            body = made.gzipped
        headers += [(b"content-type", media_type.encode()), (b"content-length", b"%d" % len(body))]
        return 200, headers, body


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
    answer = Answer(made, media_type, max_age, tuple(extra or ()), revalidate)
    return send_answer(request, answer, signed_in)


def send_answer(request: AppRequest, answer: Answer, signed_in: bool = False) -> ASGIResponse:
    """The answer to this request (see public)."""
    gzip_ok = "gzip" in request.headers.get("accept-encoding", "")
    return ReadyResponse(*answer.parts(gzip_ok, request.headers.get("if-none-match"), signed_in))


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


# The ready-made public answers, without the framework -----------------------------------
# A GET of a ready-made public answer, from nobody signed in, is answered here in plain
# ASGI: its options read from the query string, the ready-made bytes looked up, the same
# headers added as the main app's hooks add (from the same functions), and sent. None of
# the framework's request, routing, signature, exception or middleware machinery runs,
# which cost such an answer most of its time. Whatever is unusual (an option that is not
# the route's or a bad value, a header given twice, anything that raises) goes untouched
# to the main app, which answers it as it always has.


class Plain(Protocol):
    """One address answered in plain ASGI: the status, headers and body for a request's
    query string, whether it takes gzip, and its If-None-Match."""

    async def __call__(
        self, query: bytes, gzip_ok: bool, if_none_match: str | None
    ) -> tuple[int, Headers, bytes]: ...


@dataclass(frozen=True, slots=True)
class Fixed:
    """A route whose answer never changes (GET /healthz)."""

    status: int
    headers: Headers
    body: bytes

    async def __call__(
        self, query: bytes, gzip_ok: bool, if_none_match: str | None
    ) -> tuple[int, Headers, bytes]:
        return self.status, self.headers, self.body


SESSION_COOKIE_BYTES = SESSION_COOKIE.encode() + b"="


def _read_headers(scope: Scope) -> tuple[bool, str | None] | None:
    """Whether the client takes gzip, and its If-None-Match; None when the request is not
    the public's (an Authorization header or a session cookie) or gives either header
    twice (then the main app answers)."""
    accept: bytes | None = None
    none_match: bytes | None = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            return None
        if name == b"cookie":
            if SESSION_COOKIE_BYTES in value:
                return None
        elif name == b"accept-encoding":
            if accept is not None:
                return None
            accept = value
        elif name == b"if-none-match":
            if none_match is not None:
                return None
            none_match = value
    gzip_ok = accept is not None and b"gzip" in accept
    return gzip_ok, None if none_match is None else none_match.decode("latin-1")


def public_first(app: ASGIApp, routes: Mapping[str, Plain]) -> ASGIApp:
    """Wrap the app's ASGI handler: a GET of one of these exact paths from nobody signed in
    is answered in plain ASGI, with the headers the app's hooks would add (secure, then
    cache_control: an OPTIONS answer's Allow header is the only other, and it is never
    one of these)."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope.get("method") == "GET":
            route = routes.get(scope["path"])
            if route is not None and await _answered(route, scope, send):
                return
        await app(scope, receive, send)

    return handle


async def _answered(route: Plain, scope: Scope, send: Send) -> bool:
    """Answer the request, or say it was not answered (nothing was sent)."""
    read = _read_headers(scope)
    if read is None:
        return False
    try:
        status, headers, body = await route(scope["query_string"], *read)
    except Exception:  # noqa: BLE001 - the main app answers it, as it always has
        return False
    headers = cache_control(secure(headers), scope)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
    return True
