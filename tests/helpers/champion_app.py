"""Driving the champion's app in Chromium: signing in, logging, what the phone keeps."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

LINK = re.compile(r"http://\S+/sign-in/\S+")


async def new_email(inbox, address: str, seen: int) -> str:
    """The next email to this address (the server sends it just after answering)."""
    for _ in range(100):
        messages = inbox.for_address(address)
        if len(messages) > seen:
            return messages[-1]
        await asyncio.sleep(0.05)
    raise AssertionError(f"No email came for {address}")


async def sign_in(page, base: str, inbox, email: str) -> None:
    seen = len(inbox.for_address(email))
    await page.goto(f"{base}/sign-in")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_role("button", name="Email me a link").click()
    await page.get_by_role("heading", name="Check your email").wait_for()
    link = LINK.search(await new_email(inbox, email, seen)).group(0)
    await page.goto(link)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{base}/")


async def log_an_activity(page, base: str, reached: str) -> None:
    await page.goto(f"{base}/log")
    await page.get_by_label("An event or stall").check()
    await page.get_by_label("How many people did it reach?").fill(reached)
    await page.get_by_label("Minutes").fill("45")
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url(f"{base}/activities?saved=1")


# Every response in the phone's Cache Storage: (cache, path, body).
KEPT = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      out.push([name, new URL(request.url).pathname, await response.text()]);
    }
  }
  return out;
}"""


async def kept_on_phone(page: Any) -> list[tuple[str, str, str]]:
    return [tuple(row) for row in await page.evaluate(KEPT)]


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(100):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"Never happened: {what}")


async def remembered(page: Any) -> None:
    """The drawn log form's programme and area, noted by the phone for its offline copy."""
    await eventually(
        lambda: page.evaluate(
            "self.movementQueue.choices(document.body.dataset.account).then((c) => !!c)"
        ),
        "the log form's choices noted",
    )


async def worker_ready(page: Any) -> None:
    """The service worker has installed (its shell kept) and is active, and home's script
    has noted the programme and area its offline form offers: no later visit. (Going
    without signal before that note is written leaves the shell's form with no programme
    chosen, which is right for the phone but not what these tests are about.)"""
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    await remembered(page)


async def signed_in_and_ready(page: Any, base: str, inbox, email: str) -> None:
    """Signed in with the emailed link, home drawn and the service worker ready: the phone
    can lose its signal now."""
    await sign_in(page, base, inbox, email)
    await worker_ready(page)


@asynccontextmanager
async def no_signal(page: Any) -> AsyncIterator[None]:
    """The phone without signal for the length of the block; with it again afterwards, even
    when the block fails (the test's tab is shut after it anyway)."""
    await page.context.set_offline(True)
    try:
        yield
    finally:
        await page.context.set_offline(False)
