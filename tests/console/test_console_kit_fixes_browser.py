"""The console's last old controls, in real headless Chromium at phone and desk widths: the
"Run by" and organisation searches show the kit's radios (a circle, a dot when chosen, never
a solid green bar like the Save button), the date filters are day, month and year boxes
(never the browser's mm/dd/yyyy box), and the people list finds an organisation by search.
axe-core finds nothing and no page logs a console error."""

from __future__ import annotations

import pytest

from schema.tables import Organisation
from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, screenshot
from tests.helpers.forms_browser import WIDTHS, pseudo

GREEN_BAR = "rgb(0, 112, 60)"


async def _looks_like_the_kits_radio(page, label: str) -> None:
    assert await pseudo(page, label, "::before", "border-radius") == "50%"
    assert await pseudo(page, label, "::before", "width") == "40px"
    assert await pseudo(page, label, "::after", "opacity") == "1"  # the chosen one's dot
    background = await page.locator(label).evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgba(0, 0, 0, 0)", background  # no filled bar


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_searches_show_the_kits_radios(tab, live_server, width):  # noqa: F811
    page = await tab(WIDTHS[width], role="coordinator")
    runner = await f.person("Ruth Runner")
    await f.join(runner, "dementia-friends")
    await page.goto(f"{live_server}/console/sessions/new")
    await page.get_by_label("Find who ran it").press_sequentially("ruth", delay=30)
    await page.get_by_role("radio", name=f"Ruth Runner (#{runner})").check()
    await _looks_like_the_kits_radio(page, f"label[for=run_by-{runner}]")
    await screenshot(page, f"console-run-by-radios-{width}")
    assert await axe_violations(page) == []

    await Organisation.insert(Organisation(name="Leigh Library", kind="other", sector="voluntary"))
    await page.goto(f"{live_server}/console/people/new")
    await page.get_by_label("Find the organisation").press_sequentially("leigh", delay=30)
    await page.get_by_role("radio", name="Leigh Library").check()
    radio = page.get_by_role("radio", name="Leigh Library")
    await _looks_like_the_kits_radio(page, f"label[for={await radio.get_attribute('id')}]")
    await screenshot(page, f"console-organisation-radios-{width}")
    assert await axe_violations(page) == []
    assert page.errors == []


@pytest.mark.parametrize("width", WIDTHS)
async def test_date_filters_are_boxes_and_a_wrong_date_is_explained(tab, live_server, width):  # noqa: F811
    page = await tab(WIDTHS[width], role="admin")
    for path in ("/console/", "/console/sessions", "/console/sessions/external", "/console/audit"):
        await page.goto(f"{live_server}{path}")
        assert await page.locator("input[type=date]").count() == 0, path
        await page.locator("#since-day").fill("31")
        await page.locator("#since-month").fill("2")
        await page.locator("#since-year").fill("2025")
        await page.locator("form.filters button[type=submit]").first.click()
        await page.locator(".error-summary").wait_for()
        assert (
            "The first date must be a real date."
            in await page.locator(".error-summary").inner_text()
        )
        assert await page.locator("#since-day").input_value() == "31", path
        name = path.strip("/").replace("/", "-") or "dashboard"
        await screenshot(page, f"console-date-filter-error-{name}-{width}")
        assert await axe_violations(page) == [], path
        scroll = await page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= WIDTHS[width]["width"], (path, scroll)
    assert page.errors == []


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_people_list_finds_an_organisation_by_search(tab, live_server, width):  # noqa: F811
    page = await tab(WIDTHS[width], role="coordinator")
    org = (
        await Organisation.insert(
            Organisation(name="Leigh Library", kind="other", sector="voluntary")
        ).returning(Organisation.id)
    )[0]["id"]
    await f.person("Asha Reader", organisation=org)
    await f.person("Ben Elsewhere")
    await page.goto(f"{live_server}/console/people")
    assert await page.locator("select#organisation").count() == 0
    await page.get_by_label("Find the organisation").press_sequentially("leigh", delay=30)
    await page.get_by_role("radio", name="Leigh Library").check()
    await page.get_by_role("button", name="Find people").click()
    await page.get_by_text("1 person found.").wait_for()
    assert await page.get_by_role("link", name="Asha Reader").is_visible()
    await screenshot(page, f"console-people-organisation-filter-{width}")
    assert await axe_violations(page) == []
    assert page.errors == []
