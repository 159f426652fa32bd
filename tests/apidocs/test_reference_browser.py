"""The API reference in real headless Chromium, on a phone (390 px) and at a desk (1280 px):
it passes axe-core, nothing scrolls sideways, and its contents lead to each section."""

from __future__ import annotations

import pytest

from tests.helpers.browser import ARTIFACTS, axe_violations, screenshot

SIZES = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}
WIDE = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize("width", SIZES)
async def test_the_reference_reads_well_at_both_widths(chromium, live_server, width):
    context = await chromium.new_context(viewport=SIZES[width], locale="en-GB")
    errors: list[str] = []
    try:
        page = await context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        await page.goto(f"{live_server}/schema")
        await page.get_by_role("heading", level=1, name="API reference").wait_for()
        assert await page.evaluate(WIDE) is False
        await (
            page.get_by_role("navigation", name="Contents")
            .get_by_role("link", name="People")
            .click()
        )
        await page.wait_for_url("**/schema#people")
        batch = page.get_by_role("heading", level=3, name="POST /api/activities/batch")
        assert await batch.count() == 1
        await screenshot(page, f"api-reference-{width}")
        # "What the answers hold": each field of a body says what it is, with an example.
        person = page.locator("#shape-person").locator("xpath=..")
        await person.scroll_into_view_if_needed()
        year = person.get_by_role("row").filter(has_text="year_of_birth")
        assert await year.get_by_text("The year they were born").is_visible()
        assert await year.get_by_text("1984").is_visible()
        assert await page.evaluate(WIDE) is False
        await person.screenshot(path=str(ARTIFACTS / "screenshots" / f"api-answers-{width}.png"))
        assert await axe_violations(page) == []
        assert errors == []
    finally:
        await context.close()
