"""The facet rollups kept in step by every write equal the same rollups worked out afresh
from the activities (server/totals/rollup.py), whatever the writes: new activities,
changes of date, area, setting, place, service, take-up, review status and topics,
deletes, and a person's erasure."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

from piccolo.columns import Column

from schema import tables as t
from server.db import write_transaction
from server.privacy.erase import erase_person
from server.totals import rollup
from tests.helpers import factories as f

SETTINGS = ("", "home", "school-college", "online")
POSTCODES = (None, "WN1 1AA", "wn11ab", "WN9 9ZZ")
KINDS = ("conversation", "signposting", "event")
TAKE_UP = ("", "yes", "no", "dont-know")


Rows = list[list[tuple[object, ...]]]


async def facet_rows() -> Rows:
    """Both facet rollups, leaving out keys that came back to nothing."""
    out: Rows = []
    for table, period in ((t.ActivityFacetDaily, "day"), (t.ActivityFacetMonthly, "month")):
        rows = await table.select()
        out.append(
            sorted(
                (str(r[period])[:10], r["programme"], r["footprint"], r["facet"], r["value"],
                 r["activities"], r["people_reached"], r["minutes"])
                for r in rows
                if r["activities"] or r["people_reached"] or r["minutes"]
            )
        )
    return out


async def afresh() -> list[Rows]:
    """The facet rollups worked out again from the activities (then put back as kept)."""
    kept = await facet_rows()
    async with write_transaction():
        await rollup.rebuild_facets()
    fresh = await facet_rows()
    assert fresh[0], "nothing was counted: the test checks nothing"
    return [kept, fresh]


async def lookups() -> None:
    await t.PostcodeArea.insert(
        t.PostcodeArea(postcode="WN11AA", lsoa="E01000001"),
        t.PostcodeArea(postcode="WN11AB", lsoa="E01000002"),
    )
    await t.AreaDeprivation.insert(
        t.AreaDeprivation(lsoa="E01000001", imd_decile=1),
        t.AreaDeprivation(lsoa="E01000002", imd_decile=7),
    )


async def test_every_kind_of_write_keeps_the_facets_as_they_would_be_worked_out_afresh():
    rng = random.Random(16)
    await lookups()
    areas = [await f.footprint("N"), await f.footprint("S")]
    programmes = [
        await f.programme_id("health-champions"),
        await f.programme_id("dementia-friends"),
    ]
    service = (await t.Service.insert(t.Service(name="Stop smoking")).returning(t.Service.id))[0]
    topics = [r["id"] for r in await t.Topic.select(t.Topic.id).limit(4)]
    champion = await f.person("Ann", postcode="WN1 1AA")

    def random_fields() -> dict[str, Any]:
        kind = rng.choice(KINDS)
        return {
            "programme": rng.choice(programmes),
            "kind": kind,
            "occurred_on": date(2026, 9, 20) + timedelta(days=rng.randrange(30)),
            "footprint": rng.choice([None, *areas]),
            "people_reached": rng.randrange(1, 30),
            "minutes": rng.randrange(0, 120),
            "setting": rng.choice(SETTINGS),
            "postcode": rng.choice(POSTCODES),
            "service": service["id"] if kind == "signposting" and rng.random() < 0.7 else None,
            "take_up": rng.choice(TAKE_UP) if kind == "signposting" else "",
            "review_status": rng.choice(["not-needed", "not-needed", "needs-review", "rejected"]),
        }

    async def saved(activity_id: int) -> dict[str, object]:
        row = await t.Activity.select().where(t.Activity.id == activity_id).first()
        assert row is not None
        return row

    # New activities, some with topics, as a batch (ids not yet known to the rows)
    async with write_transaction():
        made = await t.Activity.insert(
            *[
                t.Activity(client_id=uuid.uuid4(), person=champion, **random_fields())
                for _ in range(40)
            ]
        ).returning(*t.Activity.all_columns())
        await rollup.keep([], made)
        chosen = {row["id"]: rng.sample(topics, rng.randrange(0, 3)) for row in made}
        await t.ActivityTopic.insert(
            *[t.ActivityTopic(activity=a, topic=x) for a, picks in chosen.items() for x in picks]
        )
        await rollup.topics_changed([(row, [], chosen[row["id"]]) for row in made])
    kept, fresh = await afresh()
    assert kept == fresh

    # Changes: each field, one activity at a time, as the record type makes them
    ids = [row["id"] for row in made]
    for activity_id in rng.sample(ids, 25):
        old = await saved(activity_id)
        change: dict[Column | str, Any] = {
            k: v for k, v in random_fields().items() if rng.random() < 0.4
        }
        if change.get("kind") != "signposting" and old["kind"] != "signposting":
            change.pop("service", None)
        async with write_transaction():
            await t.Activity.update(change).where(t.Activity.id == activity_id)
            await rollup.keep([old], [await saved(activity_id)])
    kept, fresh = await afresh()
    assert kept == fresh

    # Topics changed on activities whose other fields stay
    for activity_id in rng.sample(ids, 10):
        before = [r["topic"] for r in await t.ActivityTopic.select().where(
            t.ActivityTopic.activity == activity_id)]
        after = rng.sample(topics, rng.randrange(0, 4))
        async with write_transaction():
            await t.ActivityTopic.delete().where(t.ActivityTopic.activity == activity_id)
            if after:
                await t.ActivityTopic.insert(
                    *[t.ActivityTopic(activity=activity_id, topic=x) for x in after]
                )
            await rollup.topics_changed([(await saved(activity_id), before, after)])
    kept, fresh = await afresh()
    assert kept == fresh

    # Deletes: the row handed over with its topics, read before the delete took them
    for activity_id in rng.sample(ids, 8):
        old = await saved(activity_id)
        old["topic_ids"] = (await rollup.topics_of([activity_id])).get(activity_id, [])
        async with write_transaction():
            await t.Activity.delete().where(t.Activity.id == activity_id)
            await rollup.keep([old], [])
    kept, fresh = await afresh()
    assert kept == fresh

    # The champion is erased: their activities stay, without the place's postcode
    before = await facet_rows()
    await erase_person(champion, None)
    assert await t.Activity.count().where(t.Activity.postcode.is_not_null()) == 0
    kept, fresh = await afresh()
    assert kept == fresh
    assert kept != before  # the places in quintiles 1 and 4 are "not known" now
    assert not [r for r in kept[0] + kept[1] if r[3] in rollup.DERIVED and r[4] == ""]


async def test_the_quintiles_follow_new_lookups_when_they_are_worked_out_again():
    programme = await f.programme_id("health-champions")
    await f.activities(
        {"programme": programme, "kind": "event", "occurred_on": date(2026, 10, 1),
         "postcode": "WN1 1AA", "people_reached": 4},
        counted=True,
    )

    async def quintiles() -> dict[str, int]:
        rows = await t.ActivityFacetMonthly.select().where(
            t.ActivityFacetMonthly.facet == "quintile"
        )
        return {r["value"]: r["activities"] for r in rows if r["activities"]}

    assert await quintiles() == {}  # not known: no row (the totals less the known ones)
    await lookups()
    async with write_transaction():
        await rollup.rebuild_facets(["quintile"])
    assert await quintiles() == {"1": 1}


async def test_the_apps_own_writes_keep_the_facets_as_they_would_be_worked_out_afresh(client):
    """Through the API as a champion and a coordinator: a new activity with topics, a
    batch with topics, changes of topics with and without other fields, a take-up, a
    rejection, a delete; then a staff edit of the place."""
    await lookups()
    await f.footprint("WC")
    champion = await f.user("champion")
    await f.join(champion.person_id, "health-champions")
    staff = await f.user("coordinator")
    service = (await t.Service.insert(t.Service(name="Stop smoking")).returning(t.Service.id))[0]
    day = date.today() - timedelta(days=3)

    def body(**more: Any) -> dict[str, Any]:
        return {"client_id": str(uuid.uuid4()), "programme": "health-champions",
                "kind": "conversation", "occurred_on": day.isoformat(), "people_reached": 2,
                "minutes": 10, **more}

    async def send(method: str, url: str, json: Any, headers: dict[str, str]) -> dict[str, Any]:
        answer = await client.request(method, url, json=json, headers=headers)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    one = await send("POST", "/api/activities", body(
        setting="school-college", postcode="wn1 1aa", topics=["smoking", "alcohol"]),
        champion.headers)
    sign = await send("POST", "/api/activities", body(
        kind="signposting", service=service["id"], topics=["smoking"]), champion.headers)
    await send("POST", "/api/activities/batch", {"activities": [
        body(topics=["dementia"], postcode="WN1 1AB"), body(setting="online"),
        body(kind="signposting", topics=["alcohol", "maternity"]),
    ]}, champion.headers)
    kept, fresh = await afresh()
    assert kept == fresh

    await send("PATCH", f"/api/activities/{one['id']}", {"topics": ["maternity"]},
               champion.headers)
    await send("PATCH", f"/api/activities/{one['id']}", {
        "topics": [], "occurred_on": (day - timedelta(days=40)).isoformat(),
        "postcode": "WN1 1AB"}, champion.headers)
    await send("PATCH", f"/api/activities/{sign['id']}", {"take_up": "yes"}, champion.headers)
    await send("PATCH", f"/api/activities/{sign['id']}", {"review_status": "rejected"},
               staff.headers)
    kept, fresh = await afresh()
    assert kept == fresh

    deleted = await client.delete(f"/api/activities/{one['id']}", headers=champion.headers)
    assert deleted.status_code == 204, deleted.text
    kept, fresh = await afresh()
    assert kept == fresh
    topic_rows = [r for r in kept[1] if r[3] == "topic"]
    assert topic_rows, "the topics were counted"
