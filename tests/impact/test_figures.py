"""The impact breakdowns (server/impact/figures.py) against a small movement worked by hand.

The movement (all Health Champions unless said, in area N or S):

    activity  setting          place postcode  topics               reach  minutes  status
    1         school-college   WN1 1AA         smoking, alcohol        10       60
    2         school-college   wn11ab          smoking                  5       30
    3         home             -               -                        1       15
    4         -                WN2 2ZZ (none)  -                        2       10
    5         gp-practice      WN1 1AA         alcohol                 40       90   rejected
    6         community-venue  WN3 3AA         -                        7       45   (Heart)

Lookups: WN11AA -> E01 (decile 1), WN11AB -> E02 (decile 4), WN33AA -> E03 (decile 10);
WN22ZZ is in no lookup.
So the places' quintiles are: 1 -> 1, 2 -> 2, 3 and 4 -> not known, 6 -> 5 (5 is rejected).
"""

from __future__ import annotations

from datetime import date

from schema import tables as t
from server.db import write_transaction
from server.impact import figures
from server.impact.figures import NO_TOPIC, NOT_KNOWN, Reach
from server.totals import rollup
from server.totals.services import Filters
from tests.helpers import factories as f


async def rebuild() -> None:
    """The rollups worked out from the rows written straight to the tables here."""
    async with write_transaction():
        await rollup.rebuild()


async def topic_ids() -> dict[str, int]:
    return {r["slug"]: r["id"] for r in await t.Topic.select(t.Topic.slug, t.Topic.id)}


async def movement() -> dict[str, int]:
    north, south = await f.footprint("N"), await f.footprint("S")
    health, heart = await f.programme_id("health-champions"), await f.programme_id(
        "heart-champions"
    )
    await t.PostcodeArea.insert(
        t.PostcodeArea(postcode="WN11AA", lsoa="E01"),
        t.PostcodeArea(postcode="WN11AB", lsoa="E02"),
        t.PostcodeArea(postcode="WN33AA", lsoa="E03"),
    )
    await t.AreaDeprivation.insert(
        t.AreaDeprivation(lsoa="E01", imd_decile=1),
        t.AreaDeprivation(lsoa="E02", imd_decile=4),
        t.AreaDeprivation(lsoa="E03", imd_decile=10),
    )
    day = date(2026, 10, 5)
    common = {"programme": health, "kind": "event", "occurred_on": day, "footprint": north}
    ids = await f.activities(
        {**common, "setting": "school-college", "postcode": "WN1 1AA", "people_reached": 10,
         "minutes": 60},
        {**common, "setting": "school-college", "postcode": "wn11ab", "people_reached": 5,
         "minutes": 30},
        {**common, "setting": "home", "people_reached": 1, "minutes": 15},
        {**common, "postcode": "WN2 2ZZ", "people_reached": 2, "minutes": 10,
         "footprint": south},
        {**common, "setting": "gp-practice", "postcode": "WN1 1AA", "people_reached": 40,
         "minutes": 90, "review_status": "rejected"},
        {**common, "setting": "community-venue", "postcode": "WN3 3AA", "people_reached": 7,
         "minutes": 45, "programme": heart, "occurred_on": date(2026, 11, 2)},
    )
    topics = await topic_ids()
    await t.ActivityTopic.insert(
        t.ActivityTopic(activity=ids[0], topic=topics["smoking"]),
        t.ActivityTopic(activity=ids[0], topic=topics["alcohol"]),
        t.ActivityTopic(activity=ids[1], topic=topics["smoking"]),
        t.ActivityTopic(activity=ids[4], topic=topics["alcohol"]),
    )
    await rebuild()
    return {"north": north, "south": south, "health": health, "heart": heart}


async def test_by_setting_counts_each_activity_once_and_leaves_out_the_rejected():
    await movement()
    assert await figures.by_setting(Filters()) == {
        "school-college": Reach(2, 15, 90),
        "home": Reach(1, 1, 15),
        "": Reach(1, 2, 10),
        "community-venue": Reach(1, 7, 45),
    }


async def test_the_filters_are_the_totals_filters():
    ids = await movement()
    assert await figures.by_setting(Filters(programme=ids["heart"])) == {
        "community-venue": Reach(1, 7, 45)
    }
    assert await figures.by_setting(Filters(footprint=ids["south"])) == {"": Reach(1, 2, 10)}
    assert await figures.by_setting(Filters(since=date(2026, 11, 1))) == {
        "community-venue": Reach(1, 7, 45)
    }
    assert await figures.by_setting(Filters(until=date(2026, 10, 31))) == {
        "school-college": Reach(2, 15, 90),
        "home": Reach(1, 1, 15),
        "": Reach(1, 2, 10),
    }


