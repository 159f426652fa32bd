"""The review queue and the sessions pages in real headless Chromium: deciding activities
shrinks the queue, and every page passes axe-core."""

from __future__ import annotations

import httpx

from server.settings import today
from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, screenshot
from tests.helpers.console import market_stall


async def _log(base: str, champion: f.User, reached: int) -> int:
    body = market_stall(reached, minutes=60)
    async with httpx.AsyncClient(base_url=base, headers=champion.headers) as api:
        answer = await api.post("/api/activities", json=body)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


async def test_a_coordinator_approves_and_rejects_and_the_queue_shrinks(desk, live_server):
    await f.footprint("WC", "Wigan Central")
    champion = await f.user("champion", name="Dee Hart")
    await f.join(champion.person_id, "health-champions")
    first = await _log(live_server, champion, 900)
    second = await _log(live_server, champion, 1200)
    async with httpx.AsyncClient(base_url=live_server, headers=champion.headers) as api:
        await api.post(
            "/api/stories",
            json={"text": "I put leaflets in the church toilets.", "consent_to_publish": False},
        )
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/review")
    heading = page.get_by_role("heading", level=1)
    assert "2 waiting" in await heading.inner_text()
    await screenshot(page, "console-review")
    assert await axe_violations(page) == []

    await page.get_by_role("button", name=f"Approve activity {first} by Dee Hart").click()
    await page.get_by_role("status").get_by_text("Approved").wait_for()
    assert "1 waiting" in await heading.inner_text()
    await page.get_by_role("button", name=f"Reject activity {second} by Dee Hart").click()
    await page.get_by_role("status").get_by_text("Rejected").wait_for()
    assert "0 waiting" in await heading.inner_text()
    assert await page.get_by_text("There are no activities waiting for review.").is_visible()
    async with httpx.AsyncClient(base_url=live_server) as public:
        assert (await public.get("/api/totals")).json()["reach"] == 900

    await page.get_by_role("link", name="1 story waiting for approval").click()
    await page.get_by_text("It cannot be approved").wait_for()
    assert await axe_violations(page) == []


async def test_the_sessions_pages_are_accessible(desk, live_server):
    await f.footprint("WC", "Wigan Central")
    runner = await f.person("Ruth Runner")
    await f.join(runner, "dementia-friends")
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/sessions/new")
    await page.get_by_label("Programme").select_option("dementia-friends")
    await page.get_by_label("Venue (optional)").fill("Whelley Library")
    await page.get_by_label("How many came").fill("-4")
    # "Run by" answers as the coordinator types (htmx), with only the people who match.
    await page.get_by_label("Find who ran it").press_sequentially("ruth r", delay=30)
    await page.get_by_role("radio", name=f"Ruth Runner (#{runner})").check()
    assert await page.get_by_role("radio").count() == 2  # Ruth, and nobody
    await page.get_by_role("button", name="Save").click()
    await page.get_by_role("heading", name="There is a problem").wait_for()
    await screenshot(page, "console-session-form-error")
    assert await axe_violations(page) == []

    await page.get_by_label("How many came").fill("24")
    await page.get_by_role("button", name="Save").click()
    await page.get_by_role("status").get_by_text("Saved.").wait_for()
    assert await page.get_by_role("cell", name="Ruth Runner").is_visible()
    await screenshot(page, "console-sessions")
    assert await axe_violations(page) == []

    await page.get_by_role("link", name="Figures from elsewhere").click()
    await page.get_by_role("heading", name="How these figures count").wait_for()
    await screenshot(page, "console-external-figures")
    assert await axe_violations(page) == []


async def test_a_big_session_is_approved_from_the_queue_and_then_counts(desk, live_server):
    await f.footprint("WC", "Wigan Central")
    champion = await f.user("champion", name="Dee Hart")
    await f.join(champion.person_id, "dementia-friends")
    session = {"programme": "dementia-friends", "held_on": today().isoformat(), "attendees": 140}
    async with httpx.AsyncClient(base_url=live_server, headers=champion.headers) as api:
        answer = await api.post("/api/friends-sessions", json=session)
    assert answer.status_code == 201, answer.text
    async with httpx.AsyncClient(base_url=live_server) as public:
        before = (await public.get("/api/totals")).json()["movement_total"]
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/review")
    assert await axe_violations(page) == []
    await screenshot(page, "console-review-sessions")
    name = f"Approve session {answer.json()['id']} run by Dee Hart"
    await page.get_by_role("button", name=name).click()
    await page.get_by_role("status").get_by_text("Session approved").wait_for()
    assert await page.get_by_text("There are no Friends sessions waiting for review.").is_visible()
    async with httpx.AsyncClient(base_url=live_server) as public:
        assert (await public.get("/api/totals")).json()["movement_total"] == before + 140


async def test_run_by_is_found_with_javascript_off(chromium, live_server):
    from tests.helpers.browser import DESK, add_session

    runner = await f.person("Ruth Runner")
    await f.join(runner, "dementia-friends")
    coordinator = await f.user("coordinator")
    context = await chromium.new_context(
        viewport=DESK, locale="en-GB", java_script_enabled=False, bypass_csp=True
    )
    await add_session(context, live_server, coordinator.email)
    page = await context.new_page()
    try:
        await page.goto(f"{live_server}/console/sessions/new")
        await page.get_by_label("Programme").select_option("dementia-friends")
        await page.get_by_label("Venue (optional)").fill("Whelley Library")
        await page.get_by_label("How many came").fill("24")
        await page.get_by_label("Find who ran it").fill("RUTH")
        await page.get_by_role("button", name="Find").click()
        await page.get_by_text("1 person matches “RUTH”.").wait_for()
        assert await page.get_by_label("Venue (optional)").input_value() == "Whelley Library"
        await page.get_by_role("radio", name=f"Ruth Runner (#{runner})").check()
        await screenshot(page, "console-session-run-by-no-js")
        await page.get_by_role("button", name="Save").click()
        await page.get_by_role("status").get_by_text("Saved.").wait_for()
        assert await page.get_by_role("cell", name="Ruth Runner").is_visible()
    finally:
        await context.close()
