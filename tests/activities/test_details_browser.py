"""In Chromium at 390 px, with the pages' Content-Security-Policy: a champion logs a
signpost with "More details" (the service shown only for signposting), then says from My
activities that the person went; axe-core finds nothing on either page. At 1280 px a
coordinator's topics list and the activity's console page are checked too."""

from __future__ import annotations

import pytest

from schema.tables import Activity, Service
from tests.helpers import factories as f
from tests.helpers.browser import add_session, axe_violations, screenshot

pytestmark = pytest.mark.browser
PHONE_390 = {"width": 390, "height": 844}
DESK_1280 = {"width": 1280, "height": 900}


async def _page(chromium, live_server, viewport, email):
    context = await chromium.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(10_000)
    await add_session(context, live_server, email)
    return context, await context.new_page()


async def test_a_signpost_with_more_details_then_whether_they_went(chromium, live_server):
    await f.footprint("WC", "Wigan Central")
    await Service.insert(Service(name="Stop Smoking Wigan"), Service(name="Leigh Health Checks"))
    champion = await f.user("champion", name="Asha Patel")
    await f.join(champion.person_id, "health-champions")
    context, page = await _page(chromium, live_server, PHONE_390, champion.email)
    try:
        await page.goto(f"{live_server}/log")
        details = page.locator("details#more-details")
        service = page.get_by_label("Which service did you signpost them to?")
        assert not await details.evaluate("d => d.open")  # closed: logging stays quick
        await page.get_by_label("A conversation").check()
        await details.locator("summary").click()
        assert await service.is_hidden()  # only for signposting
        await page.get_by_label("Signposting someone to a service").check()
        assert await service.is_visible()
        await page.get_by_label("How many people did it reach?").fill("1")
        await page.get_by_label("What kind of place was it?").select_option("gp-practice")
        await page.get_by_label("Smoking").check()
        await page.get_by_label("Postcode of the place").fill("wn1 1aa")
        await service.select_option(label="Stop Smoking Wigan")
        await screenshot(page, "log-more-details-390")
        assert await axe_violations(page) == []
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url(f"{live_server}/activities?saved=1")
        text = await page.locator("main").inner_text()
        assert "GP practice: Smoking" in text and "Signposted to Stop Smoking Wigan." in text
        row = await Activity.select(Activity.postcode, Activity.service).first()
        assert row["postcode"] == "WN1 1AA" and row["service"] is not None

        await page.get_by_role("link", name="Add whether they went").click()
        assert await page.get_by_role("heading", level=1).inner_text() == "Did they go?"
        assert await axe_violations(page) == []
        await page.get_by_label("Yes, they went").check()
        await screenshot(page, "take-up-390")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url(f"{live_server}/activities?saved=take-up")
        text = await page.locator("main").inner_text()
        assert "Saved. Thank you for following it up!" in text and "Did they go? Yes." in text
        await screenshot(page, "my-activities-take-up-390")
        assert await axe_violations(page) == []
    finally:
        await context.close()

    coordinator = await f.user("coordinator", name="Cora Ordinator")
    context, page = await _page(chromium, live_server, DESK_1280, coordinator.email)
    try:
        await page.goto(f"{live_server}/console/topics")
        assert await page.get_by_role("heading", level=1).inner_text() == "Topics"
        await screenshot(page, "console-topics-1280")
        assert await axe_violations(page) == []
        activity = (await Activity.select(Activity.id).first())["id"]
        await page.goto(f"{live_server}/console/activities/{activity}")
        text = await page.locator("main").inner_text()
        assert "Did they go?\nYes" in text or "Did they go? Yes" in text
        await screenshot(page, "console-activity-1280")
        assert await axe_violations(page) == []
    finally:
        await context.close()
