"""What the API answers about activities (the document's Activity)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from server.lib.shapes import (
    Answer,
    AreaCode,
    Created,
    MaybePersonId,
    ProgrammeSlug,
    ReviewStatus,
    Updated,
)


class Activity(Answer):
    """Something a champion did: who it reached, when, for how long."""

    id: int
    client_id: Annotated[
        str,
        msgspec.Meta(description="The id the phone made for it: sent twice, it is saved once."),
    ]
    person: MaybePersonId
    programme: ProgrammeSlug
    kind: str
    occurred_on: date
    footprint: AreaCode
    people_reached: int
    minutes: int
    note: str
    review_status: ReviewStatus
    review_reason: str
    created_at: Created
    updated_at: Updated


class BatchResult(msgspec.Struct):
    """What became of one activity of a batch, in the order they were sent."""

    client_id: str | None
    status: Annotated[
        str,
        msgspec.Meta(
            description="created; duplicate (saved before: never counted twice); or "
            "invalid (nothing saved: errors says what to fix)."
        ),
    ]
    errors: dict[str, str]


class BatchAnswer(msgspec.Struct):
    results: list[BatchResult]
