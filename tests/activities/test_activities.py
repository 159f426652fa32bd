"""Logging activities: the rules, review marks, batches, idempotency and concurrency."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from schema.tables import Activity, ActivityDaily, AuditEvent
from server.settings import today
from tests.helpers import factories as f


def activity(**overrides):
    body = {
        "client_id": str(uuid.uuid4()),
        "programme": "health-champions",
        "kind": "conversation",
        "occurred_on": today().isoformat(),
        "people_reached": 3,
        "minutes": 20,
        "footprint": "WC",
        "note": "Talked about the bowel screening kit at church.",
    }
    body.update(overrides)
    return body


@pytest.fixture
async def champion():
    await f.footprint("WC")
    await f.footprint("LE", "Leigh")
    user = await f.user("champion")
    await f.join(user.person_id, "health-champions")
    return user


async def test_a_champion_logs_an_activity(client, champion):
    response = await client.post("/api/activities", json=activity(), headers=champion.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["person"] == champion.person_id
    assert body["programme"] == "health-champions"
    assert body["footprint"] == "WC"
    assert body["review_status"] == "not-needed"
    assert await Activity.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("people_reached", -1, "must be from 0 to 100,000"),
        ("people_reached", 100_001, "must be from 0 to 100,000"),
        ("people_reached", "lots", "whole number"),
        ("minutes", 1441, "must be from 0 to 1,440"),
        ("minutes", 12.5, "whole number"),
        ("occurred_on", (today() + timedelta(days=1)).isoformat(), "cannot be in the future"),
        ("occurred_on", "2009-12-31", "on or after 1 January 2010"),
        ("occurred_on", "2025-02-30", "real date"),
        ("programme", "knitting-champions", "Choose a programme from"),
        ("kind", "CONVERSATION", "Choose what you did from"),
        ("footprint", "ZZ", "Choose the area from"),
        ("note", "x" * 501, "500 characters or fewer"),
        ("client_id", "not-a-uuid", "must be a UUID"),
        ("people_reach", 3, "not known"),
    ],
)
async def test_bad_input_says_what_to_fix(client, champion, field, value, message):
    response = await client.post(
        "/api/activities", json=activity(**{field: value}), headers=champion.headers
    )
    # A programme or area of the right shape that is not in the lists: 422, like any
    # record named that is not there; anything else the document itself rules out: 400.
    assert response.status_code == (422 if field in ("programme", "footprint") else 400)
    assert message in response.json()["errors"][field]
    assert await Activity.count() == 0


async def test_every_problem_is_listed_at_once(client, champion):
    response = await client.post(
        "/api/activities",
        json={"programme": "nope", "kind": "nope", "people_reached": -5},
        headers=champion.headers,
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"programme", "kind", "people_reached"}


@pytest.mark.parametrize(
    "body", [[], "text", 12, None, {"activities": "x"}], ids=["list", "str", "int", "null", "obj"]
)
async def test_odd_bodies_are_refused_clearly(client, champion, body):
    response = await client.post("/api/activities", json=body, headers=champion.headers)
    assert response.status_code == 400
    assert response.json()["message"]


async def test_a_body_that_is_not_json_is_a_400(client, champion):
    response = await client.post(
        "/api/activities",
        content=b"{not json",
        headers={**champion.headers, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["message"]


@pytest.mark.parametrize(
    ("reach", "minutes", "status"),
    [(500, 600, "not-needed"), (501, 30, "needs-review"), (10, 601, "needs-review")],
)
async def test_implausible_numbers_are_accepted_but_marked(
    client, champion, reach, minutes, status
):
    response = await client.post(
        "/api/activities",
        json=activity(people_reached=reach, minutes=minutes),
        headers=champion.headers,
    )
    assert response.status_code == 201
    assert response.json()["review_status"] == status
    assert (response.json()["review_reason"] != "") == (status == "needs-review")


async def test_champions_log_only_for_their_own_programmes(client, champion):
    response = await client.post(
        "/api/activities", json=activity(programme="heart-champions"), headers=champion.headers
    )
    assert response.status_code == 422
    assert "health-champions" in response.json()["errors"]["programme"]


async def test_the_area_defaults_to_the_persons_own(client, champion):
    leigh = await f.footprint("AT", "Atherton")
    from schema.tables import Person

    await Person.update({Person.footprint: leigh}).where(Person.id == champion.person_id)
    body = activity()
    del body["footprint"]
    response = await client.post("/api/activities", json=body, headers=champion.headers)
    assert response.json()["footprint"] == "AT"


async def test_champions_cannot_review_their_own_activities(client, champion):
    response = await client.post(
        "/api/activities", json=activity(review_status="approved"), headers=champion.headers
    )
    # The document lists review_status (staff send it): a champion is not allowed it.
    assert response.status_code == 403
    assert "review_status" in response.json()["message"]


async def test_a_coordinator_approves_or_rejects_and_rejected_never_counts(client, champion):
    coordinator = await f.user("coordinator")
    created = await client.post(
        "/api/activities", json=activity(people_reached=900), headers=champion.headers
    )
    activity_id = created.json()["id"]
    totals = (await client.get("/api/totals")).json()
    assert totals["reach"] == 900

    rejected = await client.patch(
        f"/api/activities/{activity_id}",
        json={"review_status": "rejected"},
        headers=coordinator.headers,
    )
    assert rejected.json()["review_status"] == "rejected"
    totals = (await client.get("/api/totals")).json()
    assert totals["reach"] == 0 and totals["activities"] == 0

    # The champion editing it does not bring it back.
    await client.patch(
        f"/api/activities/{activity_id}", json={"people_reached": 40}, headers=champion.headers
    )
    assert (await client.get("/api/totals")).json()["reach"] == 0

    approved = await client.patch(
        f"/api/activities/{activity_id}",
        json={"review_status": "approved"},
        headers=coordinator.headers,
    )
    assert approved.json()["review_status"] == "approved"
    assert (await client.get("/api/totals")).json()["reach"] == 40


async def test_champions_change_their_activities_for_30_days_only(client, champion):
    created = await client.post("/api/activities", json=activity(), headers=champion.headers)
    activity_id = created.json()["id"]
    from datetime import UTC, datetime

    old = datetime.now(UTC) - timedelta(days=31)
    await Activity.update({Activity.created_at: old}).where(Activity.id == activity_id)
    response = await client.patch(
        f"/api/activities/{activity_id}", json={"minutes": 5}, headers=champion.headers
    )
    assert response.status_code == 403
    assert "30 days" in response.json()["message"]
    deleted = await client.delete(f"/api/activities/{activity_id}", headers=champion.headers)
    assert deleted.status_code == 403
    coordinator = await f.user("coordinator")
    response = await client.patch(
        f"/api/activities/{activity_id}", json={"minutes": 5}, headers=coordinator.headers
    )
    assert response.status_code == 200


async def test_edits_and_deletes_keep_the_totals_right(client, champion):
    first = await client.post(
        "/api/activities", json=activity(people_reached=10, minutes=60), headers=champion.headers
    )
    await client.post(
        "/api/activities", json=activity(people_reached=5, minutes=30), headers=champion.headers
    )
    await client.patch(
        f"/api/activities/{first.json()['id']}",
        json={"people_reached": 12, "footprint": "LE", "occurred_on": "2024-05-06"},
        headers=champion.headers,
    )
    totals = (await client.get("/api/totals")).json()
    assert (totals["reach"], totals["activities"], totals["hours"]) == (17, 2, 1.5)
    staff = (await f.user("coordinator")).headers  # the public sees small area numbers hidden
    leigh = (await client.get("/api/totals?footprint=LE", headers=staff)).json()
    assert (leigh["reach"], leigh["activities"]) == (12, 1)
    await client.delete(f"/api/activities/{first.json()['id']}", headers=champion.headers)
    totals = (await client.get("/api/totals")).json()
    assert (totals["reach"], totals["activities"]) == (5, 1)
    leigh = (await client.get("/api/totals?footprint=LE", headers=staff)).json()
    assert leigh["reach"] == 0


async def test_every_change_is_audited(client, champion):
    created = await client.post("/api/activities", json=activity(), headers=champion.headers)
    activity_id = created.json()["id"]
    await client.patch(
        f"/api/activities/{activity_id}", json={"minutes": 45}, headers=champion.headers
    )
    await client.delete(f"/api/activities/{activity_id}", headers=champion.headers)
    events = (
        await AuditEvent.select()
        .where((AuditEvent.record_type == "activity") & (AuditEvent.record_id == activity_id))
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )
    assert [e["action"] for e in events] == ["create", "update", "delete"]
    assert events[1]["changes"] == {"minutes": [20, 45]}
    assert all(e["account"] is not None for e in events)


# Batches ------------------------------------------------------------------------------


async def test_a_batch_answers_each_item_in_order(client, champion):
    good = activity()
    bad = activity(people_reached=-4)
    again = dict(good)
    response = await client.post(
        "/api/activities/batch",
        json={"activities": [good, bad, again, "junk"]},
        headers=champion.headers,
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "duplicate", "invalid"]
    assert results[0]["client_id"] == good["client_id"]
    assert "people_reached" in results[1]["errors"]
    assert await Activity.count() == 1


async def test_the_same_batch_sent_three_times_is_saved_once(client, champion):
    batch = {"activities": [activity(people_reached=n) for n in range(1, 11)]}
    statuses = []
    for _ in range(3):
        response = await client.post("/api/activities/batch", json=batch, headers=champion.headers)
        statuses.append({r["status"] for r in response.json()["results"]})
    assert statuses == [{"created"}, {"duplicate"}, {"duplicate"}]
    assert await Activity.count() == 10
    assert (await client.get("/api/totals")).json()["reach"] == sum(range(1, 11))


async def test_ten_identical_requests_at_once_leave_one_copy(client, champion):
    body = activity(people_reached=7)

    async def send():
        return await client.post(
            "/api/activities/batch", json={"activities": [body]}, headers=champion.headers
        )

    responses = await asyncio.gather(*[send() for _ in range(10)])
    assert all(r.status_code == 200 for r in responses)
    statuses = sorted(r.json()["results"][0]["status"] for r in responses)
    assert statuses == ["created"] + ["duplicate"] * 9
    assert await Activity.count() == 1
    rollup = await ActivityDaily.select().first()
    assert (rollup["activities"], rollup["people_reached"]) == (1, 7)


@pytest.mark.slow
async def test_fifty_concurrent_writers_lose_nothing(client, champion):
    bodies = [activity(people_reached=1) for _ in range(50)]

    async def send(body):
        return await client.post("/api/activities", json=body, headers=champion.headers)

    responses = await asyncio.gather(*[send(b) for b in bodies])
    assert [r.status_code for r in responses] == [201] * 50, {r.text for r in responses}
    assert await Activity.count() == 50
    assert (await client.get("/api/totals")).json()["activities"] == 50


async def test_a_batch_holds_at_most_500(client, champion):
    response = await client.post(
        "/api/activities/batch",
        json={"activities": [activity() for _ in range(501)]},
        headers=champion.headers,
    )
    assert response.status_code == 400
    assert "500" in response.json()["errors"]["activities"]
    assert await Activity.count() == 0


async def test_a_full_batch_of_500_is_saved(client, champion):
    response = await client.post(
        "/api/activities/batch",
        json={"activities": [activity(people_reached=2) for _ in range(500)]},
        headers=champion.headers,
    )
    assert {r["status"] for r in response.json()["results"]} == {"created"}
    assert await Activity.count() == 500
    assert (await client.get("/api/totals")).json()["reach"] == 1000


async def test_a_batch_needs_client_ids(client, champion):
    body = activity()
    del body["client_id"]
    response = await client.post(
        "/api/activities/batch", json={"activities": [body]}, headers=champion.headers
    )
    result = response.json()["results"][0]
    assert result["status"] == "invalid"
    assert "client_id" in result["errors"]


async def test_listing_is_paginated_and_filtered(client, champion):
    for n in range(7):
        day = (today() - timedelta(days=n)).isoformat()
        await client.post(
            "/api/activities", json=activity(occurred_on=day), headers=champion.headers
        )
    page = (await client.get("/api/activities?per_page=3&page=2", headers=champion.headers)).json()
    assert (page["total"], page["page"], len(page["items"])) == (7, 2, 3)
    since = (today() - timedelta(days=1)).isoformat()
    recent = await client.get(f"/api/activities?since={since}", headers=champion.headers)
    assert recent.json()["total"] == 2
    bad = await client.get("/api/activities?per_page=0&kind=x&colour=red", headers=champion.headers)
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"per_page", "kind", "colour"}


# Races --------------------------------------------------------------------------------


async def _rollup_matches_activities():
    rows = await Activity.select(Activity.people_reached).where(
        Activity.review_status != "rejected"
    )
    daily = await ActivityDaily.select()
    assert sum(d["activities"] for d in daily) == len(rows)
    assert sum(d["people_reached"] for d in daily) == sum(r["people_reached"] for r in rows)


async def test_concurrent_edits_and_deletes_keep_the_totals_right(client, champion):
    coordinator = await f.user("coordinator")
    created = await client.post(
        "/api/activities", json=activity(people_reached=25), headers=champion.headers
    )
    activity_id = created.json()["id"]
    edits = [
        client.patch(
            f"/api/activities/{activity_id}", json={"people_reached": n}, headers=champion.headers
        )
        for n in range(1, 11)
    ]
    rejects = [
        client.patch(
            f"/api/activities/{activity_id}",
            json={"review_status": "rejected"},
            headers=coordinator.headers,
        )
        for _ in range(4)
    ]
    responses = await asyncio.gather(*edits, *rejects)
    assert all(r.status_code == 200 for r in responses), {r.text for r in responses}
    await _rollup_matches_activities()
    deletes = [
        client.delete(f"/api/activities/{activity_id}", headers=coordinator.headers)
        for _ in range(5)
    ]
    statuses = sorted(r.status_code for r in await asyncio.gather(*deletes))
    assert statuses == [204, 404, 404, 404, 404]
    await _rollup_matches_activities()
    assert (await client.get("/api/totals")).json()["activities"] == 0


@pytest.mark.slow
async def test_phones_sending_the_same_days_at_once_do_not_deadlock(client):
    """Batches touching the same days in opposite orders, at the same time."""
    await f.footprint("WC")
    users = []
    for _ in range(6):
        user = await f.user("champion")
        await f.join(user.person_id, "health-champions")
        users.append(user)
    days = [(today() - timedelta(days=n)).isoformat() for n in range(40)]

    async def send(user, order):
        body = {"activities": [activity(occurred_on=day) for day in order]}
        return await client.post("/api/activities/batch", json=body, headers=user.headers)

    rounds = []
    for n, user in enumerate(users):
        rounds.append(send(user, days if n % 2 else list(reversed(days))))
    responses = await asyncio.gather(*rounds)
    assert [r.status_code for r in responses] == [200] * 6
    assert await Activity.count() == 6 * 40
    await _rollup_matches_activities()


async def test_notes_are_not_copied_into_the_audit_log(client, champion):
    await client.post(
        "/api/activities/batch",
        json={"activities": [activity(note="Spoke to Mrs Jones about her diabetes")]},
        headers=champion.headers,
    )
    events = await AuditEvent.select().output(load_json=True)
    assert "Jones" not in repr(events)
    activity_events = [e for e in events if e["record_type"] == "activity"]
    assert activity_events[0]["changes"]["note"] == "changed"
