"""Upcoming sessions in real headless Chromium, at 390 px with JavaScript off and at
1280 px: a resident books the last place while another is refused and offered the waiting
list; attendance is recorded and the Friends total rises by exactly the attendance. Every
page passes axe-core; screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import httpx
import pytest

from schema.tables import Booking
from tests.helpers import factories as f
from tests.helpers.browser import DESK, add_session, axe_violations, screenshot
from tests.helpers.events import publish_upcoming

pytestmark = pytest.mark.browser
NARROW = {"width": 390, "height": 844}


async def _tab(chromium, viewport, js=False):
    context = await chromium.new_context(viewport=viewport, locale="en-GB", java_script_enabled=js)
    context.set_default_timeout(10_000)
    return context, await context.new_page()


async def friends(base: str) -> int:
    async with httpx.AsyncClient(base_url=base) as public:
        totals = (await public.get("/api/totals")).json()
    return {p["slug"]: p for p in totals["programmes"]}["dementia-friends"]["friends"]


async def test_the_last_place_goes_to_one_resident_and_the_other_is_offered_the_waiting_list(
    chromium, live_server
):
    await f.footprint("WC", "Wigan Central")
    session = await publish_upcoming(capacity=1, footprint=await _wc())
    contexts = []
    pages = []
    for _ in range(2):
        context, page = await _tab(chromium, NARROW)
        contexts.append(context)
        pages.append(page)
    first, second = pages
    await first.goto(f"{live_server}/events")
    await screenshot(first, "events-390")
    await first.get_by_role("link", name="Dementia Friends Information Session").click()
    await second.goto(f"{live_server}/events/{session}")  # both see the last place
    await screenshot(first, "event-390")
    for page, name in ((first, "Rita Resident"), (second, "Sam Second")):
        await page.get_by_label("Your name").fill(name)
        await page.get_by_label("Email address").fill(f"{name.split()[0].lower()}@example.org")
    await first.get_by_role("button", name="Book my place").click()
    await first.get_by_role("heading", name="Your place is booked").wait_for()
    await second.get_by_role("button", name="Book my place").click()
    await second.get_by_role("heading", name="This session is now full").wait_for()
    assert await second.get_by_label("Your name").input_value() == "Sam Second"
    await screenshot(second, "event-full-390")
    await second.get_by_role("button", name="Join the waiting list").click()
    await second.get_by_role("heading", name="You are on the waiting list").wait_for()
    statuses = {r["name"]: r["status"] for r in await Booking.select(Booking.name, Booking.status)}
    assert statuses == {"Rita Resident": "booked", "Sam Second": "waiting"}
    for context in contexts:
        await context.close()


async def _wc() -> int:
    from schema.tables import Footprint

    return (await Footprint.select(Footprint.id).where(Footprint.code == "WC").first())["id"]


@pytest.mark.parametrize("viewport", [NARROW, DESK], ids=["390", "1280"])
async def test_attendance_is_recorded_and_the_friends_total_rises_by_exactly_that(
    chromium, live_server, viewport
):
    session = await publish_upcoming(days=-0.05, capacity=5)
    rows = await Booking.insert(
        Booking(session=session, name="Ann Attended", email="ann@example.org"),
        Booking(session=session, name="Bob Absent", email="bob@example.org"),
    ).returning(Booking.id)
    user = await f.user("coordinator")
    js = viewport is DESK  # at 390 px without JavaScript; axe-core needs it, at 1280 px
    context, page = await _tab(chromium, viewport, js=js)
    await add_session(context, live_server, user.email)
    before = await friends(live_server)
    await page.goto(f"{live_server}/console/upcoming/{session}/bookings")
    if js:
        assert await axe_violations(page) == []
    await screenshot(page, f"bookings-{viewport['width']}")
    await page.get_by_label("Ann Attended came").check()
    await page.get_by_label("How many came without booking?").fill("2")
    await page.get_by_role("button", name="Save who came").click()
    await page.get_by_text("Saved. Everyone who came counts as a Friend.").wait_for()
    assert await friends(live_server) == before + 3
    assert rows[0]["id"] != rows[1]["id"]
    await page.goto(f"{live_server}/events")
    await screenshot(page, f"events-{viewport['width']}-after")
    await context.close()


@pytest.mark.parametrize("viewport", [NARROW, DESK], ids=["390", "1280"])
async def test_the_pages_pass_axe_core(chromium, live_server, viewport):
    """axe-core runs JavaScript, so the pages are checked here with it on: the list, a
    session's page, and its form with every error shown."""
    await f.footprint("WC", "Wigan Central")
    session = await publish_upcoming(
        capacity=12, footprint=await _wc(), accessibility="Step-free; hearing loop"
    )
    context, page = await _tab(chromium, viewport, js=True)
    width = viewport["width"]
    await page.goto(f"{live_server}/events")
    assert await axe_violations(page) == []
    await screenshot(page, f"events-{width}")
    await page.goto(f"{live_server}/events/{session}")
    assert await axe_violations(page) == []
    await screenshot(page, f"event-{width}")
    await page.get_by_role("button", name="Book my place").click()
    await page.get_by_role("heading", name="There is a problem").wait_for()
    assert await axe_violations(page) == []
    await screenshot(page, f"event-errors-{width}")
    await context.close()
