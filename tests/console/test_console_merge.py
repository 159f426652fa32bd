"""Merging two records of the same person: everything moves, roles are deduplicated, the
audit log names no personal values, and the totals count the person once."""

from __future__ import annotations

import json
from datetime import date

import pytest

from schema.tables import (
    Account,
    Activity,
    AuditEvent,
    Course,
    FriendsSession,
    Membership,
    Person,
    Story,
    TrainingRecord,
)
from server.lib.auth import Actor
from server.lib.records import Context, NotFound
from server.lib.validation import Invalid
from server.people.merge import merge_people, merge_preview
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


@pytest.fixture
async def staff():
    await f.footprint("WC", "Wigan Central")
    user = await f.user("coordinator", name="Cora Ordinator")
    ctx = await Context.load(Actor(account_id=0, role="coordinator", person_id=user.person_id))
    account = await Account.select(Account.id).where(Account.email == user.email).first()
    return user, Context(actor=Actor(account["id"], "coordinator", user.person_id), ref=ctx.ref)


async def two_records():
    """Jo Bloggs twice: an older record with a phone, a newer one with an email and an account."""
    keep = await f.person("Jo Bloggs", phone="01942 111222", year_of_birth=1980)
    champion = await f.user("champion", email="jo@example.org", name="J. Bloggs")
    other = champion.person_id
    await f.join(keep, "health-champions", status="paused", joined_on=date(2024, 5, 1))
    await f.join(other, "health-champions", status="active", joined_on=date(2023, 1, 1))
    await f.join(keep, "dementia-friends", status="left", joined_on=date(2022, 1, 1))
    await f.join(other, "cancer-champions", joined_on=date(2025, 1, 1))
    course = (await Course.select(Course.id).first())["id"]
    await TrainingRecord.insert(
        TrainingRecord(person=other, course=course, completed_on=date(2024, 1, 1))
    )
    hc, df = await f.programme_id("health-champions"), await f.programme_id("dementia-friends")
    await f.activities(
        *[
            {
                "person": other,
                "programme": hc,
                "kind": "conversation",
                "occurred_on": today(),
                "people_reached": 5,
            }
            for _ in range(3)
        ]
    )
    await FriendsSession.insert(
        FriendsSession(programme=df, held_on=today(), run_by=other, attendees=12)
    )
    await Story.insert(Story(person=other, text="I walk at lunch time.", status="waiting"))
    await AuditEvent.delete(force=True)  # making the accounts was audited: only the merge counts
    return keep, other


async def test_merge_moves_everything_and_keeps_one_role_per_programme(staff):
    _, ctx = staff
    keep, other = await two_records()
    await merge_people(ctx, keep, other, {"email": "other"})
    assert not await Person.exists().where(Person.id == other)
    person = await Person.select().where(Person.id == keep).first()
    assert (person["name"], person["email"], person["phone"]) == (
        "Jo Bloggs",
        "jo@example.org",
        "01942 111222",
    )
    roles = {
        r["programme"]: (r["joined_on"], r["status"])
        for r in await Membership.select().where(Membership.person == keep)
    }
    assert roles == {
        await f.programme_id("health-champions"): (date(2023, 1, 1), "active"),
        await f.programme_id("dementia-friends"): (date(2022, 1, 1), "left"),
        await f.programme_id("cancer-champions"): (date(2025, 1, 1), "active"),
    }
    assert await Membership.count() == 3 + 0  # the coordinator has none
    for table, column in [
        (TrainingRecord, TrainingRecord.person),
        (Activity, Activity.person),
        (FriendsSession, FriendsSession.run_by),
        (Story, Story.person),
        (Account, Account.person),
    ]:
        assert await table.count().where(column == other) == 0, table
        assert await table.count().where(column == keep) >= 1, table
    assert await Activity.count().where(Activity.person == keep) == 3
    account = await Account.select().where(Account.email == "jo@example.org").first()
    assert account["person"] == keep and account["active"]


async def test_merge_is_audited_without_personal_values(staff):
    _, ctx = staff
    keep, other = await two_records()
    await merge_people(ctx, keep, other, {"email": "other", "name": "other"})
    events = await AuditEvent.select().output(load_json=True)
    text = json.dumps([e["changes"] for e in events], default=str)
    for personal in ("Bloggs", "jo@example.org", "01942", "1980", "lunch"):
        assert personal not in text
    kinds = {(e["record_type"], e["action"]) for e in events}
    assert kinds >= {
        ("person", "delete"),
        ("person", "update"),
        ("membership", "update"),
        ("membership", "delete"),
        ("training", "update"),
        ("activity", "update"),
        ("friends session", "update"),
        ("story", "update"),
        ("account", "update"),
    }
    assert {e["account"] for e in events} == {ctx.actor.account_id}
    update = next(e for e in events if e["record_type"] == "person" and e["action"] == "update")
    assert update["changes"]["name"] == "changed" and update["changes"]["merged_from"] == other
    assert sum(e["record_type"] == "activity" for e in events) == 3


