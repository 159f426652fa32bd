"""An email address is someone's only once they confirmed it: a champion's new address waits
for the link sent to it, staff-entered and imported addresses wait for their owner to sign
in, and an unconfirmed address never hands a record to an import, `movement create-user`,
the console or a training cohort. Tried from the outside, as a champion and a coordinator
would, through a real SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from schema import tables as t
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.imports import finished, token, upload
from tests.helpers.mail import confirm, link_in, read, sign_in

HTML = {"accept": "text/html"}
BIN = Path(sys.executable).parent / "movement"


async def record(client, user) -> dict:
    answer = await client.get(f"/api/people/{user.person_id}", headers=user.headers)
    assert answer.status_code == 200
    return answer.json()


def create_user(*args: str) -> subprocess.CompletedProcess[str]:
    """`movement create-user` as an admin runs it, on the database the tests use."""
    return subprocess.run(
        [str(BIN), "create-user", *args],
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


# A champion changes their own email ---------------------------------------------------


async def test_a_new_email_waits_for_the_link_sent_to_it(client, smtp):
    champion = await f.user("champion", email="chris@example.org", name="Chris Champion")
    answer = await client.patch(
        f"/api/people/{champion.person_id}",
        json={"email": "Chris.New@Example.org", "phone": "01942 123456"},
        headers=champion.headers,
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["email"] == "chris@example.org"  # the old address stays for now
    assert body["phone"] == "01942 123456"  # the rest of the change is saved
    assert body["email_change"]["status"] == "link-sent"
    assert "We have sent a link to chris.new@example.org" in body["email_change"]["message"]

    (content,) = smtp.for_address("chris.new@example.org")
    subject, text = read(content)
    assert subject == "Confirm your new email address"
    assert "works once, for 24 hours" in text
    link = link_in(smtp, "chris.new@example.org")
    assert not smtp.for_address("chris@example.org")
    kept = await t.EmailChange.select().first()
    assert link not in str(kept)  # only a hash of the link is kept
    assert (await record(client, champion))["email"] == "chris@example.org"

    done = await confirm(client, link)
    assert done.status_code == 200
    assert Page(done.text).h1 == "Your email address is changed"
    now = await record(client, champion)
    assert now["email"] == "chris.new@example.org" and now["email_confirmed"] is True
    me = await client.get("/api/me", headers=champion.headers)
    assert me.json()["email"] == "chris.new@example.org"  # the account's address too
    notice = [read(c)[0] for c in smtp.for_address("chris@example.org")]
    assert notice == ["Your email address was changed"]

    again = await confirm(client, link)
    assert again.status_code == 400 and Page(again.text).h1 == "This link does not work"

    signed = await sign_in(client, smtp, "chris.new@example.org")  # the new address works
    assert signed.status_code in (302, 303)


async def test_an_address_taken_while_the_link_is_used_is_refused_plainly(
    client, smtp, monkeypatch
):
    """Someone else's record takes the address between the check and the change (two
    workers at the same moment): the database refuses it, and the person is told, not
    shown a server error."""
    from server.accounts import email_change

    champion = await f.user("champion", email="gus@example.org")
    await client.patch(
        f"/api/people/{champion.person_id}",
        json={"email": "gus.new@example.org"},
        headers=champion.headers,
    )
    link = link_in(smtp, "gus.new@example.org")
    await f.person(name="Quick Taker", email="gus.new@example.org")

    async def not_yet(*_: object) -> bool:  # the check ran just before the other write
        return False

    monkeypatch.setattr(email_change, "_taken", not_yet)
    answer = await confirm(client, link)
    assert answer.status_code == 400
    assert "used by someone else's record" in Page(answer.text).text
    assert (await record(client, champion))["email"] == "gus@example.org"


async def test_a_change_link_runs_out_and_the_old_address_stays(client, smtp):
    champion = await f.user("champion", email="dana@example.org")
    await client.patch(
        f"/api/people/{champion.person_id}",
        json={"email": "dana.new@example.org"},
        headers=champion.headers,
    )
    link = link_in(smtp, "dana.new@example.org")
    await t.EmailChange.update(
        {t.EmailChange.expires_at: datetime.now(UTC) - timedelta(minutes=1)}, force=True
    )
    late = await confirm(client, link)
    assert late.status_code == 400
    assert "work once, for 24 hours" in Page(late.text).text
    assert (await record(client, champion))["email"] == "dana@example.org"


async def test_a_taken_address_gets_the_same_answer_and_no_link(client, smtp):
    """A champion must not learn who is in the council's records: an address someone else
    has gets "we sent a link", like any other; its owner gets a note, with no link and
    nothing about who asked; and the limit of 3 an hour counts these tries too."""
    await f.person("Nina Newcomer", email="nina@example.org")
    champion = await f.user("champion", email="eve@example.org", name="Eve Asker")
    answers = {}
    for address in ("nina@example.org", "nobody.yet@example.org"):
        answer = await client.patch(
            f"/api/people/{champion.person_id}", json={"email": address}, headers=champion.headers
        )
        assert answer.status_code == 200
        change = answer.json()["email_change"]
        assert change["status"] == "link-sent" and change["to"] == address
        answers[address] = change["message"].replace(address, "ADDRESS")
    assert answers["nina@example.org"] == answers["nobody.yet@example.org"]
    assert "Nina" not in str(answers)

    (note,) = smtp.for_address("nina@example.org")
    subject, text = read(note)
    assert subject == "Someone tried to use your email address"
    assert "nothing was changed" in text
    assert "http" not in text and "Eve" not in text and "eve@" not in text
    assert link_in(smtp, "nobody.yet@example.org")  # a real address gets its link

    third = await client.patch(
        f"/api/people/{champion.person_id}",
        json={"email": "nina@example.org"},
        headers=champion.headers,
    )
    assert third.status_code == 200  # the third of three
    for address in ("nina@example.org", "other.new@example.org"):  # then both are limited
        limited = await client.patch(
            f"/api/people/{champion.person_id}", json={"email": address}, headers=champion.headers
        )
        assert limited.status_code == 429
        assert "several times" in limited.json()["errors"]["email"]
        # When the oldest of the three leaves the hour: within it, and not at once.
        assert 1 <= int(limited.headers["retry-after"]) <= 3600
    assert len(smtp.for_address("nina@example.org")) == 2
    assert (await record(client, champion))["email"] == "eve@example.org"
    nina = await t.Person.select(t.Person.email).where(t.Person.name == "Nina Newcomer").first()
    assert nina["email"] == "nina@example.org"


async def test_the_change_my_email_page_says_the_same_for_a_taken_address(client, smtp):
    await f.person("Omar Other", email="omar@example.org")
    champion = await f.user("champion", email="gus@example.org")
    await sign_in(client, smtp, champion.email)
    csrf = Page((await client.get("/my-email", headers=HTML)).text).inputs["_csrf_token"]
    shown = {}
    for address in ("omar@example.org", "gus.new@example.org"):
        sent = await client.post(
            "/my-email", data={"email": address, "_csrf_token": csrf}, headers=HTML
        )
        assert sent.status_code == 200
        shown[address] = Page(sent.text).text.replace(address, "ADDRESS")
    assert shown["omar@example.org"] == shown["gus.new@example.org"]
    assert "Check your email" in shown["omar@example.org"]
    assert "Omar" not in shown["omar@example.org"]


async def test_a_champion_cannot_remove_their_address_or_ask_without_limit(client, smtp):
    champion = await f.user("champion", email="eve@example.org")
    removed = await client.patch(
        f"/api/people/{champion.person_id}", json={"email": None}, headers=champion.headers
    )
    assert removed.status_code == 422  # null fits the document; a champion may not
    assert "cannot remove your email address" in removed.json()["errors"]["email"]
    for n in range(4):  # a few tries are fine; a flood is not
        tries = await client.patch(
            f"/api/people/{champion.person_id}",
            json={"email": f"eve{n}@example.org"},
            headers=champion.headers,
        )
    assert tries.status_code == 429 and "several times" in tries.json()["errors"]["email"]
    assert len(smtp.messages) == 3
    assert (await record(client, champion))["email"] == "eve@example.org"


async def test_the_change_my_email_page(client, smtp):
    champion = await f.user("champion", email="fay@example.org")
    await sign_in(client, smtp, champion.email)
    page = Page((await client.get("/my-email", headers=HTML)).text)
    assert page.h1 == "Change my email address" and "fay@example.org" in page.text
    bad = await client.post(
        "/my-email",
        data={"email": "fay@", "_csrf_token": page.inputs["_csrf_token"]},
        headers=HTML,
    )
    assert bad.status_code == 400
    assert Page(bad.text).errors == ["Enter an email address like name@example.com."]
    assert Page(bad.text).inputs["email"] == "fay@"
    sent = await client.post(
        "/my-email",
        data={"email": "fay.new@example.org", "_csrf_token": page.inputs["_csrf_token"]},
        headers=HTML,
    )
    assert sent.status_code == 200 and Page(sent.text).h1 == "Check your email"
    assert "Until then your old address stays" in Page(sent.text).text
    assert (await confirm(client, link_in(smtp, "fay.new@example.org"))).status_code == 200
    assert (await record(client, champion))["email"] == "fay.new@example.org"


# Staff-entered addresses are confirmed by signing in ----------------------------------


async def test_staff_addresses_are_unconfirmed_until_their_owner_signs_in(client, smtp):
    coordinator = await f.user("coordinator")
    made = await client.post(
        "/api/people",
        json={"name": "Gita Shah", "email": "gita@example.org"},
        headers=coordinator.headers,
    )
    assert made.status_code == 201 and made.json()["email_confirmed"] is False
    champion = await f.user("champion", email="hal@example.org")
    assert (await record(client, champion))["email_confirmed"] is False
    await sign_in(client, smtp, "hal@example.org")
    assert (await record(client, champion))["email_confirmed"] is True
    changed = await client.patch(
        f"/api/people/{champion.person_id}",
        json={"email": "hal.typed@example.org"},
        headers=coordinator.headers,
    )
    assert changed.json()["email"] == "hal.typed@example.org"  # staff change it at once,
    assert changed.json()["email_confirmed"] is False  # but it is not confirmed


# The attack from the issue, end to end -------------------------------------------------

NEWCOMER_CSV = (
    b"Name,Email,Phone,Postcode,Date of birth\n"
    b"Nina Newcomer,newcomer@example.org,07700 900123,WN1 1AA,12/05/1990\n"
)


async def _import(client, content: bytes) -> tuple[int, str]:
    """Upload, keep the guessed columns, and return the job and its preview's text."""
    sent = await upload(client, content, "newcomers.csv")
    assert sent.status_code == 303, sent.text
    job_id = int(sent.headers["location"].split("/")[3])
    chosen = Page((await client.get(sent.headers["location"], headers=HTML)).text).chosen
    preview = await client.post(sent.headers["location"], data={**token(client), **chosen})
    page = await client.get(preview.headers["location"], headers=HTML)
    return job_id, Page(page.text).text


