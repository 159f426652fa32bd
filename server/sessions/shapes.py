"""What the API answers about Friends sessions and Friends counted elsewhere."""

from __future__ import annotations

from datetime import date

import msgspec

from server.lib.shapes import AreaCode, Created, ProgrammeSlug, ReviewStatus


class FriendsSession(msgspec.Struct):
    """A session where people became Dementia or Autism Friends."""

    id: int
    programme: ProgrammeSlug
    held_on: date
    footprint: AreaCode
    venue: str
    run_by: int | None
    attendees: int
    note: str
    review_status: ReviewStatus
    created_at: Created


class ExternalCount(msgspec.Struct):
    """A running total of Friends from elsewhere (such as the national programme)."""

    id: int
    programme: ProgrammeSlug
    footprint: AreaCode
    friends: int
    as_of: date
    source: str
    note: str
    created_at: Created
