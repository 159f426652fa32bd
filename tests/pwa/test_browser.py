"""A new champion in real headless Chromium at phone width: sign in with the emailed link,
log an activity, see it counted; with JavaScript off too; axe-core on every page."""

from __future__ import annotations

from playwright.async_api import expect

from tests.helpers.browser import axe_violations, screenshot
from tests.helpers.champion_app import log_an_activity, sign_in


async def test_a_new_champion_signs_in_logs_and_sees_the_totals_change(
    phone, live_server, smtp_inbox, champion
):
    inbox, _ = smtp_inbox
    await sign_in(phone, live_server, inbox, champion.email)
    assert await phone.get_by_role("heading", level=1).inner_text() == "Hello, Asha"
    before = await phone.locator(".big strong").inner_text()
    reach_before = int(
        await phone.evaluate(
            "fetch('/api/totals', {cache: 'no-store'}).then(r => r.json()).then(t => t.reach)"
        )
    )
    await log_an_activity(phone, live_server, "27")
    assert "Saved. Thank you!" in await phone.locator("main").inner_text()
    assert "reached 27" in await phone.locator("main").inner_text()
    await phone.goto(f"{live_server}/")
    reach_after = await phone.evaluate(
        "fetch('/api/totals', {cache: 'no-store'}).then(r => r.json()).then(t => t.reach)"
    )
    assert reach_after == reach_before + 27
    assert await phone.locator(".big strong").inner_text() == before  # citizens, not reach
    assert "27" in await phone.locator(".periods").inner_text()


async def test_logging_works_with_javascript_off(chromium, live_server, smtp_inbox, champion):
    from tests.helpers.browser import PHONE

    context = await chromium.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    page = await context.new_page()
    try:
        await sign_in(page, live_server, smtp_inbox[0], champion.email)
        await log_an_activity(page, live_server, "8")
        assert "reached 8" in await page.locator("main").inner_text()
        await page.goto(f"{live_server}/log")
        await page.get_by_role("button", name="Save").click()
        summary = page.locator(".error-summary")
        assert "Choose what you did." in await summary.inner_text()
        assert await page.locator("#kind-error").count() == 1
    finally:
        await context.close()


async def test_no_accessibility_problems_on_any_page(chromium, live_server, smtp_inbox, champion):
    """axe-core finds no violation on any page, and each is saved as a phone screenshot."""
    from tests.helpers.browser import PHONE

    # Our Content-Security-Policy rightly refuses the injected axe script: let it in here.
    context = await chromium.new_context(
        viewport=PHONE, device_scale_factor=2, locale="en-GB", bypass_csp=True
    )
    context.set_default_timeout(10_000)
    phone = await context.new_page()
    found = {}

    async def check(name: str) -> None:
        await screenshot(phone, name)
        problems = await axe_violations(phone)
        if problems:
            found[name] = problems

    await phone.goto(f"{live_server}/sign-in")
    await check("sign-in")
    await phone.get_by_role("button", name="Email me a link").click()
    await check("sign-in-error")
    await phone.get_by_label("Email address").fill(champion.email)
    await phone.get_by_role("button", name="Email me a link").click()
    await check("check-email")
    await phone.goto(f"{live_server}/sign-in/not-a-real-link")
    await check("confirm")
    await sign_in(phone, live_server, smtp_inbox[0], champion.email)
    await check("home")
    await phone.goto(f"{live_server}/log")
    await check("log")
    await phone.get_by_role("button", name="Save").click()
    await phone.locator(".error-summary").wait_for()  # sent by the page's script first
    await check("log-errors")
    await log_an_activity(phone, live_server, "12")
    await check("activities")
    await phone.get_by_role("link", name="Change this activity").first.click()
    await check("activity-edit")
    await phone.goto(f"{live_server}/offline")
    await check("offline")
    await phone.goto(f"{live_server}/offline/log")
    await check("offline-log")
    await phone.goto(f"{live_server}/training")
    await check("training")
    await phone.get_by_role("button", name="Add it").click()
    await check("training-errors")
    await phone.goto(f"{live_server}/sessions/new")
    await check("sessions-new")
    await phone.goto(f"{live_server}/stories/new")
    await check("stories-new")
    await phone.goto(f"{live_server}/my-data")
    await check("my-data")
    await phone.get_by_role("button", name="Delete my account").click()
    await check("my-data-error")
    await phone.goto(f"{live_server}/no-such-page")
    await check("not-found")
    await context.close()
    assert not found, found


