"""ETag and If-None-Match on one record (RFC 9110 8.8.3 and 13.1.2).

A record's body depends on who asks (a champion may see less than a coordinator), so the
tag is a hash of the exact bytes sent to this caller, and the answer keeps its personal
`Cache-Control` (no-store): the tag lets the same client ask "has it changed?", never a
shared cache keep it."""

from __future__ import annotations

import hashlib

from litestar import MediaType, Response
from litestar.serialization import encode_json

from server.lib.auth import AppRequest
from server.lib.public import none_match, tag_as_sent


def etag_of(body: bytes) -> str:
    """A strong tag: the same bytes, the same tag; any change, another."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def record_answer(request: AppRequest, record: object) -> Response[bytes]:
    """A record as JSON with its ETag, or 304 with no body when the client has it already."""
    body = encode_json(record, request.route_handler.default_serializer)
    # The compression middleware gzips bigger answers, as lib/public.py does its own.
    etag = tag_as_sent(request, etag_of(body), len(body))
    if none_match(request.headers.get("if-none-match"), etag):
        return Response(content=b"", status_code=304, headers={"ETag": etag})
    return Response(content=body, media_type=MediaType.JSON, headers={"ETag": etag})
