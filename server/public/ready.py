"""Ready-made public answers: bytes made once, kept as long as the numbers they came from."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import msgspec

from server.lib.public import gzip_body
from server.totals.services import CACHE, hash_body


@dataclass(frozen=True)
class Made:
    """A ready-made answer: its bytes, their tag, and until when they are current.

    made_from: a token of the public numbers it was made from (PublicNumbers.token), if it
    was: such an answer stays current for as long as those numbers are served, past
    fresh_until too (while new numbers are made in the background)."""

    body: bytes
    etag: str
    fresh_until: float = math.inf
    generation: int = -1  # the totals cache's, when made from it
    made_from: object = field(default=None, compare=False, repr=False)

    @cached_property
    def gzipped(self) -> bytes:
        return gzip_body(self.body)


def made_json(
    data: Mapping[str, object], fresh_until: float, generation: int, made_from: object = None
) -> Made:
    """JSON bytes whose tag leaves out as_at, so that it changes only when a number does."""
    body = msgspec.json.encode(data)
    same = msgspec.json.encode({k: v for k, v in data.items() if k != "as_at"})
    return Made(body, f'W/"{hash_body(same)}"', fresh_until, generation, made_from)


class Rendered:
    """Bytes kept until the numbers they were made from are due to be worked out again, or
    something is written in this worker. A hit needs no query, no template and not even
    the options read again.

    An answer made from the public numbers (Made.made_from) is kept while those numbers
    are the ones served (`serving`, given by the caller): when their minute has run out
    and new ones are being made in the background, the answers made from the old ones are
    served meanwhile, as the numbers themselves are, not made again on every request."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.entries: OrderedDict[str, Made] = OrderedDict()

    def fresh(self, key: str, serving: object = None) -> Made | None:
        hit = self.entries.get(key)
        if hit is None or hit.generation != CACHE.generation:
            return None
        if time.monotonic() < hit.fresh_until:
            return hit
        if serving is not None and hit.made_from is serving:
            return hit  # made from the numbers still served while new ones are made
        return None

    async def get(
        self, key: str, make: Callable[[int], Awaitable[Made]], serving: object = None
    ) -> Made:
        """The answer for key, made afresh (make is given the current generation) when
        it is out of date. serving: the token of the public numbers served now without
        waiting (server.public.release.serving), for answers made from them."""
        hit = self.fresh(key, serving)
        if hit is not None:
            return hit
        made = await make(CACHE.generation)
        self.entries[key] = made
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return made


RENDERED = Rendered()
