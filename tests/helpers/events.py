"""Upcoming sessions for tests (issue 15): made directly, as a factory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schema.tables import UpcomingSession
from tests.helpers import factories as f


async def publish_upcoming(
    days: float = 7, capacity: int = 10, organiser: int | None = None, **more
) -> int:
    """A public Dementia Friends session `days` from now; its id."""
    rows = await UpcomingSession.insert(
        UpcomingSession(
            programme=await f.programme_id(more.pop("programme", "dementia-friends")),
            title=more.pop("title", "Dementia Friends Information Session"),
            starts_at=datetime.now(UTC) + timedelta(days=days),
            minutes=60,
            venue="Wigan Library",
            capacity=capacity,
            organiser=organiser,
            **more,
        )
    ).returning(UpcomingSession.id)
    return rows[0]["id"]
