"""Answers for the public addresses: ready-made bytes, cacheable for a short time,
readable from any site, and a 304 when the browser already has them.

They are compressed here, once per body, rather than by the compression middleware on
every request (the app leaves these addresses out of it): a page that embeds the widget
costs the server no more than sending bytes it already has."""

from __future__ import annotations

import gzip
from typing import Protocol

from litestar.response.base import ASGIResponse

from server.lib.auth import AppRequest

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
        media_type = media_type.partition(";")[0]  # the response adds "; charset=utf-8"
    compress = len(made.body) >= SMALLEST_TO_COMPRESS
    gzipped = compress and "gzip" in request.headers.get("accept-encoding", "")
    etag = tag_as_sent(request, made.etag, len(made.body))
    keep = "public, no-cache" if revalidate else f"public, max-age={max_age}"
    if signed_in:
        keep = "no-store"
    headers = [
        ("etag", etag),
        ("cache-control", keep),
        ("access-control-allow-origin", "*"),
        *(extra or []),
    ]
    vary = ["Accept-Encoding"] if compress else []
    if signed_in:
        vary += ["Authorization", "Cookie"]
    if vary:
        headers.append(("vary", ", ".join(vary)))
    if none_match(request.headers.get("if-none-match"), etag):
        return ASGIResponse(status_code=304, headers=headers)
    if gzipped:
        headers.append(("content-encoding", "gzip"))
        return ASGIResponse(body=made.gzipped, media_type=media_type, headers=headers)
    return ASGIResponse(body=made.body, media_type=media_type, headers=headers)
