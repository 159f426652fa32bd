"""What the API answers about Friends sessions and Friends counted elsewhere."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from server.lib.shapes import (
    Answer,
    AreaCode,
    Created,
    Note,
    ProgrammeSlug,
    RecordId,
    SessionReview,
)

FriendsProgramme = Annotated[
    ProgrammeSlug,
    msgspec.Meta(
        description="The Friends programme, by its slug (as GET /api/programmes lists them).",
        examples=["dementia-friends"],
    ),
]


class FriendsSession(Answer):
    """A session where people became Dementia or Autism Friends."""

    id: RecordId
    programme: FriendsProgramme
    held_on: Annotated[
        date,
        msgspec.Meta(description="The date it was held, YYYY-MM-DD.", examples=["2025-04-01"]),
    ]
    footprint: Annotated[
        AreaCode,
        msgspec.Meta(
            description="The area where it was held, by its code (as GET /api/footprints "
            "lists them); null when not given."
        ),
    ]
    venue: Annotated[
        str,
        msgspec.Meta(
            description="Where it was held, up to 200 characters; may be empty.",
            examples=["Wigan Library"],
        ),
    ]
    run_by: Annotated[
        int | None,
        msgspec.Meta(
            description="Who ran it, by their person id (GET /api/people/{id}); null when not "
            "given, or once that person is erased (the session stays and still counts).",
            examples=[7],
        ),
    ]
    attendees: Annotated[
        int,
        msgspec.Meta(
            description="How many people came, 0 to 10,000. They count as Friends while "
            "the session counts (see review_status).",
            examples=[18],
        ),
    ]
    note: Note
    review_status: SessionReview
    created_at: Created


class ExternalCount(Answer):
    """A running total of Friends from elsewhere (such as the national programme)."""

    id: RecordId
    programme: FriendsProgramme
    footprint: Annotated[
        AreaCode,
        msgspec.Meta(
            description="The area the figure is for, by its code (as GET /api/footprints "
            "lists them); null when it is for the whole borough."
        ),
    ]
    friends: Annotated[
        int,
        msgspec.Meta(
            description="How many Friends the source counts in all, up to as_of: 0 to "
            "10,000,000. Only a source's newest figure for a programme and area counts; it "
            "replaces the older ones, never adds to them.",
            examples=[4200],
        ),
    ]
    as_of: Annotated[
        date,
        msgspec.Meta(
            description="The date the figure is for, YYYY-MM-DD.", examples=["2025-03-31"]
        ),
    ]
    source: Annotated[
        str,
        msgspec.Meta(
            description="Where the figure comes from, up to 200 characters.",
            examples=["Dementia Friends national figures"],
        ),
    ]
    note: Note
    created_at: Created
