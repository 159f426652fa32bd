"""Erasure and the download find everything under every address a person has had or asked
for: a champion who changed their email keeps emails and sign-in links under the old
address, and one with a change waiting has the confirmation email under the new one. After
erasure (their own, or a coordinator deleting them) no table holds any of those addresses;
before it, their download lists what was sent to each and the links asked for with each."""

from __future__ import annotations

import json
import re

import pytest

from schema import tables as t
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.privacy import ADDRESS, texts_holding
from tests.helpers.privacy import phone as phone_of
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}
OLD = "petra.old@example.org"
MID = "petra.mid@example.net"  # changed to, and confirmed
NEW = "petra.new@example.com"  # asked for, its link not used yet
LINK = re.compile(r"http://\S+/email/confirm/(\S+)")


@pytest.fixture
async def phone_client(app):
    async with phone_of(app) as c:
        yield c


async def ask_to_change(client, champion: f.User, to: str) -> str:
    """Ask for a new address through the API; returns the link's token from the outbox."""
    asked = await client.patch(
        f"/api/people/{champion.person_id}", headers=champion.headers, json={"email": to}
    )
    assert asked.json()["email_change"]["status"] == "link-sent", asked.text
    mail = await t.OutboxMessage.select().where(t.OutboxMessage.to == to).first()
    match = LINK.search(mail["body"])
    assert match is not None
    return match.group(1)


async def confirm(client, token: str) -> None:
    page = Page((await client.get(f"/email/confirm/{token}", headers=HTML)).text)
    done = await client.post(
        f"/email/confirm/{token}", data={"_csrf_token": page.inputs["_csrf_token"]}, headers=HTML
    )
    assert Page(done.text).h1 == "Your email address is changed"


async def changed_address(client, phone_client, app) -> f.User:
    """A champion who signed in as OLD from their phone, changed to MID and confirmed it,
    then signed in as MID on another browser of the phone."""
    champion = await f.user("champion", email=OLD, name="Petra Vance")
    await sign_in(phone_client, OLD)
    await confirm(client, await ask_to_change(client, champion, MID))
    notes = await t.OutboxMessage.select().where(t.OutboxMessage.to == OLD)
    assert [n["subject"] for n in notes] == ["Your email address was changed"]
    async with phone_of(app) as other_browser:
        await sign_in(other_browser, MID)
    return champion


async def test_a_coordinator_deleting_someone_who_changed_address_leaves_neither(
    client, phone_client, app, debug
):
    champion = await changed_address(client, phone_client, app)
    before = await texts_holding(OLD, MID)
    assert {"outbox_message", "sign_in_link", "email_change"} <= set(before)

    coordinator = await f.user("coordinator")
    answer = await client.delete(f"/api/people/{champion.person_id}", headers=coordinator.headers)
    assert answer.status_code == 204

    assert await texts_holding(OLD, MID, ADDRESS) == {}


async def test_without_debug_the_note_to_the_old_address_goes_too(
    client, phone_client, app, debug, settings
):
    champion = await changed_address(client, phone_client, app)
    settings(DEBUG="false")  # a live server: the note (no secret) is kept as well
    await t.OutboxMessage.delete().where(t.OutboxMessage.to != OLD)
    coordinator = await f.user("coordinator")
    answer = await client.delete(f"/api/people/{champion.person_id}", headers=coordinator.headers)
    assert answer.status_code == 204
    assert await texts_holding(OLD, MID) == {}


async def test_the_download_lists_emails_and_links_under_every_address(
    client, phone_client, app, debug
):
    champion = await changed_address(client, phone_client, app)
    await ask_to_change(client, champion, NEW)  # waiting

    data = json.loads((await phone_client.get("/my-data/download")).content)
    emails = sorted((e["to"], e["subject"]) for e in data["emails"])
    assert (OLD, "Your email address was changed") in emails
    assert (MID, "Confirm your new email address") in emails
    assert (NEW, "Confirm your new email address") in emails
    links = {(s["email"], s["requested_from"]) for s in data["sign_in_links"]}
    assert links == {(OLD, ADDRESS), (MID, ADDRESS)}
    changes = {(c["old_email"], c["new_email"]) for c in data["email_changes"]}
    assert changes == {(OLD, MID), (None, NEW)}
    page = Page((await phone_client.get("/my-data/all", headers=HTML)).text).text
    assert OLD in page and NEW in page and "Address it replaced" in page


async def test_erasing_yourself_with_a_change_waiting_leaves_no_address(
    client, phone_client, app, debug
):
    champion = await changed_address(client, phone_client, app)
    await ask_to_change(client, champion, NEW)
    assert "outbox_message" in await texts_holding(NEW)

    form = Page((await phone_client.get("/my-data", headers=HTML)).text)
    answer = await phone_client.post(
        "/my-data/delete", data={"_csrf_token": form.inputs["_csrf_token"], "confirm": "yes"}
    )
    assert answer.headers["location"] == "/my-data/deleted"

    assert await texts_holding(OLD, MID, NEW, ADDRESS) == {}


async def test_an_old_address_that_is_someone_elses_now_stays_theirs(
    client, phone_client, app, debug
):
    """Petra moved from OLD to MID; later Quinn signs up with OLD. Petra's download does not
    show Quinn's sign-in link or emails, and erasing Petra leaves them."""
    champion = await changed_address(client, phone_client, app)
    await t.SignInLink.delete().where(t.SignInLink.email == OLD)  # Petra's, run out long ago
    await t.OutboxMessage.delete().where(t.OutboxMessage.to == OLD)
    await f.user("champion", email=OLD, name="Quinn Abara")
    async with phone_of(app) as quinns_phone:
        await sign_in(quinns_phone, OLD)
    await t.OutboxMessage.insert(t.OutboxMessage(to=OLD, subject="For Quinn", body="Hello"))

    data = json.loads((await phone_client.get("/my-data/download")).content)
    assert OLD not in json.dumps([data["emails"], data["sign_in_links"]])

    coordinator = await f.user("coordinator")
    answer = await client.delete(f"/api/people/{champion.person_id}", headers=coordinator.headers)
    assert answer.status_code == 204
    assert await t.SignInLink.count().where(t.SignInLink.email == OLD) == 1
    assert await t.OutboxMessage.count().where(t.OutboxMessage.to == OLD) == 1
    assert await texts_holding(MID) == {}