async def test_touch_targets_are_at_least_44_pixels(phone, live_server, smtp_inbox, champion):
    await sign_in(phone, live_server, smtp_inbox[0], champion.email)
    await phone.goto(f"{live_server}/log")
    targets = phone.locator(
        "main button, main .radios__input, main input:not([type=hidden]), main select"
    )
    small = []
    for i in range(await targets.count()):
        box = await targets.nth(i).bounding_box()
        if box and (box["height"] < 44 or box["width"] < 44):
            small.append((await targets.nth(i).evaluate("e => e.outerHTML"))[:80])
    assert not small, small


async def test_without_signal_the_shell_works_and_no_personal_page_is_kept(
    phone, live_server, smtp_inbox, champion, console_errors
):
    """Signed-in pages are no-store: without signal the shell's copies stand in for them
    (home, my activities, the log form filled in as the phone last saw it), and the
    offline page for any other."""
    console_errors.allow_offline()  # its loads without signal fail, as they should
    from tests.helpers.champion_app import kept_on_phone, no_signal, remembered

    await sign_in(phone, live_server, smtp_inbox[0], champion.email)
    await phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    await phone.goto(f"{live_server}/activities")  # through the worker, which keeps no copy
    await phone.goto(f"{live_server}/log")
    await remembered(phone)
    async with no_signal(phone):
        await phone.goto(f"{live_server}/activities")
        assert await phone.get_by_role("heading", level=1).inner_text() == "My activities"
        assert "your list cannot be shown" in await phone.locator("main").inner_text()
        await phone.goto(f"{live_server}/my-data")
        assert await phone.get_by_role("heading", level=1).inner_text() == "No signal"
        await phone.goto(f"{live_server}/log")
        assert await phone.get_by_role("heading", level=1).inner_text() == "Log an activity"
        # the shell's copy is filled in by the page's script once it has read the phone's note
        await expect(phone.get_by_label("Programme")).to_have_value("health-champions")
        today = await phone.evaluate("new Date().getDate()")
        await expect(phone.get_by_label("Day")).to_have_value(str(today))
        for width in (390, 1280):
            await phone.set_viewport_size({"width": width, "height": 800})
            await screenshot(phone, f"log-without-signal-{width}")
    kept = await kept_on_phone(phone)
    assert {path for _, path, _ in kept} == {
        "/offline",
        "/offline/home",
        "/offline/log",
        "/offline/activities",
        "/static/css/app.css",
        "/static/js/app.js",
        "/static/js/forms.js",
        "/static/js/queue.js",
        "/static/vendor/htmx-2.0.11.min.js",
        "/static/icons/icon-192.png",
        "/manifest.webmanifest",
    }
    assert all(name.startswith("movement-shell-0.") for name, _, _ in kept)
    assert not [path for _, path, body in kept if "Asha" in body or champion.email in body]


