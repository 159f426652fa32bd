"""The options of a public address, read once, the same way for every decision.

A public answer is decided from the query string (which area, which programme, which
dates), so the decision and the numbers must be made from one reading of it. A key given
twice (`footprint=WW&footprint=`) could be read one way by one step and another way by the
next (the framework keeps the last value, a plain dict the first): it is refused. So is a
key that only looks like an option (`FOOTPRINT`, `footprint[]`, ` footprint`), which
would otherwise be ignored and give an answer the asker did not mean. Values are trimmed,
and an empty one is the same as leaving the option out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from litestar._parsers import parse_query_string
from litestar.datastructures import MultiDict

from server.lib.auth import AppRequest
from server.lib.public import Answer, Headers
from server.lib.validation import Invalid, given_twice


def _plain(key: str) -> str:
    return key.strip().lower().removesuffix("[]").strip()


class Query(dict[str, str]):
    """The options as read, with the cache key made from them once. One reading serves
    every request with the same query string, so it cannot be changed."""

    key: str = ""

    def _refuse(self, *_: object, **__: object) -> None:
        raise TypeError("The options as read cannot be changed: copy them with dict().")

    __setitem__ = __delitem__ = _refuse
    pop = popitem = clear = update = setdefault = _refuse  # type: ignore[assignment]


# Reading the same query string always gives the same answer, so the busiest public
# addresses read each one once per worker, not once per request.
_READ: OrderedDict[tuple[bytes, tuple[str, ...], bool], Query | dict[str, str]] = OrderedDict()
_READ_SIZE = 2048


def read_query(request: AppRequest, names: Iterable[str], others: bool = True) -> Query:
    """The query's options, each given at most once, trimmed, blank ones left out. Other
    keys are refused with others=False (the API), and otherwise dropped (an embedding
    page's own), so that nothing but the options can reach a decision or a cache's key."""
    return read_query_string(request.scope["query_string"], names, others)


def read_query_string(query_string: bytes, names: Iterable[str], others: bool = True) -> Query:
    """read_query, from the query string as the server gave it (read into pairs exactly as
    the framework reads request.query_params, for the answers sent without it)."""
    memo = (query_string, tuple(names), others)
    read = _READ.get(memo)
    if read is None:
        pairs = MultiDict(parse_query_string(query_string)).multi_items()
        read = _read(pairs, memo[1], others)
        _READ[memo] = read
        if len(_READ) > _READ_SIZE:
            _READ.popitem(last=False)
    if isinstance(read, Query):
        return read
    raise Invalid(dict(read))


def _read(
    pairs: Iterable[tuple[str, str]], names: tuple[str, ...], others: bool
) -> Query | dict[str, str]:
    """The options, or the errors (a dict of messages) to answer with."""
    pairs = list(pairs)
    known = sorted(set(names))
    errors: dict[str, str] = {}
    if not others:
        use = ", ".join(known)
        errors.update(
            {
                k[:40]: f"There is no option {k[:40]!r}. Use {use}."
                for k, _ in pairs
                if k not in known
            }
        )
    errors.update(given_twice(pairs))
    for key, _ in pairs:
        plain = _plain(key)
        if key not in known and plain in known:
            errors[key[:40]] = (
                f"Write this option as {plain!r}, exactly: small letters, nothing added."
            )
    if errors:
        return errors
    query = Query({key: value.strip() for key, value in pairs if key in known and value.strip()})
    query.key = urlencode(sorted(query.items()))
    return query


def query_key(params: Mapping[str, str]) -> str:
    """A cache key for these options that no other options share (values are encoded, so
    `a=1%26footprint%3DWW` is not `a=1&footprint=WW`)."""
    if isinstance(params, Query):
        return params.key  # made once, when the query was read
    return urlencode(sorted(params.items()))


@dataclass(frozen=True, slots=True)
class ReadyRoute:
    """A public address answered without the framework (server.lib.public.public_first):
    names and others as for read_query, and make, the route's own function from the
    options to its ready-made Answer."""

    names: tuple[str, ...]
    make: Callable[[Query], Awaitable[Answer]]
    others: bool = True

    async def __call__(
        self, query: bytes, gzip_ok: bool, if_none_match: str | None
    ) -> tuple[int, Headers, bytes]:
        answer = await self.make(read_query_string(query, self.names, self.others))
        return answer.parts(gzip_ok, if_none_match)
