"""Nothing personal stays on a shared phone, in real headless Chromium: the service worker
keeps no private answer, its caches go when the session ends by any route, and the
offline queue is sent only as the account that filled it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from server.pwa.pages import release
from tests.helpers import factories as f
from tests.helpers.browser import DESK, PHONE, add_session, screenshot
from tests.helpers.champion_app import eventually, kept_on_phone, no_signal, remembered, sign_in

# A personal page as an older release of the worker kept it.
PLANT = """caches.open('movement-pages').then((c) => c.put('/activities',
  new Response('<h1>My activities</h1><p>Asha Patel reached 27</p>',
               {headers: {'content-type': 'text/html'}})))"""


SHELL = f"movement-shell-{release()}"


async def personal_copies(page: Any, *words: str) -> list[str]:
    return [path for _, path, body in await kept_on_phone(page) if any(w in body for w in words)]


@pytest.fixture
async def asha():
    await f.footprint("WC", "Wigan Central")
    user = await f.user("champion", email="asha@example.org", name="Asha Patel")
    await f.join(user.person_id, "health-champions")
    return user


@pytest.fixture
async def ben():
    user = await f.user("champion", email="ben@example.org", name="Ben Okafor")
    await f.join(user.person_id, "health-champions")
    return user


async def signed_in_phone(phone: Any, live_server: str, email: str) -> Any:
    await add_session(phone.context, live_server, email)
    await phone.goto(f"{live_server}/")
    await phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return phone


# (a) --------------------------------------------------------------------------------


async def test_the_worker_keeps_no_private_page_console_page_download_or_my_data(
    phone, live_server
):
    coordinator = await f.user("coordinator", email="cora@example.org", name="Cora Lind")
    await signed_in_phone(phone, live_server, coordinator.email)

    # Answers marked by their headers alone, at addresses the worker has no rule about.
    marks = {
        "/kept-public": "public, max-age=60",
        "/kept-no-store": "no-store",
        "/kept-private": "private, max-age=60",
        "/kept-private-no-cache": "no-cache, private",
    }

    async def answer(route: Any) -> None:
        path = route.request.url.removeprefix(live_server)
        await route.fulfill(
            status=200,
            headers={"content-type": "text/html", "cache-control": marks[path]},
            body=f"<h1>{path}</h1>",
        )

    await phone.context.route(f"{live_server}/kept-*", answer)
    for path in [*marks, "/", "/activities", "/console", "/console/people", "/my-data/all"]:
        await phone.goto(f"{live_server}{path}")
    await phone.goto(f"{live_server}/my-data")
    for link, ending in (("As a spreadsheet", ".csv"), ("As JSON", ".json")):
        async with phone.expect_download() as download:
            await phone.get_by_role("link", name=link).click()
        assert (await download.value).suggested_filename.endswith(ending)
    await phone.goto(f"{live_server}/console")
    async with phone.expect_download():
        await phone.evaluate("location.href = '/console/export?format=csv&table=programmes'")

    pages = {path for name, path, _ in await kept_on_phone(phone) if name == "movement-pages"}
    assert pages == {"/kept-public"}  # the one answer that may be kept
    assert await personal_copies(phone, "Cora", coordinator.email) == []


# (b) --------------------------------------------------------------------------------


async def test_signed_out_everywhere_from_another_device_the_phone_forgets(
    chromium, phone, live_server, asha
):
    await signed_in_phone(phone, live_server, asha.email)
    await phone.evaluate(PLANT)
    await phone.evaluate(
        "self.movementQueue.add({client_id: crypto.randomUUID(), owner: 'someone-else'})"
    )
    assert await personal_copies(phone, "Asha") == ["/activities"]

    laptop = await chromium.new_context(viewport=DESK, locale="en-GB")
    try:
        await add_session(laptop, live_server, asha.email)
        page = await laptop.new_page()
        await page.goto(f"{live_server}/my-data")
        await page.get_by_role("button", name="Sign out on every device").click()
        await page.wait_for_url(f"{live_server}/sign-in")
    finally:
        await laptop.close()

    await phone.goto(f"{live_server}/log")  # any page: the phone is signed out now
    assert await phone.get_by_role("heading", level=1).inner_text() == "Sign in"

    async def forgotten() -> bool:
        return await personal_copies(phone, "Asha") == []

    await eventually(forgotten, "the kept page forgotten")
    kept = await kept_on_phone(phone)
    assert {name for name, _, _ in kept} == {SHELL}  # the shell, the same for everyone, stays
    assert "/offline/log" in {path for _, path, _ in kept}
    assert await phone.evaluate("self.movementQueue.count()") == 1  # the queue stays


async def test_a_401_from_the_api_makes_the_phone_forget(phone, live_server, asha, console_errors):
    console_errors.allow_offline()  # its loads without signal fail, as they should
    from schema.tables import WebSession

    console_errors.allow(  # the 401 is what this test makes happen
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    )
    await signed_in_phone(phone, live_server, asha.email)
    await phone.evaluate(PLANT)
    await WebSession.delete(force=True)  # the session is over (expired, or removed)
    status = await phone.evaluate("fetch('/api/me').then((r) => r.status)")
    assert status == 401

    async def forgotten() -> bool:
        return await personal_copies(phone, "Asha") == []

    await eventually(forgotten, "the kept page forgotten after a 401")
    assert await phone.evaluate("self.movementQueue.account()") == ""


# (c) --------------------------------------------------------------------------------


async def queue_two_without_signal(phone: Any, live_server: str) -> None:
    await phone.goto(f"{live_server}/log")  # with signal: the worker is ready, choices kept
    await phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    await remembered(phone)
    await phone.context.set_offline(True)
    await phone.goto(f"{live_server}/log")
    for n, reached in enumerate(("11", "12"), start=1):
        await phone.get_by_label("A conversation").check()
        await phone.get_by_label("How many people did it reach?").fill(reached)
        await phone.get_by_role("button", name="Save").click()
        await phone.wait_for_function(
            "n => document.getElementById('waiting').textContent === `${n} waiting to send`",
            arg=n,
        )


async def test_a_queue_is_sent_only_as_the_champion_who_filled_it(
    chromium, phone, live_server, smtp_inbox, asha, ben, console_errors
):
    from schema.tables import Activity

    console_errors.allow_offline()  # the two are queued without signal
    console_errors.allow(  # the server refusing a send as the wrong champion is the point
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)",
        "Failed to load resource: the server responded with a status of 403 (Forbidden)",
    )

    inbox = smtp_inbox[0]
    await sign_in(phone, live_server, inbox, asha.email)
    await queue_two_without_signal(phone, live_server)

    # Asha signs out (on her laptop: the phone has no signal), then the phone gets signal.
    laptop = await chromium.new_context(viewport=DESK, locale="en-GB")
    await add_session(laptop, live_server, asha.email)
    page = await laptop.new_page()
    await page.goto(f"{live_server}/my-data")
    await page.get_by_role("button", name="Sign out on every device").click()
    await laptop.close()
    await phone.context.set_offline(False)
    await phone.evaluate("self.movementQueue.send()")  # 401: kept

    await sign_in(phone, live_server, inbox, ben.email)  # Ben, on the same phone
    waiting = phone.locator("#waiting")
    message = (
        "2 activities from another account are waiting on this phone; "
        "they will be sent when that person signs in"
    )
    await phone.wait_for_function(
        "text => document.getElementById('waiting').textContent === text", arg=message
    )
    assert await waiting.is_visible()
    await phone.set_viewport_size({"width": 390, "height": 800})
    await screenshot(phone, "waiting-for-another-account-390")
    await phone.set_viewport_size({"width": 1280, "height": 800})
    await screenshot(phone, "waiting-for-another-account-1280")
    await phone.set_viewport_size(PHONE)
    await phone.evaluate("self.movementQueue.send()")
    await phone.reload()
    assert await Activity.count() == 0
    assert await phone.evaluate("self.movementQueue.count()") == 2

    # Even sent by hand (or by an old script) with Asha's tag, the server refuses them as Ben.
    refused = await phone.evaluate(
        """async () => {
          const items = await self.movementQueue.all();
          const csrf = document.cookie.match(/movement_csrf=([^;]*)/)[1];
          const r = await fetch('/api/activities/batch', {method: 'POST',
            headers: {'content-type': 'application/json', 'x-movement-csrf': csrf},
            body: JSON.stringify({owner: items[0].owner, activities: items.map(
              ({owner, ...a}) => a)})});
          return [r.status, (await r.json()).message];
        }"""
    )
    assert refused[0] == 403
    assert "saved on this phone by another account" in refused[1]
    assert await Activity.count() == 0

    await phone.get_by_role("button", name="Sign out").click()
    await phone.wait_for_url(f"{live_server}/sign-in")
    await phone.wait_for_function(
        "() => document.getElementById('waiting').textContent.includes("
        "'will be sent when the person who logged them signs in')"
    )
    await sign_in(phone, live_server, inbox, asha.email)

    async def sent() -> bool:
        return await Activity.count() == 2

    await eventually(sent, "Asha's activities sent")
    saved = await Activity.select(Activity.person, Activity.people_reached)
    assert sorted((r["person"], r["people_reached"]) for r in saved) == [
        (asha.person_id, 11),
        (asha.person_id, 12),
    ]
    await eventually(
        lambda: phone.evaluate("self.movementQueue.count().then((n) => n === 0)"),
        "the queue emptied",
    )
    await expect(waiting).to_have_text("2 activities sent")


async def test_without_signal_a_signed_out_phone_keeps_nothing_for_nobody(
    phone, live_server, asha, console_errors
):
    console_errors.allow_offline()  # its loads without signal fail, as they should
    await signed_in_phone(phone, live_server, asha.email)
    await phone.goto(f"{live_server}/log")
    await phone.context.clear_cookies()
    await phone.goto(f"{live_server}/sign-in")  # the phone sees nobody is signed in
    await eventually(
        lambda: phone.evaluate("self.movementQueue.account().then((a) => a === '')"),
        "the phone knows nobody is signed in",
    )
    async with no_signal(phone):
        await phone.goto(f"{live_server}/log")
        await phone.get_by_label("A conversation").check()
        await phone.get_by_role("button", name="Save").click()
        kept = phone.locator("#kept")
        await kept.wait_for()
        assert "You are signed out" in await kept.inner_text()
        assert await phone.evaluate("self.movementQueue.count()") == 0
