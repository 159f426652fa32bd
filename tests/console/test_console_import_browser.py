"""Importing a spreadsheet in real headless Chromium: upload, choose columns, preview with
its problems, import, watch the progress reach the end; axe-core on every step's page."""

from __future__ import annotations

from tests.helpers.browser import axe_violations, screenshot
from tests.helpers.imports import FILES, areas


async def test_a_coordinator_imports_a_spreadsheet_from_file_to_saved(desk, live_server):
    await areas()
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/import")
    assert await axe_violations(page) == []
    await screenshot(page, "console-import-upload")

    await page.get_by_label("Spreadsheet file").set_input_files(
        str(FILES / "champions-register.csv")
    )
    await page.get_by_role("button", name="Upload and choose columns").click()
    await page.get_by_role("heading", name="Choose what each column holds").wait_for()
    assert await page.get_by_label("Ward/Area").input_value() == "footprint"
    assert await page.get_by_label("Notes").input_value() == ""  # ignored
    assert await axe_violations(page) == []
    await screenshot(page, "console-import-columns")

    await page.get_by_role("button", name="Preview the import").click()
    await page.get_by_role("heading", name="Check before importing").wait_for()
    problems = page.get_by_role("table", name="Problems by row of the spreadsheet")
    assert "Row 7: the date of birth '31/02/1990' is not a real date." in (
        await problems.inner_text()
    )
    assert await axe_violations(page) == []
    await screenshot(page, "console-import-preview")

    await page.get_by_role("button", name="Import 3 rows").click()
    await page.get_by_text("Imported 3 rows. 2 with problems were skipped.").wait_for()
    assert await page.locator("progress").get_attribute("value") == "5"
    shown = " ".join((await page.locator("main").inner_text()).split())
    assert "3 new people added" in shown and "3 training records added" in shown
    assert await axe_violations(page) == []
    await screenshot(page, "console-import-done")

    await page.get_by_role("link", name="Import another file").click()
    history = page.get_by_role("region", name="Past imports")
    assert "champions-register.csv" in await history.inner_text()
