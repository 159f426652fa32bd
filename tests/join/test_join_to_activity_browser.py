"""Issue 15's "done when", in Chromium against `movement serve`, phone-sized and with
JavaScript off: a resident joins, a coordinator approves, the new champion signs in with the
emailed link and logs an activity. The applicant's page is also checked with axe-core at
390 and 1280 px (with JavaScript on: axe is a script)."""

from __future__ import annotations

import asyncio
import re

import pytest

from schema.tables import Activity, Application, Person
from tests.helpers import factories as f
from tests.helpers.browser import add_session, axe_violations, screenshot
from tests.helpers.mail import read

pytestmark = pytest.mark.browser
PHONE_390 = {"width": 390, "height": 844}
WELCOME = re.compile(r"(http://\S+/sign-in/\S+)")


async def _tab(chromium, viewport, js: bool = False):
    context = await chromium.new_context(viewport=viewport, locale="en-GB", java_script_enabled=js)
    context.set_default_timeout(10_000)
    return context, await context.new_page()


async def _welcome_link(inbox, address: str) -> str:
    for _ in range(200):
        for content in inbox.for_address(address):
            subject, text = read(content)
            match = WELCOME.search(text)
            if subject == "Welcome to the Health Movement" and match:
                return match.group(1)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no welcome link came for {address}")


async def _join(chromium, live_server) -> None:
    context, page = await _tab(chromium, PHONE_390)
    try:
        await page.goto(f"{live_server}/join")
        await page.get_by_label("Your full name").fill("Nia Hart")
        await page.get_by_label("Email address").first.fill("nia.hart@example.org")
        await page.get_by_label("Postcode").fill("WN1 1AA")
        await page.get_by_label("Year of birth").fill("1990")
        await page.get_by_label("Health Champions", exact=True).check()
        await page.get_by_label("Wigan Central").check()
        await page.get_by_label("I agree that the Health Movement team may contact me").check()
        await page.get_by_role("button", name="Send my application").click()
        heading = await page.get_by_role("heading", level=1).inner_text()
        assert heading == "Thank you: we have your application"
    finally:
        await context.close()


async def _approve(chromium, live_server, coordinator_email: str) -> None:
    context, page = await _tab(chromium, PHONE_390)
    try:
        await add_session(context, live_server, coordinator_email)
        await page.goto(f"{live_server}/console/applicants")
        await page.get_by_role("link", name="Nia Hart").click()
        assert (
            await page.get_by_role("heading", level=1).inner_text() == "Application from Nia Hart"
        )
        await screenshot(page, "applicant-nojs-390")
        await page.get_by_role("button", name="Approve Nia Hart").click()
        text = await page.locator("main").inner_text()
        assert "Approved." in text and "A sign-in link was emailed to nia.hart@example.org" in text
        await screenshot(page, "applicant-approved-nojs-390")
    finally:
        await context.close()


async def _sign_in_and_log(chromium, link: str) -> None:
    context, page = await _tab(chromium, PHONE_390)
    try:
        await page.goto(link)
        await page.get_by_role("button", name="Sign in").click()
        await page.goto(link.split("/sign-in/")[0] + "/log")
        assert await page.get_by_role("heading", level=1).inner_text() == "Log an activity"
        await page.get_by_label("An event or stall").check()
        await page.get_by_label("How many people did it reach?").fill("14")
        await page.get_by_label("Where?").select_option("WC")
        await page.get_by_role("button", name="Save").click()
        assert "Saved. Thank you!" in await page.locator("main").inner_text()
        await screenshot(page, "join-new-champion-logged-390")
    finally:
        await context.close()


async def test_a_resident_joins_is_approved_signs_in_and_logs_an_activity(
    chromium, live_server, smtp_inbox
):
    await f.footprint("WC", "Wigan Central")
    coordinator = await f.user("coordinator", name="Cora Ordinator")
    await _join(chromium, live_server)
    await _approve(chromium, live_server, coordinator.email)
    await _sign_in_and_log(chromium, await _welcome_link(smtp_inbox[0], "nia.hart@example.org"))
    person = await Person.select(Person.id).where(Person.email == "nia.hart@example.org").first()
    logged = await Activity.select().where(Activity.person == person["id"])
    assert [(a["people_reached"], a["kind"]) for a in logged] == [(14, "event")]


@pytest.mark.parametrize("width", [390, 1280])
async def test_the_applicant_page_passes_axe(chromium, live_server, width):
    await f.footprint("WC", "Wigan Central")
    coordinator = await f.user("coordinator")
    await Application.insert(
        Application(
            name="Ola Young", email="ola@example.org", postcode="WN1 1AA", year_of_birth=2011,
            consent_to_contact=True, parent_name="Ada Young", parent_email="ada@example.org",
            parent_consent=True,
        )
    )  # fmt: skip
    app_id = (await Application.select(Application.id).first())["id"]
    context, page = await _tab(chromium, {"width": width, "height": 900}, js=True)
    try:
        await add_session(context, live_server, coordinator.email)
        await page.goto(f"{live_server}/console/applicants")
        assert await axe_violations(page) == []
        await screenshot(page, f"applicants-{width}")
        await page.goto(f"{live_server}/console/applicants/{app_id}")
        await page.get_by_role("button", name="Approve Ola Young").click()
        await page.get_by_role("heading", name="There is a problem").wait_for()
        assert await axe_violations(page) == []
        await screenshot(page, f"applicant-{width}")
    finally:
        await context.close()
