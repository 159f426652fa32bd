"""Importing the postcode lookup in real headless Chromium: choose what the file holds,
keep the columns guessed and the whole-lookup replacement, see the preview (added,
changed, removed, problems), import, and read what the lookups hold now; at 1280 px and
390 px, axe-core on each page."""

from __future__ import annotations

from schema import tables as t
from tests.helpers.browser import axe_violations, screenshot
from tests.helpers.imports import FILES

PHONE = {"width": 390, "height": 844}


async def both_sizes(page, name: str) -> None:
    """axe-core and a screenshot at the desk's size and a phone's, nothing cut off."""
    for size, label in (({"width": 1280, "height": 900}, "desk"), (PHONE, "phone")):
        await page.set_viewport_size(size)
        assert await axe_violations(page) == [], (name, label)
        wide = await page.evaluate("document.documentElement.scrollWidth")
        assert wide <= size["width"], (name, label, wide)
        await screenshot(page, f"{name}-{label}")
    await page.set_viewport_size({"width": 1280, "height": 900})


async def test_a_coordinator_replaces_the_postcode_lookup(desk, live_server):
    await t.PostcodeArea.insert(t.PostcodeArea(postcode="WN99ZZ", lsoa="E01000099"))
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/import")
    await page.get_by_label("Postcodes and their LSOAs (the postcode lookup)").check()
    await page.get_by_label("Spreadsheet file").set_input_files(str(FILES / "postcodes.csv"))
    await page.get_by_role("button", name="Upload and choose columns").click()
    await page.get_by_role("heading", name="Choose what each column holds").wait_for()
    assert await page.get_by_label("pcds").input_value() == "postcode"
    assert await page.get_by_label("lsoa21cd").input_value() == "lsoa"
    assert await page.get_by_label("Replace the whole lookup", exact=False).is_checked()
    await both_sizes(page, "console-import-lookup-columns")

    await page.get_by_role("button", name="Preview the import").click()
    await page.get_by_role("heading", name="Check before importing").wait_for()
    main = " ".join((await page.locator("main").inner_text()).split())
    assert "5 new postcodes to add" in main and "1 postcode not in the file to remove" in main
    assert "Replaces the whole lookup" in main
    problems = page.get_by_role("table", name="Problems by row of the spreadsheet")
    assert "Row 7: the postcode 'NOT A POSTCODE' is not a UK postcode" in (
        await problems.inner_text()
    )
    await both_sizes(page, "console-import-lookup-preview")

    await page.get_by_role("button", name="Import 6 rows").click()
    await page.get_by_role("heading", name="What the lookups hold now").wait_for()
    main = " ".join((await page.locator("main").inner_text()).split())
    assert "5 postcodes, each with its LSOA" in main
    assert "0 of the postcodes can be placed in a deprivation quintile" in main
    await both_sizes(page, "console-import-lookup-done")
