"""What the API answers about activities (the document's Activity)."""

from __future__ import annotations

from datetime import date, datetime

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
