"""A server without email set up says so in its log once per email, not twice."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.helpers import factories as f
from tests.helpers.browser import ARTIFACTS, start_server
from tests.helpers.html import Page

WARNING = "Email is not set up (SMTP_HOST is empty)"


@pytest.mark.slow
async def test_email_not_set_up_is_logged_once(database, smtp_inbox):
    await f.user("champion", email="once@example.org")
    ARTIFACTS.mkdir(exist_ok=True)
    server, base = start_server(
        smtp_inbox[1], log_name="server-without-email.log", SMTP_HOST="", DEBUG="false"
    )
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            form = Page((await client.get("/sign-in")).text)
            answer = await client.post(
                "/sign-in",
                data={"email": "once@example.org", "_csrf_token": form.inputs["_csrf_token"]},
            )
            assert Page(answer.text).h1 == "Check your email"
        log = ARTIFACTS / "server-without-email.log"
        for _ in range(100):  # the email is sent after the answer, so wait for the line
            if WARNING in log.read_text():
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)  # a second copy, if any, has time to arrive
    finally:
        server.terminate()
        server.wait(timeout=10)
    logged = log.read_text()
    assert logged.count(WARNING) == 1, logged
    assert "once@example.org" not in logged and "/sign-in/" not in logged
