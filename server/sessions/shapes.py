"""What the API answers about Friends sessions and Friends counted elsewhere."""

from __future__ import annotations

from datetime import date

from server.lib.shapes import Answer, AreaCode, Created, ProgrammeSlug, ReviewStatus


class FriendsSession(Answer):
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


class ExternalCount(Answer):
    """A running total of Friends from elsewhere (such as the national programme)."""

    id: int
    programme: ProgrammeSlug
    footprint: AreaCode
    friends: int
    as_of: date
    source: str
    note: str
    created_at: Created
