"""The champions' pages with JavaScript off (issue 16): "More details (optional)" on the
log form, and saying from My activities whether a signposted person went."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schema.tables import Activity, Person, Service, Topic
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.html import HTML, Page
from tests.helpers.signin import sign_in


@pytest.fixture
async def champion(client):
    leigh = await f.footprint("LE", "Leigh")
    user = await f.user("champion", name="Jo Bell")
    await Person.update({Person.footprint: leigh}).where(Person.id == user.person_id)
    await f.join(user.person_id, "heart-champions")
    await sign_in(client, user.email)
    return user


async def service(name: str, active: bool = True) -> int:
    rows = await Service.insert(Service(name=name, active=active)).returning(Service.id)
    return rows[0]["id"]


async def test_more_details_are_offered_closed_with_only_what_is_offered(client, champion):
    quit_line = await service("Stop Smoking Wigan")
    await service("Old Quit Line", active=False)
    await Topic.update({Topic.active: False}).where(Topic.slug == "maternity")
    html = (await client.get("/log", headers=HTML)).text
    page = Page(html)
    details = page.by_id["more-details"]
    assert details["tag"] == "details" and "open" not in details
    assert "More details (optional)" in page.text
    assert page.options("setting") == ["", *SETTINGS]
    assert page.labels["setting"] == "What kind of place was it?"
    assert page.options("service") == ["", str(quit_line)]  # not the retired one
    assert page.labels["topics-smoking"] == "Smoking"
    assert "topics-maternity" not in page.labels  # retired
    # Without JavaScript the service is there, with what it is for.
    assert "Only for signposting someone to a service." in page.text


SETTINGS = [
    "home", "gp-practice", "school-college", "workplace", "community-venue", "online",
    "street-event", "other",
]  # fmt: skip


async def test_a_signpost_with_its_details_is_logged_and_listed(client, champion):
    quit_line = await service("Stop Smoking Wigan")
    page = Page((await client.get("/log", headers=HTML)).text)
    answer = await client.post(
        "/log",
        data={
            **page.inputs,
            "kind": "signposting",
            "people_reached": "1",
            "footprint": "LE",
            "setting": "gp-practice",
            "topics": ["smoking", "hypertension"],
            "postcode": "wn7 1wj",
            "service": str(quit_line),
        },
    )
    assert answer.status_code == 303, answer.text
    row = await Activity.select().first()
    assert (row["setting"], row["postcode"], row["service"]) == (
        "gp-practice",
        "WN7 1WJ",
        quit_line,
    )
    listing = Page((await client.get("/activities", headers=HTML)).text)
    assert "GP practice: High blood pressure (hypertension), Smoking" in listing.text
    assert "Signposted to Stop Smoking Wigan." in listing.text
    assert f"/activities/{row['id']}/take-up" in listing.links
    # Changing it shows the details again, open.
    edit = Page((await client.get(f"/activities/{row['id']}/edit", headers=HTML)).text)
    assert "open" in edit.by_id["more-details"]
    assert edit.chosen["setting"] == "gp-practice" and edit.chosen["service"] == str(quit_line)
    assert edit.inputs["postcode"] == "WN7 1WJ"


async def test_wrong_details_are_shown_beside_their_fields_and_kept(client, champion):
    quit_line = await service("Stop Smoking Wigan")
    page = Page((await client.get("/log", headers=HTML)).text)
    sent = {
        **page.inputs,
        "kind": "conversation",
        "people_reached": "2",
        "postcode": "nowhere",
        "service": str(quit_line),
        "topics": "dementia",
    }
    answer = await client.post("/log", data=sent)
    assert answer.status_code == 400
    again = Page(answer.text)
    assert again.errors == ["Enter the place's postcode like WN1 1AA, or leave it blank."]
    assert "open" in again.by_id["more-details"]
    assert again.inputs["postcode"] == "nowhere"
    assert again.inputs["topics"] == "dementia"  # still ticked
    # Once each field is right, the rule between them: a service is for signposting.
    answer = await client.post("/log", data={**sent, "postcode": "WN1 1AA"})
    assert answer.status_code == 400
    assert Page(answer.text).errors == [
        "Only signposting names a service: choose “Signposting someone to a service” "
        "under What did you do, or leave the service blank."
    ]
    assert await Activity.count() == 0


async def _signpost(client, champion, days_ago: int = 0) -> int:
    page = Page((await client.get("/log", headers=HTML)).text)
    day = today() - timedelta(days=days_ago)
    await client.post(
        "/log",
        data={
            **page.inputs,
            "kind": "signposting",
            "people_reached": "1",
            "occurred_on-day": str(day.day),
            "occurred_on-month": str(day.month),
            "occurred_on-year": str(day.year),
        },
    )
    row = await Activity.select(Activity.id).order_by(Activity.id, ascending=False).first()
    return row["id"]


async def test_a_champion_adds_whether_they_went_from_my_activities(client, champion):
    record_id = await _signpost(client, champion, days_ago=80)
    # Logged 40 days ago: too late to change the activity, not to say whether they went.
    back = datetime.now(UTC) - timedelta(days=40)
    await Activity.update({Activity.created_at: back}).where(Activity.id == record_id)
    listing = Page((await client.get("/activities", headers=HTML)).text)
    assert f"/activities/{record_id}/edit" not in listing.links
    assert f"/activities/{record_id}/take-up" in listing.links
    form = Page((await client.get(f"/activities/{record_id}/take-up", headers=HTML)).text)
    assert form.h1 == "Did they go?"
    assert form.radios("take_up") == {
        "yes": "Yes, they went",
        "no": "No, they did not",
        "dont-know": "Don't know",
    }
    nothing = await client.post(
        f"/activities/{record_id}/take-up", data={"_csrf_token": form.inputs["_csrf_token"]}
    )
    assert nothing.status_code == 400
    assert Page(nothing.text).errors == ["Choose whether they went: yes, no or don't know."]
    said = await client.post(
        f"/activities/{record_id}/take-up",
        data={"_csrf_token": form.inputs["_csrf_token"], "take_up": "no"},
    )
    assert said.status_code == 303
    assert said.headers["location"] == "/activities?saved=take-up"
    listing = Page((await client.get(said.headers["location"], headers=HTML)).text)
    assert "Saved. Thank you for following it up!" in listing.text
    assert "Did they go? No." in listing.text
    assert "Change whether they went" in listing.text


async def test_after_90_days_the_take_up_is_read_only_with_the_reason(client, champion):
    record_id = await _signpost(client, champion, days_ago=91)
    listing = Page((await client.get("/activities", headers=HTML)).text)
    assert f"/activities/{record_id}/take-up" not in listing.links
    assert (
        "Whether they went can be added for 90 days after the activity. "
        "Ask your coordinator to add it now."
    ) in listing.text
    late = await client.get(f"/activities/{record_id}/take-up", headers=HTML)
    assert late.status_code == 403
    assert "You can say whether they went for 90 days after the activity." in late.text


async def test_another_champions_signpost_is_not_found(client, champion):
    other = await f.user("champion")
    programme = await f.programme_id("heart-champions")
    theirs = await f.activity(
        person=other.person_id, programme=programme, kind="signposting",
        occurred_on=today(), people_reached=1,
    )  # fmt: skip
    form = Page((await client.get("/activities", headers=HTML)).text)
    assert (await client.get(f"/activities/{theirs}/take-up", headers=HTML)).status_code == 404
    answer = await client.post(
        f"/activities/{theirs}/take-up",
        data={"_csrf_token": form.inputs.get("_csrf_token", ""), "take_up": "yes"},
    )
    assert answer.status_code in (403, 404)
    row = await Activity.select(Activity.take_up).where(Activity.id == theirs).first()
    assert row["take_up"] == ""