async def test_totals_count_the_person_once_and_nothing_else_changes(client, staff):
    _, ctx = staff
    keep, other = await two_records()
    # Both records active in Health Champions: the person and the role are counted twice.
    await Membership.update({Membership.status: "active"}).where(Membership.person == keep)
    await f.keep_people([keep])  # written straight to the table: kept as the app keeps them
    before = (await client.get("/api/totals")).json()
    assert before["people"] == 2
    await merge_people(ctx, keep, other, {})
    after = (await client.get("/api/totals")).json()
    assert after["people"] == before["people"] - 1
    assert after["movement_total"] == before["movement_total"] - 1
    # The Health Champions role was held twice: now once. Everything else stays.
    assert after["roles"] == before["roles"] - 1
    for key in ("reach", "activities", "hours", "anonymous_friends"):
        assert after[key] == before[key], key


async def test_a_person_cannot_be_merged_with_themselves_or_with_nobody(staff):
    _, ctx = staff
    keep, _ = await two_records()
    with pytest.raises(Invalid) as refused:
        await merge_people(ctx, keep, keep, {})
    assert "cannot be merged with itself" in refused.value.errors["other"]
    with pytest.raises(NotFound):
        await merge_people(ctx, keep, 424242, {})
    assert await Person.exists().where(Person.id == keep)


async def test_a_merge_that_breaks_the_young_champions_age_rule_changes_nothing(staff):
    _, ctx = staff
    keep = await f.person("Young Sam", year_of_birth=today().year - 16)
    other = await f.person("Sam", year_of_birth=1950)
    await f.join(keep, "young-health-champions", joined_on=today())
    await f.join(other, "heart-champions")
    await AuditEvent.delete(force=True)
    with pytest.raises(Invalid) as refused:
        await merge_people(ctx, keep, other, {"year_of_birth": "other"})
    assert "Young Health Champions" in refused.value.errors["year_of_birth"]
    assert await Person.exists().where(Person.id == other)
    assert await Membership.count().where(Membership.person == other) == 1
    assert await AuditEvent.count() == 0


async def test_the_preview_fills_gaps_from_the_other_record(staff):
    _, ctx = staff
    keep, other = await two_records()
    preview = await merge_preview(ctx, keep, other)
    rows = {r["field"]: r for r in preview["rows"]}
    assert rows["email"]["choice"] == "other" and rows["name"]["choice"] == "keep"
    assert rows["phone"]["choice"] == "keep"
    assert preview["moves"] == {
        "membership": 2,
        "training": 1,
        "activity": 3,
        "friends session": 1,
        "story": 1,
        "account": 1,
    }


async def test_the_merge_pages(client, staff):
    user, _ = staff
    await sign_in(client, user.email)
    keep, other = await two_records()
    found = Page((await client.get(f"/console/people/{keep}/merge?q=bloggs", headers=HTML)).text)
    assert f"/console/people/{keep}/merge?other={other}" in found.links
    assert f"/console/people/{keep}/merge?other={keep}" not in found.links
    for odd in ("abc", "99999999999", "424242", str(keep)):
        answer = await client.get(f"/console/people/{keep}/merge?other={odd}", headers=HTML)
        assert answer.status_code == 400, odd
        assert Page(answer.text).errors, odd
    compare = Page(
        (await client.get(f"/console/people/{keep}/merge?other={other}", headers=HTML)).text
    )
    assert compare.inputs["choose_email"] == "other" and compare.inputs["choose_name"] == "keep"
    token = client.cookies.get("movement_csrf")
    sent = {"_csrf_token": token, "other": str(other), "choose_name": "other"}
    unconfirmed = await client.post(f"/console/people/{keep}/merge", data=sent, headers=HTML)
    assert unconfirmed.status_code == 400
    again = Page(unconfirmed.text)
    assert again.errors == ["Tick the box to confirm that these are the same person."]
    assert again.inputs["choose_name"] == "other"  # the choice is kept
    assert await Person.exists().where(Person.id == other)
    done = await client.post(
        f"/console/people/{keep}/merge", data={**sent, "confirm": "yes"}, headers=HTML
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/console/people/{keep}?saved=merged"
    assert (await Person.select(Person.name).where(Person.id == keep).first())[
        "name"
    ] == "J. Bloggs"
    gone = await client.get(f"/console/people/{other}", headers=HTML)
    assert gone.status_code == 404
