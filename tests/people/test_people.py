"""People, memberships, trainings, sessions and reference records: their rules."""

from __future__ import annotations

from datetime import date

import pytest

from schema.tables import AuditEvent, Membership, Person, TrainingRecord
from server.settings import today
from tests.helpers import factories as f


@pytest.fixture
async def coordinator():
    await f.footprint("WC", "Wigan Central")
    return await f.user("coordinator")


async def test_a_coordinator_adds_a_person(client, coordinator):
    response = await client.post(
        "/api/people",
        json={
            "name": "  Jo Bloggs ",
            "email": "Jo.Bloggs@Example.ORG",
            "phone": "01942 123456",
            "postcode": "wn1 1aa",
            "year_of_birth": 1980,
            "footprint": "WC",
            "consent_to_contact": True,
        },
        headers=coordinator.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["email"], body["postcode"]) == (
        "Jo Bloggs",
        "jo.bloggs@example.org",
        "WN1 1AA",
    )
    assert body["footprint"] == "WC" and body["consent_to_contact"] is True


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the person's name"),
        ("name", "x" * 201, "200 characters or fewer"),
        ("email", "not-an-email", "like name@example.com"),
        ("phone", "call me", "phone number like"),
        ("postcode", "12345", "UK postcode"),
        ("year_of_birth", 1850, "from 1,900 to"),
        ("year_of_birth", today().year - 5, "from 1,900 to"),
        ("footprint", "Mars", "Choose an area from"),
        ("organisation", 999, "no organisation with id 999"),
        ("consent_to_contact", "perhaps", "yes or no"),
    ],
)
async def test_bad_people_say_what_to_fix(client, coordinator, field, value, message):
    body = {"name": "Jo", field: value}
    response = await client.post("/api/people", json=body, headers=coordinator.headers)
    # A record that is not there: each field fits the API's document, the whole does not.
    assert response.status_code == (422 if field in ("organisation", "footprint") else 400)
    assert message in response.json()["errors"][field]


async def test_emails_are_unique_when_present(client, coordinator):
    for name in ("A", "B"):  # two people without email are fine
        assert (
            await client.post("/api/people", json={"name": name}, headers=coordinator.headers)
        ).status_code == 201
    first = await client.post(
        "/api/people", json={"name": "C", "email": "c@example.org"}, headers=coordinator.headers
    )
    assert first.status_code == 201
    clash = await client.post(
        "/api/people", json={"name": "D", "email": "C@example.org"}, headers=coordinator.headers
    )
    assert clash.status_code == 409
    assert "email" in clash.json()["errors"]


async def test_people_are_found_by_name_programme_and_area(client, coordinator):
    ann = await f.person("Ann Hughes")
    bob = await f.person("Bob Hughes")
    await f.person("Cat Smith")
    await f.join(ann, "health-champions")
    await f.join(bob, "heart-champions", status="paused")
    found = (await client.get("/api/people?q=hughes", headers=coordinator.headers)).json()
    assert [p["name"] for p in found["items"]] == ["Ann Hughes", "Bob Hughes"]
    paused = (await client.get("/api/people?status=paused", headers=coordinator.headers)).json()
    assert [p["name"] for p in paused["items"]] == ["Bob Hughes"]
    health = await client.get("/api/people?programme=health-champions", headers=coordinator.headers)
    assert [p["name"] for p in health.json()["items"]] == ["Ann Hughes"]


async def test_personal_details_are_never_copied_into_the_audit_log(client, coordinator):
    response = await client.post(
        "/api/people",
        json={"name": "Secret Name", "email": "secret@example.org"},
        headers=coordinator.headers,
    )
    person_id = response.json()["id"]
    await client.patch(
        f"/api/people/{person_id}", json={"phone": "07700 900123"}, headers=coordinator.headers
    )
    events = (
        await AuditEvent.select()
        .where((AuditEvent.record_type == "person") & (AuditEvent.record_id == person_id))
        .output(load_json=True)
    )
    text = repr(events)
    assert "Secret" not in text and "secret@" not in text and "900123" not in text
    assert events[-1]["changes"] == {"phone": "changed"}


async def test_a_champion_updates_their_own_details_but_nobody_elses(client):
    champion = await f.user("champion")
    other = await f.person("Someone Else")
    mine = await client.patch(
        f"/api/people/{champion.person_id}", json={"name": "New Name"}, headers=champion.headers
    )
    assert mine.status_code == 200 and mine.json()["name"] == "New Name"
    theirs = await client.patch(
        f"/api/people/{other}", json={"name": "Hacked"}, headers=champion.headers
    )
    assert theirs.status_code == 404
    assert (await Person.select(Person.name).where(Person.id == other).first())["name"] == (
        "Someone Else"
    )


# Memberships ----------------------------------------------------------------------------


