"""Erasure covers everything: a champion with an account, sessions, tokens, sign-in links,
stories, audit events, a row in an upload and emails in the outbox erases themselves (or a
coordinator deletes them), and afterwards no table holds their email, name, phone,
postcode or internet address; the totals stay the same; the audit log says "an erased
account #n"."""

from __future__ import annotations

import json

import httpx
import pytest
from piccolo.table import Table

from schema import tables as t
from server.imports import jobs
from server.lib.auth import Actor
from server.lib.records import Context
from tests import factories as f
from tests.html import Page
from tests.test_sign_in import sign_in

HTML = {"accept": "text/html"}
ADDRESS = "203.0.113.77"  # the champion's phone's internet address
PHONE_BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
EMAIL = "zelda.quiggins@example.org"
NEW_EMAIL = "moira.new@example.net"  # asked for, waiting for its link
NAME = "Zelda Quiggins"
PHONE = "07700 900 314"
POSTCODE = "WN3 7QZ"
UPLOAD = (
    "Full name,Email,Phone,Postcode\n"
    f"{NAME},{EMAIL},{PHONE},{POSTCODE}\n"
    "Omar Bright,omar.bright@example.org,07700 900 999,WN1 1AA\n"
).encode()


def what_they_did(totals: dict) -> dict:
    """The numbers their activities and sessions make: erasure keeps them (their roles go
    with them, as a person who left would)."""
    keys = ("reach", "activities", "hours", "anonymous_friends")
    return {k: totals[k] for k in keys}


def every_table() -> list[type[Table]]:
    return [v for v in vars(t).values() if isinstance(v, type) and issubclass(v, Table)
            and v.__module__ == t.__name__]  # fmt: skip


async def texts_holding(*marks: str) -> dict[str, list[str]]:
    """Every table's rows, as text, that contain any of the marks (case ignored)."""
    found: dict[str, list[str]] = {}
    for table in every_table():
        for row in await table.select():
            text = json.dumps(row, default=str).lower()
            hits = [m for m in marks if m.lower() in text]
            if hits:
                found.setdefault(table._meta.tablename, []).append(f"{hits}: {text[:300]}")
    return found


def phone(app) -> httpx.AsyncClient:
    """A client like the champion's phone: its own internet address and browser."""
    transport = httpx.ASGITransport(app=app, client=(ADDRESS, 5050))
    headers = {"user-agent": PHONE_BROWSER}
    return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)


@pytest.fixture
async def phone_client(app):
    async with phone(app) as c:
        yield c


async def a_full_life(client, phone_client) -> f.User:
    """A champion with one of every kind of record, and a coordinator's upload naming them."""
    await f.footprint("WC")
    champion = await f.user(
        "champion", email=EMAIL, name=NAME, phone=PHONE, postcode=POSTCODE, year_of_birth=1961
    )
    await f.join(champion.person_id, "health-champions")
    await f.join(champion.person_id, "dementia-friends")
    for reached, note in ((12, f"Stall with {NAME}'s church group"), (30, "Walk")):
        answer = await phone_client.post("/api/activities", headers=champion.headers, json={
            "programme": "health-champions", "kind": "event", "people_reached": reached,
            "footprint": "WC", "note": note})  # fmt: skip
        assert answer.status_code == 201, answer.text
    story = await phone_client.post("/api/stories", headers=champion.headers, json={
        "programme": "health-champions", "consent_to_publish": True,
        "text": f"I am {NAME} and I walk every lunch time."})  # fmt: skip
    assert story.status_code == 201, story.text
    ran = {"programme": "dementia-friends", "attendees": 14, "footprint": "WC",
           "held_on": "2026-11-02", "venue": "Wigan Library",
           "note": f"Call {PHONE} to book"}  # fmt: skip
    session = await phone_client.post("/api/friends-sessions", headers=champion.headers, json=ran)
    assert session.status_code == 201, session.text
    await sign_in(phone_client, EMAIL)  # a sign-in link, an email, a session with its device
    asked = await phone_client.patch(
        f"/api/people/{champion.person_id}", headers=champion.headers, json={"email": NEW_EMAIL}
    )
    assert asked.json()["email_change"]["status"] == "link-sent"  # waiting for its link
    # An email kept in the development outbox (whatever becomes of sign-in links there).
    thanks = f"Dear {NAME}, thank you for your story."
    await t.OutboxMessage.insert(t.OutboxMessage(to=EMAIL, subject="Your story", body=thanks))
    coordinator = await f.user("coordinator")
    by = await t.Account.select(t.Account.id).where(t.Account.email == coordinator.email).first()
    actor = Actor(by["id"], "coordinator", coordinator.person_id)
    await jobs.create_job(await Context.load(actor), f"{NAME} and others.csv", UPLOAD)
    other = await f.user("champion", name="Someone Else")
    await f.join(other.person_id, "health-champions")
    await client.post("/api/activities", headers=other.headers, json={
        "programme": "health-champions", "kind": "leaflets", "people_reached": 5})  # fmt: skip
    return champion


