"""The console's Applicants queue: the list by programme and area, its downloads, one
applicant, and the three decisions (approve, ask for more, decline), each audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from schema.tables import Account, Application, AuditEvent, Membership, Person, SignInLink
from server.privacy.retention import run_cleanup
from tests.helpers import factories as f
from tests.helpers.console import coordinator_in_two_areas
from tests.helpers.html import HTML, Page, send_form
from tests.helpers.join import send_application

WELCOME = re.compile(r"http://\S+/sign-in/(\S+)")


async def _only_id() -> int:
    return (await Application.select(Application.id).first())["id"]


async def _post(client, application_id: int, action: str, data: dict):
    page = f"/console/applicants/{application_id}"
    return await send_form(
        client, f"{page}/{action}", data, Page((await client.get(page, headers=HTML)).text)
    )


async def test_the_queue_lists_filters_and_downloads(client):
    await coordinator_in_two_areas(client)
    await send_application(client, area="WC", programmes=["heart-champions"])
    await send_application(client, name="Lee Ward", email="lee@example.org", area="LE")
    listing = Page((await client.get("/console/applicants", headers=HTML)).text)
    assert "Sam Okafor" in listing.text and "Lee Ward" in listing.text
    heart = Page(
        (await client.get("/console/applicants?programme=heart-champions", headers=HTML)).text
    )
    assert "Sam Okafor" in heart.text and "Lee Ward" not in heart.text
    leigh = Page((await client.get("/console/applicants?area=LE", headers=HTML)).text)
    assert "Lee Ward" in leigh.text and "Sam Okafor" not in leigh.text
    csv = await client.get("/console/applicants?format=csv&area=LE")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "Lee Ward" in csv.text and "Sam Okafor" not in csv.text
    xlsx = await client.get("/console/applicants?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    wrong = await client.get("/console/applicants?programme=nope", headers=HTML)
    assert wrong.status_code == 400


async def test_approving_makes_a_champion_with_memberships_and_a_welcome_link(client, smtp):
    await coordinator_in_two_areas(client)
    before = (await client.get("/api/totals")).json()
    await send_application(client, area="WC")
    app_id = await _only_id()
    page = Page((await client.get(f"/console/applicants/{app_id}", headers=HTML)).text)
    assert page.h1 == "Application from Sam Okafor"
    assert (await client.get("/api/totals")).json()["movement_total"] == before["movement_total"]
    done = await _post(client, app_id, "approve", {})
    assert done.status_code == 303
    shown = Page((await client.get(done.headers["location"], headers=HTML)).text)
    assert "Approved." in shown.text and "A sign-in link was emailed" in shown.text
    person = await Person.select().where(Person.email == "sam@example.org").first()
    assert person["name"] == "Sam Okafor" and person["postcode"] == "WN1 1AA"
    slugs = await Membership.select(Membership.programme.slug).where(
        Membership.person == person["id"]
    )
    assert sorted(r["programme.slug"] for r in slugs) == ["dementia-friends", "health-champions"]
    account = await Account.select().where(Account.email == "sam@example.org").first()
    assert account["role"] == "champion" and account["person"] == person["id"]
    link = await SignInLink.select().where(SignInLink.email == "sam@example.org").first()
    expires = (
        link["expires_at"] if link["expires_at"].tzinfo else link["expires_at"].replace(tzinfo=UTC)
    )
    assert expires - datetime.now(UTC) > timedelta(days=6)
    welcome = smtp.for_address("sam@example.org")[-1]
    assert "Welcome to the Health Movement" in welcome
    token = WELCOME.search(welcome.replace("=\n", "")).group(1)
    client.cookies.clear()
    confirm = Page((await client.get(f"/sign-in/{token}", headers=HTML)).text)
    signed = await client.post(
        f"/sign-in/{token}", data={"_csrf_token": confirm.inputs["_csrf_token"]}
    )
    assert signed.status_code in (302, 303)
    after = (await client.get("/api/totals")).json()
    assert after["movement_total"] == before["movement_total"] + 1
    row = await Application.select().first()
    assert (
        row["status"] == "approved" and row["person"] == person["id"] and row["waiting_key"] is None
    )
    kinds = {(r["record_type"], r["action"]) for r in await AuditEvent.select()}
    assert {("application", "update"), ("person", "create"), ("membership", "create"),
            ("account", "create")} <= kinds  # fmt: skip


async def test_an_application_is_decided_once(client, smtp):
    await coordinator_in_two_areas(client)
    await send_application(client)
    app_id = await _only_id()
    assert (await _post(client, app_id, "approve", {})).status_code == 303
    page = Page((await client.get(f"/console/applicants/{app_id}", headers=HTML)).text)
    again = await send_form(client, f"/console/applicants/{app_id}/decline", {"reason": "x"}, page)
    assert again.status_code == 409
    assert "Someone has already decided this application." in Page(again.text).text
    assert (await Application.select().first())["status"] == "approved"


async def test_a_confirmed_record_is_matched_and_an_unconfirmed_one_is_refused(client, smtp):
    await coordinator_in_two_areas(client)
    known = await f.person("Sam Okafor", email="sam@example.org", email_confirmed=True)
    await send_application(client)
    assert (await _post(client, await _only_id(), "approve", {})).status_code == 303
    assert (await Application.select().first())["person"] == known
    assert await Person.count() == 2  # Sam and the coordinator: nobody new
    await Application.delete(force=True)
    await f.person("Kim Lowe", email="kim@example.org")  # typed by staff, never confirmed
    await send_application(client, name="Kim Lowe", email="kim@example.org")
    refused = await _post(client, await _only_id(), "approve", {})
    assert refused.status_code == 400
    assert "who has not confirmed it" in Page(refused.text).text
    assert (await Application.select().first())["status"] == "waiting"


async def test_a_mobile_only_applicant_becomes_a_member_and_the_coordinator_phones(client):
    await coordinator_in_two_areas(client)
    await send_application(client, email="", phone="07700 900123")
    app_id = await _only_id()
    done = await _post(client, app_id, "approve", {})
    shown = Page((await client.get(done.headers["location"], headers=HTML)).text)
    assert "Phone them on 07700900123" in shown.text
    person = await Person.select().where(Person.phone == "07700900123").first()
    assert await Membership.count().where(Membership.person == person["id"]) == 2
    assert await Account.count().where(Account.person == person["id"]) == 0


async def test_asking_for_more_emails_them_and_the_application_waits(client, smtp):
    await coordinator_in_two_areas(client)
    await send_application(client)
    app_id = await _only_id()
    empty = await _post(client, app_id, "ask", {"message": ""})
    assert empty.status_code == 400 and "message-error" in Page(empty.text).by_id
    asked = await _post(client, app_id, "ask", {"message": "Which school do you go to?"})
    assert asked.status_code == 303
    row = await Application.select().first()
    assert row["status"] == "more-asked" and row["message"] == "Which school do you go to?"
    assert "Which school do you go to?" in smtp.for_address("sam@example.org")[-1]
    listing = Page((await client.get("/console/applicants", headers=HTML)).text)
    assert "More information asked" in listing.text


async def test_a_declined_application_is_deleted_30_days_later(client):
    await coordinator_in_two_areas(client)
    await send_application(client)
    app_id = await _only_id()
    kept = await _post(client, app_id, "decline", {"reason": ""})
    assert kept.status_code == 400 and "reason-error" in Page(kept.text).by_id
    assert (
        await _post(client, app_id, "decline", {"reason": "Lives outside the borough"})
    ).status_code == 303
    assert (await Application.select().first())["status"] == "declined"
    await run_cleanup(datetime.now(UTC) + timedelta(days=29))
    assert await Application.count() == 1
    done = await run_cleanup(datetime.now(UTC) + timedelta(days=31))
    assert done["declined applications"] == 1 and await Application.count() == 0


async def test_a_young_applicant_needs_the_parents_consent_checked(client, smtp, settings):
    settings(PARENT_CONSENT_UNDER="16")
    await coordinator_in_two_areas(client)
    young = str(datetime.now(UTC).year - 15)
    await send_application(
        client, year_of_birth=young, parent_name="Grace Okafor",
        parent_email="grace@example.org", parent_consent="yes",
    )  # fmt: skip
    app_id = await _only_id()
    refused = await _post(client, app_id, "approve", {})
    assert refused.status_code == 400 and "parent_checked-error" in Page(refused.text).by_id
    assert (await _post(client, app_id, "approve", {"parent_checked": "yes"})).status_code == 303
    assert (await Application.select().first())["parent_checked_at"] is not None


async def test_the_dashboard_shows_how_many_wait_and_for_how_long(client):
    await coordinator_in_two_areas(client)
    none = Page((await client.get("/console/", headers=HTML)).text)
    assert "No applications to join are waiting." in none.text
    await send_application(client)
    await send_application(client, name="Lee Ward", email="lee@example.org")
    today = Page((await client.get("/console/", headers=HTML)).text)
    assert "the oldest was sent today." in today.text  # not "0 days"
    queue = Page((await client.get("/console/applicants", headers=HTML)).text)
    assert "(today)" in queue.text and "0 days" not in queue.text
    await Application.update(
        {Application.created_at: datetime.now(UTC) - timedelta(days=3, hours=1)}
    ).where(Application.name == "Sam Okafor")
    page = Page((await client.get("/console/", headers=HTML)).text)
    assert "2 applications to join waiting" in page.text
    assert "the oldest has waited 3 days." in page.text


async def test_champions_cannot_see_the_queue(client):
    from tests.helpers.console import signed_in

    await signed_in(client, "champion")
    answer = await client.get("/console/applicants", headers=HTML)
    assert answer.status_code in (303, 403)
