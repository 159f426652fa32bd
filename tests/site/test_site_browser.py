"""The pages about the service in Chromium, at phone and desk sizes: the footer on every
page, the accessibility statement and the sign-in page pass axe-core, with no console
error (the autouse console_errors fixture) and the pages' own Content-Security-Policy."""

from __future__ import annotations

from tests.helpers.browser import axe_violations, screenshot


async def test_the_footer_and_the_accessibility_statement_read_well(chromium, live_server):
    context = await chromium.new_context(locale="en-GB")
    page = await context.new_page()
    for width in (390, 1280):
        await page.set_viewport_size({"width": width, "height": 800})
        for path, name in (("/accessibility", "accessibility"), ("/sign-in", "sign-in")):
            await page.goto(f"{live_server}{path}")
            footer = page.locator("footer")
            assert "Run by " in await footer.inner_text()
            await footer.get_by_role("link", name="Accessibility statement").wait_for()
            # Nothing scrolls sideways.
            assert await page.evaluate(
                "() => document.documentElement.scrollWidth <= window.innerWidth"
            )
            assert await axe_violations(page) == [], (path, width)
            await screenshot(page, f"{name}-{width}")
    await page.goto(f"{live_server}/sign-in")
    await page.locator("footer").get_by_role("link", name="Accessibility statement").click()
    await page.wait_for_url("**/accessibility")
    assert await page.get_by_role("heading", level=2, name="Enforcement procedure").is_visible()
    await context.close()


async def test_htmx_adds_no_inline_style_and_its_indicator_rules_come_from_our_css(
    chromium, live_server
):
    """htmx's own inline indicator style would be refused by the CSP (a console error on
    every page); ours hides an indicator until its request runs."""
    context = await chromium.new_context(locale="en-GB")
    page = await context.new_page()
    await page.goto(f"{live_server}/sign-in")
    await page.wait_for_function("() => window.htmx")
    assert await page.evaluate("() => document.querySelectorAll('style').length") == 0
    opacity = await page.evaluate(
        "() => { const e = document.createElement('span'); e.className = 'htmx-indicator';"
        " document.body.append(e); const hidden = getComputedStyle(e).opacity;"
        " document.body.classList.add('htmx-request');"
        " return [hidden, getComputedStyle(e).opacity]; }"
    )
    assert opacity[0] == "0"
    await context.close()
