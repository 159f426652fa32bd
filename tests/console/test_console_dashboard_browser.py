"""The dashboard and the quarterly report in real headless Chromium: the filters change the
numbers and the address in place (htmx), and both pages pass axe-core."""

from __future__ import annotations

from tests.helpers.browser import axe_violations, screenshot
from tests.helpers.dashboard import movement


async def _rows(page, table: str) -> list[str]:
    return await page.locator(f"#{table} tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.code ?? r.dataset.slug)"
    )


async def test_the_filters_change_the_numbers_and_the_address(desk, live_server):
    await movement()
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/")
    await page.wait_for_function("() => window.htmx !== undefined")
    assert await _rows(page, "areas-table") == ["LE", "WC", ""]
    whole = await page.locator("#headline-title + .figures .value").first.inner_text()
    await screenshot(page, "console-dashboard")
    assert await axe_violations(page) == []

    await page.evaluate("() => { window.notReloaded = true; }")  # gone if the page reloads
    await page.select_option("#footprint", "LE")
    await page.click("#show")
    await page.wait_for_url("**/console/?*footprint=LE*")
    await page.locator("#areas-table tbody tr").first.wait_for()
    assert await _rows(page, "areas-table") == ["LE"]
    leigh = await page.locator("#headline-title + .figures .value").first.inner_text()
    # Ann, Bob, Cat and 35 Friends at sessions, 180 counted elsewhere; in Leigh Bob and 130.
    assert (whole, leigh) == ("218", "131")
    assert await page.evaluate("() => window.notReloaded === true")  # swapped in place

    # A mistake: the message beside the field, the address unchanged, nothing reloaded.
    for name, (day, month, year) in (("since", "1 6 2025".split()), ("until", "1 1 2025".split())):
        await page.fill(f"#{name}-day", day)
        await page.fill(f"#{name}-month", month)
        await page.fill(f"#{name}-year", year)
    await page.click("#show")
    await page.locator("#until-error").wait_for()
    assert "on or after the first date" in await page.locator("#until-error").inner_text()
    assert await page.locator("#areas-table").count() == 0
    assert await page.evaluate("() => window.notReloaded === true")
    assert await axe_violations(page) == []

    # The address can be shared: opened afresh, it shows the same view.
    await page.goto(f"{live_server}/console/?footprint=LE")
    assert await _rows(page, "areas-table") == ["LE"]


async def test_the_quarterly_report_is_accessible(desk, live_server):
    await movement()
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/report?quarter=2025-Q1")
    await page.locator("#report-programmes").wait_for()
    await screenshot(page, "console-report")
    assert await axe_violations(page) == []
    await page.emulate_media(media="print")
    assert await page.locator(".console-nav").is_hidden()
    assert await page.locator("form.filters").is_hidden()
    await screenshot(page, "console-report-print")
