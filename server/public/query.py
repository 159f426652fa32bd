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

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from litestar import Request

from server.lib.validation import Invalid


def _plain(key: str) -> str:
    return key.strip().lower().removesuffix("[]").strip()


def read_query(
    request: Request[Any, Any, Any], names: Iterable[str], others: bool = True
) -> dict[str, str]:
    """The query's options, each given at most once, trimmed, blank ones left out. Other
    keys are refused with others=False (the API), and otherwise dropped (an embedding
    page's own), so that nothing but the options can reach a decision or a cache's key."""
    pairs = list(request.query_params.multi_items())
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
    for key, count in Counter(key for key, _ in pairs).items():
        if count > 1:
            errors[key[:40]] = f"Give {key[:40]!r} once only (it was given {count} times)."
    for key, _ in pairs:
        plain = _plain(key)
        if key not in known and plain in known:
            errors[key[:40]] = (
                f"Write this option as {plain!r}, exactly: small letters, nothing added."
            )
    if errors:
        raise Invalid(errors)
    return {key: value.strip() for key, value in pairs if key in known and value.strip()}


def query_key(params: Mapping[str, str]) -> str:
    """A cache key for these options that no other options share (values are encoded, so
    `a=1%26footprint%3DWW` is not `a=1&footprint=WW`)."""
    return urlencode(sorted(params.items()))
