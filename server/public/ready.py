"""Ready-made public answers: bytes made once, kept as long as the numbers they came from."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import msgspec

from server.lib.public import gzip_body
from server.totals.services import CACHE, hash_body


@dataclass(frozen=True)
class Made:
    """A ready-made answer: its bytes, their tag, and until when they are current."""

    body: bytes
    etag: str
    fresh_until: float = math.inf
    generation: int = -1  # the totals cache's, when made from it

    @cached_property
    def gzipped(self) -> bytes:
        return gzip_body(self.body)


def made_json(data: Mapping[str, object], fresh_until: float, generation: int) -> Made:
    """JSON bytes whose tag leaves out as_at, so that it changes only when a number does."""
    body = msgspec.json.encode(data)
    same = msgspec.json.encode({k: v for k, v in data.items() if k != "as_at"})
    return Made(body, f'W/"{hash_body(same)}"', fresh_until, generation)


class Rendered:
    """Bytes kept until the numbers they were made from are due to be worked out again, or
    something is written in this worker. A hit needs no query, no template and not even
    the options read again."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.entries: OrderedDict[str, Made] = OrderedDict()

    def fresh(self, key: str) -> Made | None:
        hit = self.entries.get(key)
        if (
            hit is not None
            and hit.generation == CACHE.generation
            and time.monotonic() < hit.fresh_until
        ):
            return hit
        return None

    async def get(self, key: str, make: Callable[[int], Awaitable[Made]]) -> Made:
        """The answer for key, made afresh (make is given the current generation) when
        it is out of date."""
        hit = self.fresh(key)
        if hit is not None:
            return hit
        made = await make(CACHE.generation)
        self.entries[key] = made
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return made


RENDERED = Rendered()
