"""Open data: the borough's activities and reach by setting, topic and the deprivation of
the place, and its people by the deprivation of their home, for all time; small numbers
hidden with another of the same table beside them; nothing personal; the same licence,
CORS and caching as the monthly files.

The movement, worked by hand (SMALL_NUMBER is 5), all Health Champions in area N in
October 2026, each activity reaching the same number of people:

    activities  setting          place postcode       topics            reach each
    10          school-college   WN1 1AA (decile 1)   3 smoking,        3
                                                      1 alcohol
    6           home             WN3 3AA (decile 10)  alcohol           1
    2           online           none                 -                 2
    1 rejected  gp-practice      WN1 1AA              smoking          50

Settings: school 10 (reach 30), home 6 (6), online 2 (4), the rest 0: online's 2 and 4 are
small; the borough's total (18, reach 40) less the others would give them away, so the
next smallest of each column, home's 6 and 6, is hidden too.
Place: quintile 1 10 (30), quintile 5 6 (6), not known 2 (4): the same, with quintile 5.
Topics overlap and add up to nothing published: smoking 3 (reach 9) is hidden alone;
alcohol 7 (reach 9) is shown.
People: 7 living at WN1 1AA (quintile 1), 2 at WN3 3AA (quintile 5: small), 6 without a
postcode (not known): the borough's 15 less the rest would give the 2, so the 6 goes too.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from schema import tables as t
from server.db import note_write, write_transaction
from server.totals import rollup
from tests.helpers import factories as f
from tests.helpers.html import Page

DAY = date(2026, 10, 5)


async def movement() -> None:
    north = await f.footprint("N", "North")
    health = await f.programme_id("health-champions")
    await t.PostcodeArea.insert(
        t.PostcodeArea(postcode="WN11AA", lsoa="E01000001"),
        t.PostcodeArea(postcode="WN33AA", lsoa="E01000003"),
    )
    await t.AreaDeprivation.insert(
        t.AreaDeprivation(lsoa="E01000001", imd_decile=1),
        t.AreaDeprivation(lsoa="E01000003", imd_decile=10),
    )
    common = {"programme": health, "kind": "event", "occurred_on": DAY, "footprint": north}
    school = [{**common, "setting": "school-college", "postcode": "WN1 1AA",
               "people_reached": 3} for _ in range(10)]  # fmt: skip
    home = [{**common, "setting": "home", "postcode": "wn33aa", "people_reached": 1}] * 6
    online = [{**common, "setting": "online", "people_reached": 2}] * 2
    rejected = {**common, "setting": "gp-practice", "postcode": "WN1 1AA",
                "people_reached": 50, "review_status": "rejected"}  # fmt: skip
    ids = await f.activities(*school, *home, *online, rejected, counted=True)
    topics = {r["slug"]: r["id"] for r in await t.Topic.select(t.Topic.slug, t.Topic.id)}
    links = [(ids[i], "smoking") for i in range(3)] + [(ids[3], "alcohol")]
    links += [(ids[i], "alcohol") for i in range(10, 16)] + [(ids[18], "smoking")]
    await t.ActivityTopic.insert(
        *[t.ActivityTopic(activity=a, topic=topics[slug]) for a, slug in links]
    )
    async with write_transaction():  # the rollups, with the topics written straight here
        await rollup.rebuild()
    for i, postcode in enumerate(["WN1 1AA"] * 7 + ["WN3 3AA"] * 2 + [None] * 6):
        person = await f.person(f"Person {i}", postcode=postcode, footprint=north)
        await f.join(person, "health-champions", joined_on=DAY)
    note_write()


def values(rows: list[dict]) -> dict[tuple[str, str, str], int | None]:
    return {(r["breakdown"], r["group"], r["measure"]): r["value"] for r in rows}


async def test_the_breakdowns_hide_small_numbers_and_one_beside_them(client):
    await movement()
    answer = await client.get("/open-data/breakdowns.json")
    assert answer.status_code == 200
    document = answer.json()
    found = values(document["rows"])
    setting = {k[1:]: v for k, v in found.items() if k[0] == "setting"}
    assert setting == {
        ("home", "activities"): None, ("home", "reach"): None,
        ("gp-practice", "activities"): 0, ("gp-practice", "reach"): 0,
        ("school-college", "activities"): 10, ("school-college", "reach"): 30,
        ("workplace", "activities"): 0, ("workplace", "reach"): 0,
        ("community-venue", "activities"): 0, ("community-venue", "reach"): 0,
        ("online", "activities"): None, ("online", "reach"): None,
        ("street-event", "activities"): 0, ("street-event", "reach"): 0,
        ("other", "activities"): 0, ("other", "reach"): 0,
        ("not-given", "activities"): 0, ("not-given", "reach"): 0,
    }  # fmt: skip
    place = {k[1:]: v for k, v in found.items() if k[0] == "place_deprivation"}
    assert place == {
        ("1", "activities"): 10, ("1", "reach"): 30,
        ("2", "activities"): 0, ("2", "reach"): 0,
        ("3", "activities"): 0, ("3", "reach"): 0,
        ("4", "activities"): 0, ("4", "reach"): 0,
        ("5", "activities"): None, ("5", "reach"): None,
        ("not-known", "activities"): None, ("not-known", "reach"): None,
    }  # fmt: skip
    home = {k[1]: v for k, v in found.items() if k[0] == "home_deprivation"}
    assert home == {"1": 7, "2": 0, "3": 0, "4": 0, "5": None, "not-known": None}
    topic = {k[1:]: v for k, v in found.items() if k[0] == "topic"}
    assert topic[("smoking", "activities")] is None and topic[("smoking", "reach")] == 9
    assert topic[("alcohol", "activities")] == 7 and topic[("alcohol", "reach")] == 9
    assert topic[("dementia", "activities")] == 0  # a topic of the council's list, unused
    assert "no-topic" not in {k[0] for k in topic}  # overlapping: "no topic" is not published
    assert document["licence"] == "Open Government Licence v3.0"
    assert document["small_number"] == 5
    assert [c["name"] for c in document["columns"]] == [
        "breakdown", "group", "group_name", "measure", "value"
    ]  # fmt: skip
    # The borough's totals the settings add up to are published beside them.
    totals = (await client.get("/api/totals")).json()
    assert (totals["activities"], totals["reach"], totals["people"]) == (18, 40, 15)


async def test_the_csv_and_the_page_show_the_same_numbers(client):
    await movement()
    rows = (await client.get("/open-data/breakdowns.json")).json()["rows"]
    answer = await client.get("/open-data/breakdowns.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(table) == len(rows)
    for row, line in zip(rows, table, strict=True):
        assert line["value"] == ("" if row["value"] is None else str(row["value"]))
        assert (line["breakdown"], line["group"]) == (row["breakdown"], row["group"])
    page = Page((await client.get("/open-data")).text)
    text = page.text
    assert "Activities by setting" in text and "People by the deprivation of their home" in text
    assert "School or college 10 30" in text
    assert "Online not shown not shown" in text
    assert "1: the most deprived fifth of England 7" in text
    assert "Smoking not shown 9" in text


async def test_the_breakdown_files_are_public_like_the_monthly_ones(client):
    await movement()
    for path in ("/open-data/breakdowns.json", "/open-data/breakdowns.csv"):
        answer = await client.get(path)
        assert answer.headers["access-control-allow-origin"] == "*"
        assert answer.headers["cache-control"] == "public, max-age=60"
        assert 'rel="license"' in answer.headers["link"]
        again = await client.get(path, headers={"if-none-match": answer.headers["etag"]})
        assert again.status_code == 304
        assert (await client.get(f"{path}?x=1&x=2")).status_code == 400  # a key twice


async def test_nothing_personal_is_in_the_breakdowns(client):
    await movement()
    text = (await client.get("/open-data/breakdowns.csv")).text
    text += (await client.get("/open-data/breakdowns.json")).text
    for personal in ("Person 1", "WN1", "WN11AA", "E01000001", "wn33aa"):
        assert personal not in text, personal
    rows = (await client.get("/open-data/breakdowns.json")).json()["rows"]
    assert {tuple(sorted(r)) for r in rows} == {
        ("breakdown", "group", "group_name", "measure", "value")
    }
