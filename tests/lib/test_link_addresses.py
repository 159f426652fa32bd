"""Request text never becomes the address of a form or a link.

A confirm page that put the token from its own address into its form's action could be
made, with `..\\..\\stories\\3\\delete` as the token, to post its CSRF token to another page
(browsers read `\\` as `/`). So a link's token must have the exact shape the app makes, and
every GET route that takes a path parameter is tried, from the app's own list of routes (a
route added later is covered too), with such parameters, signed in as a champion and as an
admin: no form action or link in any answer may carry `\\` or `..`."""

from __future__ import annotations

import re

import pytest

from schema.tables import Account, Story
from tests.helpers import factories as f
from tests.helpers.browser import session_cookie_for
from tests.helpers.html import Page

HTML = {"accept": "text/html"}
DEACTIVATE = "..%5Cconsole%5Cadmin%5Cusers%5C{id}%5Cdeactivate"  # the attack in issue 11
PAYLOADS = [
    DEACTIVATE.format(id=14),
    "..%5C..%5Cconsole%5Cadmin%5Cusers%5C14%5Creactivate",
    "..%5C..%5Cstories%5C3%5Cdelete",
    "..%5Cstories%5C3%5Cdelete",
    "..%2F..%2Fstories%2F3%2Fdelete",
    "%5C",
    "\\",
    "%2E%2E%5Cstories",
    "a" * 42 + "%5C",  # one character short of a real token, plus a backslash
]
# /bookings/: the link to cancel a place at a session (issue 15).
CONFIRM_PAGES = ["/email/confirm/", "/sign-in/", "/bookings/"]
TARGETS = ("action", "href", "formaction", "hx-get", "hx-post", "hx-delete", "hx-patch")


def addresses(html: str) -> list[str]:
    """Every address a page sends a browser to: form actions, links, htmx requests."""
    return [v or "" for _, attrs in Page(html).elements for k, v in attrs if k in TARGETS]


async def signed_in(client, role: str) -> None:
    user = await f.user(role)
    client.cookies.set("movement_session", await session_cookie_for(user.email))


def get_routes_with_parameters(app) -> list[str]:
    """Every GET route whose address takes a parameter, with {name} left in."""
    out = set()
    for route in app.routes:
        if route.path_parameters and any(
            "GET" in handler.http_methods for handler in route.route_handlers
        ):
            out.add(route.path)
    return sorted(out)


def test_the_routes_found_include_both_confirm_pages(app):
    paths = get_routes_with_parameters(app)
    assert "/sign-in/{token:str}" in paths and "/email/confirm/{token:str}" in paths


def test_every_page_that_takes_text_in_its_address_is_tried_below(app):
    """A page whose address takes text rather than a number (a link's token) is one of
    CONFIRM_PAGES, so the crafted-link tests below try it: a new one must be added there."""
    taking_text = {
        route.split("{")[0]
        for route in get_routes_with_parameters(app)
        if re.search(r"\{\w+(:(str|path))?\}", route)
    }
    # Static files and the API's description draw no form or link from their address;
    # nor does /events/ (a session's number or a programme's calendar, else 404; issue 15),
    # which the test below tries with every payload as it tries every route.
    assert taking_text - {"/static/", "/schema/", "/events/"} == set(CONFIRM_PAGES)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["champion", "admin"])
async def test_no_parameter_of_any_page_reaches_a_form_or_link(client, app, role):
    await signed_in(client, role)
    bad = []
    for route in get_routes_with_parameters(app):
        for payload in PAYLOADS:
            path = re.sub(r"\{[^}]+\}", lambda _: payload, route)  # noqa: B023 - used at once
            answer = await client.get(path, headers=HTML)
            assert answer.status_code < 500, (path, answer.status_code)
            for address in [
                v or "" for _, attrs in Page(answer.text).elements for k, v in attrs if k in TARGETS
            ]:
                if "\\" in address or ".." in address or "%5c" in address.lower():
                    bad.append((path, address))
    assert not bad


@pytest.mark.parametrize("page", CONFIRM_PAGES)
@pytest.mark.parametrize("payload", PAYLOADS)
async def test_a_crafted_confirm_link_gets_link_not_valid_and_no_form(client, page, payload):
    await signed_in(client, "champion")
    answer = await client.get(page + payload, headers=HTML)
    shown = Page(answer.text)
    assert answer.status_code == 404
    assert [a for a in shown.forms if a != "/sign-out"] == []  # only the menu's sign-out
    if "%2F" in payload:
        return  # decoded to other addresses, which are not the confirm pages at all
    assert shown.h1 == "This link does not work"
    assert "check that you copied all of it" in shown.text


async def test_posting_to_a_crafted_confirm_link_changes_nothing(client):
    champion = await f.user("champion")
    rows = await Story.insert(
        Story(person=champion.person_id, text="A story.", consent_to_publish=True)
    ).returning(Story.id)
    client.cookies.set("movement_session", await session_cookie_for(champion.email))
    await client.get("/offline", headers=HTML)
    csrf = client.cookies.get("movement_csrf")
    for page in CONFIRM_PAGES:
        answer = await client.post(
            f"{page}..%5C..%5Cstories%5C{rows[0]['id']}%5Cdelete",
            data={"_csrf_token": csrf},
            headers=HTML,
        )
        assert answer.status_code == 404
        assert Page(answer.text).h1 == "This link does not work"
    assert await Story.count() == 1


async def test_a_real_looking_token_still_gets_the_button(client):
    """The shape check lets through what the app makes: 43 URL-safe characters."""
    token = "Ab-_" + "x" * 39
    for page in CONFIRM_PAGES:
        shown = Page((await client.get(page + token, headers=HTML)).text)
        assert page + token in shown.forms


@pytest.mark.parametrize("page", CONFIRM_PAGES)
async def test_an_admin_who_opens_the_crafted_deactivate_link_deactivates_nobody(client, page):
    """The attack from issue 11: a signed-in admin opens a confirm link whose token is
    `..\\console\\admin\\users\\<id>\\deactivate` and taps the button. There is no
    button, and posting to the address anyway changes nothing."""
    admin = await f.user("admin")
    champion = await f.user("champion")
    account = await Account.select(Account.id).where(Account.email == champion.email).first()
    assert account is not None
    client.cookies.set("movement_session", await session_cookie_for(admin.email))
    crafted = page + DEACTIVATE.format(id=account["id"])
    answer = await client.get(crafted, headers=HTML)
    shown = Page(answer.text)
    assert answer.status_code == 404
    assert shown.h1 == "This link does not work"
    assert [a for a in shown.forms if a != "/sign-out"] == []
    csrf = client.cookies.get("movement_csrf")
    posted = await client.post(crafted, data={"_csrf_token": csrf}, headers=HTML)
    assert posted.status_code == 404
    still = await Account.select(Account.active).where(Account.id == account["id"]).first()
    assert still == {"active": True}
