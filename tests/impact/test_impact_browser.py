"""The impact sections (issue 16) in real headless Chromium with the demo's data, as a
coordinator sees them: the dashboard and the quarterly report at a desk (1280 px) and on a
phone (390 px), axe-clean, nothing wider than the page (wide tables scroll in their own
box), and the report's social value estimate with its demo rate."""

from __future__ import annotations

from server.demo import load_demo
from tests.helpers import factories as f
from tests.helpers.browser import ARTIFACTS, add_session, axe_violations, screenshot

SCALE = 0.05  # about 150 people and 3,000 activities
SIZES = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SECTIONS = ("settings", "topics", "deprivation", "signposting")
WIDE = """() => ({
  scroll: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > document.documentElement.clientWidth + 1
      && !el.closest('.scroll');
  }).slice(0, 5).map(el => el.tagName + ': ' + (el.textContent || '').slice(0, 40)),
})"""


async def test_the_impact_sections_read_well_at_a_desk_and_on_a_phone(chromium, live_server):
    await load_demo(SCALE)
    user = await f.user("coordinator")
    for name, viewport in SIZES.items():
        context = await chromium.new_context(viewport=viewport, locale="en-GB")
        context.set_default_timeout(10_000)
        await add_session(context, live_server, user.email)
        page = await context.new_page()
        errors: list[str] = []

        def note(message, errors=errors):
            if message.type == "error":
                errors.append(message.text)

        page.on("console", note)

        await page.goto(f"{live_server}/console/")
        for section in SECTIONS:
            await page.locator(f"#{section}-title").wait_for()
            assert await page.locator(f"#{section}-table").count() == 1, section
        # The demo's lookups place most postcodes: every quintile has people in it.
        people = await page.locator("#deprivation-table tbody tr td:nth-child(2)").all_inner_texts()
        assert len(people) == 6 and all(cell != "0" for cell in people), people
        assert "The council's lookups place" in await page.locator("#lookups").inner_text()
        await screenshot(page, f"impact-dashboard-{name}")
        for section in SECTIONS:  # each section on its own, to look at closely
            await page.locator(f"section:has(#{section}-title)").screenshot(
                path=str(ARTIFACTS / "screenshots" / f"impact-{section}-{name}.png")
            )
        assert await page.evaluate(WIDE) == {"scroll": viewport["width"], "wide": []}
        assert await axe_violations(page) == []

        await page.goto(f"{live_server}/console/report")
        await page.locator("#social-value").wait_for()
        assert await page.locator("#report-signposting-table").count() == 1
        about = await page.locator("#social-value-about").inner_text()
        assert about.startswith("about £")
        method = await page.locator("#social-value-method").inner_text()
        assert " hours × £15.00 an hour = £" in method
        assert "Demo figure, made up" in await page.locator("#social-value-source").inner_text()
        await screenshot(page, f"impact-report-{name}")
        await page.locator("#social-value").screenshot(
            path=str(ARTIFACTS / "screenshots" / f"impact-social-value-{name}.png")
        )
        assert await page.evaluate(WIDE) == {"scroll": viewport["width"], "wide": []}
        assert await axe_violations(page) == []
        if name == "desk":
            await page.emulate_media(media="print")
            await screenshot(page, "impact-report-print")
        assert errors == []
        await context.close()

    # An admin changes the rate on a phone: a mistake is shown beside the field, then saved.
    admin = await f.user("admin")
    context = await chromium.new_context(viewport=SIZES["phone"], locale="en-GB")
    context.set_default_timeout(10_000)
    await add_session(context, live_server, admin.email)
    page = await context.new_page()
    await page.goto(f"{live_server}/console/admin/social-value")
    assert await page.input_value("#rate") == "15.00"
    await page.fill("#rate", "12.505")
    await page.get_by_role("button", name="Save the rate").click()
    await page.locator("#rate-error").wait_for()
    assert "nearest penny" in await page.locator("#rate-error").inner_text()
    assert await page.input_value("#rate") == "12.505"
    await screenshot(page, "impact-rate-error-phone")
    assert await axe_violations(page) == []
    await page.fill("#rate", "12.50")
    await page.get_by_role("button", name="Save the rate").click()
    await page.get_by_text("Saved. The quarterly report uses it now.").wait_for()
    await context.close()