async def test_one_person_in_many_programmes_once_each(client, coordinator):
    jo = await f.person("Jo")
    for slug in ("health-champions", "dementia-friends"):
        response = await client.post(
            "/api/memberships", json={"person": jo, "programme": slug}, headers=coordinator.headers
        )
        assert response.status_code == 201
        assert response.json()["status"] == "active"
    again = await client.post(
        "/api/memberships",
        json={"person": jo, "programme": "health-champions"},
        headers=coordinator.headers,
    )
    assert again.status_code == 409
    assert "already in this programme" in again.json()["errors"]["person"]


async def test_leaving_a_programme_records_when(client, coordinator):
    jo = await f.person("Jo")
    membership = await f.join(jo, "health-champions", joined_on=date(2024, 1, 1))
    response = await client.patch(
        f"/api/memberships/{membership}", json={"status": "left"}, headers=coordinator.headers
    )
    assert response.json()["left_on"] == today().isoformat()
    backwards = await client.patch(
        f"/api/memberships/{membership}",
        json={"left_on": "2023-06-01"},
        headers=coordinator.headers,
    )
    assert backwards.status_code == 422
    assert "on or after the date they joined" in backwards.json()["errors"]["left_on"]


@pytest.mark.parametrize(
    ("age", "ok"), [(13, False), (14, True), (24, True), (25, True), (26, False), (None, False)]
)
async def test_young_health_champions_are_14_to_24(client, coordinator, age, ok):
    year = None if age is None else today().year - age
    jo = await f.person("Jo", year_of_birth=year)
    response = await client.post(
        "/api/memberships",
        json={"person": jo, "programme": "young-health-champions"},
        headers=coordinator.headers,
    )
    assert (response.status_code == 201) == ok, response.text
    if not ok:
        assert "14 to 24" in response.json()["errors"]["programme"]
        assert await Membership.count() == 0


# Trainings ------------------------------------------------------------------------------


