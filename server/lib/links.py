"""The Link header of a paged list (RFC 8288): first, prev, next and last.

Each link is this request's own address with every query parameter kept as sent (filters
included, encoded again) and only `page` changed, so a client can walk the pages without
building addresses itself."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from litestar import Response

from server.lib.auth import AppRequest
from server.lib.pages import page_count


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


class Paged(Protocol):
    """A page of a list as the API answers it (a record type's page Struct)."""

    page: int
    per_page: int
    total: int


def paged(request: AppRequest, answer: Paged | dict[str, Any]) -> Response[Any]:
    """A list's answer ({"items", "page", "per_page", "total"}) with its Link header."""
    page = answer if not isinstance(answer, dict) else SimpleNamespace(**answer)
    links = page_links(request, page.page, page.per_page, page.total)
    return Response(answer, headers={"Link": links})
