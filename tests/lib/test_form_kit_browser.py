"""The form kit in real headless Chromium, at phone and desk widths: radios show a circle
and checkboxes a box before anything is chosen (GOV.UK's 40 px controls), keyboard focus
shows the yellow ring, the error summary takes focus and each of its links focuses its
field (with JavaScript) or lands on it (without), dates and time go in boxes; axe-core
finds nothing and no page logs a console error."""

from __future__ import annotations

import pytest

from tests.helpers import factories as f
from tests.helpers.browser import PHONE, axe_violations, screenshot
from tests.helpers.forms_browser import WIDTHS, pseudo

YELLOW = "rgb(255, 221, 0)"


async def _checked_clean(page, name: str) -> None:
    await screenshot(page, name)
    assert await axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
async def test_radios_show_a_circle_and_checkboxes_a_box_before_anything_is_chosen(
    tab, live_server, width
):
    page = await tab(WIDTHS[width])
    await page.goto(f"{live_server}/log")
    first = "label[for=kind-conversation]"
    assert await pseudo(page, first, "::before", "width") == "40px"
    assert await pseudo(page, first, "::before", "height") == "40px"
    assert await pseudo(page, first, "::before", "border-top-width") == "2px"
    assert await pseudo(page, first, "::before", "border-radius") == "50%"
    assert await pseudo(page, first, "::after", "opacity") == "0"  # no dot yet
    # The real input sits over the circle as a 44 px touch target, invisible.
    box = await page.locator("#kind-conversation").bounding_box()
    assert (box["width"], box["height"]) == (44, 44)
    opacity = await page.locator("#kind-conversation").evaluate("e => getComputedStyle(e).opacity")
    assert opacity == "0"
    # The circle is drawn: pixels inside its ring are dark, its middle is white.
    item = await page.locator(".radios__item").first.screenshot()
    assert await _dark(page, item, 3, 22) and not await _dark(page, item, 22, 22)
    await page.get_by_label("A conversation").check()
    assert await pseudo(page, first, "::after", "opacity") == "1"
    item = await page.locator(".radios__item").first.screenshot()
    assert await _dark(page, item, 22, 22)  # the dot
    await page.get_by_label("Minutes").fill("45")
    await _checked_clean(page, f"form-kit-log-{width}")

    await page.goto(f"{live_server}/stories/new")
    box_label = ".checkboxes__label"
    assert await pseudo(page, box_label, "::before", "width") == "40px"
    assert await pseudo(page, box_label, "::before", "border-radius") == "0px"
    assert await pseudo(page, box_label, "::after", "opacity") == "0"
    await _checked_clean(page, f"form-kit-story-{width}")
    await page.get_by_label("Yes, the council may publish my story").check()
    assert await pseudo(page, box_label, "::after", "opacity") == "1"

    await page.goto(f"{live_server}/my-data")
    assert await pseudo(page, "label[for=confirm-yes]", "::before", "width") == "40px"
    await page.get_by_role("button", name="Delete my account").click()
    assert await page.evaluate("document.activeElement.className") == "error-summary"
    await _checked_clean(page, f"form-kit-my-data-error-{width}")
    assert page.errors == []


async def _dark(page, png: bytes, x: int, y: int) -> bool:
    """Whether the pixel at (x, y) of a screenshot is dark (read by the browser's canvas)."""
    import base64

    return await page.evaluate(
        """async ([src, x, y]) => {
          const img = new Image(); img.src = src; await img.decode();
          const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
          const g = c.getContext("2d"); g.drawImage(img, 0, 0);
          const [r, gr, b] = g.getImageData(x, y, 1, 1).data; return r + gr + b < 300;
        }""",
        [f"data:image/png;base64,{base64.b64encode(png).decode()}", x, y],
    )


