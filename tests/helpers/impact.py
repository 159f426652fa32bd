"""A small movement worked by hand for the impact sections of the dashboard, the quarterly
report and the downloads (issue 16). Everything is in area N, Health Champions unless said.

Lookups: WN11AA -> E01TEST01 (decile 1, quintile 1); WN11AB -> E01TEST02 (decile 4,
quintile 2); WN33AA -> E01TEST03 (decile 10, quintile 5). WN22ZZ is in no lookup.

People (joined): Ann WN1 1AA (q1, 10 July 2026); Bob WN3 3AA (q5, 1 August 2026);
Cat WN2 2ZZ (not known, Heart Champions, 2 August 2026); Dan no postcode (not known,
5 January 2026: before the quarter).

Activities (July to September 2026 is 2026-Q3):

    #   date    kind          setting          place    topics           reach  minutes
    1   15 Jul  conversation  school-college   WN1 1AA  smoking,alcohol    10     600
    2   15 Aug  event         school-college   WN1 1AB  smoking             5     570
    3   1 Sep   signposting   home             -        -                   1     180
    4   2 Sep   signposting   home             -        -                   1     180
    5   3 Sep   signposting   -                -        -                   1     180
    6   4 Sep   signposting   -                -        -                   1     180
    7   5 Sep   signposting   gp-practice      -        -                   1     180
    8   6 Sep   signposting   gp-practice      -        -                   1     180
    9   7 Sep   event         community-venue  WN3 3AA  -                   7      45
    10  30 Jun  event         workplace        WN3 3AA  -                  20     120

Signposts: 3 and 4 to Stop Smoking Wigan, taken up (yes); 5 to it, not (no); 6 to it,
don't know; 7 to NHS Health Check, not asked yet; 8 named no service. 9 was rejected (it
never counts); 10 is before the quarter.

In the quarter: 8 activities, 21 people reached, 2,250 minutes = 37.5 hours.
"""

from __future__ import annotations

from datetime import date

from schema import tables as t
from server.db import note_write, write_transaction
from server.totals import rollup
from tests.helpers import factories as f

QUARTER = "2026-Q3"
SINCE, UNTIL = "2026-07-01", "2026-09-30"


async def impact_movement(lookups: bool = True) -> dict[str, int]:
    """The movement above (without the lookups when asked); the ids of its services and
    area. The totals' rollups are rebuilt last, once the topics are there."""
    north = await f.footprint("N", "North")
    if lookups:
        await add_lookups()
    return await _people_and_activities(north)


async def add_lookups() -> None:
    await t.PostcodeArea.insert(
        t.PostcodeArea(postcode="WN11AA", lsoa="E01TEST01"),
        t.PostcodeArea(postcode="WN11AB", lsoa="E01TEST02"),
        t.PostcodeArea(postcode="WN33AA", lsoa="E01TEST03"),
    )
    await t.AreaDeprivation.insert(
        t.AreaDeprivation(lsoa="E01TEST01", imd_decile=1),
        t.AreaDeprivation(lsoa="E01TEST02", imd_decile=4),
        t.AreaDeprivation(lsoa="E01TEST03", imd_decile=10),
    )


async def _people_and_activities(north: int) -> dict[str, int]:
    people = {}
    for name, postcode, programme, joined in (
        ("Ann", "WN1 1AA", "health-champions", date(2026, 7, 10)),
        ("Bob", "WN3 3AA", "health-champions", date(2026, 8, 1)),
        ("Cat", "WN2 2ZZ", "heart-champions", date(2026, 8, 2)),
        ("Dan", None, "health-champions", date(2026, 1, 5)),
    ):
        people[name] = await f.person(name, postcode=postcode, footprint=north)
        await f.join(people[name], programme, joined_on=joined)
    services = {}
    for name, kind in (
        ("Stop Smoking Wigan", "Stop smoking"),
        ("NHS Health Check", "Health check"),
    ):
        rows = await t.Service.insert(t.Service(name=name, kind=kind)).returning(t.Service.id)
        services[name] = rows[0]["id"]
    smoking, check = services["Stop Smoking Wigan"], services["NHS Health Check"]
    common = {
        "person": people["Ann"],
        "programme": await f.programme_id("health-champions"),
        "footprint": north,
        "review_status": "not-needed",
    }

    def sign(day: int, setting: str, service: int | None, take_up: str = "") -> dict[str, object]:
        return {
            **common, "kind": "signposting", "occurred_on": date(2026, 9, day),
            "setting": setting, "service": service, "take_up": take_up,
            "people_reached": 1, "minutes": 180,
        }  # fmt: skip

    ids = await f.activities(
        {**common, "kind": "conversation", "occurred_on": date(2026, 7, 15),
         "setting": "school-college", "postcode": "WN1 1AA", "people_reached": 10,
         "minutes": 600},
        {**common, "kind": "event", "occurred_on": date(2026, 8, 15),
         "setting": "school-college", "postcode": "WN1 1AB", "people_reached": 5,
         "minutes": 570},
        sign(1, "home", smoking, "yes"),
        sign(2, "home", smoking, "yes"),
        sign(3, "", smoking, "no"),
        sign(4, "", smoking, "dont-know"),
        sign(5, "gp-practice", check),
        sign(6, "gp-practice", None),
        {**common, "kind": "event", "occurred_on": date(2026, 9, 7),
         "setting": "community-venue", "postcode": "WN3 3AA", "people_reached": 7,
         "minutes": 45, "review_status": "rejected"},
        {**common, "kind": "event", "occurred_on": date(2026, 6, 30),
         "setting": "workplace", "postcode": "WN3 3AA", "people_reached": 20, "minutes": 120},
    )  # fmt: skip
    topics = {r["slug"]: r["id"] for r in await t.Topic.select(t.Topic.slug, t.Topic.id)}
    await t.ActivityTopic.insert(
        t.ActivityTopic(activity=ids[0], topic=topics["smoking"]),
        t.ActivityTopic(activity=ids[0], topic=topics["alcohol"]),
        t.ActivityTopic(activity=ids[1], topic=topics["smoking"]),
    )
    async with write_transaction():
        await rollup.rebuild()
    note_write()
    return {"north": north, "smoking": smoking, "check": check}
