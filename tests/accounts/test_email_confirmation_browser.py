"""Changing my email address in real Chromium against `movement serve`: the form, the link
from the email (through a real SMTP server), the confirmation, at phone and desk widths,
with axe-core on every page; and the console's word on a taken address."""

from __future__ import annotations

import asyncio

from schema import tables as t
from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, screenshot, signed_in_context
from tests.helpers.mail import CHANGE_LINK, read


async def _signed_in_tab(chromium, live_server, email: str, width: int):
    context = await signed_in_context(
        chromium, live_server, email, viewport={"width": width, "height": 800}, bypass_csp=True
    )
    return context, await context.new_page()


async def _change_link(inbox, address: str) -> str:
    for _ in range(200):
        for content in inbox.for_address(address):
            match = CHANGE_LINK.search(read(content)[1])
            if match:
                return match.group(0)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no link arrived for {address}")


async def _check(page, name: str) -> None:
    assert await axe_violations(page) == [], name
    await screenshot(page, name)


async def test_a_champion_changes_their_email_on_a_phone_and_a_desk(
    chromium, live_server, smtp_inbox
):
    inbox, _ = smtp_inbox
    for width in (390, 1280):
        old, new = f"ivy{width}@example.org", f"ivy.new{width}@example.org"
        champion = await f.user("champion", email=old, name="Ivy Stone")
        context, page = await _signed_in_tab(chromium, live_server, champion.email, width)
        try:
            await page.goto(f"{live_server}/")
            await page.get_by_role("link", name="Change my email address").click()
            assert "Your email address is " + old in await page.locator("main").inner_text()
            await page.get_by_label("New email address").fill("not an email")
            await page.get_by_role("button", name="Email me a link").click()
            await page.get_by_text("Enter an email address like name@example.com.").first.wait_for()
            await _check(page, f"my-email-error-{width}")
            await page.get_by_label("New email address").fill(new)
            await page.get_by_role("button", name="Email me a link").click()
            assert await page.get_by_role("heading", level=1).inner_text() == "Check your email"
            await _check(page, f"my-email-sent-{width}")
            await page.goto(await _change_link(inbox, new))
            await _check(page, f"my-email-confirm-{width}")
            await page.get_by_role("button", name="Confirm my email address").click()
            heading = await page.get_by_role("heading", level=1).inner_text()
            assert heading == "Your email address is changed"
            await _check(page, f"my-email-changed-{width}")
        finally:
            await context.close()
        person = await t.Person.select().where(t.Person.id == champion.person_id).first()
        assert person["email"] == new and person["email_confirmed"] is True


async def test_the_console_shows_whose_address_it_is(desk, live_server):
    await f.person("Pat Kerr", email="pat@example.org")
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/people/new")
    await page.get_by_label("Full name").fill("Pat Carr")
    await page.get_by_label("Email (optional)").fill("pat@example.org")
    await page.get_by_role("button", name="Add this person").click()
    message = page.locator("#email-error")
    assert "already has this email address, but has not confirmed it" in (
        await message.inner_text()
    )
    await _check(page, "console-person-email-taken-1280")
