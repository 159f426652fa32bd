"""Logging an activity on the page, as a champion with JavaScript off would."""

from __future__ import annotations

import pytest

from schema.tables import Activity, Person
from tests import factories as f
from tests.html import Page
from tests.test_sign_in import sign_in

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
            "minutes": "90",
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
            "minutes": "2000",
            "note": "Kept this note",
        },
    )
    assert answer.status_code == 400
    again = Page(answer.text)
    assert "There is a problem" in again.text
    assert set(again.errors) == {
        "Choose what you did.",
        "Enter the number of people reached as a whole number, like 12.",
        "The time spent in minutes must be from 0 to 1,440.",
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


async def test_pages_send_you_to_sign_in_first(client):
    for path in ("/", "/log", "/activities"):
        answer = await client.get(path)
        assert answer.status_code in (302, 303) and answer.headers["location"] == "/sign-in"


async def test_a_champion_who_is_also_a_friend_gets_their_champion_programme(client, champion):
    await f.join(champion.person_id, "dementia-friends")
    html = (await client.get("/log", headers=HTML)).text
    assert '<option value="heart-champions" selected>' in html
    assert '<option value="dementia-friends">' in html
