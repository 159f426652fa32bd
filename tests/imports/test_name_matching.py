"""Names match the same way on both engines and in every alphabet: a training cohort's
pasted names and an import's rows find "ZOË" as "Zoë", "Ǆ" as "ǆ", Greek and Cyrillic
capitals as small letters, and "STRAUSS" as "Strauß"; accents still count."""

from __future__ import annotations

import re
import unicodedata

import pytest

from schema import tables as t
from tests.helpers import factories as f
from tests.helpers.console import post_form
from tests.helpers.html import Page
from tests.helpers.imports import finished, signed_in, token, upload
from tests.helpers.trainings import first_aid

HTML = {"accept": "text/html"}
# Recorded as the first, written as the second.
SAME = [
    ("ZOË ADEYEMI", "Zoë Adeyemi"),
    ("Zoe\u0308 Okafor", "ZO\u00cb OKAFOR"),  # ë as e and a combining diaeresis, and as one
    ("ǄEMAL HODŽIĆ", "ǆemal hodžić"),
    ("ΝΊΚΟΣ ΠΑΠΑΔΌΠΟΥΛΟΣ", "Νίκος Παπαδόπουλος"),
    ("ИВАН ПЕТРОВ", "Иван Петров"),
    ("Jana Strauß", "JANA STRAUSS"),
]


async def test_a_cohort_finds_pasted_names_whatever_the_case_in_any_alphabet(client):
    coordinator = await f.user("coordinator")
    from tests.helpers.signin import sign_in

    await sign_in(client, coordinator.email)
    await first_aid()
    ids = [await f.person(recorded) for recorded, _ in SAME]
    await f.person("Zoe Accent")  # "Zoë Accent" is another name: accents count
    pasted = "\n".join([written for _, written in SAME] + ["Zoë Accent"])
    answer = await post_form(
        client,
        "/console/trainings/cohort",
        {"course": "first-aid", "completed_on": "2025-06-01", "people_list": pasted},
    )
    assert answer.status_code == 200, answer.text[:500]
    text = " ".join(Page(answer.text).text.split())
    assert f"Added to {len(SAME)} people." in text, text
    assert "Not found Zoë Accent" in text
    trained = await t.TrainingRecord.select(t.TrainingRecord.person)
    assert sorted(r["person"] for r in trained) == sorted(ids)


async def test_an_import_matches_recorded_names_whatever_the_case_in_any_alphabet(client):
    await signed_in(client)
    for recorded, _ in SAME:
        await f.person(recorded, year_of_birth=1980)
    rows = "\n".join(f"{written},1980-03-02" for _, written in SAME)
    sent = await upload(client, f"Full name,Date of birth\n{rows}\n".encode())
    assert sent.status_code == 303, sent.text[:500]
    columns = sent.headers["location"]
    chosen = Page((await client.get(columns, headers=HTML)).text).chosen
    assert chosen == {"column-0": "name", "column-1": "date_of_birth"}
    preview = await client.post(columns, data={**token(client), **chosen}, headers=HTML)
    page = Page((await client.get(preview.headers["location"], headers=HTML)).text)
    text = " ".join(page.text.split())
    found = re.search(r"Matched by name and year of birth ([\d,]+)", text)
    assert found and int(found.group(1)) == len(SAME), text
    job_id = int(columns.split("/")[3])
    await client.post(f"/console/import/{job_id}/run", data=token(client), headers=HTML)
    assert (await finished(job_id))["summary"]["counts"]["new_people"] == 0
    assert await t.Person.count() == len(SAME) + 1  # and the coordinator


# Search boxes fold case the same way -------------------------------------------------------

# A name as recorded, and searches for part of it that must find it (typed another way).
SEARCHED = {
    "ZOË ADEYEMI": ["zoë", "Zoe\u0308", "ZOE\u0308 ADE", "ë a"],  # ë as one letter and as two
    "Zoe\u0308 Okafor": ["ZOË OK", "zoë"],
    "ΝΊΚΟΣ ΠΑΠΑΔΌΠΟΥΛΟΣ": ["νίκος", "ς παπ", "παπαδόπουλος"],  # final ς is σ
    "Иван ПЕТРОВ": ["ИВАН", "петров", "ван п"],
    "Жанна Strauß": ["жанна", "STRAUSS", "strauß"],
}
OTHERS = ["Zoe Adams", "Nikos Smith", "Ivan Jones"]  # accents count: "zoë" is not "zoe"


