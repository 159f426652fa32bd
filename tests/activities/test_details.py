"""An activity's details through the API (issue 16): the kind of place, the place's
postcode, topics, the signposted service and whether the person took it up; the batch a
phone sends; GET /api/topics and /api/services."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from schema.tables import Activity, ActivityTopic, AuditEvent, Service, Topic
from server.settings import today
from tests.helpers import factories as f


def activity(**overrides):
    body = {
        "client_id": str(uuid.uuid4()),
        "programme": "health-champions",
        "kind": "signposting",
        "occurred_on": today().isoformat(),
        "people_reached": 1,
        "minutes": 10,
    }
    body.update(overrides)
    return body


async def service(name: str, active: bool = True, **more) -> int:
    rows = await Service.insert(Service(name=name, active=active, **more)).returning(Service.id)
    return rows[0]["id"]


@pytest.fixture
async def champion():
    await f.footprint("WC")
    user = await f.user("champion")
    await f.join(user.person_id, "health-champions")
    return user


async def test_a_signpost_with_every_detail_is_saved_and_answered(client, champion):
    quit_line = await service("Stop Smoking Wigan", kind="Stop smoking")
    body = activity(
        setting="gp-practice",
        postcode="wn1 1aa",
        topics=["smoking", "mental-wellbeing", "smoking"],
        service=quit_line,
    )
    made = await client.post("/api/activities", json=body, headers=champion.headers)
    assert made.status_code == 201, made.text
    answer = made.json()
    assert answer["setting"] == "gp-practice"
    assert answer["postcode"] == "WN1 1AA"  # capitals, one space before the last three
    # In the list's order (smoking is 6th, mental wellbeing 9th), each once.
    assert answer["topics"] == ["smoking", "mental-wellbeing"]
    assert answer["service"] == quit_line
    assert answer["take_up"] is None and answer["take_up_at"] is None
    again = await client.get(f"/api/activities/{answer['id']}", headers=champion.headers)
    assert again.json()["topics"] == ["smoking", "mental-wellbeing"]
    listed = await client.get("/api/activities", headers=champion.headers)
    assert listed.json()["items"][0]["topics"] == ["smoking", "mental-wellbeing"]
    assert await ActivityTopic.count() == 2


async def test_details_left_out_are_none(client, champion):
    made = await client.post(
        "/api/activities", json=activity(kind="event"), headers=champion.headers
    )
    answer = made.json()
    assert [answer[k] for k in ("setting", "postcode", "topics", "service", "take_up")] == [
        None,
        None,
        [],
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("field", "value", "status", "message"),
    [
        ("setting", "church", 400, "Choose the kind of place from: home, gp-practice"),
        ("postcode", "WN1", 400, "Enter the place's postcode like WN1 1AA"),
        ("postcode", "WN1 1AAA", 400, "Enter the place's postcode like WN1 1AA"),
        ("topics", "smoking", 400, 'Send the topics as a list of short names, like ["smoking"]'),
        ("topics", ["Smoking"], 400, "lower-case letters, numbers and dashes"),
        ("topics", ["knitting"], 422, "There is no topic “knitting”"),
        ("service", "1", 400, "whole number"),
        ("service", 999_999, 422, "There is no service with id 999999"),
        ("take_up", "maybe", 400, "Choose whether they took it up from: yes, no, dont-know"),
    ],
)
async def test_bad_details_say_what_to_fix(client, champion, field, value, status, message):
    answer = await client.post(
        "/api/activities", json=activity(**{field: value}), headers=champion.headers
    )
    assert answer.status_code == status, answer.text
    assert message in answer.json()["errors"][field]
    assert await Activity.count() == 0


async def test_only_a_signpost_names_a_service_or_a_take_up(client, champion):
    quit_line = await service("Stop Smoking Wigan")
    chat = activity(kind="conversation", service=quit_line)
    answer = await client.post("/api/activities", json=chat, headers=champion.headers)
    assert answer.status_code == 422
    assert answer.json()["errors"]["service"].startswith("Only signposting names a service")
    chat = activity(kind="conversation", take_up="yes")
    answer = await client.post("/api/activities", json=chat, headers=champion.headers)
    assert answer.status_code == 422
    assert "Only signposting has a take-up" in answer.json()["errors"]["take_up"]
    assert await Activity.count() == 0


async def test_a_signpost_that_becomes_something_else_loses_its_service_and_take_up(
    client, champion
):
    quit_line = await service("Stop Smoking Wigan")
    made = await client.post(
        "/api/activities", json=activity(service=quit_line, take_up="no"), headers=champion.headers
    )
    record = made.json()
    assert record["take_up"] == "no" and record["take_up_at"] is not None
    changed = await client.patch(
        f"/api/activities/{record['id']}", json={"kind": "event"}, headers=champion.headers
    )
    assert changed.status_code == 200, changed.text
    assert [changed.json()[k] for k in ("service", "take_up", "take_up_at")] == [None, None, None]


async def test_a_retired_service_or_topic_is_kept_but_not_chosen_again(client, champion):
    old_line = await service("Old Quit Line")
    made = await client.post(
        "/api/activities",
        json=activity(service=old_line, topics=["dementia"]),
        headers=champion.headers,
    )
    record = made.json()
    await Service.update({Service.active: False}).where(Service.id == old_line)
    await Topic.update({Topic.active: False}).where(Topic.slug == "dementia")
    # The activity keeps them, and saving it again with them is fine.
    same = await client.patch(
        f"/api/activities/{record['id']}",
        json={"service": old_line, "topics": ["dementia", "alcohol"], "people_reached": 2},
        headers=champion.headers,
    )
    assert same.status_code == 200, same.text
    assert same.json()["topics"] == ["alcohol", "dementia"]
    # A new one cannot have them.
    fresh = await client.post(
        "/api/activities", json=activity(service=old_line), headers=champion.headers
    )
    assert fresh.status_code == 422
    assert fresh.json()["errors"]["service"] == (
        "Old Quit Line is no longer offered: choose another service."
    )
    fresh = await client.post(
        "/api/activities", json=activity(topics=["dementia"]), headers=champion.headers
    )
    assert fresh.json()["errors"]["topics"] == (
        "The topic Dementia is no longer offered: choose another."
    )


async def test_topics_can_be_changed_and_the_audit_log_says_how(client, champion):
    made = await client.post(
        "/api/activities", json=activity(topics=["alcohol"]), headers=champion.headers
    )
    record_id = made.json()["id"]
    changed = await client.patch(
        f"/api/activities/{record_id}", json={"topics": ["smoking"]}, headers=champion.headers
    )
    assert changed.json()["topics"] == ["smoking"]
    cleared = await client.patch(
        f"/api/activities/{record_id}", json={"topics": None}, headers=champion.headers
    )
    assert cleared.json()["topics"] == []
    events = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.changes)
        .where(AuditEvent.record_id == record_id)
        .order_by(AuditEvent.id)
    )
    said = [e["changes"] for e in events]
    assert '"topics": ["alcohol"]' in said[0]
    assert '"topics": [["alcohol"], ["smoking"]]' in said[1]
    assert '"topics": [["smoking"], []]' in said[2]
    # The place's postcode may be someone's: the log says it changed, never what it is.
    await client.patch(
        f"/api/activities/{record_id}", json={"postcode": "WN1 1AA"}, headers=champion.headers
    )
    last = await AuditEvent.select(AuditEvent.changes).order_by(AuditEvent.id, ascending=False)
    assert "WN1" not in last[0]["changes"] and '"postcode": "changed"' in last[0]["changes"]


# Take-up: whether the person went --------------------------------------------------------


async def _signpost(client, user, days_ago: int = 0, created_days_ago: int = 0) -> int:
    made = await client.post(
        "/api/activities",
        json=activity(occurred_on=(today() - timedelta(days=days_ago)).isoformat()),
        headers=user.headers,
    )
    assert made.status_code == 201, made.text
    record_id = made.json()["id"]
    if created_days_ago:
        back = datetime.now(UTC) - timedelta(days=created_days_ago)
        await Activity.update({Activity.created_at: back}).where(Activity.id == record_id)
    return record_id


async def test_a_champion_says_whether_they_went_within_90_days(client, champion):
    # Logged 60 days ago, so past the 30 days for changing it; 90 days after its date.
    record_id = await _signpost(client, champion, days_ago=90, created_days_ago=60)
    said = await client.patch(
        f"/api/activities/{record_id}", json={"take_up": "yes"}, headers=champion.headers
    )
    assert said.status_code == 200, said.text
    assert said.json()["take_up"] == "yes"
    at = datetime.fromisoformat(said.json()["take_up_at"])
    assert abs((datetime.now(UTC) - at).total_seconds()) < 60
    # Anything else is past its 30 days.
    other = await client.patch(
        f"/api/activities/{record_id}",
        json={"take_up": "no", "people_reached": 2},
        headers=champion.headers,
    )
    assert other.status_code == 403
    assert "30 days" in other.json()["message"]


async def test_after_90_days_only_a_coordinator_says_it(client, champion):
    record_id = await _signpost(client, champion, days_ago=91, created_days_ago=1)
    late = await client.patch(
        f"/api/activities/{record_id}", json={"take_up": "yes"}, headers=champion.headers
    )
    assert late.status_code == 403
    assert late.json()["message"] == (
        "You can say whether they went for 90 days after the activity. "
        "Ask your coordinator to add it."
    )
    coordinator = await f.user("coordinator")
    staff = await client.patch(
        f"/api/activities/{record_id}", json={"take_up": "dont-know"}, headers=coordinator.headers
    )
    assert staff.status_code == 200 and staff.json()["take_up"] == "dont-know"


async def test_a_champion_cannot_say_it_of_someone_elses_signpost(client, champion):
    other = await f.user("champion")
    await f.join(other.person_id, "health-champions")
    theirs = await _signpost(client, other)
    answer = await client.patch(
        f"/api/activities/{theirs}", json={"take_up": "yes"}, headers=champion.headers
    )
    assert answer.status_code == 404
    row = await Activity.select(Activity.take_up).where(Activity.id == theirs).first()
    assert row["take_up"] == ""


# The phone's batch -----------------------------------------------------------------------


async def test_the_batch_takes_details_and_checks_them(client, champion):
    quit_line = await service("Stop Smoking Wigan")
    plain, detailed, wrong = (str(uuid.uuid4()) for _ in range(3))
    items = [
        activity(client_id=plain, kind="event", setting="", postcode="", service="", topics=[]),
        activity(
            client_id=detailed,
            setting="community-venue",
            postcode="wn5 0ab",
            service=str(quit_line),  # a phone's form sends text
            topics=["hypertension"],
        ),
        activity(client_id=wrong, kind="leaflets", service=quit_line),
    ]
    answer = await client.post(
        "/api/activities/batch", json={"activities": items}, headers=champion.headers
    )
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["created", "created", "invalid"]
    assert results[2]["errors"]["service"].startswith("Only signposting names a service")
    rows = {
        str(r["client_id"]): r
        for r in await Activity.select(
            Activity.client_id, Activity.setting, Activity.postcode, Activity.service, Activity.id
        )
    }
    assert (rows[plain]["setting"], rows[plain]["postcode"], rows[plain]["service"]) == (
        "",
        None,
        None,
    )
    saved = rows[detailed]
    assert (saved["setting"], saved["postcode"], saved["service"]) == (
        "community-venue",
        "WN5 0AB",
        quit_line,
    )
    got = await client.get(f"/api/activities/{saved['id']}", headers=champion.headers)
    assert got.json()["topics"] == ["hypertension"]
    event = (
        await AuditEvent.select(AuditEvent.changes)
        .where(AuditEvent.record_id == saved["id"])
        .first()
    )
    assert '"topics": ["hypertension"]' in event["changes"]


async def test_a_batch_item_cannot_say_a_take_up(client, champion):
    item = activity(take_up="yes")
    answer = await client.post(
        "/api/activities/batch", json={"activities": [item]}, headers=champion.headers
    )
    result = answer.json()["results"][0]
    assert result["status"] == "invalid" and "not known" in result["errors"]["take_up"]


# The lists, for the app ----------------------------------------------------------------


async def test_signed_in_people_read_the_lists_and_nobody_else(client, champion):
    await service("Stop Smoking Wigan", kind="Stop smoking")
    await service("Old Quit Line", active=False)
    topics = await client.get("/api/topics?active=true&per_page=3", headers=champion.headers)
    assert topics.status_code == 200
    assert [t["slug"] for t in topics.json()["items"]] == [
        "maternity",
        "severe-mental-illness",
        "chronic-respiratory-disease",
    ]
    assert topics.json()["total"] == 11
    services = await client.get("/api/services", headers=champion.headers)
    assert [(s["name"], s["active"]) for s in services.json()["items"]] == [
        ("Old Quit Line", False),
        ("Stop Smoking Wigan", True),
    ]
    offered = await client.get("/api/services?active=true", headers=champion.headers)
    assert [s["kind"] for s in offered.json()["items"]] == ["Stop smoking"]
    assert (await client.get("/api/topics")).status_code == 401
    assert (await client.get("/api/services")).status_code == 401


async def test_the_lists_cannot_be_changed_through_the_api(client):
    admin = await f.user("admin")
    made = await client.post("/api/services", json={"name": "X"}, headers=admin.headers)
    assert made.status_code == 405
    topic = await Topic.select(Topic.id).first()
    gone = await client.delete(f"/api/topics/{topic['id']}", headers=admin.headers)
    assert gone.status_code == 405
    assert await Topic.count() == 11
