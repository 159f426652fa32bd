"""Console: the training that runs out soon, cohorts, and one person's training records."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from schema.tables import AuditEvent, Course, TrainingRecord
from server.lib.auth import Actor
from server.lib.records import Context
from server.lib.validation import Invalid
from server.settings import today
from server.trainings.services import expiring_trainings, record_cohort
from tests.helpers import factories as f
from tests.helpers.console import coordinator_in_two_areas, post_form
from tests.helpers.html import Page, date_boxes
from tests.helpers.trainings import first_aid

HTML = {"accept": "text/html"}


@pytest.fixture
async def coordinator(client):
    return await coordinator_in_two_areas(client)


async def ctx_for(user) -> Context:
    from schema.tables import Account

    account = await Account.select(Account.id).where(Account.email == user.email).first()
    return await Context.load(Actor(account["id"], user.role, user.person_id))


async def trained(person: int, course: int, days_left: int) -> int:
    rows = await TrainingRecord.insert(
        TrainingRecord(
            person=person,
            course=course,
            completed_on=today() - timedelta(days=1000),
            expires_on=today() + timedelta(days=days_left),
        )
    ).returning(TrainingRecord.id)
    return rows[0]["id"]


# The list of what runs out ------------------------------------------------------------


async def test_the_expiring_list_boundaries_and_order(coordinator):
    course = await first_aid()
    ids = {}
    for days in (91, 90, 45, 0, -1, -30, -31):
        person = await f.person(f"Left {days}")
        ids[days] = await trained(person, course, days)
    found = await expiring_trainings(await ctx_for(coordinator), {})
    assert [t["days_left"] for t in found["items"]] == [-30, -1, 0, 45, 90]
    assert [t["expired"] for t in found["items"]] == [True, True, False, False, False]
    assert found["total"] == 5


async def test_contact_details_only_with_consent_and_filters(coordinator):
    course, other_course = await first_aid(), (await Course.select(Course.id).first())["id"]
    wc = (await f.Footprint.select().where(f.Footprint.code == "WC").first())["id"]
    yes = await f.person(
        "Yes", email="yes@example.org", phone="01942 1", consent_to_contact=True, footprint=wc
    )
    no = await f.person("No", email="no@example.org", phone="01942 2", consent_to_contact=False)
    await f.join(no, "heart-champions")
    await trained(yes, course, 10)
    await trained(no, course, 20)
    await trained(no, other_course, 30)
    ctx = await ctx_for(coordinator)
    rows = (await expiring_trainings(ctx, {"course": "first-aid"}))["items"]
    assert [(r["name"], r["email"], r["phone"]) for r in rows] == [
        ("Yes", "yes@example.org", "01942 1"),
        ("No", None, None),
    ]
    assert [r["name"] for r in (await expiring_trainings(ctx, {"footprint": "WC"}))["items"]] == [
        "Yes"
    ]
    heart = await expiring_trainings(ctx, {"programme": "heart-champions"})
    assert [r["days_left"] for r in heart["items"]] == [20, 30]
    with pytest.raises(Invalid):
        await expiring_trainings(ctx, {"course": "nonsense"})


async def test_the_expiring_page_and_its_download(client, coordinator):
    course = await first_aid()
    person = await f.person("Dee Hart", email="dee@example.org", consent_to_contact=True)
    await trained(person, course, 7)
    await trained(person, course, -3)
    page = Page((await client.get("/console/trainings?course=first-aid", headers=HTML)).text)
    assert page.h1 == "Training that runs out soon"
    assert "Dee Hart First aid at work" in page.text and "Expired" in page.text
    assert "/console/trainings/cohort" in page.links
    assert "/console/trainings/download?course=first-aid&format=xlsx" in page.links
    answer = await client.get("/console/trainings/download?course=first-aid&format=csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [(r["Name"], r["Days left"], r["Email"]) for r in rows] == [
        ("Dee Hart", "-3", "dee@example.org"),
        ("Dee Hart", "7", "dee@example.org"),
    ]
    for query in ("page=abc", "course=nope", "page=99999999999", "footprint=ZZ"):
        bad = await client.get(f"/console/trainings?{query}", headers=HTML)
        assert bad.status_code == 400, query
        assert "There is a problem" in Page(bad.text).text
    assert (
        await client.get("/console/trainings/download?format=doc", headers=HTML)
    ).status_code == 400


# Cohorts ------------------------------------------------------------------------------


async def test_a_cohort_adds_each_person_once_and_says_what_happened(coordinator):
    course = await first_aid()
    ann = await f.person("Ann Lee", email="ann@example.org")
    bob = await f.person("Bob Stone")
    cat = await f.person("Cat Ray", email="cat@example.org")
    await f.person("Sam Twin")
    await f.person("sam twin")
    done = date(2025, 6, 1)
    await TrainingRecord.insert(TrainingRecord(person=cat, course=course, completed_on=done))
    ctx = await ctx_for(coordinator)
    summary = await record_cohort(
        ctx,
        {
            "course": "first-aid",
            "completed_on": "2025-06-01",
            "person": [str(ann), "abc"],
            "people_list": (
                "ANN@example.org\nbob stone\ncat@example.org; nobody@example.org\nSam Twin"
            ),
        },
    )
    assert summary["added"] == ["Ann Lee", "Bob Stone"]
    assert summary["already"] == ["Cat Ray"]
    assert summary["not_found"] == ["record abc", "nobody@example.org"]
    assert summary["ambiguous"] == ["Sam Twin"]
    records = await TrainingRecord.select().where(TrainingRecord.person.is_in([ann, bob]))
    assert {r["expires_on"] for r in records} == {date(2028, 6, 1)}
    assert await TrainingRecord.count() == 3
    events = await AuditEvent.select().where(AuditEvent.record_type == "training")
    assert len(events) == 2
    again = await record_cohort(
        ctx, {"course": "first-aid", "completed_on": "2025-06-01", "person": [str(ann), str(bob)]}
    )
    assert (again["added"], again["already"]) == ([], ["Ann Lee", "Bob Stone"])
    assert await TrainingRecord.count() == 3


async def test_the_cohort_page(client, coordinator):
    await first_aid()
    ann = await f.person("Ann Lee", email="ann@example.org")
    bob = await f.person("Bob Stone")
    search = Page((await client.get("/console/trainings/cohort?q=ann", headers=HTML)).text)
    assert "Ann Lee (ann@example.org)" in search.text
    empty = await post_form(
        client, "/console/trainings/cohort", {"completed_on": "2099-01-01", "person": str(ann)}
    )
    assert empty.status_code == 400
    shown = Page(empty.text)
    assert set(shown.errors) == {
        "Choose a course.",
        "The date it was completed cannot be in the future.",
    }
    assert shown.inputs["person"] == str(ann)  # still listed, still ticked
    nobody = await post_form(
        client, "/console/trainings/cohort", {"course": "first-aid", "completed_on": "2025-06-01"}
    )
    assert Page(nobody.text).errors == ["Tick some people, or paste their emails or names."]
    answer = await post_form(
        client,
        "/console/trainings/cohort",
        {
            "course": "first-aid",
            "completed_on": "2025-06-01",
            "person": [str(ann), str(bob)],
            "people_list": "who@example.org",
        },
    )
    assert answer.status_code == 200
    text = Page(answer.text).text
    assert "Added to 2 people. 0 already had it. 1 not found." in text
    assert "Not found who@example.org" in text


# One person's records -----------------------------------------------------------------


async def test_add_change_and_delete_a_persons_training(client, coordinator):
    await first_aid()
    pid = await f.person("Eve Adams")
    await client.get(f"/console/people/{pid}/trainings/new", headers=HTML)
    bad = await post_form(
        client,
        f"/console/people/{pid}/trainings/new",
        {"course": "", "completed_on": "31/3/2025", "certificate_number": "FA-1"},
    )
    assert bad.status_code == 400
    again = Page(bad.text)
    assert len(again.errors) == 2 and again.inputs["certificate_number"] == "FA-1"
    answer = await post_form(
        client,
        f"/console/people/{pid}/trainings/new",
        {"course": "first-aid", "completed_on": "2025-03-31", "certificate_number": "FA-1"},
    )
    assert answer.status_code == 303
    row = await TrainingRecord.select().first()
    assert (row["person"], row["expires_on"]) == (pid, date(2028, 3, 31))
    person_page = Page((await client.get(f"/console/people/{pid}", headers=HTML)).text)
    assert "First aid at work 31 March 2025 FA-1 31 March 2028" in person_page.text
    form = Page((await client.get(f"/console/trainings/{row['id']}/edit", headers=HTML)).text)
    assert date_boxes(form, "expires_on") == ("31", "3", "2028")
    changed = await post_form(
        client,
        f"/console/trainings/{row['id']}/edit",
        {
            "course": "first-aid",
            "completed_on": "2025-03-31",
            "certificate_number": "FA-2",
            "expires_on": "2025-01-01",
        },
    )
    assert changed.status_code == 400
    assert Page(changed.text).errors == ["The expiry date must be after the date it was completed."]
    changed = await post_form(
        client,
        f"/console/trainings/{row['id']}/edit",
        {
            "course": "first-aid",
            "completed_on": "2025-03-31",
            "certificate_number": "FA-2",
            "expires_on": "2027-01-01",
        },
    )
    assert changed.status_code == 303
    assert (await TrainingRecord.select().first())["certificate_number"] == "FA-2"
    deleted = await post_form(client, f"/console/trainings/{row['id']}/delete", {})
    assert deleted.status_code == 303
    assert deleted.headers["location"] == f"/console/people/{pid}?saved=training-deleted"
    assert await TrainingRecord.count() == 0
    actions = [
        e["action"]
        for e in await AuditEvent.select()
        .where(AuditEvent.record_type == "training")
        .order_by(AuditEvent.id)
    ]
    assert actions == ["create", "update", "delete"]


async def test_unknown_training_records_give_404(client, coordinator):
    await client.get("/console/trainings", headers=HTML)
    for url in (
        "/console/trainings/424242/edit",
        "/console/trainings/99999999999/edit",
        "/console/people/424242/trainings/new",
    ):
        assert (await client.get(url, headers=HTML)).status_code == 404, url
        assert (await post_form(client, url, {"course": "x"})).status_code == 404, url
    gone = await post_form(client, "/console/trainings/424242/delete", {})
    assert gone.status_code == 404