async def _people() -> None:
    for name in [*SEARCHED, *OTHERS]:
        await f.person(name)


def _all_searches() -> list[tuple[str, str]]:
    return [(name, q) for name, searches in SEARCHED.items() for q in searches]


@pytest.mark.slow
async def test_the_api_search_finds_names_whatever_the_case_in_any_alphabet(client):
    coordinator = await f.user("coordinator", name="Cora Ordinator")
    await _people()
    for name, q in _all_searches():
        answer = await client.get("/api/people", params={"q": q}, headers=coordinator.headers)
        assert answer.status_code == 200, answer.text
        found = {item["name"] for item in answer.json()["items"]}
        assert name in found, (q, found)
        assert not found & set(OTHERS), (q, found)
    zoe = await client.get("/api/people", params={"q": "ZOË"}, headers=coordinator.headers)
    assert {item["name"] for item in zoe.json()["items"]} == {"ZOË ADEYEMI", "Zoe\u0308 Okafor"}


async def test_organisation_search_folds_case_in_any_alphabet(client):
    coordinator = await f.user("coordinator", name="Cora Ordinator")
    for name in ("ΣΧΟΛΕΊΟ ΑΘΗΝΏΝ", "Школа ЖУК", "Straße Café", "Strand Cafe"):
        await t.Organisation.insert(t.Organisation(name=name, kind="other", sector="public"))
    for q, found in [
        ("σχολείο", {"ΣΧΟΛΕΊΟ ΑΘΗΝΏΝ"}),
        ("жук", {"Школа ЖУК"}),
        ("STRASSE CAFÉ", {"Straße Café"}),
        ("cafe", {"Strand Cafe"}),
    ]:
        answer = await client.get(
            "/api/organisations", params={"q": q}, headers=coordinator.headers
        )
        assert answer.status_code == 200, answer.text
        assert {item["name"] for item in answer.json()["items"]} == found, q


async def test_a_percent_sign_is_still_literal_beside_other_alphabets(client):
    coordinator = await f.user("coordinator", name="Cora Ordinator")
    await f.person("ZOË 100% ЖУК")
    await f.person("ZOË 100 ЖУК")
    for q, found in [("ë 100%", {"ZOË 100% ЖУК"}), ("% ж", {"ZOË 100% ЖУК"}), ("ë_1", set())]:
        answer = await client.get("/api/people", params={"q": q}, headers=coordinator.headers)
        assert {item["name"] for item in answer.json()["items"]} == found, q


@pytest.mark.slow
async def test_the_console_people_list_and_cohort_search_fold_case_alike(client):
    coordinator = await f.user("coordinator")
    from tests.helpers.signin import sign_in

    await sign_in(client, coordinator.email)
    await _people()
    for path in ("/console/people", "/console/trainings/cohort"):
        for name, q in _all_searches():
            answer = await client.get(path, params={"q": q}, headers=HTML)
            assert answer.status_code == 200, answer.text[:300]
            text = unicodedata.normalize("NFC", Page(answer.text).text)
            assert unicodedata.normalize("NFC", name) in text, (path, q)
            assert not any(other in text for other in OTHERS), (path, q)


@pytest.mark.slow
async def test_the_people_search_in_a_browser_finds_other_alphabets(desk, live_server):
    from tests.helpers.browser import PHONE, axe_violations, screenshot

    await _people()
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/people")
    for typed, name in [("ZOË", "ZOË ADEYEMI"), ("νίκος", "ΝΊΚΟΣ ΠΑΠΑΔΌΠΟΥΛΟΣ")]:
        await page.get_by_label("Name or email").fill(typed)
        await page.get_by_role("button", name="Find people").click()
        await page.get_by_role("link", name=name).wait_for()
        assert await page.get_by_role("link", name="Zoe Adams").count() == 0
    await page.get_by_label("Name or email").fill("жанна")
    await page.get_by_role("button", name="Find people").click()
    await page.get_by_role("link", name="Жанна Strauß").wait_for()
    await screenshot(page, "console-people-search-cyrillic")
    assert await axe_violations(page) == []
    await page.set_viewport_size(PHONE)
    await screenshot(page, "console-people-search-cyrillic-phone")
    assert await axe_violations(page) == []
