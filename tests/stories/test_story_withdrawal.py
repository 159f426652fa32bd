"""A story's author takes back their consent to publish it, or deletes it, in the app (with
a page that asks first, no JavaScript needed) or through the API; it leaves the widget and
the quarterly report at once, and is never published again unless its author agrees again
and a coordinator approves it again."""

from __future__ import annotations

import httpx
import pytest

from schema.tables import AuditEvent, Story
from server.settings import today
from server.totals.quarter import quarter_of
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}
STORY = "I showed Mr Brown how to book a health check and he went along the same week."


@pytest.fixture
async def other(app):
    """A second browser: the public, or a coordinator with a token."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
async def author(client):
    user = await f.user("champion", name="Rita Moss")
    await sign_in(client, user.email)
    return user


async def share(client, consent: bool = True, text: str = STORY) -> int:
    form = Page((await client.get("/stories/new", headers=HTML)).text)
    data = {"_csrf_token": form.inputs["_csrf_token"], "text": text}
    if consent:
        data["consent_to_publish"] = "yes"
    assert (await client.post("/stories/new", data=data)).status_code == 303
    return (await Story.select(Story.id).order_by(Story.id, ascending=False).first())["id"]


async def approve(other, coordinator, story: int):
    answer = await other.patch(
        f"/api/stories/{story}", json={"status": "approved"}, headers=coordinator.headers
    )
    return answer


async def published(other, coordinator, text: str = "Mr Brown") -> dict[str, bool]:
    """Where the public (and the report's readers) can see the story's words."""
    quarter = quarter_of(today()).code
    report = await other.get(
        f"/console/report?quarter={quarter}", headers={**HTML, **coordinator.headers}
    )
    assert report.status_code == 200, report.text
    return {
        "embed": text in Page((await other.get("/embed?story=1")).text).text,
        "embed.js part": text in (await other.get("/embed?story=1&part=1")).text,
        "report": text in Page(report.text).text,
    }


EVERYWHERE = {"embed": True, "embed.js part": True, "report": True}
NOWHERE = {"embed": False, "embed.js part": False, "report": False}


def csrf(client) -> dict[str, str]:
    return {"_csrf_token": client.cookies["movement_csrf"]}


async def test_i_withdraw_my_story_in_the_app_and_it_leaves_the_widget_and_report_at_once(
    client, other, author, coordinator
):
    story = await share(client)
    assert (await approve(other, coordinator, story)).status_code == 200
    assert await published(other, coordinator) == EVERYWHERE  # and now kept in the caches

    assert "/stories" in Page((await client.get("/", headers=HTML)).text).links  # from home
    mine = Page((await client.get("/stories", headers=HTML)).text)
    assert mine.h1 == "My stories"
    assert "Published" in mine.text
    assert f"/stories/{story}/withdraw" in mine.links
    ask = await client.get(f"/stories/{story}/withdraw", headers=HTML)
    page = Page(ask.text)
    assert page.h1 == "Withdraw your story?"
    assert STORY in page.text
    assert page.forms[-1] == f"/stories/{story}/withdraw"
    done = await client.post(f"/stories/{story}/withdraw", data=csrf(client))
    assert done.status_code == 303 and done.headers["location"] == "/stories?done=withdrawn"

    assert await published(other, coordinator) == NOWHERE
    after = Page((await client.get("/stories?done=withdrawn", headers=HTML)).text)
    assert "Your story is withdrawn. It is no longer published anywhere." in after.text
    assert "Withdrawn: not published" in after.text
    row = await Story.select().where(Story.id == story).first()
    assert (row["status"], row["consent_to_publish"]) == ("withdrawn", False)


async def test_coordinators_see_a_withdrawn_story_as_withdrawn_and_cannot_approve_it(
    client, other, author, coordinator
):
    story = await share(client)
    await approve(other, coordinator, story)
    await client.post(f"/stories/{story}/withdraw", data=csrf(client))
    decided = await other.get(
        "/console/review/stories/decided?status=withdrawn",
        headers={**HTML, **coordinator.headers},
    )
    assert decided.status_code == 200
    assert "Withdrawn by its author" in Page(decided.text).text and "Mr Brown" in decided.text
    again = await approve(other, coordinator, story)
    assert again.status_code == 422
    assert "agreed to publish" in again.json()["errors"]["status"]
    # Nor may a coordinator agree on the author's behalf.
    behalf = await other.patch(
        f"/api/stories/{story}", json={"consent_to_publish": True}, headers=coordinator.headers
    )
    assert behalf.status_code == 403
    assert behalf.json()["message"] == (
        "Only the person who shared this story can agree to publish it."
    )
    # Nor by putting it back in the queue first, or declining it first.
    for status in ("waiting", "declined"):
        moved = await other.patch(
            f"/api/stories/{story}", json={"status": status}, headers=coordinator.headers
        )
        assert moved.status_code == 200
        behalf = await other.patch(
            f"/api/stories/{story}", json={"consent_to_publish": True}, headers=coordinator.headers
        )
        assert behalf.status_code == 403
        assert (await approve(other, coordinator, story)).status_code == 422
    assert await published(other, coordinator) == NOWHERE


async def test_through_the_api_the_author_withdraws_and_only_author_and_coordinator_together_publish_it_again(  # noqa: E501
    other, coordinator
):
    author = await f.user("champion")
    created = await other.post(
        "/api/stories", json={"text": STORY, "consent_to_publish": True}, headers=author.headers
    )
    story = created.json()["id"]
    await approve(other, coordinator, story)
    assert await published(other, coordinator) == EVERYWHERE

    withdrawn = await other.patch(
        f"/api/stories/{story}", json={"consent_to_publish": False}, headers=author.headers
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert (withdrawn.json()["status"], withdrawn.json()["consent_to_publish"]) == (
        "withdrawn",
        False,
    )
    assert await published(other, coordinator) == NOWHERE

    agreed = await other.patch(
        f"/api/stories/{story}", json={"consent_to_publish": True}, headers=author.headers
    )
    assert agreed.json()["status"] == "waiting"  # back to a coordinator
    assert await published(other, coordinator) == NOWHERE
    assert (await approve(other, coordinator, story)).status_code == 200
    assert await published(other, coordinator) == EVERYWHERE


async def test_an_author_may_change_only_the_consent_and_only_on_their_own_story(
    other, coordinator
):
    author = await f.user("champion")
    someone = await f.user("champion")
    created = await other.post(
        "/api/stories", json={"text": STORY, "consent_to_publish": True}, headers=author.headers
    )
    story = created.json()["id"]
    await approve(other, coordinator, story)
    # The fields fit the document (staff may send them), but the author may not: 403, as
    # Schemathesis expects of a request that fits the document.
    for change in ({"text": "Different words " * 3}, {"programme": "health-champions"}):
        refused = await other.patch(f"/api/stories/{story}", json=change, headers=author.headers)
        assert refused.status_code == 403
        assert refused.json()["message"].startswith("You can only change whether your story")
    kept = await other.get(f"/api/stories/{story}", headers=coordinator.headers)
    assert kept.json()["text"] == STORY and kept.json()["programme"] is None
    status = await other.patch(
        f"/api/stories/{story}", json={"status": "approved"}, headers=author.headers
    )
    assert status.status_code == 403  # a field only staff may set
    for answer in (
        await other.patch(
            f"/api/stories/{story}", json={"consent_to_publish": False}, headers=someone.headers
        ),
        await other.delete(f"/api/stories/{story}", headers=someone.headers),
    ):
        assert answer.status_code == 404
    row = await Story.select().where(Story.id == story).first()
    assert (row["status"], row["text"]) == ("approved", STORY)


async def test_the_author_deletes_their_story_through_the_api(other, coordinator):
    author = await f.user("champion")
    created = await other.post(
        "/api/stories", json={"text": STORY, "consent_to_publish": True}, headers=author.headers
    )
    story = created.json()["id"]
    await approve(other, coordinator, story)
    assert await published(other, coordinator) == EVERYWHERE
    gone = await other.delete(f"/api/stories/{story}", headers=author.headers)
    assert gone.status_code == 204
    assert await published(other, coordinator) == NOWHERE
    assert await Story.count() == 0
    assert (await other.get(f"/api/stories/{story}", headers=author.headers)).status_code == 404


async def test_i_delete_my_story_in_the_app_after_a_page_that_asks_first(
    client, other, author, coordinator
):
    story = await share(client)
    await approve(other, coordinator, story)
    ask = Page((await client.get(f"/stories/{story}/delete", headers=HTML)).text)
    assert ask.h1 == "Delete your story?"
    assert "You cannot undo this." in ask.text
    assert await Story.count() == 1  # asking deleted nothing
    done = await client.post(f"/stories/{story}/delete", data=csrf(client))
    assert done.headers["location"] == "/stories?done=deleted"
    assert await Story.count() == 0
    assert await published(other, coordinator) == NOWHERE
    listing = Page((await client.get("/stories?done=deleted", headers=HTML)).text)
    assert "Your story is deleted." in listing.text
    assert "You have not shared a story yet." in listing.text
    events = await AuditEvent.select().where(
        (AuditEvent.record_type == "story") & (AuditEvent.action == "delete")
    )
    assert [e["record_id"] for e in events] == [story]


async def test_i_let_the_council_publish_a_withdrawn_story_again_from_the_app(
    client, other, author, coordinator
):
    story = await share(client)
    await approve(other, coordinator, story)
    await client.post(f"/stories/{story}/withdraw", data=csrf(client))
    mine = Page((await client.get("/stories", headers=HTML)).text)
    assert f"/stories/{story}/consent" in mine.forms
    done = await client.post(f"/stories/{story}/consent", data=csrf(client))
    assert done.headers["location"] == "/stories?done=consent"
    after = Page((await client.get("/stories?done=consent", headers=HTML)).text)
    assert "A coordinator will read your story again" in after.text
    assert "Waiting for a coordinator" in after.text
    assert await published(other, coordinator) == NOWHERE
    queue = await other.get("/console/review/stories", headers={**HTML, **coordinator.headers})
    assert "Mr Brown" in Page(queue.text).text


async def test_nobody_else_can_withdraw_or_delete_my_story_from_the_app(client, other, coordinator):
    author = await f.user("champion")
    created = await other.post(
        "/api/stories", json={"text": STORY, "consent_to_publish": True}, headers=author.headers
    )
    story = created.json()["id"]
    intruder = await f.user("champion")
    await sign_in(client, intruder.email)
    for path in (f"/stories/{story}/withdraw", f"/stories/{story}/delete"):
        assert (await client.get(path, headers=HTML)).status_code == 404
        assert (await client.post(path, data=csrf(client), headers=HTML)).status_code == 404
    assert (await client.post(f"/stories/{story}/consent", data=csrf(client))).status_code == 404
    # A coordinator's "My stories" holds only their own, too.
    boss = await f.user("coordinator")
    client.cookies.clear()
    await sign_in(client, boss.email)
    assert (await client.get(f"/stories/{story}/delete", headers=HTML)).status_code == 404
    assert "Mr Brown" not in (await client.get("/stories", headers=HTML)).text
    row = await Story.select().where(Story.id == story).first()
    assert (row["status"], row["consent_to_publish"]) == ("waiting", True)


async def test_the_pages_send_someone_signed_out_to_sign_in(client):
    for path in ("/stories", "/stories/1/withdraw", "/stories/1/delete"):
        answer = await client.get(path, headers=HTML)
        assert answer.status_code in (302, 303) and answer.headers["location"] == "/sign-in"


async def test_a_story_withdrawn_through_another_worker_leaves_this_workers_widget_at_once(
    client, other, author, coordinator
):
    """With several workers, the one that takes the withdrawal is not the one that serves
    the widget next. Here the story changes in the database only (as another worker writes
    it), and this worker's ready-made widget must not keep showing it."""
    story = await share(client)
    assert (await approve(other, coordinator, story)).status_code == 200
    shown = await other.get("/embed?story=1")
    assert "Mr Brown" in Page(shown.text).text
    # Browsers and shared caches must ask again each time (a 304 while the story stands).
    assert shown.headers["cache-control"] == "public, no-cache"
    again = await other.get("/embed?story=1", headers={"if-none-match": shown.headers["etag"]})
    assert again.status_code == 304
    assert "public, max-age=" in (await other.get("/embed")).headers["cache-control"]

    await Story.update({Story.status: "withdrawn", Story.consent_to_publish: False}).where(
        Story.id == story
    )
    for address in ("/embed?story=1", "/embed?story=1&part=1", "/totals.svg?story=1"):
        answer = await other.get(address, headers={"if-none-match": shown.headers["etag"]})
        assert answer.status_code == 200 and "Mr Brown" not in answer.text, address
