"""Every area's totals worked out at once (server/totals/areas.py, for the public numbers)
equal each area's totals worked out on its own (compute_totals with the area's filter)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from schema import tables as t
from server.lib.reference import load_reference
from server.totals.areas import every_area
from server.totals.dates import Filters
from server.totals.services import compute_totals
from tests.helpers import factories as f


def without_time(totals: dict) -> dict:
    return {k: v for k, v in totals.items() if k != "as_at"}


async def test_every_areas_totals_at_once_equal_each_areas_own():
    rng = random.Random(20)
    areas = [await f.footprint("N"), await f.footprint("S"), await f.footprint("Q")]
    slugs = ["health-champions", "dementia-friends", "autism-friends", "heart-champions"]
    day0 = date(2026, 1, 1)
    for n in range(40):
        person = await f.person(f"P{n}", footprint=rng.choice([None, *areas[:2]]))
        for slug in rng.sample(slugs, rng.randrange(0, 4)):
            status = rng.choice(["active", "active", "paused"])
            await f.join(person, slug, status, day0 + timedelta(days=rng.randrange(200)))
    programmes = [await f.programme_id(s) for s in slugs]
    await f.activities(
        *[{"programme": rng.choice(programmes), "kind": "conversation",
           "occurred_on": day0 + timedelta(days=rng.randrange(200)),
           "footprint": rng.choice([None, *areas[:2]]), "people_reached": rng.randrange(1, 9),
           "minutes": rng.randrange(5, 90),
           "review_status": rng.choice(["not-needed", "rejected"])} for _ in range(60)],
        counted=True,
    )  # fmt: skip
    friends = await f.programme_id("dementia-friends")
    await t.FriendsSession.insert(
        *[t.FriendsSession(programme=friends, held_on=day0 + timedelta(days=n), attendees=n + 3,
                           footprint=rng.choice([None, *areas[:2]]),
                           review_status=rng.choice(["not-needed", "approved", "rejected"]))
          for n in range(12)]
    )  # fmt: skip
    await t.ExternalCount.insert(
        *[t.ExternalCount(programme=friends, footprint=rng.choice([None, areas[0]]),
                          source=rng.choice(["National", "national ", "Other"]),
                          friends=rng.randrange(0, 300), as_of=day0 + timedelta(days=n))
          for n in range(8)]
    )  # fmt: skip
    ref = await load_reference()
    together = await every_area(ref)
    assert list(together) == list(ref.footprints)
    for area in areas:
        alone = await compute_totals(Filters(footprint=area), ref)
        assert without_time(together[area]) == without_time(alone)
    assert together[areas[0]]["people"] > 0 and together[areas[0]]["friends"] > 0
    assert together[areas[2]]["people"] == 0  # nobody lives in Q
