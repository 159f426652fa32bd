"""/stories/new: a champion shares a story; nobody else sees it until it is approved."""

from __future__ import annotations

import pytest

from schema.tables import AuditEvent, Story
from tests.helpers import factories as f
from tests.helpers.html import Page, send_form
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}
STORY = "Mrs Ahmed came to the stall and booked her first cervical screening that same day."


@pytest.fixture
async def champion(client):
    user = await f.user("champion", name="Lou Grant")
    await sign_in(client, user.email)
    return user


async def test_i_share_a_story_with_consent(client, champion):
    answer = await send_form(
        client,
        "/stories/new",
        {
            "text": STORY,
            "consent_to_publish": "yes",
        },
    )
    assert answer.status_code == 303
    listing = Page((await client.get("/stories/new?saved=1", headers=HTML)).text)
    assert "Thank you for sharing your story." in listing.text
    assert "Waiting for a coordinator" in listing.text
    story = await Story.select().first()
    assert (story["person"], story["consent_to_publish"], story["status"]) == (
        champion.person_id,
        True,
        "waiting",
    )
    events = (
        await AuditEvent.select().where(AuditEvent.record_type == "story").output(load_json=True)
    )
    assert "Ahmed" not in repr(events)  # the audit log says it was written, not what


async def test_without_the_tick_it_is_not_for_publishing(client, champion):
    page = Page((await client.get("/stories/new", headers=HTML)).text)
    await client.post(
        "/stories/new", data={"_csrf_token": page.inputs["_csrf_token"], "text": STORY}
    )
    assert (await Story.select(Story.consent_to_publish).first())["consent_to_publish"] is False
    listing = Page((await client.get("/stories/new", headers=HTML)).text)
    assert "not for publishing" in listing.text


async def test_a_story_too_short_is_shown_again(client, champion):
    answer = await send_form(
        client,
        "/stories/new",
        {
            "text": "Good day",
            "consent_to_publish": "yes",
        },
    )
    assert answer.status_code == 400
    again = Page(answer.text)
    assert again.errors == ["Tell us a little more: at least 20 characters."]
    assert again.inputs["consent_to_publish"] == "yes"  # the tick is kept
    assert "Good day" in again.text


async def test_a_story_without_consent_cannot_be_approved(client, champion):
    coordinator = await f.user("coordinator")
    story = await client.post(
        "/api/stories",
        headers=coordinator.headers,
        json={"text": STORY, "person": champion.person_id},
    )
    answer = await client.patch(
        f"/api/stories/{story.json()['id']}",
        headers=coordinator.headers,
        json={"status": "approved"},
    )
    assert answer.status_code == 422
    assert "agreed to publish" in answer.json()["errors"]["status"]


async def test_other_champions_never_see_my_story(client, champion):
    await send_form(
        client,
        "/stories/new",
        {
            "text": STORY,
            "consent_to_publish": "yes",
        },
    )
    other = await f.user("champion")
    assert (await client.get("/api/stories", headers=other.headers)).json()["total"] == 0
    assert "Ahmed" not in (await client.get("/api/totals")).text
