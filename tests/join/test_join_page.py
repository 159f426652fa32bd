"""/join: a resident asks to join. Every problem at once, the same application sent twice is
one, a bot's is thanked and dropped, an address is limited, and nothing counts in a total."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schema.tables import Application, ApplicationProgramme, AuditEvent, OutboxMessage
from server.join.services import PER_ADDRESS
from tests.helpers import factories as f
from tests.helpers.html import HTML, Page
from tests.helpers.join import answers, send_application


async def test_the_page_shows_the_programmes_in_plain_words_and_links_the_privacy_notice(client):
    answer = await client.get("/join", headers=HTML)
    assert answer.status_code == 200
    page = Page(answer.text)
    assert page.h1 == "Join the Health Movement"
    assert "Trained to prevent heart disease and to use community defibrillators." in page.text
    assert page.labels["programmes-heart-champions"] == "Heart Champions"
    assert "/privacy" in page.links
    assert "a coordinator will phone you" in page.text
    assert page.by_id["website"]["tag"] == "input"  # the hidden field for bots
    assert page.labels["area-not-sure"] == "Not sure"


async def test_an_application_is_saved_once_with_its_programmes_and_an_email_says_it_arrived(
    client, smtp
):
    answer = await send_application(client)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/join/thanks"
    thanks = Page((await client.get("/join/thanks", headers=HTML)).text)
    assert "What happens next" in thanks.text
    rows = await Application.select()
    assert len(rows) == 1
    assert rows[0]["name"] == "Sam Okafor" and rows[0]["email"] == "sam@example.org"
    assert rows[0]["status"] == "waiting" and rows[0]["consent_to_contact"] is True
    assert rows[0]["postcode"] == "WN1 1AA" and rows[0]["footprint"] is None
    chosen = await ApplicationProgramme.select(ApplicationProgramme.programme.slug)
    assert sorted(r["programme.slug"] for r in chosen) == ["dementia-friends", "health-champions"]
    (email,) = smtp.for_address("sam@example.org")
    assert "We have your application" in email and "What happens next" in email
    assert await AuditEvent.count().where(AuditEvent.record_type == "application") == 1


async def test_the_same_application_sent_twice_is_one(client, smtp):
    await send_application(client)
    again = await send_application(client, name="  sam   OKAFOR ", postcode="wn11aa")
    assert again.status_code == 303
    assert await Application.count() == 1
    assert len(smtp.for_address("sam@example.org")) == 1
    # Someone else at the same address is another application.
    await send_application(client, name="Ada Okafor", year_of_birth="1988")
    assert await Application.count() == 2


async def test_every_problem_is_shown_at_once_and_everything_typed_is_kept(client):
    answer = await send_application(
        client,
        name="",
        email="not an email",
        phone="01942 123456",
        postcode="nowhere",
        year_of_birth="eighty",
        programmes=None,
        area=None,
        organisation="St Mary's",
        consent_to_contact=None,
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    assert set(page.by_id) >= {
        "name-error", "email-error", "phone-error", "postcode-error", "year_of_birth-error",
        "programmes-error", "area-error", "consent_to_contact-error",
    }  # fmt: skip
    assert "Enter a UK mobile number, like 07700 900123." in page.errors
    assert page.inputs["email"] == "not an email" and page.inputs["organisation"] == "St Mary's"
    assert page.inputs["postcode"] == "nowhere"
    assert page.h1.startswith("There is a problem") or "There is a problem" in page.text
    assert await Application.count() == 0


async def test_an_email_or_a_mobile_is_needed_and_a_mobile_alone_is_enough(client, smtp):
    neither = await send_application(client, email="", phone="")
    assert neither.status_code == 400
    assert "Enter an email address or a UK mobile number, or both." in Page(neither.text).errors
    mobile = await send_application(client, email="", phone="+44 7700 900123")
    assert mobile.status_code == 303
    row = await Application.select().first()
    assert row["email"] is None and row["phone"] == "07700900123"
    assert smtp.messages == []  # no address to write to: the coordinator will phone


async def test_a_young_applicant_needs_a_parent_or_carer(client, settings):
    settings(PARENT_CONSENT_UNDER="16")
    young = str(datetime.now(UTC).year - 15)
    answer = await send_application(client, year_of_birth=young)
    assert answer.status_code == 400
    errors = Page(answer.text).by_id
    assert {"parent_name-error", "parent_email-error", "parent_consent-error"} <= set(errors)
    done = await send_application(
        client,
        year_of_birth=young,
        parent_name="Grace Okafor",
        parent_email="grace@example.org",
        parent_consent="yes",
    )
    assert done.status_code == 303
    row = await Application.select().first()
    assert row["parent_name"] == "Grace Okafor" and row["parent_consent"] is True
    assert row["parent_checked_at"] is None  # for the coordinator to check


async def test_an_adult_is_not_asked_for_a_parent(client, settings):
    settings(PARENT_CONSENT_UNDER="16")
    answer = await send_application(client, parent_email="not checked")
    assert answer.status_code == 303
    assert (await Application.select().first())["parent_email"] is None


async def test_a_bot_that_fills_the_hidden_field_is_thanked_and_nothing_is_saved(client):
    answer = await send_application(client, website="https://spam.example")
    assert answer.status_code == 303 and answer.headers["location"] == "/join/thanks"
    assert await Application.count() == 0
    assert await OutboxMessage.count() == 0


async def test_one_address_is_limited_from_the_applications_rows(client):
    for n in range(PER_ADDRESS):
        sent = await send_application(client, name=f"Person {n}", email=f"p{n}@example.org")
        assert sent.status_code == 303
    refused = await send_application(client, name="One more", email="more@example.org")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert Page(refused.text).h1 == "Please wait"
    assert await Application.count() == PER_ADDRESS
    # The limit counts the last hour only.
    await Application.update(
        {Application.created_at: datetime.now(UTC) - timedelta(hours=2)}, force=True
    )
    assert (await send_application(client, name="Later", email="l@example.org")).status_code == 303


async def test_an_application_counts_in_no_total(client):
    await f.footprint("WC")
    before = (await client.get("/api/totals")).json()
    await send_application(client, area="WC", programmes=["health-champions"])
    after = (await client.get("/api/totals")).json()
    before.pop("as_at", None), after.pop("as_at", None)
    assert after == before


async def test_the_page_works_with_an_area_chosen_and_keeps_the_choice(client):
    await f.footprint("WC", "Wigan Central")
    answer = await send_application(client, area="WC", name="")
    page = Page(answer.text)
    assert page.inputs["area"] == "WC"
    assert page.inputs["programmes"] in ("health-champions", "dementia-friends")
    assert (await send_application(client, area="WC")).status_code == 303
    assert (await Application.select().first())["footprint"] is not None


async def test_links_to_join_from_the_sign_in_and_how_we_count_pages(client):
    for path in ("/sign-in", "/how-we-count"):
        assert "/join" in Page((await client.get(path, headers=HTML)).text).links, path


def test_answers_helper_is_complete():
    assert answers()["consent_to_contact"] == "yes"
