"""The numbers: what each one counts, the filters, the rollups and the cache."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from schema.tables import Activity, ExternalCount, FriendsSession, Person, Programme
from server.settings import today
from server.totals.services import split_range
from tests.helpers import factories as f


def by_slug(totals):
    return {p["slug"]: p for p in totals["programmes"]}


async def get(client, query="", headers=None):
    """The totals; pass a coordinator's headers to see one area's small numbers too."""
    response = await client.get(f"/api/totals{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_shape_other_sites_rely_on(client):
    totals = await get(client)
    for key in ("as_at", "people", "movement_total", "reach", "activities", "hours", "programmes"):
        assert key in totals
    slugs = [p["slug"] for p in totals["programmes"]]
    assert slugs == [
        "health-champions",
        "heart-champions",
        "cancer-champions",
        "young-health-champions",
        "in-mind-champions",
        "communities-in-charge-of-alcohol",
        "dementia-friends",
        "autism-friends",
    ]
    for programme in totals["programmes"]:
        assert set(programme) >= {
            "slug",
            "name",
            "kind",
            "members",
            "friends",
            "reach",
            "activities",
            "hours",
            "target",
        }


async def test_people_are_counted_once_and_roles_per_programme(client):
    wc = await f.footprint("WC")
    ann = await f.person("Ann", footprint=wc)
    bob = await f.person("Bob", footprint=wc)
    cat = await f.person("Cat")
    await f.join(ann, "health-champions")
    await f.join(ann, "dementia-friends")  # one citizen, two roles
    await f.join(bob, "heart-champions")
    await f.join(cat, "cancer-champions", status="left")  # left: not counted
    totals = await get(client)
    assert totals["people"] == 2
    assert totals["roles"] == 3
    programmes = by_slug(totals)
    assert programmes["health-champions"]["members"] == 1
    assert programmes["cancer-champions"]["members"] == 0
    assert programmes["dementia-friends"]["friends"] == 1
    assert totals["movement_total"] == 2  # Ann's Friend role adds no extra citizen


async def test_friends_from_sessions_and_elsewhere_add_to_the_movement(client):
    wc = await f.footprint("WC")
    ann = await f.person("Ann", footprint=wc)
    await f.join(ann, "dementia-friends")
    dementia = await f.programme_id("dementia-friends")
    autism = await f.programme_id("autism-friends")
    await FriendsSession.insert(
        FriendsSession(programme=dementia, held_on=date(2025, 3, 1), attendees=20, footprint=wc),
        FriendsSession(programme=dementia, held_on=date(2025, 6, 1), attendees=15),
        FriendsSession(programme=autism, held_on=date(2025, 6, 1), attendees=9),
    )
    # A running total from the national programme: only its latest figure counts.
    await ExternalCount.insert(
        ExternalCount(programme=dementia, friends=100, as_of=date(2025, 1, 31), source="National"),
        ExternalCount(programme=dementia, friends=130, as_of=date(2025, 6, 30), source="National"),
    )
    totals = await get(client)
    dementia_friends = by_slug(totals)["dementia-friends"]
    assert dementia_friends["friends_from_sessions"] == 35
    assert dementia_friends["friends_from_elsewhere"] == 130
    assert dementia_friends["friends"] == 1 + 35 + 130
    assert by_slug(totals)["autism-friends"]["friends"] == 9
    assert totals["anonymous_friends"] == 35 + 130 + 9
    assert totals["movement_total"] == 1 + 35 + 130 + 9
    # Within a date range, a source counts what it grew by in the range (for staff: the
    # public is not given that growth, which could be one area's small figure).
    staff = (await f.user("coordinator")).headers
    spring = await get(client, "?since=2025-02-01&until=2025-12-31", staff)
    assert by_slug(spring)["dementia-friends"]["friends_from_elsewhere"] == 30
    assert by_slug(spring)["dementia-friends"]["friends_from_sessions"] == 35
    public = await get(client, "?since=2025-02-01&until=2025-12-31")
    assert by_slug(public)["dementia-friends"]["friends_from_elsewhere"] is None
    assert by_slug(public)["dementia-friends"]["friends_from_sessions"] == 35
    only_wc = await get(client, "?footprint=WC", staff)
    assert by_slug(only_wc)["dementia-friends"]["friends_from_sessions"] == 20
    assert by_slug(only_wc)["dementia-friends"]["friends_from_elsewhere"] == 0


async def test_filters_by_programme_footprint_and_dates(client):
    wc = await f.footprint("WC")
    le = await f.footprint("LE")
    ann = await f.person("Ann", footprint=wc)
    bob = await f.person("Bob", footprint=le)
    await f.join(ann, "health-champions", joined_on=date(2024, 1, 10))
    await f.join(bob, "health-champions", joined_on=date(2025, 1, 10))
    await f.join(bob, "heart-champions", joined_on=date(2025, 1, 10))
    health = await f.programme_id("health-champions")
    await f.activities(
        *[
            {
                "person": ann,
                "programme": health,
                "kind": "event",
                "occurred_on": day,
                "footprint": fp,
                "people_reached": reach,
                "minutes": 60,
            }
            for day, fp, reach in [
                (date(2024, 2, 1), wc, 10),
                (date(2025, 2, 1), le, 20),
                (date(2025, 3, 15), wc, 40),
            ]
        ],
        counted=True,
    )
    staff = (await f.user("coordinator")).headers
    assert (await get(client, "?footprint=WC", staff))["reach"] == 50
    assert (await get(client, "?footprint=WC", staff))["people"] == 1
    in_2025 = await get(client, "?since=2025-01-01&until=2025-12-31")
    assert (in_2025["reach"], in_2025["activities"], in_2025["hours"]) == (60, 2, 2.0)
    assert in_2025["people"] == 1 and in_2025["roles"] == 2  # joined in the range
    heart = await get(client, "?programme=heart-champions")
    assert [p["slug"] for p in heart["programmes"]] == ["heart-champions"]
    assert (heart["people"], heart["reach"]) == (1, 0)
    mid_march = await get(client, "?since=2025-03-15&until=2025-03-15")
    assert mid_march["reach"] == 40


@pytest.mark.parametrize(
    "query,field,status",
    [
        # The document rules these out: 400.
        ("?since=yesterday", "since", 400),
        ("?colour=red", "colour", 400),
        # These fit it, but name what is not in the lists, or break a rule between two: 422.
        ("?programme=nope", "programme", 422),
        ("?footprint=ZZ", "footprint", 422),
        ("?since=2025-05-01&until=2025-01-01", "until", 422),
    ],
)
async def test_bad_filters_say_what_to_fix(client, query, field, status):
    response = await client.get(f"/api/totals{query}")
    assert response.status_code == status
    assert field in response.json()["errors"]


async def test_targets_are_shown(client):
    await Programme.update(
        {Programme.target: 2000, Programme.target_date: date(2027, 3, 31)}
    ).where(Programme.slug == "autism-friends")
    from server.db import note_write

    note_write()
    autism = by_slug(await get(client))["autism-friends"]
    assert (autism["target"], autism["target_date"]) == (2000, "2027-03-31")


async def test_nothing_personal_is_in_the_totals(client):
    wc = await f.footprint("WC")
    ann = await f.person("Annabel Secretname", email="annabel@example.org", footprint=wc)
    await f.join(ann, "health-champions")
    text = (await client.get("/api/totals")).text
    assert "Secretname" not in text and "annabel@" not in text


async def test_etag_and_not_modified(client):
    first = await client.get("/api/totals")
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = await client.get("/api/totals", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


async def test_a_write_in_this_worker_shows_at_once(client):
    before = await get(client)
    person = await f.user("coordinator")
    response = await client.post(
        "/api/activities",
        json={"programme": "health-champions", "kind": "event", "people_reached": 12},
        headers=person.headers,
    )
    assert response.status_code == 201
    after = await get(client)
    assert after["reach"] == before["reach"] + 12


async def test_cached_totals_are_reused_until_a_write(client):
    from server.totals.services import CACHE

    first = await CACHE.get("k", lambda: _count_calls())
    second = await CACHE.get("k", lambda: _count_calls())
    assert first is second and CALLS == [1]
    CACHE.clear()
    third = await CACHE.get("k", lambda: _count_calls())
    assert third is not first and CALLS == [1, 1]


CALLS: list[int] = []


async def _count_calls():
    CALLS.append(1)
    return {"n": len(CALLS)}


# The rollups ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "until", "months", "days"),
    [
        (None, None, (date(1900, 1, 1), date(9999, 12, 1)), []),
        (date(2025, 1, 1), date(2025, 3, 31), (date(2025, 1, 1), date(2025, 3, 1)), []),
        (
            date(2025, 1, 15),
            date(2025, 3, 10),
            (date(2025, 2, 1), date(2025, 2, 1)),
            [(date(2025, 1, 15), date(2025, 1, 31)), (date(2025, 3, 1), date(2025, 3, 10))],
        ),
        (date(2025, 1, 15), date(2025, 1, 20), None, [(date(2025, 1, 15), date(2025, 1, 20))]),
        (date(2024, 2, 10), date(2024, 3, 5), None, [(date(2024, 2, 10), date(2024, 3, 5))]),
        (date(2024, 2, 1), date(2024, 2, 29), (date(2024, 2, 1), date(2024, 2, 1)), []),
    ],
)
def test_a_range_splits_into_whole_months_and_edge_days(since, until, months, days):
    assert split_range(since, until) == (months, days)


@pytest.mark.slow
async def test_the_rollups_always_match_the_activities(client):
    """Random writes through the API, then every total compared with a count of the rows."""
    rng = random.Random(7)
    await f.footprint("WC")
    await f.footprint("LE")
    coordinator = await f.user("coordinator")
    ids = []
    for _ in range(40):
        day = today() - timedelta(days=rng.randint(0, 200))
        response = await client.post(
            "/api/activities",
            json={
                "programme": rng.choice(["health-champions", "heart-champions"]),
                "kind": "event",
                "occurred_on": day.isoformat(),
                "footprint": rng.choice(["WC", "LE"]),
                "people_reached": rng.randint(0, 700),
                "minutes": rng.randint(0, 700),
            },
            headers=coordinator.headers,
        )
        ids.append(response.json()["id"])
    for activity_id in rng.sample(ids, 10):
        await client.patch(
            f"/api/activities/{activity_id}",
            json={"people_reached": rng.randint(0, 50), "footprint": rng.choice(["WC", "LE"])},
            headers=coordinator.headers,
        )
    for activity_id in rng.sample(ids, 5):
        await client.patch(
            f"/api/activities/{activity_id}",
            json={"review_status": "rejected"},
            headers=coordinator.headers,
        )
    for activity_id in rng.sample(ids, 5):
        await client.delete(f"/api/activities/{activity_id}", headers=coordinator.headers)
    since = today() - timedelta(days=rng.randint(20, 150))
    for query, where in [
        ("", Activity.review_status != "rejected"),
        (
            f"?since={since}",
            (Activity.review_status != "rejected") & (Activity.occurred_on >= since),
        ),
        (
            "?footprint=LE&programme=heart-champions",
            (Activity.review_status != "rejected")
            & (Activity.footprint.code == "LE")
            & (Activity.programme.slug == "heart-champions"),
        ),
    ]:
        rows = await Activity.select(Activity.people_reached, Activity.minutes).where(where)  # type: ignore[arg-type]
        totals = await get(client, query, coordinator.headers)
        assert totals["activities"] == len(rows), query
        assert totals["reach"] == sum(r["people_reached"] for r in rows), query
        assert totals["hours"] == round(sum(r["minutes"] for r in rows) / 60, 1), query


async def test_deleting_a_person_keeps_their_activities_in_the_totals(client):
    coordinator = await f.user("coordinator")
    champion = await f.user("champion")
    await f.join(champion.person_id, "health-champions")
    await client.post(
        "/api/activities",
        json={"programme": "health-champions", "kind": "event", "people_reached": 30},
        headers=champion.headers,
    )
    response = await client.delete(f"/api/people/{champion.person_id}", headers=coordinator.headers)
    assert response.status_code == 204
    assert await Person.count().where(Person.id == champion.person_id) == 0
    assert (await get(client))["reach"] == 30


async def test_the_etag_stays_while_the_numbers_do(client):
    from server.db import note_write

    first = await client.get("/api/totals")
    note_write()  # worked out again: a new as_at, the same numbers
    second = await client.get("/api/totals", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 304
    await f.footprint("WC")
    coordinator = await f.user("coordinator")
    await client.post(
        "/api/activities",
        headers=coordinator.headers,
        json={"programme": "health-champions", "kind": "event", "people_reached": 4},
    )
    third = await client.get("/api/totals", headers={"If-None-Match": first.headers["etag"]})
    assert third.status_code == 200
    assert third.headers["etag"] != first.headers["etag"]
