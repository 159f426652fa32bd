"""Logging an activity on the page, as a champion with JavaScript off would."""

from __future__ import annotations

import pytest

from schema.tables import Activity, Person
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import _log, sign_in

HTML = {"accept": "text/html"}


@pytest.fixture
async def champion(client):
    leigh = await f.footprint("LE", "Leigh")
    await f.footprint("WC", "Wigan Central")
    user = await f.user("champion", name="Jo Bell")
    await Person.update({Person.footprint: leigh}).where(Person.id == user.person_id)
    await f.join(user.person_id, "heart-champions")
    await sign_in(client, user.email)
    return user


async def test_the_form_is_pre_filled_for_one_thumb(client, champion):
    page = Page((await client.get("/log", headers=HTML)).text)
    assert page.h1 == "Log an activity"
    assert page.inputs["programme"] == "heart-champions"  # their only programme
    assert "For Heart Champions" in page.text
    assert "A conversation" in page.text and "Signposting someone to a service" in page.text
    assert len(page.inputs["client_id"]) == 36


async def test_logging_saves_and_shows_it_and_the_totals_grow(client, champion):
    page = Page((await client.get("/log", headers=HTML)).text)
    before = (await client.get("/api/totals")).json()["reach"]
    answer = await client.post(
        "/log",
        data={
            **page.inputs,
            "kind": "event",
            "people_reached": "35",
            "time_hours": "1",
            "time_minutes": "30",
            "footprint": "LE",
            "note": "Blood pressure checks at the market",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/activities?saved=1"
    listing = Page((await client.get("/activities?saved=1", headers=HTML)).text)
    assert "Saved. Thank you!" in listing.text
    assert "An event or stall" in listing.text and "reached 35" in listing.text
    assert (await client.get("/api/totals")).json()["reach"] == before + 35


async def test_the_area_used_last_is_remembered(client, champion):
    page = Page((await client.get("/log", headers=HTML)).text)
    await client.post(
        "/log", data={**page.inputs, "kind": "leaflets", "people_reached": "5", "footprint": "WC"}
    )
    html = (await client.get("/log", headers=HTML)).text
    assert '<option value="WC" selected>' in html


async def test_mistakes_are_shown_next_to_their_fields_and_nothing_is_lost(client, champion):
    page = Page((await client.get("/log", headers=HTML)).text)
    answer = await client.post(
        "/log",
        data={
            **page.inputs,
            "people_reached": "lots",
            "time_hours": "30",
            "note": "Kept this note",
        },
    )
    assert answer.status_code == 400
    again = Page(answer.text)
    assert "There is a problem" in again.text
    assert set(again.errors) == {
        "Choose what you did.",
        "Enter the number of people reached as a whole number, like 12.",
        "The time spent must be 24 hours or less.",
    }
    assert again.inputs["people_reached"] == "lots"
    assert "Kept this note" in again.text
    assert await Activity.count() == 0


async def test_a_double_tap_saves_once(client, champion):
    page = Page((await client.get("/log", headers=HTML)).text)
    form = {**page.inputs, "kind": "conversation", "people_reached": "2"}
    first = await client.post("/log", data=form)
    second = await client.post("/log", data=form)
    assert first.status_code == second.status_code == 303
    assert await Activity.count() == 1


async def test_a_different_activity_sent_with_a_used_client_id_is_saved_too(client, champion):
    # After Back, a browser refills the form's hidden client_id: the next activity typed
    # into that form must be saved as a second activity, not taken for the first one.
    page = Page((await client.get("/log", headers=HTML)).text)
    first = {**page.inputs, "kind": "conversation", "people_reached": "2"}
    second = {**page.inputs, "kind": "event", "people_reached": "40", "note": "Market stall"}
    assert (await client.post("/log", data=first)).status_code == 303
    assert (await client.post("/log", data=second)).status_code == 303
    assert (await client.post("/log", data=second)).status_code == 303  # sent twice: once
    rows = await Activity.select(Activity.kind, Activity.people_reached, Activity.client_id)
    assert sorted((r["kind"], r["people_reached"]) for r in rows) == [
        ("conversation", 2),
        ("event", 40),
    ]
    assert rows[0]["client_id"] != rows[1]["client_id"]
    third = {**second, "kind": "leaflets"}  # and again, from the same restored form
    assert (await client.post("/log", data=third)).status_code == 303
    assert await Activity.count() == 3
    listing = Page((await client.get("/activities", headers=HTML)).text)
    assert "reached 40" in listing.text and "reached 2" in listing.text


async def test_someone_elses_client_id_does_not_swallow_my_activity(client, champion):
    other = await f.user("champion", name="Sam Hall")
    await f.join(other.person_id, "heart-champions")
    page = Page((await client.get("/log", headers=HTML)).text)
    form = {**page.inputs, "kind": "conversation", "people_reached": "2"}
    assert (await client.post("/log", data=form)).status_code == 303
    client.cookies.clear()
    await sign_in(client, other.email)
    theirs = Page((await client.get("/log", headers=HTML)).text).inputs
    sent = {**form, "_csrf_token": theirs["_csrf_token"]}  # the same client_id, guessed
    assert (await client.post("/log", data=sent)).status_code == 303
    rows = await Activity.select(Activity.person)
    assert sorted(r["person"] for r in rows) == sorted([champion.person_id, other.person_id])


async def test_the_log_form_is_not_refilled_by_the_browser(client, champion):
    html = (await client.get("/log", headers=HTML)).text
    assert '<form method="post" action="/log" novalidate autocomplete="off">' in html
    assert 'name="client_id"' in html
    hidden = html.split('name="client_id"', 1)[1].split(">", 1)[0]
    assert 'autocomplete="off"' in hidden


async def test_pages_send_you_to_sign_in_first(client):
    for path in ("/", "/log", "/activities"):
        answer = await client.get(path)
        assert answer.status_code in (302, 303) and answer.headers["location"] == "/sign-in"


async def test_a_champion_who_is_also_a_friend_gets_their_champion_programme(client, champion):
    await f.join(champion.person_id, "dementia-friends")
    html = (await client.get("/log", headers=HTML)).text
    assert '<option value="heart-champions" selected>' in html
    assert '<option value="dementia-friends">' in html


async def test_i_change_my_activity(client, champion):
    activity_id = await _log(client, "10")
    listing = Page((await client.get("/activities", headers=HTML)).text)
    assert f"/activities/{activity_id}/edit" in listing.links
    form = Page((await client.get(f"/activities/{activity_id}/edit", headers=HTML)).text)
    assert form.h1 == "Change an activity"
    assert form.inputs["people_reached"] == "10"
    assert "client_id" not in form.inputs
    answer = await client.post(
        f"/activities/{activity_id}/edit", data={**form.inputs, "people_reached": "14"}
    )
    assert answer.status_code == 303
    assert (await client.get("/api/totals")).json()["reach"] == 14
    wrong = await client.post(
        f"/activities/{activity_id}/edit", data={**form.inputs, "people_reached": "-1"}
    )
    assert wrong.status_code == 400
    assert Page(wrong.text).errors == ["The number of people reached must be from 0 to 100,000."]


async def test_i_delete_my_activity(client, champion):
    activity_id = await _log(client, "6")
    form = Page((await client.get(f"/activities/{activity_id}/edit", headers=HTML)).text)
    answer = await client.post(
        f"/activities/{activity_id}/delete", data={"_csrf_token": form.inputs["_csrf_token"]}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/activities?deleted=1"
    assert await Activity.count() == 0
    assert (await client.get("/api/totals")).json()["reach"] == 0


async def test_someone_elses_activity_is_not_found(client, champion):
    other = await f.user("champion")
    await f.join(other.person_id, "heart-champions")
    theirs = await client.post(
        "/api/activities",
        headers=other.headers,
        json={"programme": "heart-champions", "kind": "event", "people_reached": 3},
    )
    answer = await client.get(f"/activities/{theirs.json()['id']}/edit", headers=HTML)
    assert answer.status_code == 404
    assert Page(answer.text).h1 == "Page not found"


async def test_after_30_days_it_is_a_coordinators_job(client, champion):
    from datetime import UTC, datetime, timedelta

    activity_id = await _log(client, "6")
    await Activity.update({Activity.created_at: datetime.now(UTC) - timedelta(days=31)}).where(
        Activity.id == activity_id
    )
    listing = Page((await client.get("/activities", headers=HTML)).text)
    assert f"/activities/{activity_id}/edit" not in listing.links
    form = Page((await client.get(f"/activities/{activity_id}/edit", headers=HTML)).text)
    answer = await client.post(
        f"/activities/{activity_id}/edit", data={**form.inputs, "people_reached": "60"}
    )
    assert answer.status_code == 403
    assert "30 days" in Page(answer.text).text
    assert (await Activity.select(Activity.people_reached).first())["people_reached"] == 6


async def test_home_tells_the_phone_only_my_programmes_for_its_offline_form(client, champion):
    other = await f.user("champion", name="Sam Hall")
    await f.join(other.person_id, "dementia-friends")
    await f.join(champion.person_id, "cancer-champions")
    html = (await client.get("/", headers=HTML)).text
    link = html.split('id="log-link"', 1)[1].split(">", 1)[0]
    assert 'data-programmes="cancer-champions heart-champions"' in link or (
        'data-programmes="heart-champions cancer-champions"' in link
    )
