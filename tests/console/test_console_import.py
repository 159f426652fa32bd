"""The import pages: upload, choose columns, preview with problems, import, follow it,
and the history; odd uploads get a clear message, never a 500."""

from __future__ import annotations

from schema import tables as t
from server.imports import jobs
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.imports import (
    FILES,
    areas,
    big_csv,
    finished,
    signed_in,
    token,
    upload,
    xlsx_bytes,
)

HTML = {"accept": "text/html"}
SAMPLE = (FILES / "champions-register.csv").read_bytes()


async def test_from_upload_to_preview_to_imported(client):
    await areas()
    await signed_in(client)
    sent = await upload(client, SAMPLE)
    assert sent.status_code == 303
    columns_url = sent.headers["location"]
    job_id = int(columns_url.split("/")[3])

    page = await client.get(columns_url, headers=HTML)
    assert page.status_code == 200
    assert Page(page.text).h1 == "Choose what each column holds"
    chosen = Page(page.text).chosen
    assert chosen["column-0"] == "name" and chosen["column-1"] == "email"
    assert chosen["column-2"] == "date_of_birth" and chosen["column-3"] == "footprint"
    assert chosen["column-8"] == "completed_on" and chosen["column-9"] == ""  # Notes: ignored

    preview = await client.post(columns_url, data={**token(client), **chosen}, headers=HTML)
    assert preview.status_code == 303
    page = await client.get(preview.headers["location"], headers=HTML)
    text = Page(page.text).text
    assert "Row 7: the date of birth '31/02/1990' is not a real date." in text
    assert "Row 8: the email address 'owen.price@example' cannot be used." in text
    assert "Import 3 rows" in text
    assert await t.Person.count() == 1  # nothing saved yet: only the coordinator

    started = await client.post(f"/console/import/{job_id}/run", data=token(client), headers=HTML)
    assert started.headers["location"] == f"/console/import/{job_id}"
    assert (await finished(job_id))["status"] == "done"
    page = await client.get(f"/console/import/{job_id}", headers=HTML)
    text = Page(page.text).text
    assert "Imported 3 rows. 2 with problems were skipped." in text
    assert "3 new people added" in text and "3 training records added" in text
    assert "Row 7:" in text  # what was skipped is still listed
    assert await t.Person.count() == 4

    history = Page((await client.get("/console/import", headers=HTML)).text)
    assert f"/console/import/{job_id}" in history.links
    assert "Imported" in history.text and "register.csv" in history.text


async def test_importing_the_same_file_again_changes_nothing(client):
    await areas()
    await signed_in(client)
    for attempt in range(2):
        sent = await upload(client, xlsx_bytes(), "heart.xlsx")
        job_id = int(sent.headers["location"].split("/")[3])
        chosen = Page((await client.get(sent.headers["location"], headers=HTML)).text).chosen
        await client.post(sent.headers["location"], data={**token(client), **chosen})
        await client.post(f"/console/import/{job_id}/run", data=token(client))
        job = await finished(job_id)
        if attempt == 0:
            before = (await t.Person.count(), await t.AuditEvent.count())
    assert (await t.Person.count(), await t.AuditEvent.count()) == before
    page = Page((await client.get(f"/console/import/{job_id}", headers=HTML)).text)
    assert "Nothing changed: all 2 rows were already there." in page.text
    assert job["summary"]["counts"]["new_people"] == 0


