"""What the API answers about activities (the document's Activity)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec


class Activity(msgspec.Struct):
    """Something a champion did: who it reached, when, for how long."""

    id: int
    client_id: str
    person: int | None
    programme: str | None
    kind: str
    occurred_on: date
    footprint: str | None
    people_reached: int
    minutes: int
    note: str
    review_status: str
    review_reason: str
    created_at: datetime
    updated_at: datetime | None


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
