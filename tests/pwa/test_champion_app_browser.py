"""The champion's day in real headless Chromium (issue 12): logging without signal straight
after the first sign-in, a form sent twice counted once, "3 activities sent", deleting
only after a page that asks first, the navigation, and every page reflowing at 320 pixels
and at 200% text."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from schema.tables import Activity
from tests.helpers import factories as f
from tests.helpers.browser import PHONE, axe_violations, screenshot
from tests.helpers.champion_app import (
    eventually,
    kept_on_phone,
    log_an_activity,
    no_signal,
    sign_in,
    signed_in_and_ready,
)

# What a champion can reach from the navigation, and the pages only the data leads to.
CHAMPION_PAGES = [
    "/",
    "/log",
    "/activities",
    "/more",
    "/training",
    "/sessions/new",
    "/stories",
    "/stories/new",
    "/my-data",
    "/my-data/all",
    "/my-email",
    "/offline",
    "/offline/home",
    "/offline/log",
    "/offline/activities",
]


async def activities() -> list[int]:
    return sorted(r["people_reached"] for r in await Activity.select(Activity.people_reached))


async def fill_the_log_form(page: Any, reached: str) -> None:
    await page.get_by_label("An event or stall").check()
    await page.get_by_label("How many people did it reach?").fill(reached)
    await page.get_by_label("Where?").select_option("WC")


async def test_straight_after_signing_in_without_signal_home_log_and_my_activities_work(
    phone, live_server, smtp_inbox, champion, console_errors
):
    """First run, then no signal: no page was opened but home, and no later online visit."""
    console_errors.allow_offline()  # its loads without signal fail, as they should
    await signed_in_and_ready(phone, live_server, smtp_inbox[0], champion.email)
    async with no_signal(phone):
        await phone.goto(f"{live_server}/")
        assert await phone.get_by_role("heading", level=1).inner_text() == "No signal"
        text = await phone.locator("main").inner_text()
        assert "Pages you opened before" not in text
        assert "You can still log an activity" in text
        await screenshot(phone, "home-without-signal")
        await phone.get_by_role("link", name="Log an activity").click()
        assert await phone.get_by_role("heading", level=1).inner_text() == "Log an activity"
        # the programme home's link offered, kept for this account when home was drawn
        await expect(phone.get_by_label("Programme")).to_have_value("health-champions")
        await fill_the_log_form(phone, "11")
        await phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        await phone.get_by_role("button", name="Save").click()
        kept = phone.locator("#kept")
        await expect(kept).to_be_visible()
        await expect(kept).to_contain_text("No signal: saved on this phone.")
        # focus and the view moved to the confirmation
        await phone.wait_for_function("document.activeElement.id === 'kept'")
        box = await kept.bounding_box()
        assert box is not None and -1 <= box["y"] < PHONE["height"] - box["height"]
        await screenshot(phone, "log-saved-without-signal")
        await phone.get_by_role("link", name="My activities").click()
        assert await phone.get_by_role("heading", level=1).inner_text() == "My activities"
        await expect(phone.locator("#on-phone li")).to_have_text(
            [f"An event or stall, {await today_in_words(phone)}, reached 11 people"]
        )
        await screenshot(phone, "activities-without-signal")
        assert await activities() == []
    # signal again: sent, and said so
    await expect(phone.locator("#waiting")).to_have_text("1 activity sent")
    assert await phone.locator("#waiting").get_attribute("role") == "status"
    assert await activities() == [11]
    await phone.reload()
    assert "reached 11 people" in await phone.locator("main .list").inner_text()
    kept = await kept_on_phone(phone)
    assert {"/offline/home", "/offline/log", "/offline/activities"} <= {p for _, p, _ in kept}
    assert not [p for _, p, body in kept if "Asha" in body or champion.email in body]


async def today_in_words(page: Any) -> str:
    return await page.evaluate(
        "new Date().toLocaleDateString('en-GB', {day: 'numeric', month: 'long', year: 'numeric'})"
    )


async def test_a_double_tap_without_signal_keeps_one_activity(
    phone, live_server, smtp_inbox, champion, console_errors
):
    console_errors.allow_offline()  # its loads without signal fail, as they should
    await signed_in_and_ready(phone, live_server, smtp_inbox[0], champion.email)
    async with no_signal(phone):
        await phone.goto(f"{live_server}/log")
        await fill_the_log_form(phone, "4")
        await phone.get_by_role("button", name="Save").dblclick()
        await expect(phone.locator("#kept")).to_be_visible()
        await expect(phone.locator("#waiting")).to_have_text("1 waiting to send")
        assert await phone.evaluate("self.movementQueue.count()") == 1
        # the next activity is a new one: the form got a new client_id after the save
        await fill_the_log_form(phone, "5")
        await phone.get_by_role("button", name="Save").click()
        await expect(phone.locator("#waiting")).to_have_text("2 waiting to send")
    await expect(phone.locator("#waiting")).to_have_text("2 activities sent")
    assert await activities() == [4, 5]


async def test_the_same_form_sent_online_then_again_without_signal_is_one_activity(
    phone, live_server, smtp_inbox, champion, console_errors
):
    """Patchy signal: the save reached the server but its answer never came back, and the
    champion taps Save again, now without signal. The queued copy carries the client_id
    the form was drawn with, so the server counts it once."""
    console_errors.allow_offline()  # its loads without signal fail, as they should
    await signed_in_and_ready(phone, live_server, smtp_inbox[0], champion.email)
    await phone.goto(f"{live_server}/log")
    await fill_the_log_form(phone, "7")
    status = await phone.evaluate(
        """() => { const form = document.querySelector("main form[action='/log']");
           return fetch('/log', {method: 'POST', body: new URLSearchParams(new FormData(form)),
                                 redirect: 'manual'}).then((r) => r.type); }"""
    )
    assert status == "opaqueredirect"  # saved: the answer was a redirect
    assert await activities() == [7]
    async with no_signal(phone):
        await phone.get_by_role("button", name="Save").click()
        await expect(phone.locator("#waiting")).to_have_text("1 waiting to send")
    await expect(phone.locator("#waiting")).to_have_text("1 activity sent")
    assert await activities() == [7]


async def test_a_double_tap_with_javascript_off_is_one_activity(
    chromium, live_server, smtp_inbox, champion
):
    context = await chromium.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    page = await context.new_page()
    try:
        await sign_in(page, live_server, smtp_inbox[0], champion.email)
        await page.goto(f"{live_server}/log")
        await fill_the_log_form(page, "6")
        await page.get_by_role("button", name="Save").dblclick()
        await page.wait_for_url(f"{live_server}/activities?saved=1")
        await eventually(lambda: _count_is(1), "the activity saved")
        assert await activities() == [6]
    finally:
        await context.close()


async def _count_is(n: int) -> bool:
    return await Activity.count() == n


async def test_the_queue_empties_and_says_so_briefly(
    phone, live_server, smtp_inbox, champion, console_errors
):
    console_errors.allow_offline()  # its loads without signal fail, as they should
    await signed_in_and_ready(phone, live_server, smtp_inbox[0], champion.email)
    async with no_signal(phone):
        await phone.goto(f"{live_server}/log")
        for reached in ("1", "2", "3"):
            await fill_the_log_form(phone, reached)
            await phone.get_by_role("button", name="Save").click()
            await expect(phone.locator("#waiting")).to_have_text(f"{reached} waiting to send")
    waiting = phone.locator("#waiting[role=status]")
    await expect(waiting).to_have_text("3 activities sent")
    await waiting.wait_for(state="hidden", timeout=15_000)  # then it goes
    assert await activities() == [1, 2, 3]


async def test_deleting_an_activity_asks_first_without_javascript(
    chromium, live_server, smtp_inbox, champion
):
    context = await chromium.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    page = await context.new_page()
    try:
        await sign_in(page, live_server, smtp_inbox[0], champion.email)
        await log_an_activity(page, live_server, "9")
        await page.get_by_role("link", name="Change this activity").click()
        # no delete button beside Save: a link, well below it, to a page that asks
        assert await page.get_by_role("button", name="Delete").count() == 0
        save = await page.get_by_role("button", name="Save").bounding_box()
        link = page.get_by_role("link", name="Delete this activity")
        below = await link.bounding_box()
        assert below["y"] - (save["y"] + save["height"]) >= 48
        await link.click()
        assert await page.get_by_role("heading", level=1).inner_text() == (
            "Are you sure you want to delete this activity?"
        )
        await screenshot(page, "activity-delete-confirm")
        await page.get_by_role("link", name="No, keep it").click()
        assert await page.get_by_role("heading", level=1).inner_text() == "Change an activity"
        assert await activities() == [9]
        await page.get_by_role("link", name="Delete this activity").click()
        await page.get_by_role("button", name="Delete it").click()
        await page.wait_for_url(f"{live_server}/activities?deleted=1")
        assert "Deleted." in await page.locator("main").inner_text()
        assert await activities() == []
    finally:
        await context.close()


async def nav_links(page: Any) -> list[str]:
    return await page.locator("nav[aria-label=Main] a").all_inner_texts()


async def test_the_navigation_shows_only_what_this_champion_may_use(
    phone, live_server, smtp_inbox, champion
):
    """Asha (a Dementia Friends member) may record sessions; Ben (Health Champions only)
    may not, and is never offered it."""
    ben = await f.user("champion", email="ben@example.org", name="Ben Okafor")
    await f.join(ben.person_id, "health-champions")
    await sign_in(phone, live_server, smtp_inbox[0], champion.email)
    assert await nav_links(phone) == ["Home", "Log", "My activities", "More"]
    assert await phone.locator("nav [aria-current=page]").inner_text() == "Home"
    await phone.get_by_role("link", name="More").click()
    assert await phone.get_by_role("link", name="Record a Friends session").count() == 1
    await screenshot(phone, "more")
    await phone.locator("main").get_by_role("button", name="Sign out").click()
    await sign_in(phone, live_server, smtp_inbox[0], ben.email)
    assert await phone.get_by_role("link", name="Record a Friends session").count() == 0
    await phone.get_by_role("link", name="More").click()
    assert await phone.get_by_role("heading", level=1).inner_text() == "More"
    assert await phone.get_by_role("link", name="Record a Friends session").count() == 0
    for name in ("My stories", "My training", "My data"):
        assert await phone.get_by_role("link", name=name).count() == 1
    await phone.get_by_role("link", name="Log", exact=True).click()
    assert await phone.locator("nav [aria-current=page]").inner_text() == "Log"


async def test_after_saving_the_confirmation_shows_my_totals(
    phone, live_server, smtp_inbox, champion
):
    await sign_in(phone, live_server, smtp_inbox[0], champion.email)
    await log_an_activity(phone, live_server, "1")
    banner = phone.locator("#saved[role=status]")
    assert "This month you have logged 1 activity, reached 1 person" in await banner.inner_text()
    await log_an_activity(phone, live_server, "20")
    assert "logged 2 activities, reached 21 people" in await banner.inner_text()
    assert "reached 1 person," in await phone.locator("main .list").inner_text()
    await screenshot(phone, "activities-saved")


async def wide_pages(page: Any, live_server: str, paths: list[str], script: str = "") -> list:
    """The pages that scroll sideways (wider than the window) after running `script`."""
    wide = []
    for path in paths:
        await page.goto(f"{live_server}{path}")
        if script:
            await page.evaluate(script)
        width = await page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if width[0] > width[1]:
            wide.append((path, *width))
    return wide


@pytest.fixture
async def with_an_activity(champion):
    """Asha with an activity (so the delete page exists) and a story."""
    from datetime import UTC, datetime

    activity = await f.activity(
        person=champion.person_id,
        programme=await f.programme_id("health-champions"),
        kind="signposting",
        occurred_on=datetime.now(UTC).date(),
        people_reached=1234567,
        minutes=90,
        created_at=datetime.now(UTC),
    )
    return champion, activity


@pytest.mark.parametrize(
    "width, text",
    [(320, "100%"), (390, "150%"), (390, "200%"), (1280, "200%")],
)
async def test_every_champion_page_reflows_without_sideways_scrolling(
    chromium, live_server, smtp_inbox, with_an_activity, width, text
):
    """WCAG 1.4.10 and 1.4.4: at 320 CSS pixels, and with text at 150% and 200% (the root
    font size, which every size in app.css follows), nothing scrolls sideways."""
    user, activity = with_an_activity
    context = await chromium.new_context(viewport={"width": width, "height": 700}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    try:
        await sign_in(page, live_server, smtp_inbox[0], user.email)
        paths = [*CHAMPION_PAGES, f"/activities/{activity}/edit", f"/activities/{activity}/delete"]
        script = f"document.documentElement.style.fontSize = '{text}'"
        assert await wide_pages(page, live_server, paths, script) == []
        if width == 390:
            await page.goto(f"{live_server}/")
            await page.evaluate(script)
            await screenshot(page, f"home-text-{text.rstrip('%')}")
    finally:
        await context.close()


async def test_save_on_the_log_page_is_near_at_200_percent_text(
    chromium, live_server, smtp_inbox, champion
):
    """At 200% text on a phone, Save follows the last field and is at most four and a half
    screens down the log form. Every question is one a champion answers, each radio keeps
    the GOV.UK 44 px target and the date and time are typed in boxes, so the form is long at
    that size; this keeps it from growing further."""
    context = await chromium.new_context(viewport={"width": 390, "height": 780}, locale="en-GB")
    page = await context.new_page()
    try:
        await sign_in(page, live_server, smtp_inbox[0], champion.email)
        await page.goto(f"{live_server}/log")
        await page.evaluate("document.documentElement.style.fontSize = '200%'")
        save = await page.get_by_role("button", name="Save").bounding_box()
        screens = (save["y"] + save["height"]) / 780
        print(f"Save at 200% text: {screens:.1f} screens down")
        await screenshot(page, "log-text-200")
        assert screens <= 4.5
    finally:
        await context.close()


async def test_the_new_pages_have_no_accessibility_problems(
    chromium, live_server, smtp_inbox, with_an_activity
):
    user, activity = with_an_activity
    context = await chromium.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = await context.new_page()
    found = {}
    try:
        await sign_in(page, live_server, smtp_inbox[0], user.email)
        for path in [
            "/",
            "/more",
            "/activities?saved=1",
            f"/activities/{activity}/edit",
            f"/activities/{activity}/delete",
            "/offline/home",
            "/offline/activities",
        ]:
            await page.goto(f"{live_server}{path}")
            problems = await axe_violations(page)
            if problems:
                found[path] = problems
            for size in (390, 1280):
                await page.set_viewport_size({"width": size, "height": 800})
                name = path.replace(str(activity), "n").replace("/", "-").replace("?", "-")
                await screenshot(page, f"champion{name}-{size}")
            await page.set_viewport_size(PHONE)
    finally:
        await context.close()
    assert not found, found


async def test_a_refused_queue_is_told_in_words(
    phone, live_server, smtp_inbox, champion, console_errors
):
    """A refusal that sending again cannot mend (here a 422): dropped, and said properly."""
    console_errors.allow(  # the refusal is what this test makes happen
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    )
    await sign_in(phone, live_server, smtp_inbox[0], champion.email)
    await phone.context.route(
        f"{live_server}/api/activities/batch",
        lambda route: route.fulfill(status=422, json={"message": "No", "errors": {}}),
    )
    await phone.evaluate("self.movementStarted")  # the page's own first send is over
    add = """(n) => self.movementQueue.add({client_id: crypto.randomUUID(),
        owner: document.body.dataset.account, programme: 'health-champions', kind: 'event',
        people_reached: String(n), minutes: '', occurred_on: '', footprint: 'WC', note: ''})"""
    await phone.evaluate(add, 1)
    assert await phone.evaluate("self.movementQueue.send()") == [
        "1 activity could not be sent and was removed. Please log it again."
    ]
    for n in (2, 3):
        await phone.evaluate(add, n)
    assert await phone.evaluate("self.movementQueue.send()") == [
        "2 activities could not be sent and were removed. Please log them again."
    ]


# The log form's GOV.UK date and time boxes (issue 12, point 11): made here from the single
# fields if the form does not have them yet, so the offline path is checked either way.
AS_BOXES = """() => {
  const form = document.querySelector("main form[action='/log']");
  const swap = (old, names) => {
    if (!old) return;
    for (const name of names) {
      const box = document.createElement("input");
      box.name = name;
      old.before(box);
    }
    old.remove();
  };
  if (!form.elements["occurred_on-day"]) {
    swap(form.elements.occurred_on, ["occurred_on-day", "occurred_on-month", "occurred_on-year"]);
  }
  if (!form.elements.time_hours) swap(form.elements.minutes, ["time_hours", "time_minutes"]);
}"""


async def test_without_signal_the_date_and_time_boxes_are_read(
    phone, live_server, smtp_inbox, champion, console_errors
):
    console_errors.allow_offline()  # its loads without signal fail, as they should
    await signed_in_and_ready(phone, live_server, smtp_inbox[0], champion.email)
    async with no_signal(phone):
        await phone.goto(f"{live_server}/log")
        await phone.evaluate(AS_BOXES)
        await fill_the_log_form(phone, "8")
        form = "main form[action='/log']"
        for name, value in (
            ("occurred_on-day", "3"),
            ("occurred_on-month", "11"),
            ("occurred_on-year", "2026"),
            ("time_hours", "1"),
            ("time_minutes", "30"),
        ):
            await phone.locator(f"{form} [name='{name}']").fill(value)
        await phone.get_by_role("button", name="Save").click()
        await expect(phone.locator("#waiting")).to_have_text("1 waiting to send")
        items = await phone.evaluate("self.movementQueue.all()")
        assert [(i["occurred_on"], i["minutes"]) for i in items] == [("2026-11-03", "90")]
    await expect(phone.locator("#waiting")).to_have_text("1 activity sent")
    saved = await Activity.select(Activity.occurred_on, Activity.minutes).first()
    assert (saved["occurred_on"].isoformat(), saved["minutes"]) == ("2026-11-03", 90)