async def test_an_activity_counts_under_each_of_its_topics():
    await movement()
    topics = await topic_ids()
    assert await figures.by_topic(Filters()) == {
        topics["smoking"]: Reach(2, 15, 90),  # activities 1 and 2
        topics["alcohol"]: Reach(1, 10, 60),  # activity 1 (5 is rejected)
        NO_TOPIC: Reach(3, 10, 70),  # activities 3, 4 and 6
    }


async def test_places_and_homes_by_deprivation_quintile():
    ids = await movement()
    assert await figures.activities_by_quintile(Filters()) == {
        1: Reach(1, 10, 60),
        2: Reach(1, 5, 30),
        5: Reach(1, 7, 45),
        NOT_KNOWN: Reach(2, 3, 25),
    }
    # Homes: Ann in decile 2 (quintile 1, written with a space and in small letters), Bob
    # in decile 10 (quintile 5) in two programmes but one person, Cy with no postcode, and
    # Di who left (not counted, as in the totals).
    await t.AreaDeprivation.insert(t.AreaDeprivation(lsoa="E04", imd_decile=2))
    await t.PostcodeArea.insert(t.PostcodeArea(postcode="WN44AA", lsoa="E04"))
    ann = await f.person("Ann", postcode="wn4 4aa")
    bob = await f.person("Bob", postcode="WN33AA")
    cy = await f.person("Cy")
    di = await f.person("Di", postcode="WN11AA")
    await f.join(ann, "health-champions")
    await f.join(bob, "health-champions")
    await f.join(bob, "heart-champions")
    await f.join(cy, "heart-champions")
    await f.join(di, "health-champions", status="left")
    assert await figures.people_by_quintile(Filters()) == {1: 1, 5: 1, NOT_KNOWN: 1}
    assert await figures.people_by_quintile(Filters(programme=ids["heart"])) == {
        5: 1,
        NOT_KNOWN: 1,
    }


async def test_signposts_by_service_with_take_up():
    ids = await movement()
    rows = await t.Service.insert(
        t.Service(name="Stop Smoking Wigan", kind="Stop smoking"),
        t.Service(name="Health check", kind="NHS Health Check"),
    ).returning(t.Service.id)
    smoking, check = rows[0]["id"], rows[1]["id"]
    sign = {"programme": ids["health"], "kind": "signposting", "occurred_on": date(2026, 10, 9),
            "people_reached": 1}
    await f.activities(
        {**sign, "service": smoking, "take_up": "yes"},
        {**sign, "service": smoking, "take_up": "yes"},
        {**sign, "service": smoking, "take_up": "no"},
        {**sign, "service": smoking, "take_up": "dont-know"},
        {**sign, "service": smoking},
        {**sign, "service": smoking, "take_up": "yes", "review_status": "rejected"},
        {**sign, "service": check, "take_up": "no", "people_reached": 3},
        {**sign},
    )
    await rebuild()
    found = await figures.signposts(Filters())
    assert [(s.service, s.activities, s.reach, s.yes, s.no, s.dont_know, s.not_asked)
            for s in found] == [
        (smoking, 5, 5, 2, 1, 1, 1),
        (check, 1, 3, 0, 1, 0, 0),
        (None, 1, 1, 0, 0, 0, 1),
    ]
    # 2 went of the 3 whose answer is known: 2 / (2 + 1)
    assert round(found[0].take_up_rate or 0, 4) == 0.6667
    assert found[1].take_up_rate == 0.0
    assert found[2].take_up_rate is None


def test_quintiles_of_deciles():
    assert [figures.quintile(d) for d in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


async def test_lookup_sizes_count_what_can_be_placed():
    assert await figures.lookup_sizes() == figures.Lookups(0, 0, 0)
    assert not (await figures.lookup_sizes()).loaded
    await movement()
    # One more postcode in an LSOA with no decile, and one LSOA no postcode is in.
    await t.PostcodeArea.insert(t.PostcodeArea(postcode="WN99ZZ", lsoa="E09"))
    await t.AreaDeprivation.insert(t.AreaDeprivation(lsoa="E08", imd_decile=7))
    sizes = await figures.lookup_sizes()
    assert sizes == figures.Lookups(postcodes=4, areas=4, placed=3)
    assert sizes.loaded
