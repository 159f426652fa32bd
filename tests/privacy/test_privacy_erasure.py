"""Erasure covers everything: a champion with an account, sessions, tokens, sign-in links,
stories, audit events, a row in an upload and emails in the outbox erases themselves (or a
coordinator deletes them), and afterwards no table holds their email, name, phone,
postcode or internet address; the totals stay the same; the audit log says "an erased
account #n"."""

from __future__ import annotations

import pytest

from schema import tables as t
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.privacy import (
    ADDRESS,
    EMAIL,
    NAME,
    NEW_EMAIL,
    PHONE,
    POSTCODE,
    a_full_life,
    phone,
    texts_holding,
)
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


def what_they_did(totals: dict) -> dict:
    """The numbers their activities and sessions make: erasure keeps them (their roles go
    with them, as a person who left would)."""
    keys = ("reach", "activities", "hours", "anonymous_friends")
    return {k: totals[k] for k in keys}


@pytest.fixture
async def phone_client(app):
    async with phone(app) as c:
        yield c


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
    person = await t.Person.select(t.Person.id).where(t.Person.email == EMAIL).first()
    assert await t.CountedRole.count().where(t.CountedRole.person == person["id"]) >= 1

    form = Page((await phone_client.get("/my-data", headers=HTML)).text)
    answer = await phone_client.post(
        "/my-data/delete", data={"_csrf_token": form.inputs["_csrf_token"], "confirm": "yes"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/my-data/deleted"

    assert await texts_holding(*marks) == {}
    assert await t.CountedRole.count().where(t.CountedRole.person == person["id"]) == 0
    after = (await client.get("/api/totals")).json()
    assert what_they_did(after) == what_they_did(totals)
    assert after["people"] == totals["people"] - 1  # no longer counted among the people
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
