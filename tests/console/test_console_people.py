"""Console: finding people, one person's page, adding and changing people and their roles."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from schema.tables import AuditEvent, Membership, Organisation, Person
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.console import coordinator_in_two_areas, post_form
from tests.helpers.html import Page, date_boxes, typed

HTML = {"accept": "text/html"}


@pytest.fixture
async def coordinator(client):
    return await coordinator_in_two_areas(client)


async def get_page(client, url: str, status: int = 200) -> Page:
    answer = await client.get(url, headers=HTML)
    assert answer.status_code == status, (url, answer.status_code, answer.text[:300])
    return Page(answer.text)


def names_in(page: Page) -> set[str]:
    return {link for link in page.links if re.fullmatch(r"/console/people/[0-9]+", link)}


async def people(*specs: tuple[str, dict]) -> list[int]:
    return [await f.person(name, **fields) for name, fields in specs]


async def test_the_list_filters_by_name_email_programme_status_area_and_organisation(
    client, coordinator
):
    area = {r["code"]: r["id"] for r in await f.Footprint.select()}
    org = (
        await Organisation.insert(
            Organisation(name="Wigan Library", kind="other", sector="public")
        ).returning(Organisation.id)
    )[0]["id"]
    asha, ben, cai = await people(
        ("Asha Patel", {"email": "asha@example.org", "footprint": area["WC"], "organisation": org}),
        ("Ben Hart", {"email": "ben@example.org", "footprint": area["LE"]}),
        ("Cai Jones", {"email": "cai@elsewhere.org"}),
    )
    await f.join(asha, "health-champions")
    await f.join(ben, "health-champions", status="paused")
    await f.join(cai, "dementia-friends", status="left")
    cases = {
        "q=asha": {asha},
        "q=ELSEWHERE": {cai},
        "programme=health-champions": {asha, ben},
        "programme=health-champions&status=paused": {ben},
        "status=left": {cai},
        "footprint=LE": {ben},
        f"organisation={org}": {asha},
    }
    for query, expected in cases.items():
        page = await get_page(client, f"/console/people?{query}")
        assert names_in(page) == {f"/console/people/{i}" for i in expected}, query
    page = await get_page(client, "/console/people?programme=health-champions")
    assert "Asha Patel Wigan Central Health Champions Active asha@example.org" in page.text
    assert page.inputs["q"] == ""


async def test_the_list_is_paginated_and_the_download_has_every_page(client, coordinator):
    for n in range(30):
        await f.person(f"Person {n:02d}", email=f"p{n}@example.org")
    first = await get_page(client, "/console/people?q=Person")
    assert "Page 1 of 2" in first.text
    assert len(names_in(first)) == 25
    second = await get_page(client, "/console/people?q=Person&page=2")
    assert len(names_in(second)) == 5
    assert "/console/people/download?q=Person&format=csv" in first.links
    answer = await client.get("/console/people/download?q=Person&format=csv")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) == 30
    assert rows[0]["Name"] == "Person 00" and rows[0]["Email"] == "p0@example.org"
    xlsx = await client.get("/console/people/download?q=Person%2029&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][1] == "Person 29"


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=99999999999",
        "programme=nonsense",
        "organisation=x",
        "status=gone",
        "q=" + "x" * 300,
    ],
)
async def test_odd_filters_are_explained_not_a_500(client, coordinator, query):
    page = await get_page(client, f"/console/people?{query}", status=400)
    # Beside its field, or (the page number, which has no field) in the summary alone.
    assert page.errors or "There is a problem" in page.text and "page number" in page.text, query


async def test_odd_ids_and_downloads_give_no_500(client, coordinator):
    for url in [
        "/console/people/99999999999",
        "/console/people/424242",
        "/console/people/424242/edit",
        "/console/people/424242/merge",
        "/console/memberships/99999999999/edit",
        "/console/people/abc",
    ]:
        assert (await client.get(url, headers=HTML)).status_code == 404, url
    assert (
        await client.get("/console/people/download?format=pdf", headers=HTML)
    ).status_code == 400


async def test_a_person_page_shows_details_roles_training_and_latest_activities(
    client, coordinator
):
    pid = await f.person("Dee Hart", email="dee@example.org", year_of_birth=1990)
    await f.join(pid, "heart-champions", joined_on=date(2025, 3, 1))
    hc = await f.programme_id("heart-champions")
    for n in range(25):
        await f.activity(
            person=pid,
            programme=hc,
            kind="conversation",
            occurred_on=today() - timedelta(days=n),
            people_reached=n,
        )
    page = await get_page(client, f"/console/people/{pid}")
    assert page.h1 == "Dee Hart"
    assert "Heart Champions Active 1 March 2025" in page.text
    assert "The latest 20 of 25 activities." in page.text
    assert f"/console/people/{pid}/edit" in page.links
    assert f"/console/people/{pid}/memberships/new" in page.links
    assert f"/console/people/{pid}/trainings/new" in page.links
    # What each activity was, in words, not the codes the API uses.
    assert "A conversation" in page.text and "conversation" not in page.text.replace(
        "A conversation", ""
    )


async def test_a_persons_activities_say_what_they_were_and_their_review_in_words(
    client, coordinator
):
    pid = await f.person("Lee Flyer")
    hc = await f.programme_id("health-champions")
    await f.activity(
        person=pid,
        programme=hc,
        kind="leaflets",
        occurred_on=today(),
        people_reached=900,
        review_status="needs-review",
    )
    text = (await get_page(client, f"/console/people/{pid}")).text
    assert "Leaflets or posters" in text and "Waiting for review" in text
    assert "leaflets" not in text and "needs-review" not in text


async def test_a_coordinator_adds_a_person_through_the_same_rules_and_audit(client, coordinator):
    org = (
        await Organisation.insert(
            Organisation(name="St Mary's School", kind="school", sector="public")
        ).returning(Organisation.id)
    )[0]["id"]
    form = await get_page(client, "/console/people/new")
    assert "/console/people/new" in form.forms
    answer = await post_form(
        client,
        "/console/people/new",
        {
            "name": "Eve Adams",
            "year_of_birth": "1985",
            "postcode": "wn1 1aa",
            "phone": "01942 123456",
            "email": "Eve@Example.org",
            "footprint": "WC",
            "organisation": str(org),
            "consent_to_contact": "yes",
        },
    )
    assert answer.status_code == 303
    person = await Person.select().where(Person.name == "Eve Adams").first()
    assert answer.headers["location"] == f"/console/people/{person['id']}?saved=person"
    assert (person["email"], person["postcode"], person["organisation"]) == (
        "eve@example.org",
        "WN1 1AA",
        org,
    )
    assert person["consent_to_contact"] is True
    event = await AuditEvent.select().where(AuditEvent.record_type == "person").first()
    assert event["action"] == "create" and "Eve" not in str(event["changes"])


async def test_a_person_form_with_mistakes_is_shown_again_with_everything_kept(client, coordinator):
    await f.person("Taken", email="taken@example.org")
    await get_page(client, "/console/people/new")
    answer = await post_form(
        client,
        "/console/people/new",
        {
            "name": "",
            "year_of_birth": "19x5",
            "postcode": "nowhere",
            "phone": "call me",
            "email": "not-an-email",
            "consent_to_contact": "yes",
        },
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    assert len(page.errors) == 5
    assert page.inputs["year_of_birth"] == "19x5" and page.inputs["postcode"] == "nowhere"
    assert page.inputs["consent_to_contact"] == "yes"  # still ticked
    clash = await post_form(
        client, "/console/people/new", {"name": "Two", "email": "taken@example.org"}
    )
    assert clash.status_code == 400
    (message,) = Page(clash.text).errors
    # Whose address it is, and that nobody confirmed it (see test_email_confirmation.py).
    assert message.startswith("Taken (record ") and "has not confirmed it" in message


async def test_editing_a_person_changes_only_what_changed_and_unticking_removes_consent(
    client, coordinator
):
    pid = await f.person("Fay Long", email="fay@example.org", consent_to_contact=True)
    form = await get_page(client, f"/console/people/{pid}/edit")
    assert form.inputs["email"] == "fay@example.org"
    sent = {k: v for k, v in form.inputs.items() if k not in ("_csrf_token", "consent_to_contact")}
    answer = await post_form(
        client, f"/console/people/{pid}/edit", {**sent, "phone": "07700 900123"}
    )
    assert answer.status_code == 303
    person = await Person.select().where(Person.id == pid).first()
    assert (person["phone"], person["consent_to_contact"], person["email"]) == (
        "07700 900123",
        False,
        "fay@example.org",
    )
    bad = await post_form(client, f"/console/people/{pid}/edit", {**sent, "name": ""})
    assert bad.status_code == 400 and Page(bad.text).errors == ["Enter the person's name."]


async def test_memberships_add_pause_restart_end_and_change(client, coordinator):
    pid = await f.person("Gil Rae", year_of_birth=1980)
    await get_page(client, f"/console/people/{pid}/memberships/new")
    answer = await post_form(
        client,
        f"/console/people/{pid}/memberships/new",
        {"programme": "cancer-champions", "joined_on": "2025-01-10"},
    )
    assert answer.status_code == 303
    mid = (await Membership.select().where(Membership.person == pid).first())["id"]
    again = await post_form(
        client,
        f"/console/people/{pid}/memberships/new",
        {"programme": "cancer-champions", "joined_on": "2025-01-10"},
    )
    assert again.status_code == 400
    assert Page(again.text).errors == ["This person is already in this programme."]

    async def state():
        row = await Membership.select().where(Membership.id == mid).first()
        return row["status"], row["left_on"]

    await post_form(client, f"/console/memberships/{mid}/status", {"action": "pause"})
    assert await state() == ("paused", None)
    await post_form(client, f"/console/memberships/{mid}/status", {"action": "end"})
    assert await state() == ("left", today())
    await post_form(client, f"/console/memberships/{mid}/status", {"action": "restart"})
    assert await state() == ("active", None)
    odd = await post_form(client, f"/console/memberships/{mid}/status", {"action": "explode"})
    assert odd.status_code == 400
    form = await get_page(client, f"/console/memberships/{mid}/edit")
    assert date_boxes(form, "joined_on") == ("10", "1", "2025")
    changed = await post_form(
        client,
        f"/console/memberships/{mid}/edit",
        {
            **typed("joined_on", "1", "2", "2025"),
            "status": "left",
            **typed("left_on", "1", "1", "2025"),
        },
    )
    assert changed.status_code == 400
    kept = Page(changed.text)
    assert kept.errors == ["The date they left must be on or after the date they joined."]
    assert date_boxes(kept, "left_on") == ("1", "1", "2025")
    ok = await post_form(
        client,
        f"/console/memberships/{mid}/edit",
        {"joined_on": "2025-02-01", "status": "left", "left_on": "2025-06-01"},
    )
    assert ok.status_code == 303
    assert await state() == ("left", date(2025, 6, 1))
    assert await AuditEvent.count().where(AuditEvent.record_type == "membership") == 5


async def test_the_young_health_champions_age_rule_shows_beside_the_programme(client, coordinator):
    pid = await f.person("Old Hand", year_of_birth=1950)
    await get_page(client, f"/console/people/{pid}/memberships/new")
    answer = await post_form(
        client,
        f"/console/people/{pid}/memberships/new",
        {"programme": "young-health-champions", **typed("joined_on", "10", "01", "2025")},
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.errors == ["Young Health Champions are 14 to 24: this person would be about 75."]
    assert 'id="programme-error"' in answer.text
    assert date_boxes(page, "joined_on") == ("10", "01", "2025")
    assert await Membership.count() == 0


async def test_posting_to_unknown_records_gives_404(client, coordinator):
    await get_page(client, "/console/people")
    for url in [
        "/console/people/424242/edit",
        "/console/people/424242/memberships/new",
        "/console/memberships/424242/edit",
        "/console/memberships/424242/status",
    ]:
        answer = await post_form(client, url, {"name": "X", "action": "pause"})
        assert answer.status_code == 404, url


async def _organisations(names: list[str]) -> list[int]:
    rows = await Organisation.insert(
        *[Organisation(name=n, kind="other", sector="voluntary") for n in names]
    ).returning(Organisation.id)
    return [r["id"] for r in rows]


async def test_the_organisation_is_a_search_not_a_list_of_every_one(client, coordinator):
    ids = await _organisations([f"Hindley Group {n:02}" for n in range(25)] + ["Leigh Library"])
    form = await client.get("/console/people/new", headers=HTML)
    assert "Hindley Group" not in Page(form.text).text  # nothing listed until searched for
    found = await client.get("/console/people/organisations?organisation_q=hindley")
    assert found.status_code == 200
    text = Page(found.text).text
    assert "More than 20 organisations match “hindley”" in text
    assert text.count("Hindley Group") == 20 and "Leigh Library" not in text
    # Without JavaScript: Find shows the form again with what was found, keeping the rest.
    again = await post_form(
        client,
        "/console/people/new",
        {"name": "Eve Adams", "postcode": "wn1 1aa", "organisation_q": "leigh lib", "find": "1"},
    )
    assert again.status_code == 200
    page = Page(again.text)
    assert (page.inputs["name"], page.inputs["postcode"]) == ("Eve Adams", "wn1 1aa")
    assert "1 organisation matches “leigh lib”" in page.text and "Leigh Library" in page.text
    assert await Person.count() == 1  # Find saved nothing (only the coordinator)
    saved = await post_form(
        client, "/console/people/new", {"name": "Eve Adams", "organisation": str(ids[-1])}
    )
    assert saved.status_code == 303
    eve = await Person.select().where(Person.name == "Eve Adams").first()
    assert eve["organisation"] == ids[-1]
    edit = Page((await client.get(f"/console/people/{eve['id']}/edit", headers=HTML)).text)
    assert edit.inputs["organisation"] == str(ids[-1]) and "Leigh Library" in edit.text


async def test_the_lists_organisation_filter_is_a_search_too(client, coordinator):
    """The people list does not list every organisation (thousands at the demo's scale):
    its filter is the person form's search, with "Any organisation" as the empty choice."""
    ids = await _organisations([f"Hindley Group {n:02}" for n in range(25)] + ["Leigh Library"])
    asha, ben = await people(
        ("Asha Patel", {"organisation": ids[-1]}), ("Ben Okafor", {"organisation": ids[0]})
    )
    plain = await get_page(client, "/console/people")
    assert "Hindley Group" not in plain.text and "Leigh Library" not in plain.text
    assert "Any organisation" in plain.text
    # Without JavaScript: Find shows the list again with the organisations found.
    found = await get_page(client, "/console/people?q=&organisation_q=leigh+lib")
    assert "1 organisation matches “leigh lib”" in found.text
    assert names_in(found) >= {f"/console/people/{asha}", f"/console/people/{ben}"}  # any
    chosen = await get_page(client, f"/console/people?organisation={ids[-1]}")
    assert names_in(chosen) == {f"/console/people/{asha}"}
    assert chosen.inputs["organisation"] == str(ids[-1]) and "Leigh Library" in chosen.text
    # As the coordinator types (htmx), the same choices, still with "any" as the blank.
    typed = await client.get("/console/people/organisations?organisation_q=leigh&blank=any")
    assert "Leigh Library" in typed.text and "Any organisation" in typed.text
    assert ">None<" in (await client.get("/console/people/organisations?organisation_q=x")).text
