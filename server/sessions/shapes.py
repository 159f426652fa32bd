"""What the API answers about Friends sessions and Friends counted elsewhere."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class FriendsSession(msgspec.Struct):
    """A session where people became Dementia or Autism Friends."""

    id: int
    programme: str | None
    held_on: date
    footprint: str | None
    venue: str
    run_by: int | None
    attendees: int
    note: str
    review_status: str
    created_at: datetime


class ExternalCount(msgspec.Struct):
    """A running total of Friends from elsewhere (such as the national programme)."""

    id: int
    programme: str | None
    footprint: str | None
    friends: int
    as_of: date
    source: str
    note: str
    created_at: datetime
