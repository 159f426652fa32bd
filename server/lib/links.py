"""The Link header of a paged list (RFC 8288): first, prev, next and last.

Each link is this request's own address with every query parameter kept as sent (filters
included, encoded again) and only `page` changed, so a client can walk the pages without
building addresses itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar
from urllib.parse import quote, urlencode

import msgspec
from litestar import Response

from server.lib.auth import AppRequest
from server.lib.pages import page_count
from server.lib.rows import whole


def page_links(request: AppRequest, page: int, per_page: int, total: int) -> str:
    """The Link header's value for this page of a list."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    path = request.url.path

    def link(number: int, rel: str) -> str:
        query = urlencode([*kept, ("page", str(number))], quote_via=quote)
        return f'<{path}?{query}>; rel="{rel}"'

    last = page_count(total, per_page)
    links = [link(1, "first")]
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
    links.append(link(last, "last"))
    return ", ".join(links)


# A page of a list as the API answers it: a record type's page Struct ({"items", "page",
# "per_page", "total"}), or the same as a mapping.
P = TypeVar("P", bound=msgspec.Struct | Mapping[str, object])


def paged(request: AppRequest, answer: P) -> Response[P]:
    """A list's answer with its Link header."""
    fields = answer if isinstance(answer, Mapping) else msgspec.structs.asdict(answer)
    page, per_page, total = (whole(fields[name]) for name in ("page", "per_page", "total"))
    return Response(answer, headers={"Link": page_links(request, page, per_page, total)})
