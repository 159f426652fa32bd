"""A small movement to count, and the dashboard's tables read from its HTML."""

from __future__ import annotations

from datetime import date, timedelta

from schema.tables import ExternalCount, FriendsSession
from server.db import note_write
from server.settings import today
from tests.helpers import factories as f


def num(text: str) -> float:
    return float(text.replace(",", "")) if text not in ("", "–") else 0.0


async def movement() -> dict[str, int]:
    """A small movement: two areas and people without one, roles old and new (one left),
    activities (one rejected, one without an area), Friends sessions and outside figures."""
    wc, le = await f.footprint("WC", "Wigan Central"), await f.footprint("LE", "Leigh")
    now = today()
    ann = await f.person("Ann", footprint=wc)
    bob = await f.person("Bob", footprint=le)
    cat = await f.person("Cat")  # no area
    dee = await f.person("Dee", footprint=wc)
    await f.join(ann, "health-champions", joined_on=date(2025, 1, 10))
    await f.join(ann, "dementia-friends", joined_on=now)  # new this month
    await f.join(bob, "health-champions", joined_on=now.replace(day=1))
    await f.join(bob, "heart-champions", joined_on=date(2025, 6, 2))
    await f.join(cat, "dementia-friends", joined_on=date(2025, 6, 20))
    await f.join(dee, "cancer-champions", joined_on=now, status="left")
    health, dementia = (
        await f.programme_id("health-champions"),
        await f.programme_id("dementia-friends"),
    )
    month_ago = now - timedelta(days=31)
    rows = [
        (health, date(2025, 1, 15), wc, 10, 60, "not-needed"),
        (health, date(2025, 2, 28), le, 20, 30, "not-needed"),
        (health, month_ago, wc, 40, 90, "needs-review"),  # waiting for review: counts
        (health, month_ago, wc, 5000, 600, "rejected"),  # never counts
        (health, now, None, 7, 15, "not-needed"),
        (await f.programme_id("heart-champions"), date(2025, 3, 3), le, 3, 45, "not-needed"),
    ]
    await f.activities(
        *[
            {
                "person": ann,
                "programme": p,
                "kind": "event",
                "occurred_on": d,
                "footprint": fp,
                "people_reached": r,
                "minutes": m,
                "review_status": s,
            }
            for p, d, fp, r, m, s in rows
        ],
        counted=True,
    )
    await FriendsSession.insert(
        FriendsSession(programme=dementia, held_on=date(2025, 3, 1), attendees=20, footprint=wc),
        FriendsSession(programme=dementia, held_on=month_ago, attendees=15),
    )
    await ExternalCount.insert(
        ExternalCount(
            programme=dementia,
            friends=100,
            as_of=date(2025, 1, 31),
            source="National",
            footprint=le,
        ),
        ExternalCount(
            programme=dementia,
            friends=130,
            as_of=date(2025, 6, 30),
            source="National",
            footprint=le,
        ),
        ExternalCount(programme=dementia, friends=50, as_of=date(2025, 6, 30), source="Borough"),
    )
    note_write()
    return {"WC": wc, "LE": le}
