"""A champion with one of every kind of record, and finding what holds their details."""

from __future__ import annotations

import json

import httpx
from piccolo.table import Table

from schema import tables as t
from server.imports import jobs
from server.lib.auth import Actor
from server.lib.records import Context
from tests.helpers import factories as f
from tests.helpers.signin import sign_in

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
