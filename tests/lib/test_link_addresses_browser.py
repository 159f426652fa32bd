"""In real Chromium, signed in as a champion with a published story: a crafted confirm link
(`..\\..\\stories\\N\\delete` as its token) shows "This link does not work" and no button, so
nothing can post the page's CSRF token to the delete page. Phone and desk widths, axe-core,
screenshots."""

from __future__ import annotations

import pytest

from schema.tables import Story
from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, screenshot, session_cookie_for

PAGES = {"email": "/email/confirm/", "sign-in": "/sign-in/"}


@pytest.mark.parametrize("width", [390, 1280])
async def test_a_crafted_confirm_link_shows_link_not_valid_and_no_form(
    chromium, live_server, width
):
    champion = await f.user("champion", name="Rae Author")
    rows = await Story.insert(
        Story(
            person=champion.person_id,
            text="I told my neighbour about the session.",
            consent_to_publish=True,
            status="approved",
        )
    ).returning(Story.id)
    story = rows[0]["id"]
    context = await chromium.new_context(
        viewport={"width": width, "height": 800}, locale="en-GB", bypass_csp=True
    )
    context.set_default_timeout(10_000)
    token = await session_cookie_for(champion.email)
    await context.add_cookies([{"name": "movement_session", "value": token, "url": live_server}])
    page = await context.new_page()
    try:
        for name, start in PAGES.items():
            answer = await page.goto(f"{live_server}{start}..%5C..%5Cstories%5C{story}%5Cdelete")
            assert answer is not None and answer.status == 404
            heading = await page.get_by_role("heading", level=1).inner_text()
            assert heading == "This link does not work"
            for button in ("Confirm my email address", "Sign in"):
                assert await page.get_by_role("button", name=button, exact=True).count() == 0
            actions = await page.locator("form").evaluate_all(
                "forms => forms.map(f => f.getAttribute('action'))"
            )
            assert [a for a in actions if a != "/sign-out"] == []
            assert await axe_violations(page) == []
            await screenshot(page, f"crafted-{name}-link-{width}")
    finally:
        await context.close()
    kept = await Story.select(Story.status).where(Story.id == story).first()
    assert kept == {"status": "approved"}
