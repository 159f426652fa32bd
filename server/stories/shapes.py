"""What the API answers about stories."""

from __future__ import annotations

from datetime import datetime

import msgspec


class Story(msgspec.Struct):
    """A champion's story in their own words, and whether it may be published."""

    id: int
    person: int | None
    programme: str | None
    text: str
    consent_to_publish: bool
    status: str
    created_at: datetime
