"""Names match the same way on both engines and in every alphabet: a training cohort's
pasted names and an import's rows find "ZOË" as "Zoë", "Ǆ" as "ǆ", Greek and Cyrillic
capitals as small letters, and "STRAUSS" as "Strauß"; accents still count."""

from __future__ import annotations

import re

from schema import tables as t
from tests import factories as f
from tests.html import Page
from tests.test_console_import import Selects, finished, signed_in, token, upload
from tests.test_console_trainings import first_aid, post_form

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
    from tests.test_sign_in import sign_in

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
    chosen = Selects((await client.get(columns, headers=HTML)).text).chosen
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