async def test_a_champion_records_their_own_training(client):
    champion = await f.user("champion")
    response = await client.post(
        "/api/trainings",
        json={
            "course": "rsph-l2-understanding-health-improvement",
            "completed_on": "2025-05-01",
            "certificate_number": "RSPH-123",
        },
        headers=champion.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["person"] == champion.person_id
    assert response.json()["course_name"].startswith("RSPH Level 2")


async def test_expiry_comes_from_the_course_when_it_has_one(client, coordinator):
    course = await client.post(
        "/api/courses",
        json={"name": "Defibrillator refresher", "valid_for_months": 12},
        headers=coordinator.headers,
    )
    assert course.status_code == 201
    assert course.json()["slug"] == "defibrillator-refresher"
    jo = await f.person("Jo")
    response = await client.post(
        "/api/trainings",
        json={"person": jo, "course": "defibrillator-refresher", "completed_on": "2024-02-29"},
        headers=coordinator.headers,
    )
    assert response.json()["expires_on"] == "2025-02-28"
    bad = await client.post(
        "/api/trainings",
        json={
            "person": jo,
            "course": "defibrillator-refresher",
            "completed_on": "2025-02-01",
            "expires_on": "2025-01-01",
        },
        headers=coordinator.headers,
    )
    assert bad.status_code == 422 and "expires_on" in bad.json()["errors"]
    soon = await client.get("/api/trainings?expiring_within_days=3650", headers=coordinator.headers)
    assert soon.json()["total"] == 0  # 2025-02-28 has passed
    assert await TrainingRecord.count() == 1


# Sessions and external figures ---------------------------------------------------------


async def test_friends_sessions_are_for_friends_programmes_only(client):
    champion = await f.user("champion")
    await f.join(champion.person_id, "dementia-friends")
    response = await client.post(
        "/api/friends-sessions",
        json={"programme": "health-champions", "held_on": "2025-01-01", "attendees": 10},
        headers=champion.headers,
    )
    assert response.status_code == 422
    assert "dementia-friends" in response.json()["errors"]["programme"]
    ok = await client.post(
        "/api/friends-sessions",
        json={
            "programme": "dementia-friends",
            "held_on": "2025-01-01",
            "attendees": 10,
            "venue": "St Mary's church hall",
        },
        headers=champion.headers,
    )
    assert ok.status_code == 201 and ok.json()["run_by"] == champion.person_id
    totals = (await client.get("/api/totals")).json()
    assert totals["movement_total"] == 1 + 10  # the champion, and the ten who came


async def test_external_figures_need_a_source(client, coordinator):
    response = await client.post(
        "/api/external-counts",
        json={"programme": "dementia-friends", "friends": 10500, "as_of": "2025-03-31"},
        headers=coordinator.headers,
    )
    assert response.status_code == 400
    assert "source" in response.json()["errors"]


# Reference records ---------------------------------------------------------------------


async def test_reference_lists_are_public_with_slugs_and_codes(client, coordinator):
    programmes = (await client.get("/api/programmes")).json()["items"]
    assert len(programmes) == 8
    assert {p["kind"] for p in programmes} == {"champion", "friend"}
    footprints = (await client.get("/api/footprints")).json()["items"]
    assert footprints == [{"id": footprints[0]["id"], "code": "WC", "name": "Wigan Central"}]


async def test_a_new_programme_can_be_added_and_appears_in_the_totals(client, coordinator):
    response = await client.post(
        "/api/programmes",
        json={"name": "Sight Champions", "kind": "champion", "target": 50},
        headers=coordinator.headers,
    )
    assert response.status_code == 201
    assert response.json()["slug"] == "sight-champions"
    slugs = [p["slug"] for p in (await client.get("/api/totals")).json()["programmes"]]
    assert "sight-champions" in slugs


async def test_a_programme_in_use_cannot_be_deleted(client, coordinator):
    jo = await f.person("Jo")
    await f.join(jo, "heart-champions")
    heart = await f.programme_id("heart-champions")
    response = await client.delete(f"/api/programmes/{heart}", headers=coordinator.headers)
    assert response.status_code == 409
    assert "cannot be deleted" in response.json()["errors"][""]


async def test_unknown_records_are_404(client, coordinator):
    for path in ("/api/people/999999", "/api/activities/999999", "/api/programmes/999999"):
        response = await client.get(path, headers=coordinator.headers)
        assert response.status_code == 404
        assert "999999" in response.json()["message"]
    assert (await client.get("/api/people/abc", headers=coordinator.headers)).status_code in (
        400,
        404,
    )


async def test_deleting_a_person_closes_their_account_and_audits_what_went(client, coordinator):
    champion = await f.user("champion")
    membership = await f.join(champion.person_id, "health-champions")
    assert (await client.get("/api/me", headers=champion.headers)).status_code == 200
    response = await client.delete(f"/api/people/{champion.person_id}", headers=coordinator.headers)
    assert response.status_code == 204
    assert (await client.get("/api/me", headers=champion.headers)).status_code == 401
    events = await AuditEvent.select(
        AuditEvent.action, AuditEvent.record_type, AuditEvent.record_id
    )
    assert {"action": "delete", "record_type": "membership", "record_id": membership} in events
    assert {"action": "delete", "record_type": "person", "record_id": champion.person_id} in events


async def test_an_area_in_use_cannot_be_deleted(client, coordinator):
    wc = (await client.get("/api/footprints")).json()["items"][0]["id"]
    await f.person("Jo", footprint=wc)
    response = await client.delete(f"/api/footprints/{wc}", headers=coordinator.headers)
    assert response.status_code == 409
    assert "move them to another area" in response.json()["errors"][""]
    empty = await f.footprint("ZZ")
    assert (
        await client.delete(f"/api/footprints/{empty}", headers=coordinator.headers)
    ).status_code == 204


async def test_only_friends_champions_record_sessions_and_not_huge_ones(client):
    champion = await f.user("champion")
    session = {"programme": "autism-friends", "held_on": "2025-01-01", "attendees": 12}
    refused = await client.post("/api/friends-sessions", json=session, headers=champion.headers)
    assert refused.status_code == 422
    assert "Autism Friends Champions" in refused.json()["errors"]["programme"]
    await f.join(champion.person_id, "autism-friends")
    ok = await client.post("/api/friends-sessions", json=session, headers=champion.headers)
    assert ok.status_code == 201
    huge = await client.post(
        "/api/friends-sessions", json={**session, "attendees": 5000}, headers=champion.headers
    )
    assert huge.status_code == 422
    assert "ask your coordinator" in huge.json()["errors"]["attendees"]
    grown = await client.patch(
        f"/api/friends-sessions/{ok.json()['id']}",
        json={"attendees": 201},
        headers=champion.headers,
    )
    assert grown.status_code == 422
    coordinator = await f.user("coordinator")
    big = await client.post(
        "/api/friends-sessions", json={**session, "attendees": 5000}, headers=coordinator.headers
    )
    assert big.status_code == 201
    assert (await client.get("/api/totals")).json()["anonymous_friends"] == 12 + 5000


async def test_a_dementia_friends_champion_course_lets_you_run_sessions(client):
    from schema.tables import Course

    champion = await f.user("champion")
    course = (
        await Course.select(Course.id).where(Course.slug == "dementia-friends-champion").first()
    )
    await TrainingRecord.insert(
        TrainingRecord(
            person=champion.person_id, course=course["id"], completed_on=date(2024, 5, 1)
        )
    )
    response = await client.post(
        "/api/friends-sessions",
        json={"programme": "dementia-friends", "held_on": "2025-01-01", "attendees": 20},
        headers=champion.headers,
    )
    assert response.status_code == 201, response.text
