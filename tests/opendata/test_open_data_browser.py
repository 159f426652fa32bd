"""The open data page with its tables of where and who, in real headless Chromium at a
phone's width and a desk's: axe-core finds nothing, and nothing is cut off."""

from __future__ import annotations

from datetime import date

from server.db import note_write
from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, screenshot


async def test_the_open_data_page_reads_well_at_both_widths(phone, live_server):
    north = await f.footprint("N", "North")
    health = await f.programme_id("health-champions")
    rows = [{"programme": health, "kind": "event", "occurred_on": date(2026, 10, 5),
             "footprint": north, "setting": "home", "people_reached": 3}] * 6  # fmt: skip
    await f.activities(*rows, {**rows[0], "setting": "online"}, counted=True)
    note_write()
    for width, height in ((390, 844), (1280, 900)):
        await phone.set_viewport_size({"width": width, "height": height})
        await phone.goto(f"{live_server}/open-data")
        await phone.get_by_role("heading", name="Activities by setting").wait_for()
        table = phone.get_by_role("region", name="Activities by setting")
        text = " ".join((await table.inner_text()).split())
        assert "Home 6 18" not in text and "not shown" in text  # 1 online, so home goes too
        assert await axe_violations(phone) == []
        assert await phone.evaluate("document.documentElement.scrollWidth") <= width
        await screenshot(phone, f"open-data-breakdowns-{width}")