@pytest.mark.slow
async def test_a_champion_who_asks_for_a_newcomers_address_gets_none_of_their_data(client, smtp):
    champion = await f.user("champion", email="chris@example.org", name="Chris Champion")
    claim = await client.patch(
        f"/api/people/{champion.person_id}",
        json={"email": "newcomer@example.org"},
        headers=champion.headers,
    )
    assert claim.status_code == 200 and claim.json()["email"] == "chris@example.org"
    coordinator = await f.user("coordinator")
    await sign_in(client, smtp, coordinator.email)
    job_id, _ = await _import(client, NEWCOMER_CSV)
    await client.post(f"/console/import/{job_id}/run", data=token(client))
    assert (await finished(job_id))["status"] == "done"
    mine = await record(client, champion)
    assert (mine["email"], mine["phone"], mine["postcode"], mine["year_of_birth"]) == (
        "chris@example.org", None, None, None,
    )  # fmt: skip
    newcomer = await t.Person.select().where(t.Person.email == "newcomer@example.org").first()
    assert newcomer["name"] == "Nina Newcomer" and newcomer["phone"] == "07700 900123"
    made = create_user("newcomer@example.org", "--role", "champion")
    # The newcomer's own record is not confirmed either (it was imported): no account is
    # linked through it without a coordinator deciding, and never to the champion's record.
    assert made.returncode == 2 and f"--person {newcomer['id']}" in made.stderr
    linked = create_user(
        "newcomer@example.org", "--role", "champion", "--person", str(newcomer["id"])
    )
    assert linked.returncode == 0, linked.stderr
    account = await t.Account.select().where(t.Account.email == "newcomer@example.org").first()
    assert account["person"] == newcomer["id"] != champion.person_id