async def test_a_champion_who_erases_themselves_leaves_no_trace_and_the_totals_stay(
    client, phone_client
):
    champion = await a_full_life(client, phone_client)
    marks = (EMAIL, NEW_EMAIL, NAME, PHONE, POSTCODE, ADDRESS)
    before = await texts_holding(*marks)
    for table in ("person", "account", "sign_in_link", "outbox_message", "import_job",
                  "activity", "story", "friends_session", "email_change"):  # fmt: skip
        assert table in before, f"the test data has nothing about them in {table}"
    assert await t.WebSession.count() >= 1 and await t.ApiToken.count() >= 1
    totals = (await client.get("/api/totals")).json()
    assert totals["reach"] == 47 and totals["anonymous_friends"] == 14

    form = Page((await phone_client.get("/my-data", headers=HTML)).text)
    answer = await phone_client.post(
        "/my-data/delete", data={"_csrf_token": form.inputs["_csrf_token"], "confirm": "yes"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/my-data/deleted"

    assert await texts_holding(*marks) == {}
    assert what_they_did((await client.get("/api/totals")).json()) == what_they_did(totals)
    accounts = await t.Account.select().where(t.Account.email.like("erased account #%"))
    assert len(accounts) == 1 and accounts[0]["active"] is False
    assert await t.WebSession.count().where(t.WebSession.account == accounts[0]["id"]) == 0
    assert await t.ApiToken.count().where(t.ApiToken.account == accounts[0]["id"]) == 0
    # The other person's row of the upload is still there to import.
    job = await t.ImportJob.select(t.ImportJob.sheet).output(load_json=True).first()
    assert [cells[0] for _, cells in job["sheet"]["rows"]] == ["Omar Bright"]
    # The champion's token no longer works, and they are signed out.
    assert (await client.get("/api/me", headers=champion.headers)).status_code == 401
    assert (await phone_client.get("/")).headers["location"] == "/sign-in"

    admin = await f.user("admin")
    await sign_in(client, admin.email)
    log = Page((await client.get("/console/audit?per_page=500", headers=HTML)).text).text
    assert f"an erased account #{accounts[0]['id']}" in log
    assert EMAIL not in log


async def test_a_coordinator_deleting_a_person_erases_them_the_same_way(client, phone_client):
    champion = await a_full_life(client, phone_client)
    totals = (await client.get("/api/totals")).json()
    coordinator = await f.user("coordinator")
    answer = await client.delete(f"/api/people/{champion.person_id}", headers=coordinator.headers)
    assert answer.status_code == 204
    assert await texts_holding(EMAIL, NAME, PHONE, POSTCODE, ADDRESS) == {}
    assert what_they_did((await client.get("/api/totals")).json()) == what_they_did(totals)
    events = (await client.get(
        "/api/audit?record_type=person&record_id=" + str(champion.person_id),
        headers=(await f.user("admin")).headers)).json()["items"]  # fmt: skip
    assert [e["action"] for e in events][:2] == ["delete", "erase"]
