"""The console in real headless Chromium: its frame (menu, layout) passes axe-core."""

from __future__ import annotations

from tests.browser import axe_violations, screenshot


async def test_the_console_frame_is_accessible_for_an_admin(desk, live_server):
    page = await desk("admin")
    await page.goto(f"{live_server}/console/")
    nav = page.get_by_role("navigation", name="Console")
    await nav.get_by_role("link", name="Audit log").wait_for()
    assert await nav.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
    await screenshot(page, "console-frame")
    assert await axe_violations(page) == []