@pytest.mark.slow
async def test_an_address_claimed_before_this_release_is_a_problem_for_a_coordinator(client, smtp):
    # Before addresses were confirmed, a champion could set any address on their record;
    # the migration leaves such an address unconfirmed, as here.
    champion = await f.user("champion", email="chris@example.org", name="Chris Champion")
    await t.Person.update({t.Person.email: "newcomer@example.org"}).where(
        t.Person.id == champion.person_id
    )
    coordinator = await f.user("coordinator")
    await sign_in(client, smtp, coordinator.email)
    job_id, preview = await _import(client, NEWCOMER_CSV)
    assert (
        f"Row 2: the email address newcomer@example.org is on the record of Chris Champion "
        f"(record {champion.person_id}), who has not confirmed it and signs in with another "
        "address. Check whose address it is"
    ) in preview
    await client.post(f"/console/import/{job_id}/run", data=token(client))
    assert (await finished(job_id))["status"] == "done"
    mine = await t.Person.select().where(t.Person.id == champion.person_id).first()
    assert (mine["phone"], mine["postcode"], mine["year_of_birth"]) == (None, None, None)
    assert await t.Person.count() == 2  # the row was skipped: nobody new either

    refused = create_user("newcomer@example.org", "--role", "champion")
    assert refused.returncode == 2
    assert "is on the record of Chris Champion" in refused.stderr
    assert "nobody has confirmed that it is theirs, so no account was made" in refused.stderr
    assert not await t.Account.exists().where(t.Account.email == "newcomer@example.org")

    cohort = Page((await client.get("/console/trainings/cohort", headers=HTML)).text)
    course = (await t.Course.select(t.Course.slug).first())["slug"]
    done = await client.post(
        "/console/trainings/cohort",
        data={
            "course": course,
            "completed_on": "2026-01-15",
            "people_list": "newcomer@example.org",
            "_csrf_token": cohort.inputs["_csrf_token"],
        },
        headers=HTML,
    )
    text = Page(done.text).text
    assert "Not added: check these addresses" in text and "Chris Champion" in text
    assert await t.TrainingRecord.count() == 0


