"""/join in real Chromium against `movement serve`, at phone and desk widths: with
JavaScript off, every problem shown at once, then the thank-you page; axe-core on each page
with JavaScript on (axe itself is JavaScript: it cannot run in a tab without it)."""

from __future__ import annotations

import pytest

from schema.tables import Application
from tests.helpers.browser import axe_violations, screenshot

pytestmark = pytest.mark.browser


async def _check(page, name: str) -> None:
    assert await axe_violations(page) == [], name
    await screenshot(page, name)


@pytest.mark.parametrize("width", [390, 1280])
async def test_the_join_pages_pass_axe(chromium, live_server, width):
    context = await chromium.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        page = await context.new_page()
        await page.goto(f"{live_server}/join")
        await _check(page, f"join-{width}")
        await page.get_by_role("button", name="Send my application").click()
        await page.get_by_role("heading", name="There is a problem").wait_for()
        await _check(page, f"join-errors-{width}")
        await page.goto(f"{live_server}/join/thanks")
        await _check(page, f"join-thanks-{width}")
    finally:
        await context.close()


@pytest.mark.parametrize("width", [390, 1280])
async def test_a_resident_joins_without_javascript(chromium, live_server, width):
    context = await chromium.new_context(
        viewport={"width": width, "height": 900}, locale="en-GB", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    try:
        page = await context.new_page()
        await page.goto(f"{live_server}/join")
        await page.get_by_role("button", name="Send my application").click()
        await page.get_by_role("heading", name="There is a problem").wait_for()
        summary = await page.locator(".error-summary").inner_text()
        assert "Enter your name." in summary and "Choose at least one programme" in summary
        await page.get_by_label("Your full name").fill(f"Rosa Lee {width}")
        await page.get_by_label("Email address").first.fill(f"rosa{width}@example.org")
        await page.get_by_label("Postcode").fill("WN1 1AA")
        await page.get_by_label("Year of birth").fill("1979")
        await page.get_by_label("Heart Champions").check()
        await page.get_by_label("Not sure").check()
        await page.get_by_label("I agree that the Health Movement team may contact me").check()
        await page.get_by_role("button", name="Send my application").click()
        heading = await page.get_by_role("heading", level=1).inner_text()
        assert heading == "Thank you: we have your application"
        await screenshot(page, f"join-thanks-nojs-{width}")
    finally:
        await context.close()
    assert await Application.count().where(Application.name == f"Rosa Lee {width}") == 1