async def test_three_activities_logged_without_signal_arrive_exactly_once(
    phone, live_server, smtp_inbox, champion, console_errors
):
    console_errors.allow_offline()  # its loads without signal fail, as they should
    from schema.tables import Activity
    from tests.helpers.champion_app import no_signal, remembered

    await sign_in(phone, live_server, smtp_inbox[0], champion.email)
    await phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    await phone.goto(f"{live_server}/log")  # with signal: the phone notes the programme
    await remembered(phone)
    async with no_signal(phone):
        await phone.goto(f"{live_server}/log")
        for n, reached in enumerate(("3", "4", "5"), start=1):
            await phone.get_by_label("An event or stall").check()
            await phone.get_by_label("How many people did it reach?").fill(reached)
            await phone.get_by_label("Where?").select_option("WC")
            if n == 3:  # the date and time boxes go into the queue as an ISO date and minutes
                for label, typed in (
                    ("Day", "27"),
                    ("Month", "3"),
                    ("Year", "2026"),
                    ("Hours", "1"),
                    ("Minutes", "30"),
                ):
                    await phone.get_by_label(label).fill(typed)
            await phone.get_by_role("button", name="Save").click()
            await phone.wait_for_function(
                "n => document.getElementById('waiting').textContent === `${n} waiting to send`",
                arg=n,
            )
        assert await phone.get_by_text("No signal: saved on this phone.").is_visible()
        waiting = phone.locator("#waiting")
        assert await waiting.inner_text() == "3 waiting to send"
        assert await Activity.count() == 0
    await expect(waiting).to_have_text("3 activities sent")
    assert sorted(r["people_reached"] for r in await Activity.select()) == [3, 4, 5]
    typed = await Activity.select().where(Activity.people_reached == 5).first()  # type: ignore[assignment]
    assert (typed["occurred_on"].isoformat(), typed["minutes"]) == ("2026-03-27", 90)  # type: ignore[attr-defined, comparison-overlap]
    for _ in range(2):  # reloads and replays change nothing
        await phone.reload()
        await phone.evaluate("self.movementQueue.send()")
    assert await Activity.count() == 3
    assert await phone.evaluate("self.movementQueue.count()") == 0


async def test_a_refused_send_keeps_the_activities(
    phone, live_server, smtp_inbox, champion, console_errors
):
    """Signed out in the meantime (the server says 401): kept, and sent after signing in."""
    console_errors.allow(
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    )
    from schema.tables import Activity
    from tests.helpers.champion_app import eventually

    await sign_in(phone, live_server, smtp_inbox[0], champion.email)
    await phone.goto(f"{live_server}/log")
    await phone.context.clear_cookies()  # the session is gone
    await phone.evaluate(
        """self.movementQueue.add({client_id: crypto.randomUUID(),
            owner: document.body.dataset.account, programme: 'health-champions',
            kind: 'event', people_reached: '9', minutes: '', occurred_on: '', footprint: 'WC',
            note: ''})"""
    )
    assert await phone.evaluate("self.movementQueue.send(document.body.dataset.account)") == []
    assert await phone.evaluate("self.movementQueue.count()") == 1  # 401: kept
    assert await Activity.count() == 0
    await sign_in(phone, live_server, smtp_inbox[0], champion.email)

    async def sent() -> bool:
        return await Activity.count() == 1

    await eventually(sent, "the activity sent after signing in again")
    assert [r["people_reached"] for r in await Activity.select()] == [9]


PAGES = ["/", "/log", "/activities", "/training", "/sessions/new", "/stories/new", "/my-data"]


async def test_pages_reflow_at_320_pixels_as_at_200_percent_zoom(
    chromium, live_server, smtp_inbox, champion
):
    """A 640-pixel window at 200% zoom is 320 CSS pixels wide: nothing may need sideways
    scrolling (WCAG 1.4.10)."""
    context = await chromium.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    try:
        await sign_in(page, live_server, smtp_inbox[0], champion.email)
        wide = []
        for path in ["/sign-in", *PAGES]:
            await page.goto(f"{live_server}{path}")
            width = await page.evaluate("() => document.documentElement.scrollWidth")
            if width > 320:
                wide.append((path, width))
        assert not wide, wide
    finally:
        await context.close()


async def test_an_activity_can_be_logged_with_the_keyboard_alone(
    phone, live_server, smtp_inbox, champion
):
    from schema.tables import Activity

    await sign_in(phone, live_server, smtp_inbox[0], champion.email)
    await phone.goto(f"{live_server}/log")

    async def tab_to(element_id: str) -> None:
        for _ in range(40):
            await phone.keyboard.press("Tab")
            if await phone.evaluate("() => document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    await tab_to("kind-conversation")
    await phone.keyboard.press("ArrowDown")  # radios: arrows move and choose
    assert await phone.evaluate("() => document.activeElement.id") == "kind-event"
    await tab_to("people_reached")
    await phone.keyboard.type("6")
    await phone.keyboard.press("Enter")
    await phone.wait_for_url(f"{live_server}/activities?saved=1")
    saved = await Activity.select(Activity.kind, Activity.people_reached).first()
    assert saved == {"kind": "event", "people_reached": 6}