async def test_columns_chosen_wrongly_are_shown_again_with_each_error_beside_its_column(client):
    await signed_in(client)
    sent = await upload(client, SAMPLE)
    url = sent.headers["location"]
    answer = await client.post(
        url, data={**token(client), "column-0": "name", "column-1": "name"}, headers=HTML
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.errors == ["Only one column can be Full name: 'Full name' is too."]
    assert Page(answer.text).chosen["column-1"] == "name"  # what was chosen is kept
    answer = await client.post(url, data={**token(client), "column-1": "email"}, headers=HTML)
    assert answer.status_code == 400
    assert "Choose the column with people's names" in Page(answer.text).text
    answer = await client.post(url, data={**token(client), "column-0": "shoe"}, headers=HTML)
    assert "Choose a field from the list" in Page(answer.text).text


async def test_odd_uploads_get_a_clear_message_and_never_a_500(client):
    await signed_in(client)
    cases = [
        (b"", "empty.csv", "The file is empty."),
        (bytes(range(256)) * 50, "people.csv", "not a spreadsheet"),
        (b"PK\x03\x04garbage", "people.xlsx", "not an Excel workbook"),
        (b"Jo Bell,jo@example.org,1/1/1990\n", "people.csv", "could not find the column headings"),
        (("," .join(f"H{i}" for i in range(500)) + "\n1\n").encode(), "wide.csv", "more than 100"),
        (b"x" * (10 * 1024 * 1024 + 10), "huge.csv", "bigger than 10 MB"),
        (b"x" * (11 * 1024 * 1024), "huger.csv", "bigger than 10 MB"),  # refused unread
    ]  # fmt: skip
    for content, name, words in cases:
        answer = await upload(client, content, name)
        assert answer.status_code == (413 if name == "huger.csv" else 400), name
        page = Page(answer.text)
        assert any(words in e for e in page.errors), (name, page.errors)
    answer = await client.post("/console/import", data=token(client), headers=HTML)
    assert answer.status_code == 400
    assert Page(answer.text).errors == ["Choose a CSV or XLSX file to upload."]
    for url in ("/console/import/99999", "/console/import/0/columns", "/console/import/5/preview",
                "/console/import/2147483648/problems"):  # fmt: skip
        assert (await client.get(url, headers=HTML)).status_code == 404, url
    answer = await client.get("/console/import?page=abc", headers=HTML)
    assert answer.status_code == 200


async def test_the_job_page_polls_while_running_and_stops_when_done(client):
    user = await signed_in(client)
    sent = await upload(client, SAMPLE)
    job_id = int(sent.headers["location"].split("/")[3])
    await client.post(
        sent.headers["location"], data={**token(client), "column-0": "name", "column-1": "email"}
    )
    assert await jobs.claim(job_id)  # running, as if on another worker
    page = await client.get(f"/console/import/{job_id}", headers=HTML)
    assert 'http-equiv="refresh"' in page.text  # without JavaScript
    assert 'hx-trigger="every 1s"' in page.text
    partial = await client.get(f"/console/import/{job_id}", headers={**HTML, "HX-Request": "true"})
    assert "<html" not in partial.text and "<progress" in partial.text
    ctx_user = await t.Account.select().where(t.Account.email == user.email).first()
    assert ctx_user
    from server.lib.auth import Actor
    from server.lib.records import Context

    await jobs.run_job(job_id, await Context.load(Actor(ctx_user["id"], "coordinator", None)))
    partial = await client.get(f"/console/import/{job_id}", headers={**HTML, "HX-Request": "true"})
    assert "hx-trigger" not in partial.text and "Imported" in partial.text
    page = await client.get(f"/console/import/{job_id}", headers=HTML)
    assert 'http-equiv="refresh"' not in page.text


async def test_the_problems_can_be_downloaded(client):
    await areas()
    await signed_in(client)
    sent = await upload(client, SAMPLE)
    chosen = Page((await client.get(sent.headers["location"], headers=HTML)).text).chosen
    await client.post(sent.headers["location"], data={**token(client), **chosen})
    job_id = int(sent.headers["location"].split("/")[3])
    answer = await client.get(f"/console/import/{job_id}/problems?format=csv")
    assert answer.status_code == 200
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Problem"
    assert lines[1].startswith("7,Date of birth,Row 7: the date of birth")
    assert (await client.get(f"/console/import/{job_id}/problems?format=xlsx")).status_code == 200


async def test_a_big_file_previews_from_the_page(client):
    await areas()
    await signed_in(client)
    sent = await upload(client, big_csv(2_000))
    chosen = Page((await client.get(sent.headers["location"], headers=HTML)).text).chosen
    preview = await client.post(sent.headers["location"], data={**token(client), **chosen})
    page = Page((await client.get(preview.headers["location"], headers=HTML)).text)
    assert "Import 2,000 rows" in page.text


async def test_counts_of_one_are_said_in_the_singular(client):
    await signed_in(client)
    await f.person("Ann Lee", year_of_birth=1980)
    rows = "Ann Lee,1980-01-01\nBob New,1990-01-01\nBad Date,31/02/1990\n"
    sent = await upload(client, f"Full name,Date of birth\n{rows}".encode())
    columns = sent.headers["location"]
    chosen = Page((await client.get(columns, headers=HTML)).text).chosen
    preview = await client.post(columns, data={**token(client), **chosen}, headers=HTML)
    text = Page((await client.get(preview.headers["location"], headers=HTML)).text).text
    assert "1 new person to add" in text and "1 person already recorded" in text
    assert "Matched by name and year of birth 1 person" in text
    assert "0 programme memberships" in text and "1 people" not in text
    job_id = int(columns.split("/")[3])
    await client.post(f"/console/import/{job_id}/run", data=token(client), headers=HTML)
    assert (await finished(job_id))["status"] == "done"
    done = Page((await client.get(f"/console/import/{job_id}", headers=HTML)).text).text
    assert "Imported 1 row. 1 was already there. 1 with a problem was skipped." in done
