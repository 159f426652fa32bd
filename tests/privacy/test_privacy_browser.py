"""In real Chromium: "everything we hold about you" read on a phone (390 px) and a desk
(1280 px), the privacy notice, and its settings page; axe-core on each, no sideways
scrolling on the phone. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import httpx

from tests.helpers import factories as f
from tests.helpers.browser import ARTIFACTS, axe_violations, screenshot, session_cookie_for

PHONE_390 = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SHOTS = ARTIFACTS / "screenshots"


async def a_champion_with_records(live_server: str) -> str:
    await f.footprint("WC", "Wigan Central")
    user = await f.user("champion", email="margaret.hill@example.org", name="Margaret Hill",
                        phone="01942 404 040", postcode="WN1 3BB", year_of_birth=1955)  # fmt: skip
    await f.join(user.person_id, "health-champions")
    async with httpx.AsyncClient(base_url=live_server, headers=user.headers) as api:
        for reached, note in ((25, "Stall at the church coffee morning"), (4, "")):
            answer = await api.post("/api/activities", json={
                "programme": "health-champions", "kind": "event", "people_reached": reached,
                "minutes": 90, "footprint": "WC", "note": note})  # fmt: skip
            assert answer.status_code == 201, answer.text
        story = await api.post("/api/stories", json={
            "programme": "health-champions", "consent_to_publish": True,
            "text": "I put bowel cancer leaflets in the toilets at church."})  # fmt: skip
        assert story.status_code == 201
    return await session_cookie_for(user.email)


async def test_everything_we_hold_reads_well_on_a_phone_and_a_desk(chromium, live_server):
    cookie = await a_champion_with_records(live_server)
    problems = {}
    for name, viewport in (("390", PHONE_390), ("1280", DESK)):
        context = await chromium.new_context(viewport=viewport, locale="en-GB", bypass_csp=True)
        await context.add_cookies([{"name": "movement_session", "value": cookie,
                                    "url": live_server}])  # fmt: skip
        page = await context.new_page()
        await page.goto(f"{live_server}/my-data/all")
        assert await page.locator("h1").inner_text() == "Everything we hold about you"
        assert await page.get_by_text("Stall at the church coffee morning").is_visible()
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"scrolls sideways at {name} px"
        if name == "390":  # each activity is a card of label and value
            label = await page.locator("#activities ~ table td").first.evaluate(
                "td => getComputedStyle(td, '::before').content")  # fmt: skip
            assert label == '"Date"'
        await screenshot(page, f"my-data-all-{name}")
        for part in ("activities", "audit_events"):  # a screenful each, to look at closely
            await page.locator(f"#{part}").scroll_into_view_if_needed()
            await page.screenshot(path=str(SHOTS / f"my-data-all-{name}-{part}.png"))
        await page.goto(f"{live_server}/my-data")
        await screenshot(page, f"my-data-{name}")
        problems[name] = await axe_violations(page)
        await page.goto(f"{live_server}/my-data/all")
        problems[f"all-{name}"] = await axe_violations(page)
        await page.goto(f"{live_server}/privacy")
        await screenshot(page, f"privacy-{name}")
        problems[f"privacy-{name}"] = await axe_violations(page)
        await context.close()
    assert not any(problems.values()), problems


async def test_the_notice_settings_page_passes_axe(desk, live_server):
    page = await desk("admin")
    await page.goto(f"{live_server}/console/admin/privacy")
    await page.get_by_label("The council's name").fill("Wigan Council")
    await page.get_by_role("button", name="Save the notice").click()
    assert await page.get_by_text("Saved.").is_visible()
    await screenshot(page, "console-privacy-notice")
    assert await axe_violations(page) == []
    await page.goto(f"{live_server}/privacy")
    assert await page.get_by_text("Wigan Council runs this app").is_visible()
