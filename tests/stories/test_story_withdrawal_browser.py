"""In real headless Chromium with JavaScript off, at phone and desk width: an author
withdraws a published story and deletes another, each after a page that asks first; the
widget stops showing it; axe-core finds nothing on the pages."""

from __future__ import annotations

import pytest

from schema.tables import Story
from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, screenshot, signed_in_context

STORY = "We put up a stall at the market and three people booked their bowel screening."
OTHER = "I told my neighbour about the Dementia Friends session and she came along."


async def author_tab(chromium, live_server, width: int, script: bool):
    """A tab signed in as a champion who shared two stories, both published."""
    user = await f.user("champion", name="Lou Grant")
    ids = []
    for text in (STORY, OTHER):
        rows = await Story.insert(
            Story(person=user.person_id, text=text, consent_to_publish=True, status="approved")
        ).returning(Story.id)
        ids.append(rows[0]["id"])
    context = await signed_in_context(
        chromium,
        live_server,
        user.email,
        viewport={"width": width, "height": 900},
        java_script_enabled=script,
        bypass_csp=True,  # axe-core is injected as an inline script
    )
    page = await context.new_page()
    page.width, page.story_ids = width, ids
    return context, page


@pytest.fixture(params=[390, 1280], ids=["phone", "desk"])
async def no_script(request, chromium, live_server):
    context, page = await author_tab(chromium, live_server, request.param, script=False)
    yield page
    await context.close()


async def test_the_pages_pass_axe(chromium, live_server):
    context, page = await author_tab(chromium, live_server, 390, script=True)
    try:
        newest = max(page.story_ids)
        for path in ("/stories", f"/stories/{newest}/withdraw", f"/stories/{newest}/delete"):
            await page.goto(f"{live_server}{path}")
            assert await axe_violations(page) == [], path
    finally:
        await context.close()


async def test_withdraw_and_delete_without_javascript(no_script, live_server):
    page = no_script

    async def check(name: str) -> None:
        await screenshot(page, f"stories-{name}-{page.width}")

    await page.goto(f"{live_server}/stories")
    assert await page.inner_text("h1") == "My stories"
    await check("mine")
    await page.get_by_role("link", name="Withdraw story 1").click()  # the newest: OTHER
    assert await page.inner_text("h1") == "Withdraw your story?"
    await check("withdraw")
    await page.get_by_role("button", name="Withdraw it").click()
    assert "/stories?done=withdrawn" in page.url
    assert "no longer published anywhere" in await page.inner_text("main [role=status]")
    assert "Withdrawn: not published" in await page.inner_text("main")
    await check("withdrawn")

    await page.get_by_role("link", name="Delete story 2").click()  # STORY
    assert await page.inner_text("h1") == "Delete your story?"
    await check("delete")
    await page.get_by_role("button", name="Delete it").click()
    assert "Your story is deleted." in await page.inner_text("main [role=status]")
    assert STORY not in await page.inner_text("main")


async def test_a_browser_that_showed_the_story_does_not_keep_showing_it(chromium, live_server):
    context, page = await author_tab(chromium, live_server, 390, script=False)
    try:
        await Story.delete().where(Story.text == STORY)  # one story: the widget shows it
        await page.goto(f"{live_server}/embed?story=1")
        assert OTHER in await page.inner_text("body")
        await page.goto(f"{live_server}/stories/{max(page.story_ids)}/withdraw")
        await page.get_by_role("button", name="Withdraw it").click()
        assert "no longer published anywhere" in await page.inner_text("main [role=status]")
        await page.goto(f"{live_server}/embed?story=1")  # as a visitor's page loads it
        assert OTHER not in await page.inner_text("body")
    finally:
        await context.close()


async def test_coordinators_see_the_withdrawn_story_in_the_console(desk, live_server):
    author = await f.user("champion", name="Lou Grant")
    await Story.insert(
        Story(person=author.person_id, text=OTHER, consent_to_publish=False, status="withdrawn")
    )
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/review/stories/decided")
    await page.select_option("#status", "withdrawn")
    await page.get_by_role("button", name="Show").click()
    row = page.get_by_role("row").filter(has_text=OTHER)
    assert "Withdrawn by its author" in await row.inner_text()
    assert await axe_violations(page) == []
    for width in (1280, 390):
        await page.set_viewport_size({"width": width, "height": 900})
        await screenshot(page, f"stories-console-withdrawn-{width}")
