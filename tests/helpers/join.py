"""Sending the /join form as a resident would (used by the join tests and the console's)."""

from __future__ import annotations

from tests.helpers.html import HTML, Page


def answers(**changes: object) -> dict[str, object]:
    """A complete, right application for an adult with an email; `changes` replace fields
    (None leaves one out)."""
    data: dict[str, object] = {
        "name": "Sam Okafor",
        "email": "sam@example.org",
        "phone": "",
        "postcode": "WN1 1AA",
        "year_of_birth": "1985",
        "programmes": ["health-champions", "dementia-friends"],
        "area": "not-sure",
        "organisation": "",
        "consent_to_contact": "yes",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


async def send_application(client, **changes: object):
    """Fill in /join and send it, as the one test client (one internet address)."""
    page = Page((await client.get("/join", headers=HTML)).text)
    return await client.post(
        "/join",
        data={"_csrf_token": page.inputs["_csrf_token"], **answers(**changes)},
        headers=HTML,
    )
