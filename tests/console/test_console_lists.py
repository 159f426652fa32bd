"""Console: the topics and services lists (issue 16), kept by coordinators and admins, and
one activity's page with its details and take-up."""

from __future__ import annotations

import pytest

from schema.tables import Activity, ActivityTopic, AuditEvent, Service, Topic
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.console import post, signed_in
from tests.helpers.html import HTML, Page


async def events(record_type: str) -> list[dict]:
    query = AuditEvent.select().order_by(AuditEvent.id).output(load_json=True)
    return await query.where(AuditEvent.record_type == record_type)


async def test_a_champion_gets_403_and_a_coordinator_gets_in(client, app):
    champion = await f.user("champion")
    from tests.helpers.signin import sign_in

    await sign_in(client, champion.email)
    for path in ("/console/topics", "/console/services", "/console/topics/new"):
        assert (await client.get(path, headers=HTML)).status_code == 403, path
    added = await post(client, "/console/services", {"name": "Sneaky"})
    assert added.status_code == 403
    assert await Service.count() == 0
    client.cookies.clear()  # signed out
    await signed_in(client, "coordinator")
    page = Page((await client.get("/console/topics", headers=HTML)).text)
    assert page.h1 == "Topics"
    assert "/console/topics" in page.links  # the menu's "Topics and services"
    assert "11 topics" in page.text and "Maternity" in page.text


async def test_a_coordinator_adds_renames_retires_and_brings_back_a_topic(client):
    await signed_in(client, "coordinator")
    added = await post(client, "/console/topics", {"name": "Healthy eating"})
    assert added.status_code == 303
    assert added.headers["location"] == "/console/topics?saved=added"
    row = await Topic.select().where(Topic.name == "Healthy eating").first()
    assert (row["slug"], row["active"]) == ("healthy-eating", True)
    renamed = await post(client, f"/console/topics/{row['id']}", {"name": "Eating well"})
    assert renamed.status_code == 303
    row = await Topic.select().where(Topic.id == row["id"]).first()
    assert (row["name"], row["slug"]) == ("Eating well", "healthy-eating")  # slug kept
    retired = await post(client, f"/console/topics/{row['id']}/retire")
    assert retired.headers["location"] == "/console/topics?saved=retired"
    page = Page((await client.get("/console/topics?saved=retired", headers=HTML)).text)
    assert "The topic was retired: it is no longer offered." in page.text
    assert "Retired" in page.text and "Bring back Eating well" in page.text
    assert not (await Topic.select(Topic.active).where(Topic.id == row["id"]).first())["active"]
    await post(client, f"/console/topics/{row['id']}/restore")
    assert (await Topic.select(Topic.active).where(Topic.id == row["id"]).first())["active"]
    said = [(e["action"], e["changes"]) for e in await events("topic")]
    assert said == [
        ("create", {"name": "Healthy eating", "active": True, "slug": "healthy-eating"}),
        ("update", {"name": ["Healthy eating", "Eating well"]}),
        ("update", {"active": [True, False]}),
        ("update", {"active": [False, True]}),
    ]


async def test_a_wrong_form_is_shown_again_with_its_message(client):
    await signed_in(client, "admin")
    empty = await post(client, "/console/topics", {"name": "  "})
    assert empty.status_code == 400
    assert Page(empty.text).errors == ["Enter the topic's name."]
    twice = await post(client, "/console/topics", {"name": "Smoking"})
    assert twice.status_code == 400
    assert Page(twice.text).errors == ["Another topic already has this name."]
    close = await post(client, "/console/topics", {"name": "SMOKING!"})
    assert Page(close.text).errors == [
        "Another topic already has a name so close to this one: change a word."
    ]
    assert Page(close.text).inputs["name"] == "SMOKING!"
    assert await Topic.count() == 11


async def test_services_are_kept_with_their_kind_and_area(client):
    await f.footprint("LE", "Leigh")
    await signed_in(client, "coordinator")
    form = Page((await client.get("/console/services/new", headers=HTML)).text)
    assert form.options("footprint") == ["", "LE"]
    added = await post(
        client,
        "/console/services",
        {"name": "Leigh Health Checks", "kind": "NHS Health Check", "footprint": "LE"},
    )
    assert added.status_code == 303
    row = await Service.select().first()
    listing = Page((await client.get("/console/services", headers=HTML)).text)
    assert "Leigh Health Checks NHS Health Check Leigh Offered" in listing.text
    changed = await post(
        client,
        f"/console/services/{row['id']}",
        {"name": "Leigh Health Checks", "kind": "NHS Health Check", "footprint": ""},
    )
    assert changed.status_code == 303
    listing = Page((await client.get("/console/services", headers=HTML)).text)
    assert "Leigh Health Checks NHS Health Check Whole borough Offered" in listing.text
    wrong = await post(client, "/console/services", {"name": "X", "footprint": "ZZ"})
    assert wrong.status_code == 400 and "Choose the area from: LE" in Page(wrong.text).errors[0]
    download = await client.get("/console/services?format=csv", headers=HTML)
    assert download.status_code == 200
    assert "Leigh Health Checks,NHS Health Check,Whole borough,Offered" in download.text


