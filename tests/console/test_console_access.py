"""Only coordinators and admins get into the console; admins alone into its settings.

Every console route is found from the app itself, so a page added later is covered
without anyone remembering to list it here."""

from __future__ import annotations

import pytest

from tests.helpers import factories as f
from tests.helpers.console import console_routes
from tests.helpers.html import Page
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}
# Sections that must be there: a sanity check that the route discovery below finds them.
SECTIONS = ["/console"]


async def csrf_token(client) -> str:
    """A valid CSRF token: the forms carry the CSRF cookie's value."""
    await client.get("/offline", headers=HTML)
    return client.cookies.get("movement_csrf")


def test_the_console_has_its_sections(app):
    paths = {path for _, path, _ in console_routes(app)}
    missing = [p for p in SECTIONS if p not in paths]
    assert not missing, f"no route for {missing}"


async def _answers(client, app):
    token = await csrf_token(client)
    for method, path, admin_only in console_routes(app):
        if method == "GET":
            answer = await client.get(path, headers=HTML)
        else:
            answer = await client.request(method, path, data={"_csrf_token": token}, headers=HTML)
        yield method, path, admin_only, answer


@pytest.mark.slow
async def test_a_champion_gets_403_on_every_console_url(client, app):
    user = await f.user("champion")
    await sign_in(client, user.email)
    async for method, path, _, answer in _answers(client, app):
        assert answer.status_code == 403, f"{method} {path}: {answer.status_code}"
        assert "You cannot see this page" in Page(answer.text).h1


async def test_someone_not_signed_in_is_sent_to_sign_in(client, app):
    for method, path, _ in console_routes(app):
        if method == "GET":
            answer = await client.get(path, headers=HTML)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == "/sign-in"
        json_answer = await client.request(method, path)
        assert json_answer.status_code in (401, 403), f"{method} {path}"


@pytest.mark.slow
@pytest.mark.parametrize("role", ["coordinator", "admin"])
async def test_coordinators_get_in_and_only_admins_get_the_settings(client, app, role):
    user = await f.user(role)
    await sign_in(client, user.email)
    async for method, path, admin_only, answer in _answers(client, app):
        if admin_only and role == "coordinator":
            assert answer.status_code == 403, f"{method} {path}"
        else:
            # In: the page, or a form shown again, or "no record 1" - never "not allowed".
            assert answer.status_code not in (401, 403), f"{method} {path}: {answer.text[:300]}"
            assert answer.status_code < 500, f"{method} {path}: {answer.text[:300]}"


async def test_staff_see_the_console_in_their_menu_and_champions_do_not(client):
    coordinator = await f.user("coordinator")
    await sign_in(client, coordinator.email)
    assert "/console/" in Page((await client.get("/", headers=HTML)).text).links
    client.cookies.clear()
    champion = await f.user("champion")
    await sign_in(client, champion.email)
    assert "/console/" not in Page((await client.get("/", headers=HTML)).text).links