async def test_keyboard_focus_shows_the_yellow_ring_on_a_radio_and_a_checkbox(tab, live_server):
    page = await tab(PHONE)
    await page.goto(f"{live_server}/log")
    for _ in range(40):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.id") == "kind-conversation":
            break
    ring = "label[for=kind-conversation]"
    assert YELLOW in await pseudo(page, ring, "::before", "box-shadow")
    assert await pseudo(page, ring, "::before", "border-top-width") == "4px"
    await screenshot(page, "form-kit-radio-focus-390")
    await page.goto(f"{live_server}/stories/new")
    await page.get_by_label("Your story").focus()
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "consent-yes"
    assert YELLOW in await pseudo(page, ".checkboxes__label", "::before", "box-shadow")
    assert page.errors == []


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_error_summary_takes_focus_and_each_link_focuses_its_field(
    tab, live_server, width
):
    page = await tab(WIDTHS[width])
    await page.goto(f"{live_server}/log")
    await page.get_by_label("Month").fill("")
    await page.get_by_label("Hours").fill("2")
    await page.get_by_label("Anything to add?").fill("Kept")
    await page.get_by_role("button", name="Save").click()
    await page.locator(".error-summary").wait_for()
    assert await page.evaluate("document.activeElement.className") == "error-summary"
    summary = await page.locator(".error-summary").inner_text()
    assert "The date it happened must include a month." in summary
    # Everything else is kept.
    assert await page.get_by_label("Hours").input_value() == "2"
    assert await page.get_by_label("Anything to add?").input_value() == "Kept"
    await _checked_clean(page, f"form-kit-log-errors-{width}")

    async def follow(text: str) -> str:
        await page.get_by_role("link", name=text).click()
        return await page.evaluate("document.activeElement.id")

    assert await follow("Choose what you did.") == "kind-conversation"  # the first radio
    legend = await page.locator("#kind legend").bounding_box()
    assert -2 < legend["y"] < WIDTHS[width]["height"] / 2  # its question in view
    assert await follow("The date it happened must include a month.") == "occurred_on-month"
    assert await follow("Enter the number of people reached.") == "people_reached"
    assert await page.locator("#kind").get_attribute("aria-describedby") == "kind-error"
    assert await page.locator("#people_reached").get_attribute("aria-invalid") == "true"
    assert page.errors == []


async def test_without_javascript_the_summary_links_still_land_on_their_fields(tab, live_server):
    page = await tab(PHONE, js=False)
    await page.goto(f"{live_server}/log")
    await page.get_by_label("Year").fill("26")
    await page.get_by_role("button", name="Save").click()
    links = page.locator(".error-summary a")
    assert await links.count() == 3
    for i in range(3):
        target = (await links.nth(i).get_attribute("href"))[1:]
        assert await page.locator(f"[id='{target}']").count() == 1
    await page.get_by_role("link", name="must have a year with 4 numbers").click()
    assert page.url.endswith("#occurred_on")
    assert await page.locator("#occurred_on-year").get_attribute("aria-invalid") == "true"
    assert await page.locator("#occurred_on-day").get_attribute("aria-invalid") is None


@pytest.mark.parametrize("width", WIDTHS)
async def test_console_forms_use_the_kit(tab, live_server, width):
    page = await tab(WIDTHS[width], role="admin")
    await page.goto(f"{live_server}/console/widget")
    small = "label[for=theme-light]"
    assert await pseudo(page, small, "::before", "width") == "24px"  # the dense variant
    assert await pseudo(page, small, "::before", "border-radius") == "50%"
    assert await pseudo(page, "label[for=compact]", "::before", "border-radius") == "0px"
    await _checked_clean(page, f"form-kit-console-widget-{width}")
    await page.goto(f"{live_server}/console/trainings/cohort")
    await page.get_by_label("Day").fill("31")
    await page.get_by_label("Month").fill("2")
    await page.get_by_label("Year").fill("2025")
    await page.get_by_role("button", name="Add the training").click()
    await page.locator(".error-summary").wait_for()
    assert (
        "The date it was completed must be a real date."
        in await page.locator(".error-summary").inner_text()
    )
    assert await page.get_by_label("Day").input_value() == "31"
    await page.get_by_role("link", name="must be a real date").click()
    assert await page.evaluate("document.activeElement.id") == "completed_on-day"
    await _checked_clean(page, f"form-kit-console-cohort-errors-{width}")
    assert page.errors == []


@pytest.mark.parametrize("width", WIDTHS)
async def test_every_console_form_with_dates_or_choices_passes_axe(tab, live_server, width):
    page = await tab(WIDTHS[width], role="admin")
    person = await f.person("Dee Hart")
    await f.join(person, "heart-champions")
    found = {}
    for path in (
        "/console/admin/users/new",
        "/console/admin/programmes/new",
        f"/console/people/{person}/memberships/new",
        f"/console/people/{person}/trainings/new",
        f"/console/people/{person}/edit",
        "/console/sessions/new",
        "/console/sessions/external/new",
    ):
        await page.goto(f"{live_server}{path}")
        name = path.strip("/").replace("/", "-").replace(str(person), "id")
        await screenshot(page, f"form-kit-{name}-{width}")
        problems = await axe_violations(page)
        if problems:
            found[path] = problems
        scroll = await page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= WIDTHS[width]["width"], (path, scroll)
    assert not found, found
    assert page.errors == []