async def test_an_import_still_matches_an_unconfirmed_address_with_the_same_name(client, smtp):
    await f.person("Nina Newcomer", email="newcomer@example.org")  # typed by a coordinator
    coordinator = await f.user("coordinator")
    await sign_in(client, smtp, coordinator.email)
    job_id, preview = await _import(client, NEWCOMER_CSV)
    assert "Row 2" not in preview
    await client.post(f"/console/import/{job_id}/run", data=token(client))
    await finished(job_id)
    nina = await t.Person.select().where(t.Person.email == "newcomer@example.org").first()
    assert nina["phone"] == "07700 900123"  # filled in: the names agree
    assert await t.Person.count() == 2


async def test_a_mistyped_address_on_another_record_is_a_problem_not_a_match(client, smtp):
    await f.person("Olu Adeyemi", email="newcomer@example.org")  # the wrong person's record
    coordinator = await f.user("coordinator")
    await sign_in(client, smtp, coordinator.email)
    _, preview = await _import(client, NEWCOMER_CSV)
    assert "is on the record of Olu Adeyemi" in preview
    assert "who has not confirmed it, and the names are not the same. If it is the same " in preview
    assert "person, write the name as it is recorded" in preview


# create-user ---------------------------------------------------------------------------


@pytest.mark.slow
async def test_create_user_links_a_confirmed_address_and_says_so_for_an_unconfirmed_one():
    confirmed = await f.person("Pat Kerr", email="pat@example.org", email_confirmed=True)
    assert create_user("pat@example.org", "--role", "champion").returncode == 0
    account = await t.Account.select().where(t.Account.email == "pat@example.org").first()
    assert account["person"] == confirmed
    await f.person("Quinn Ray", email="quinn@example.org")
    wrong = create_user("quinn@example.org", "--role", "champion", "--person", "99999")
    assert wrong.returncode == 2 and "There is no person with id 99999" in wrong.stderr
    fresh = create_user("new.person@example.org", "--role", "champion", "--name", "Rae New")
    assert fresh.returncode == 0, fresh.stderr
    person = await t.Person.select().where(t.Person.email == "new.person@example.org").first()
    assert person["name"] == "Rae New" and person["email_confirmed"] is False


# The console ---------------------------------------------------------------------------


async def test_the_console_says_whose_address_it_is_and_whether_it_is_confirmed(client, smtp):
    pat = await f.person("Pat Kerr", email="pat@example.org", email_confirmed=True)
    other = await f.person("Sam Lee", email="sam@example.org")
    coordinator = await f.user("coordinator")
    await sign_in(client, smtp, coordinator.email)
    form = Page((await client.get("/console/people/new", headers=HTML)).text)
    csrf = form.inputs["_csrf_token"]
    added = await client.post(
        "/console/people/new",
        data={"name": "Pat Carr", "email": "pat@example.org", "_csrf_token": csrf},
        headers=HTML,
    )
    assert added.status_code == 400
    page = Page(added.text)
    assert page.errors == [
        f"Pat Kerr (record {pat}) already has this email address, and has confirmed it is "
        "theirs. If you are adding Pat Kerr, change their record instead; if not, check the "
        "address."
    ]
    assert page.inputs["name"] == "Pat Carr"  # what was typed is kept
    assert await t.Person.count() == 3
    changed = await client.post(
        f"/console/people/{other}/edit",
        data={"name": "Sam Lee", "email": "pat@example.org", "_csrf_token": csrf},
        headers=HTML,
    )
    assert changed.status_code == 400 and "Pat Kerr (record" in Page(changed.text).errors[0]
    shown = Page((await client.get(f"/console/people/{pat}", headers=HTML)).text).text
    assert "pat@example.org (confirmed by its owner)" in shown
    shown = Page((await client.get(f"/console/people/{other}", headers=HTML)).text).text
    assert "sam@example.org (not confirmed yet" in shown
