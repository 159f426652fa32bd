"""The champions' pages as a person without JavaScript meets them (issue 12): the
navigation and "More" offer only what this champion may use, a saved activity is
confirmed with their totals, deleting asks first, and counts are in words ("1 person")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schema.tables import Activity
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import _log, sign_in

HTML = {"accept": "text/html"}
NAV = ["/", "/log", "/activities", "/more"]


@pytest.fixture
async def champion(client):
    await f.footprint("WC", "Wigan Central")
    user = await f.user("champion", name="Jo Bell")
    await f.join(user.person_id, "health-champions")
    await sign_in(client, user.email)
    return user


async def page(client, path: str) -> Page:
    answer = await client.get(path, headers=HTML)
    assert answer.status_code == 200, (path, answer.status_code)
    return Page(answer.text)


async def test_every_champion_page_has_the_navigation(client, champion):
    for path in ("/", "/log", "/activities", "/more", "/training", "/stories", "/my-data"):
        links = (await page(client, path)).links
        starts = [i for i, link in enumerate(links) if links[i : i + 4] == NAV]
        assert starts, (path, links)


async def test_more_offers_sessions_only_to_who_may_record_one(client, champion):
    for path in ("/more", "/"):
        links = (await page(client, path)).links
        assert "/sessions/new" not in links, path
        assert {"/stories", "/stories/new", "/training", "/my-data"} <= set(links)
        assert "/console/" not in links
    assert "/sign-out" in (await page(client, "/more")).forms
    await f.join(champion.person_id, "dementia-friends")  # now a Dementia Friends Champion
    for path in ("/more", "/"):
        assert "/sessions/new" in (await page(client, path)).links, path


async def test_more_offers_the_console_to_staff(client):
    coordinator = await f.user("coordinator")
    await sign_in(client, coordinator.email)
    links = (await page(client, "/more")).links
    assert "/console/" in links and "/sessions/new" in links


async def test_more_sends_you_to_sign_in_first(client):
    answer = await client.get("/more")
    assert answer.status_code in (302, 303) and answer.headers["location"] == "/sign-in"


async def test_the_confirmation_after_saving_gives_my_totals_in_words(client, champion):
    await _log(client, "1")
    saved = (await page(client, "/activities?saved=1")).text
    assert "Saved. Thank you!" in saved
    assert "This month you have logged 1 activity and reached 1 person." in saved
    await _log(client, "20")
    saved = (await page(client, "/activities?saved=1")).text
    assert "logged 2 activities and reached 21 people" in saved
    assert "All time: 2 activities, 21 people reached." in saved
    assert "This month" not in (await page(client, "/activities")).text  # only after saving


async def test_home_counts_in_words(client, champion):
    await _log(client, "1")
    text = (await page(client, "/")).text
    assert "Champions have reached 1 person in 1 activity." in text
    assert "1 people" not in text


async def test_deleting_asks_first_and_cancel_keeps_it(client, champion):
    activity = await _log(client, "6")
    edit = await page(client, f"/activities/{activity}/edit")
    # no delete form on the change page: a link to the page that asks
    assert f"/activities/{activity}/delete" not in edit.forms
    assert f"/activities/{activity}/delete" in edit.links
    asks = await page(client, f"/activities/{activity}/delete")
    assert asks.h1 == "Are you sure you want to delete this activity?"
    assert asks.forms == ["/sign-out", f"/activities/{activity}/delete"]
    assert f"/activities/{activity}/edit" in asks.links  # "No, keep it"
    assert "reached 6 people" in asks.text
    assert await Activity.count() == 1
    answer = await client.post(
        f"/activities/{activity}/delete", data={"_csrf_token": asks.inputs["_csrf_token"]}
    )
    assert answer.headers["location"] == "/activities?deleted=1"
    assert await Activity.count() == 0


async def test_the_delete_page_is_for_my_own_recent_activities_only(client, champion):
    other = await f.user("champion")
    await f.join(other.person_id, "health-champions")
    theirs = await client.post(
        "/api/activities",
        headers=other.headers,
        json={"programme": "health-champions", "kind": "event", "people_reached": 3},
    )
    answer = await client.get(f"/activities/{theirs.json()['id']}/delete", headers=HTML)
    assert answer.status_code == 404
    mine = await _log(client, "6")
    await Activity.update({Activity.created_at: datetime.now(UTC) - timedelta(days=31)}).where(
        Activity.id == mine
    )
    answer = await client.get(f"/activities/{mine}/delete", headers=HTML)
    assert answer.status_code == 403
    assert "30 days" in Page(answer.text).text
    for path in (f"/activities/{mine}/delete", "/activities/99999999999999999999/delete"):
        assert (await client.get(path, headers=HTML)).status_code in (403, 404)
    client.cookies.clear()
    answer = await client.get(f"/activities/{mine}/delete", headers=HTML)
    assert answer.status_code in (302, 303) and answer.headers["location"] == "/sign-in"


async def test_the_shell_stand_ins_are_the_same_for_everyone(client):
    """Kept by the service worker when it installs: no account, no name, and `no-cache`
    only when fetched without a sign-in (as the worker does)."""
    for path, heading in (
        ("/offline", "No signal"),
        ("/offline/home", "No signal"),
        ("/offline/activities", "My activities"),
    ):
        answer = await client.get(path, headers=HTML)
        assert answer.headers["cache-control"] == "no-cache", path
        shown = Page(answer.text)
        assert shown.h1 == heading
        assert "/log" in shown.links  # logging is offered
        assert "Pages you opened before still work" not in shown.text
        assert "data-account" not in answer.text


async def test_training_says_today_and_tomorrow(client, champion):
    from schema.tables import Course, TrainingRecord
    from server.settings import today

    course = await Course.select(Course.id).first()
    for days in (0, 1, 2):
        await TrainingRecord.insert(
            TrainingRecord(
                person=champion.person_id,
                course=course["id"],
                completed_on=today() - timedelta(days=300),
                expires_on=today() + timedelta(days=days),
            )
        )
    text = (await page(client, "/training")).text
    assert "today" in text and "tomorrow" in text and "in 2 days" in text
    assert "in 1 days" not in text and "in 0 days" not in text
