"""The champion's app after its review, in real headless Chromium: room between the last
button and the footer, an evenly spaced navigation, the shell's log form offering only the
account's own programmes, and a Save lost to patchy signal kept on the phone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from schema.tables import Activity
from tests.helpers import factories as f
from tests.helpers.browser import DESK, axe_violations, screenshot, signed_in_context
from tests.helpers.champion_app import eventually, worker_ready

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
async def asha():
    """Asha: a Health Champion with one activity (so its change and delete pages exist)."""
    await f.footprint("WC", "Wigan Central")
    user = await f.user("champion", email="asha@example.org", name="Asha Patel")
    await f.join(user.person_id, "health-champions")
    activity = await f.activity(
        person=user.person_id,
        programme=await f.programme_id("health-champions"),
        kind="signposting",
        occurred_on=datetime.now(UTC).date(),
        people_reached=3,
        minutes=90,
    )
    return user, activity


async def gap_above_footer(page: Any, button: str) -> float:
    """Pixels between the bottom of the button and the footer's top line."""
    box = await page.get_by_role("button", name=button, exact=True).bounding_box()
    foot = await page.locator("footer.foot").bounding_box()
    return foot["y"] - (box["y"] + box["height"])


# The gaps between the words of the navigation, measured on the text itself.
NAV_GAPS = """() => {
  const boxes = [...document.querySelectorAll('nav[aria-label=Main] a')].map(a => {
    const r = document.createRange(); r.selectNodeContents(a); return r.getBoundingClientRect();
  });
  const gaps = [];
  for (let i = 1; i < boxes.length; i++) {
    const [a, b] = [boxes[i - 1], boxes[i]];
    if (Math.abs(b.top - a.top) < 2) gaps.push(b.left - a.right);  // on the same line
  }
  return gaps;
}"""


@pytest.mark.parametrize("name, viewport", [("390", PHONE_390), ("1280", DESK)])
async def test_the_last_button_stands_clear_of_the_footer_and_the_nav_is_even(
    chromium, live_server, asha, name, viewport
):
    user, activity = asha
    context = await signed_in_context(chromium, live_server, user.email, viewport=viewport)
    page = await context.new_page()
    try:
        pages = [
            ("/log", "Save", "log"),
            (f"/activities/{activity}/edit", "Save", "activity-edit"),
            (f"/activities/{activity}/delete", "Delete it", "activity-delete"),
        ]
        for path, button, shot in pages:
            await page.goto(f"{live_server}{path}")
            gaps = await page.evaluate(NAV_GAPS)
            assert len(gaps) >= 2 and max(gaps) - min(gaps) <= 2, gaps
            assert await gap_above_footer(page, button) >= 32, (path, name)
            await screenshot(page, f"fixes-{shot}-{name}")
        await page.goto(f"{live_server}/log")
        assert await axe_violations(page) == []
    finally:
        await context.close()


SHELL_PROGRAMMES = """() => [...document.querySelectorAll('select[name=programme] option')]
  .map((o) => o.value).filter(Boolean)"""


async def _has(page: Any, n: int) -> bool:
    return len(await page.evaluate(SHELL_PROGRAMMES)) == n


@pytest.mark.parametrize("also", [(), ("dementia-friends",)])
async def test_without_signal_the_log_form_offers_only_my_programmes(
    chromium, live_server, asha, also
):
    """The shell's form lists every programme; the phone keeps the account's own (from
    home's link) and offers only those: with one, no choice at all."""
    user, _ = asha
    other = await f.user("champion", email="ben@example.org", name="Ben Okafor")
    for slug in ("dementia-friends", "autism-friends"):
        await f.join(other.person_id, slug)  # programmes Asha is not in
    for slug in also:
        await f.join(user.person_id, slug)
    context = await signed_in_context(chromium, live_server, user.email, viewport=PHONE_390)
    page = await context.new_page()
    try:
        await page.goto(f"{live_server}/")
        await worker_ready(page)
        await context.set_offline(True)
        await page.goto(f"{live_server}/log")
        mine = sorted(["health-champions", *also])
        # the page's script filters the list once it has read the phone's note
        await eventually(lambda: _has(page, len(mine)), "the shell's list cut to my programmes")
        assert sorted(await page.evaluate(SHELL_PROGRAMMES)) == mine
        field = page.locator("select[name=programme]")
        if len(mine) == 1:
            assert not await field.is_visible()
            assert "For Health Champions" in await page.locator("main").inner_text()
        else:
            assert await field.is_visible()
            await field.select_option("dementia-friends")
        await page.get_by_label("An event or stall").check()
        await page.get_by_label("How many people did it reach?").fill("6")
        await page.get_by_role("button", name="Save").click()
        await page.locator("#kept").wait_for()
        kept = await page.evaluate("self.movementQueue.all()")
        assert [k["programme"] for k in kept] == ["dementia-friends" if also else mine[0]]
        await screenshot(page, f"fixes-offline-log-{len(mine)}-programmes")
        assert await axe_violations(page) == []
    finally:
        await context.close()


async def refuse(route: Any) -> None:
    """The network fails, as on patchy signal (only the log form's and the queue's sends)."""
    if route.request.method == "POST":
        await route.abort("internetdisconnected")
    else:
        await route.continue_()


async def test_a_save_lost_to_patchy_signal_is_kept_on_the_phone(
    chromium, live_server, asha, console_errors
):
    """The phone says it is online, but the send of the form fails at the network level:
    the activity is kept on the phone, like a save without signal, and sent later."""
    console_errors.allow_offline()  # the failed sends are the point
    console_errors.allow("Failed to load resource: net::ERR_FAILED")
    user, _ = asha
    context = await signed_in_context(chromium, live_server, user.email, viewport=PHONE_390)
    page = await context.new_page()
    try:
        await page.goto(f"{live_server}/")
        await worker_ready(page)
        await page.goto(f"{live_server}/log")
        await context.route("**/log", refuse)
        await context.route("**/api/activities/batch", refuse)
        await page.get_by_label("An event or stall").check()
        await page.get_by_label("How many people did it reach?").fill("8")
        await page.get_by_role("button", name="Save").click()
        kept = page.locator("#kept")
        await kept.wait_for()
        assert "saved on this phone" in await kept.inner_text()
        assert page.url == f"{live_server}/log"  # not the browser's error page
        assert await page.evaluate("self.movementQueue.count()") == 1
        await screenshot(page, "fixes-log-weak-signal")
        assert [r["people_reached"] for r in await Activity.select(Activity.people_reached)] == [3]
        await context.unroute("**/log")
        await context.unroute("**/api/activities/batch")
        await page.evaluate("dispatchEvent(new Event('online'))")
        await page.locator("#waiting").get_by_text("1 activity sent").wait_for()
        reached = sorted(
            r["people_reached"] for r in await Activity.select(Activity.people_reached)
        )
        assert reached == [3, 8]
    finally:
        await context.close()


async def test_a_save_with_signal_still_goes_to_my_activities(chromium, live_server, asha):
    user, _ = asha
    context = await signed_in_context(chromium, live_server, user.email, viewport=PHONE_390)
    page = await context.new_page()
    try:
        await page.goto(f"{live_server}/log")
        await page.get_by_role("button", name="Save").click()  # nothing chosen: a mistake
        await page.get_by_text("There is a problem").wait_for()
        await page.get_by_label("An event or stall").check()
        await page.get_by_label("How many people did it reach?").fill("8")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_url(f"{live_server}/activities?saved=1")
        assert await Activity.count() == 2
    finally:
        await context.close()
