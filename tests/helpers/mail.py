"""Emails as they arrive: their text, the links in them, and using those links."""

from __future__ import annotations

import email
import email.policy
import re

from tests.helpers.browser import Inbox
from tests.helpers.html import HTML, Page
from tests.helpers.signin import post_sign_in, use_link

CHANGE_LINK = re.compile(r"http://\S+/email/confirm/(\S+)")


SIGN_IN_LINK = re.compile(r"http://\S+/sign-in/(\S+)")


def read(content: str) -> tuple[str, str]:
    """The subject and the plain text of an email as it arrived."""
    message = email.message_from_string(content, policy=email.policy.default)
    return str(message["Subject"]), message.get_content()


def link_in(inbox: Inbox, address: str, pattern: re.Pattern[str] = CHANGE_LINK) -> str:
    (content,) = [c for c in inbox.for_address(address) if pattern.search(read(c)[1])]
    match = pattern.search(read(content)[1])
    assert match is not None
    return match.group(1)


async def sign_in(client, inbox: Inbox, address: str):
    """Sign a client in with the link that arrives by SMTP."""
    await post_sign_in(client, address)
    links = [SIGN_IN_LINK.search(read(c)[1]) for c in inbox.for_address(address)]
    token = [m.group(1) for m in links if m][-1]
    return await use_link(client, token)


async def confirm(client, link: str):
    """Open the link as a person would: the page, then its button."""
    page = Page((await client.get(f"/email/confirm/{link}", headers=HTML)).text)
    assert page.forms[-1] == f"/email/confirm/{link}"
    return await client.post(
        f"/email/confirm/{link}",
        data={"_csrf_token": page.inputs["_csrf_token"]},
        headers=HTML,
    )
