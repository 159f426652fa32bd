"""The console's list of people in real headless Chromium: on a phone (390 px) each person
is a card of their own, with each field's heading, not a table to scroll sideways; at a
desk (1280 px) it is a table. Either way its pages can be turned."""

from __future__ import annotations

from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, screenshot

PHONE_390 = {"width": 390, "height": 844}
DESK_1280 = {"width": 1280, "height": 900}
ROW = """() => {
  const box = document.querySelector('.scroll');
  const cell = document.querySelector('table.cards tbody td[data-label="Programmes"]');
  return {
    overflows: box.scrollWidth > box.clientWidth + 1,
    display: getComputedStyle(cell).display,
    heading: getComputedStyle(cell, '::before').content,
    columnHeadings: document.querySelector('table.cards thead').getBoundingClientRect().height,
  };
}"""


async def _people(count: int) -> None:
    await f.footprint("WC", "Wigan Central")
    for n in range(count):
        pid = await f.person(f"Bartholomew Featherstonehaugh-Montgomery {n:02d}",
                             email=f"a.very.long.address.{n}@example.org")  # fmt: skip
        await f.join(pid, "health-champions")
        await f.join(pid, "dementia-friends")


async def test_on_a_phone_each_person_is_a_card_and_the_pages_turn(tab, live_server):
    await _people(30)  # more than one page
    page = await tab(PHONE_390, "coordinator")
    await page.goto(f"{live_server}/console/people")
    seen = await page.evaluate(ROW)
    assert seen["overflows"] is False  # nothing to scroll sideways
    assert seen["display"] == "block"
    assert seen["heading"] == '"Programmes: "'
    assert seen["columnHeadings"] <= 1  # hidden from sight, still read out
    await screenshot(page, "console-people-cards-390")
    assert await axe_violations(page) == []
    await page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next page").click()
    await page.get_by_text("People found, page 2 of 2").wait_for()  # 25 a page
    assert await page.get_by_role("link", name="Previous page").is_visible()
    assert page.errors == []


async def test_at_a_desk_the_people_are_a_table(tab, live_server):
    await _people(3)
    page = await tab(DESK_1280, "coordinator")
    await page.goto(f"{live_server}/console/people")
    seen = await page.evaluate(ROW)
    assert seen["display"] == "table-cell"
    assert seen["heading"] == "none"
    assert seen["columnHeadings"] > 20
    assert await page.get_by_role("columnheader", name="Programmes").is_visible()
    await screenshot(page, "console-people-table-1280")
    assert page.errors == []