async def test_one_in_use_cannot_be_deleted_only_retired(client):
    user = await f.user("champion")
    await signed_in(client, "coordinator")
    service_id = (await Service.insert(Service(name="Stop Smoking Wigan")).returning(Service.id))[
        0
    ]["id"]
    programme = await f.programme_id("health-champions")
    activity = await f.activity(
        person=user.person_id, programme=programme, kind="signposting", occurred_on=today(),
        people_reached=1, service=service_id,
    )  # fmt: skip
    smoking = await Topic.select(Topic.id).where(Topic.slug == "smoking").first()
    await ActivityTopic.insert(ActivityTopic(activity=activity, topic=smoking["id"]))
    for path in (f"/console/services/{service_id}", f"/console/topics/{smoking['id']}"):
        answer = await post(client, f"{path}/delete", {"confirm": "yes"})
        assert answer.status_code == 409, path
        page = Page(answer.text)
        assert "cannot be deleted" in page.text and "Retire it instead" in page.text
        assert f"{path}/retire" in page.forms
    assert await Service.count() == 1 and await Topic.count() == 11
    unused = (await Service.insert(Service(name="Unused")).returning(Service.id))[0]["id"]
    confirm = Page((await client.get(f"/console/services/{unused}/delete", headers=HTML)).text)
    assert confirm.h1 == "Delete the service Unused?"
    gone = await post(client, f"/console/services/{unused}/delete", {"confirm": "yes"})
    assert gone.headers["location"] == "/console/services?saved=deleted"
    assert await Service.count() == 1


# One activity in the console -------------------------------------------------------------


@pytest.fixture
async def signpost():
    await f.footprint("WC", "Wigan Central")
    user = await f.user("champion", name="Jo Bell")
    programme = await f.programme_id("health-champions")
    service_id = (await Service.insert(Service(name="Stop Smoking Wigan")).returning(Service.id))[
        0
    ]["id"]
    return await f.activity(
        person=user.person_id, programme=programme, kind="signposting",
        occurred_on=today().replace(day=1), people_reached=1, service=service_id,
        setting="gp-practice",
    )  # fmt: skip


async def test_a_coordinator_sees_an_activitys_details_and_says_whether_they_went(client, signpost):
    await signed_in(client, "coordinator")
    page = Page((await client.get(f"/console/activities/{signpost}", headers=HTML)).text)
    assert "Kind of place GP practice" in page.text
    assert "Signposted to Stop Smoking Wigan" in page.text
    assert "Did they go? Not known yet" in page.text
    assert page.options("take_up") == ["", "yes", "no", "dont-know"]
    saved = await post(
        client,
        f"/console/activities/{signpost}",
        {
            "setting": "gp-practice",
            "topics": ["smoking", "alcohol"],
            "postcode": "wn3 4ab",
            "service": page.chosen["service"],
            "take_up": "yes",
        },
    )
    assert saved.status_code == 303, saved.text
    page = Page((await client.get(saved.headers["location"], headers=HTML)).text)
    assert "The activity's details were saved." in page.text
    assert "Topics Smoking, Alcohol" in page.text
    assert "Postcode of the place WN3 4AB" in page.text
    assert "Did they go? Yes" in page.text
    row = await Activity.select(Activity.take_up, Activity.take_up_at).first()
    assert row["take_up"] == "yes" and row["take_up_at"] is not None


async def test_the_review_queue_and_the_persons_page_show_the_details(client, signpost):
    await Activity.update({Activity.review_status: "needs-review"}).where(Activity.id == signpost)
    await signed_in(client, "coordinator")
    queue = Page((await client.get("/console/review", headers=HTML)).text)
    assert "Kind of place GP practice" in queue.text
    assert "Signposted to Stop Smoking Wigan" in queue.text
    assert f"/console/activities/{signpost}" in queue.links
    person = (await Activity.select(Activity.person).first())["person"]
    page = Page((await client.get(f"/console/people/{person}", headers=HTML)).text)
    assert f"/console/activities/{signpost}" in page.links
    assert "GP practice Stop Smoking Wigan" in page.text


async def test_a_wrong_detail_in_the_console_is_shown_beside_its_field(client, signpost):
    await signed_in(client, "coordinator")
    answer = await post(
        client, f"/console/activities/{signpost}", {"postcode": "nowhere", "take_up": "maybe"}
    )
    assert answer.status_code == 400
    assert Page(answer.text).errors == [
        "Enter the place's postcode like WN1 1AA, or leave it blank.",
        "Choose whether they took it up from: yes, no, dont-know.",
    ]
    assert Page(answer.text).inputs["postcode"] == "nowhere"
