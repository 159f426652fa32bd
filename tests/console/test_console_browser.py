"""The console in real headless Chromium: its frame (menu, layout) passes axe-core."""

from __future__ import annotations

from tests.helpers.browser import axe_violations, screenshot


async def test_the_console_frame_is_accessible_for_an_admin(desk, live_server):
    page = await desk("admin")
    await page.goto(f"{live_server}/console/")
    nav = page.get_by_role("navigation", name="Console")
    await nav.get_by_role("link", name="Audit log").wait_for()
    assert await nav.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
    await screenshot(page, "console-frame")
    assert await axe_violations(page) == []


async def test_the_widget_builder_previews_and_passes_axe(desk, live_server):
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/widget")
    await page.get_by_label("Light text on black").check()
    await page.get_by_role("button", name="Show the code").click()
    await page.wait_for_url("**/console/widget?*theme=dark*")
    assert 'data-theme="dark"' in await page.get_by_label("For most web pages").input_value()
    preview = page.frame_locator("iframe.preview")
    await preview.get_by_role("heading", level=1).wait_for()
    await screenshot(page, "console-widget-builder")
    assert await axe_violations(page) == []
