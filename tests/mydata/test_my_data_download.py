"""The download holds everything held about the person, each kind of record in its own
section, as JSON, as a spreadsheet (CSV) and as a page to read; never a secret or its hash,
never someone else's records."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from schema import tables as t
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.privacy import ADDRESS, EMAIL, NAME, a_full_life, phone

HTML = {"accept": "text/html"}


@pytest.fixture
async def phone_client(app):
    async with phone(app) as c:
        yield c


KINDS = ("person", "accounts", "memberships", "counted_roles", "trainings", "activities",
         "friends_sessions", "stories", "api_tokens", "sessions", "sign_in_links", "emails",
         "audit_events", "import_rows")  # fmt: skip


@pytest.mark.slow
async def test_the_json_download_lists_each_kind_of_record(client, phone_client):
    await a_full_life(client, phone_client)
    course = await t.Course.select(t.Course.id).first()
    person = await t.Person.select(t.Person.id).where(t.Person.email == EMAIL).first()
    await t.TrainingRecord.insert(t.TrainingRecord(
        person=person["id"], course=course["id"], completed_on=date(2025, 3, 1),
        certificate_number="RSPH-77"))  # fmt: skip
    answer = await phone_client.get("/my-data/download")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    data = json.loads(answer.content)
    for kind in KINDS:
        assert data[kind], f"{kind} is missing or empty"
    assert data["person"]["name"] == NAME and data["person"]["postcode"] == "WN3 7QZ"
    assert data["trainings"][0]["certificate_number"] == "RSPH-77"
    programmes = {m["programme"] for m in data["memberships"] if m["status"] == "active"}
    assert {c["programme"] for c in data["counted_roles"]} == programmes  # names, not ids
    assert all(c["quintile"] in range(6) and c["joined_on"] for c in data["counted_roles"])
    assert sorted(a["people_reached"] for a in data["activities"]) == [12, 30]
    assert data["stories"][0]["text"].startswith("I am Zelda")
    assert data["sessions"][0]["device"] == "Chrome on Android"
    assert data["sign_in_links"][0]["requested_from"] == ADDRESS
    assert data["api_tokens"][0]["created_at"]
    assert {e["who"] for e in data["audit_events"]} >= {"you"}
    assert [r["row"] for r in data["import_rows"] if r["row"]] == [2]
    assert "omar" not in answer.text.lower() and "Someone Else" not in answer.text
    hashes = [r["token_hash"] for table in (t.ApiToken, t.WebSession, t.SignInLink)
              for r in await table.select(table.token_hash)]  # fmt: skip
    assert hashes and not any(h in answer.text for h in hashes)
    assert "mvt_" not in answer.text


async def test_the_spreadsheet_has_a_titled_table_for_each_kind(client, phone_client):
    await a_full_life(client, phone_client)
    answer = await phone_client.get("/my-data/download.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    titles = [r[0] for r, before in zip(rows[1:], rows, strict=False) if r and not before] + [
        rows[0][0]
    ]
    for title in ("Your details", "Where you signed in", "Sign-in links you asked for",
                  "Changes made by you or about you", "Your stories", "What you did"):  # fmt: skip
        assert title in titles
    assert ["Device", "Signed in", "Would end", "Signed out"] in rows
    assert any(r[:1] == ["Chrome on Android"] for r in rows)
    assert any(ADDRESS in r for r in rows)


@pytest.mark.slow
async def test_the_page_shows_everything_in_plain_english(client, phone_client):
    await a_full_life(client, phone_client)
    page = await phone_client.get("/my-data/all", headers=HTML)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = Page(page.text).text
    assert Page(page.text).h1 == "Everything we hold about you"
    for words in ("Your details", NAME, "Chrome on Android", ADDRESS, "Stall with",
                  "Your stories", "Rows of spreadsheets waiting to be imported",
                  "Changes made by you or about you"):  # fmt: skip
        assert words in text, words
    # Codes in words (the activities were events, the roles active, the story waiting), and
    # the log says what changed without the app's own record numbers.
    for words in ("An event or stall", "Active", "Waiting for a coordinator", "Added"):
        assert words in text, words
    assert "client_id" not in text and "client id" not in text
    assert "omar" not in text.lower()
    assert "/my-data/all" in Page((await phone_client.get("/my-data", headers=HTML)).text).links


@pytest.mark.slow
async def test_the_page_words_time_and_changes_as_people_say_them(client, phone_client):
    champion = await a_full_life(client, phone_client)
    answer = await phone_client.post("/api/activities", headers=champion.headers, json={
        "programme": "health-champions", "kind": "conversation", "people_reached": 3,
        "minutes": 90})  # fmt: skip
    assert answer.status_code == 201, answer.text
    changed = await phone_client.patch(
        f"/api/activities/{answer.json()['id']}", headers=champion.headers,
        json={"people_reached": 4, "note": "Chat at the bus stop"},
    )  # fmt: skip
    assert changed.status_code == 200, changed.text
    page = Page((await phone_client.get("/my-data/all", headers=HTML)).text)
    text = page.text
    assert "Time spent" in text and "1 hour 30 minutes" in text
    assert "Minutes" not in text and "Record number" not in text
    assert "What you did: A conversation" in text and "Time spent: 1 hour 30 minutes" in text
    assert "People reached: from 3 to 4" in text and "Note changed" in text
    assert "note: changed" not in text and "people reached:" not in text
    sheet = (await phone_client.get("/my-data/download.csv")).content.decode("utf-8-sig")
    assert any("1 hour 30 minutes" in r for r in csv.reader(io.StringIO(sheet)))


async def test_someone_not_signed_in_is_sent_to_sign_in(client):
    for path in ("/my-data/all", "/my-data/download", "/my-data/download.csv"):
        assert (await client.get(path)).headers["location"] == "/sign-in"


async def test_a_staff_members_download_does_not_name_other_staff(client, phone_client):
    champion = await a_full_life(client, phone_client)
    coordinator = await f.user("coordinator")
    answer = await client.patch(
        f"/api/people/{champion.person_id}",
        headers=coordinator.headers,
        json={"consent_to_contact": True},
    )
    assert answer.status_code == 200
    data = json.loads((await phone_client.get("/my-data/download")).content)
    assert "a member of staff" in {e["who"] for e in data["audit_events"]}
    assert coordinator.email not in json.dumps(data)
