"""Signing in through the pages, with the link sent through a real SMTP server."""

from __future__ import annotations

import atexit
import re
from contextlib import AbstractContextManager

from aiosmtpd.controller import Controller

from schema.tables import Activity
from tests.helpers.browser import Inbox, free_port
from tests.helpers.html import HTML, Page
from tests.helpers.settings import setting

LINK = re.compile(r"http://\S+/sign-in/(\S+)")
_SERVER: dict[str, tuple[Inbox, int]] = {}


def smtp_server() -> tuple[Inbox, int]:
    """One SMTP server for the tests' sign-ins, started the first time it is needed."""
    if "inbox" not in _SERVER:
        inbox, port = Inbox(), free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        atexit.register(controller.stop)
        _SERVER["inbox"] = (inbox, port)
    return _SERVER["inbox"]


def smtp_set_up(port: int) -> AbstractContextManager[None]:
    """SMTP_HOST and friends pointing at a local server, for the length of the block."""
    return setting(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port),
        SMTP_TLS="none",
        SMTP_FROM="Health Movement <movement@example.org>",
    )


async def post_sign_in(client, email: str):
    form = Page((await client.get("/sign-in", headers={"accept": "text/html"})).text)
    return await client.post(
        "/sign-in", data={"email": email, "_csrf_token": form.inputs["_csrf_token"]}
    )


async def ask_for_link(client, email: str):
    """Ask for a link as a person would; the email goes to the tests' SMTP server."""
    inbox, port = smtp_server()
    inbox.messages.clear()
    with smtp_set_up(port):
        return await post_sign_in(client, email)


async def newest_link_token() -> str:
    inbox, _ = smtp_server()
    assert inbox.messages, "no email came through SMTP"
    match = LINK.search(inbox.messages[-1][1])
    assert match is not None
    return match.group(1)


async def use_link(client, token: str):
    confirm = Page((await client.get(f"/sign-in/{token}")).text)
    assert confirm.forms[-1] == f"/sign-in/{token}"
    return await client.post(
        f"/sign-in/{token}", data={"_csrf_token": confirm.inputs["_csrf_token"]}
    )


async def sign_in(client, email: str):
    await ask_for_link(client, email)
    return await use_link(client, await newest_link_token())


async def _log(client, reached: str) -> int:
    page = Page((await client.get("/log", headers=HTML)).text)
    await client.post("/log", data={**page.inputs, "kind": "event", "people_reached": reached})
    row = await Activity.select(Activity.id).order_by(Activity.id, ascending=False).first()
    return row["id"]
