"""Who may do what (issue 11, part 3), from the outside: the last admin is never closed and
only an admin closes an admin's account; disabling an account ends everything that lets it
in, for good; a champion cannot make themself a trainer, and a big session waits for
review; the CSRF token is new after signing in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from schema.tables import Account, FriendsSession, Person
from tests.helpers import factories as f
from tests.helpers.browser import session_cookie_for
from tests.helpers.html import Page
from tests.helpers.mail import confirm, link_in
from tests.helpers.mail import sign_in as sign_in_by_email
from tests.helpers.signin import ask_for_link, newest_link_token, sign_in, use_link

HTML = {"accept": "text/html"}
BIN = Path(sys.executable).parent / "movement"


@pytest.fixture
async def browsers(app):
    """Browser-like clients (cookies, forms), each signed in with its own session."""
    opened: list[httpx.AsyncClient] = []

    async def open_as(user) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        opened.append(client)
        client.cookies.set("movement_session", await session_cookie_for(user.email))
        await client.get("/offline", headers=HTML)  # a page, for the CSRF cookie
        return client

    yield open_as
    for client in opened:
        await client.aclose()


def form(client: httpx.AsyncClient, **data: str) -> dict[str, str]:
    return {"_csrf_token": client.cookies.get("movement_csrf") or "", **data}


async def signed_in(client: httpx.AsyncClient) -> bool:
    answer = await client.get("/", headers=HTML)
    return answer.status_code == 200


async def active(user) -> bool:
    row = await Account.select(Account.active).where(Account.email == user.email).first()
    return bool(row and row["active"])


def movement(*args: str) -> subprocess.CompletedProcess[str]:
    """The `movement` command, as the server's operator runs it, on the tests' database."""
    return subprocess.run(
        [str(BIN), *args], env={**os.environ}, capture_output=True, text=True, timeout=120
    )


# The last admin, and admins' accounts ---------------------------------------------------


async def test_a_coordinator_cannot_delete_a_person_who_has_an_admin_account(client):
    other = await f.user("admin")  # another admin: the last-admin rule is not what refuses it
    admin = await f.user("admin", name="Ada Admin")
    coordinator = await f.user("coordinator")
    answer = await client.delete(f"/api/people/{admin.person_id}", headers=coordinator.headers)
    assert answer.status_code == 403
    assert answer.json()["message"] == (
        "Only an admin can close an admin's account: this person has one, so ask an admin."
    )
    assert await Person.exists().where(Person.id == admin.person_id)
    assert await active(admin)
    # An admin may, while another admin remains.
    answer = await client.delete(f"/api/people/{admin.person_id}", headers=other.headers)
    assert answer.status_code == 204
    assert not await Person.exists().where(Person.id == admin.person_id)


async def test_the_last_admin_cannot_erase_themself_at_my_data(browsers):
    admin = await f.user("admin", name="Ada Admin")
    await f.user("coordinator")  # staff, but not an admin: no help
    browser = await browsers(admin)
    answer = await browser.post("/my-data/delete", data=form(browser, confirm="yes"), headers=HTML)
    assert answer.status_code == 409
    assert Page(answer.text).errors == [
        "This is the last active admin account, so it cannot be closed: make another account "
        "an admin first, so that someone can always run the app."
    ]
    assert await Person.exists().where(Person.id == admin.person_id)
    assert await active(admin) and await signed_in(browser)
    # With another active admin, the same request erases them.
    await f.user("admin")
    answer = await browser.post("/my-data/delete", data=form(browser, confirm="yes"), headers=HTML)
    assert answer.status_code == 303
    assert not await Person.exists().where(Person.id == admin.person_id)


@pytest.mark.slow
async def test_movement_disable_user_keeps_the_last_admin():
    admin = await f.user("admin")
    refused = movement("disable-user", admin.email)
    assert refused.returncode == 2
    assert "last active admin account" in refused.stderr
    assert await active(admin)
    await f.user("admin")
    assert movement("disable-user", admin.email).returncode == 0
    assert not await active(admin)


# Disabling an account ends everything that lets it in -----------------------------------


async def _reactivate(admin_browser: httpx.AsyncClient, account_id: int) -> None:
    path = f"/console/admin/users/{account_id}/reactivate"
    answer = await admin_browser.post(path, data=form(admin_browser), headers=HTML)
    assert answer.status_code == 303


async def _account_id(user) -> int:
    row = await Account.select(Account.id).where(Account.email == user.email).first()
    assert row is not None
    return int(row["id"])


async def test_disabling_with_the_movement_command_signs_a_browser_out_for_good(browsers):
    champion = await f.user("champion")
    admin = await browsers(await f.user("admin"))
    phone = await browsers(champion)
    assert await signed_in(phone)
    assert movement("disable-user", champion.email).returncode == 0
    assert not await signed_in(phone)
    await _reactivate(admin, await _account_id(champion))
    assert not await signed_in(phone)


async def test_deactivating_ends_sessions_and_unused_sign_in_links_for_good(client, browsers):
    champion = await f.user("champion")
    admin = await browsers(await f.user("admin"))
    phone = await browsers(champion)
    assert await signed_in(phone)
    await ask_for_link(client, champion.email)
    token = await newest_link_token()
    account = await _account_id(champion)
    path = f"/console/admin/users/{account}/deactivate"
    assert (await admin.post(path, data=form(admin), headers=HTML)).status_code == 303
    assert not await signed_in(phone)
    await _reactivate(admin, account)
    assert not await signed_in(phone)
    answer = await use_link(client, token)
    assert answer.status_code == 400
    assert Page(answer.text).h1 == "This link does not work any more"
    assert not await signed_in(client)
    # A new link works: the account itself is active again.
    await sign_in(client, champion.email)
    assert await signed_in(client)


async def test_an_unused_email_change_link_dies_with_deactivation(client, browsers, smtp):  # noqa: F811
    champion = await f.user("champion", email="cora@example.org")
    admin = await browsers(await f.user("admin"))
    await sign_in_by_email(client, smtp, "cora@example.org")
    page = Page((await client.get("/my-email", headers=HTML)).text)
    data = {"email": "cora.new@example.org", "_csrf_token": page.inputs["_csrf_token"]}
    assert (await client.post("/my-email", data=data, headers=HTML)).status_code == 200
    link = link_in(smtp, "cora.new@example.org")
    account = await _account_id(champion)
    path = f"/console/admin/users/{account}/deactivate"
    assert (await admin.post(path, data=form(admin), headers=HTML)).status_code == 303
    await _reactivate(admin, account)
    answer = await confirm(client, link)
    assert answer.status_code == 400
    person = await Person.select(Person.email).where(Person.id == champion.person_id).first()
    assert person == {"email": "cora@example.org"}


# The CSRF token at sign-in ----------------------------------------------------------------


async def test_the_csrf_token_from_before_sign_in_does_not_work_after(client):
    champion = await f.user("champion")
    await client.get("/sign-in", headers=HTML)
    before = client.cookies.get("movement_csrf")
    assert before
    await sign_in(client, champion.email)
    after = client.cookies.get("movement_csrf")
    assert after and after != before
    # A form carrying the old token (planted, or read on a shared computer) is refused.
    refused = await client.post(
        "/sign-out", data={"_csrf_token": before, "everywhere": "yes"}, headers=HTML
    )
    assert refused.status_code == 403
    assert await signed_in(client)
    page = Page((await client.get("/my-data", headers=HTML)).text)
    assert page.inputs["_csrf_token"] == after
    signed_out = await client.post("/sign-out", data={"_csrf_token": after}, headers=HTML)
    assert signed_out.status_code in (302, 303)
    assert not await signed_in(client)


# Trainers and big sessions ----------------------------------------------------------------


async def test_a_champion_cannot_make_themself_a_trainer_through_the_api(client):
    champion = await f.user("champion")
    coordinator = await f.user("coordinator")
    course = {"course": "dementia-friends-champion", "completed_on": "2025-06-01"}
    answer = await client.post("/api/trainings", json=course, headers=champion.headers)
    assert answer.status_code == 422
    assert answer.json()["errors"]["course"].startswith(
        "Only a coordinator can record Dementia Friends Champion training"
    )
    session = {"programme": "dementia-friends", "held_on": "2025-06-02", "attendees": 20}
    refused = await client.post("/api/friends-sessions", json=session, headers=champion.headers)
    assert refused.status_code == 422
    # A champion cannot move a course they have to the trainer's course either.
    mine = await client.post(
        "/api/trainings",
        json={"course": "heart-champions-training", "completed_on": "2025-06-01"},
        headers=champion.headers,
    )
    assert mine.status_code == 201
    moved = await client.patch(
        f"/api/trainings/{mine.json()['id']}",
        json={"course": "dementia-friends-champion"},
        headers=champion.headers,
    )
    assert moved.status_code == 422
    # Staff record it; then the champion runs sessions.
    given = await client.post(
        "/api/trainings",
        json={**course, "person": champion.person_id},
        headers=coordinator.headers,
    )
    assert given.status_code == 201
    ran = await client.post("/api/friends-sessions", json=session, headers=champion.headers)
    assert ran.status_code == 201
    # Nor can the champion delete what staff recorded; their other courses are theirs.
    trainer = f"/api/trainings/{given.json()['id']}"
    kept = await client.delete(trainer, headers=champion.headers)
    assert kept.status_code == 422
    assert kept.json()["errors"]["course"].startswith("Only a coordinator can remove")
    assert (await client.get(trainer, headers=champion.headers)).status_code == 200
    own = await client.delete(f"/api/trainings/{mine.json()['id']}", headers=champion.headers)
    assert own.status_code == 204


async def friends(client, headers=None) -> int:
    totals = (await client.get("/api/totals", headers=headers or {})).json()
    return {p["slug"]: p for p in totals["programmes"]}["dementia-friends"]["friends"]


async def test_a_big_session_waits_for_review_and_counts_only_once_approved(client, browsers):
    champion = await f.user("champion")
    await f.join(champion.person_id, "dementia-friends")
    coordinator = await f.user("coordinator")
    desk = await browsers(coordinator)
    public, staff = await friends(client), await friends(client, coordinator.headers)
    session = {"programme": "dementia-friends", "held_on": "2025-06-02", "attendees": 100}
    at_limit = await client.post("/api/friends-sessions", json=session, headers=champion.headers)
    assert at_limit.json()["review_status"] == "not-needed"
    public, staff = public + 100, staff + 100
    assert (await friends(client), await friends(client, coordinator.headers)) == (public, staff)

    big = await client.post(
        "/api/friends-sessions", json={**session, "attendees": 150}, headers=champion.headers
    )
    assert big.status_code == 201 and big.json()["review_status"] == "needs-review"
    assert (await friends(client), await friends(client, coordinator.headers)) == (public, staff)
    queue = Page((await desk.get("/console/review", headers=HTML)).text)
    approve = f"/console/review/sessions/{big.json()['id']}/approve"
    assert approve in queue.forms
    assert (await desk.post(approve, data=form(desk), headers=HTML)).status_code == 303
    assert (await friends(client), await friends(client, coordinator.headers)) == (
        public + 150,
        staff + 150,
    )
    # Made bigger after approval, it waits again.
    grown = await client.patch(
        f"/api/friends-sessions/{big.json()['id']}",
        json={"attendees": 190},
        headers=champion.headers,
    )
    assert grown.json()["review_status"] == "needs-review"
    assert (await friends(client), await friends(client, coordinator.headers)) == (public, staff)


async def test_a_rejected_session_never_counts(client, browsers):
    champion = await f.user("champion")
    await f.join(champion.person_id, "dementia-friends")
    desk = await browsers(await f.user("coordinator"))
    public = await friends(client)
    session = {"programme": "dementia-friends", "held_on": "2025-06-02", "attendees": 180}
    big = await client.post("/api/friends-sessions", json=session, headers=champion.headers)
    reject = f"/console/review/sessions/{big.json()['id']}/reject"
    assert (await desk.post(reject, data=form(desk), headers=HTML)).status_code == 303
    assert await friends(client) == public
    row = await FriendsSession.select(FriendsSession.review_status).first()
    assert row == {"review_status": "rejected"}
    # The champion cannot bring it back by changing it.
    await client.patch(
        f"/api/friends-sessions/{big.json()['id']}",
        json={"attendees": 50},
        headers=champion.headers,
    )
    assert await friends(client) == public


async def test_the_sessions_page_says_a_big_session_waits(client):
    champion = await f.user("champion")
    await f.join(champion.person_id, "dementia-friends")
    await sign_in(client, champion.email)
    page = Page((await client.get("/sessions/new", headers=HTML)).text)
    assert "A session of more than 100 people is saved, and counts once a coordinator" in (
        page.text
    )
