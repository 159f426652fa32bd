"""/training and /sessions/new, as a champion with JavaScript off would use them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schema.tables import FriendsSession, TrainingRecord
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.html import Page, date_boxes, send_form
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


@pytest.fixture
async def champion(client):
    await f.footprint("WC", "Wigan Central")
    user = await f.user("champion", name="Dee Hart")
    await sign_in(client, user.email)
    return user


async def test_i_add_a_course_and_see_it(client, champion):
    page = Page((await client.get("/training", headers=HTML)).text)
    now = today()
    assert date_boxes(page, "completed_on") == (str(now.day), str(now.month), str(now.year))
    answer = await send_form(
        client,
        "/training",
        {
            "course": "heart-champions-training",
            "completed_on": "2025-06-01",
            "certificate_number": "HC-778",
        },
        page,
    )
    assert answer.status_code == 303
    listing = Page((await client.get("/training?saved=1", headers=HTML)).text)
    assert "Heart Champions training" in listing.text
    assert "certificate HC-778" in listing.text
    assert await TrainingRecord.count() == 1


async def test_a_champion_cannot_record_the_course_that_lets_them_run_sessions(client, champion):
    """Dementia Friends Champion training lets a person record Friends sessions: only staff
    record it. The page does not offer it, and sending it anyway is refused."""
    page = Page((await client.get("/training", headers=HTML)).text)
    assert "dementia-friends-champion" not in page.options("course")
    assert "heart-champions-training" in page.options("course")
    answer = await send_form(
        client,
        "/training",
        {
            "course": "dementia-friends-champion",
            "completed_on": "2025-06-01",
        },
        page,
    )
    assert answer.status_code == 400
    assert Page(answer.text).errors == [
        "Only a coordinator can record Dementia Friends Champion training: it lets someone "
        "run Friends sessions. Ask your coordinator to add it."
    ]
    assert await TrainingRecord.count() == 0
    assert "/sessions/new" not in Page((await client.get("/sessions/new", headers=HTML)).text).forms


async def test_training_mistakes_are_shown_again(client, champion):
    answer = await send_form(
        client,
        "/training",
        {
            "completed_on": "2099-01-01",
            "certificate_number": "KEEP-ME",
        },
    )
    assert answer.status_code == 400
    again = Page(answer.text)
    assert set(again.errors) == {
        "Choose a course.",
        "The date it was completed cannot be in the future.",
    }
    assert again.inputs["certificate_number"] == "KEEP-ME"


async def test_expiry_soon_is_pointed_out(client, champion):
    from schema.tables import Course

    course = (await Course.select(Course.id).where(Course.slug == "heart-champions-training"))[0]
    await TrainingRecord.insert(
        TrainingRecord(
            person=champion.person_id,
            course=course["id"],
            completed_on=today() - timedelta(days=300),
            expires_on=today() + timedelta(days=30),
        )
    )
    page = Page((await client.get("/training", headers=HTML)).text)
    assert "in 30 days" in page.text


async def test_only_friends_champions_get_the_session_form(client, champion):
    page = Page((await client.get("/sessions/new", headers=HTML)).text)
    assert "Ask your coordinator if you run sessions" in page.text
    assert "/sessions/new" not in page.forms


async def test_a_friends_champion_records_a_session(client, champion):
    await f.join(champion.person_id, "dementia-friends")
    page = Page((await client.get("/sessions/new", headers=HTML)).text)
    now = today()
    assert date_boxes(page, "held_on") == (str(now.day), str(now.month), str(now.year))
    before = (await client.get("/api/totals")).json()["movement_total"]
    answer = await send_form(
        client,
        "/sessions/new",
        {
            "programme": "dementia-friends",
            "held_on": today().isoformat(),
            "attendees": "18",
            "venue": "Leigh Library",
            "footprint": "WC",
        },
        page,
    )
    assert answer.status_code == 303
    assert (
        "Thank you for making new Friends"
        in Page((await client.get("/sessions/new?saved=1", headers=HTML)).text).text
    )
    session = await FriendsSession.select().first()
    assert (session["attendees"], session["run_by"]) == (18, champion.person_id)
    assert (await client.get("/api/totals")).json()["movement_total"] == before + 18


async def test_a_huge_session_is_sent_to_the_coordinator(client, champion):
    await f.join(champion.person_id, "autism-friends")
    answer = await send_form(
        client,
        "/sessions/new",
        {
            "programme": "autism-friends",
            "held_on": today().isoformat(),
            "attendees": "900",
        },
    )
    assert answer.status_code == 400
    assert Page(answer.text).errors == [
        "For a session of more than 200 people, ask your coordinator to record it."
    ]
    assert await FriendsSession.count() == 0
