"""Spreadsheet uploads cannot exhaust the server: every limit a coordinator can read on the
upload page is enforced with a message saying which limit and what to do, nothing from a
refused file is kept, an XLSX is checked before it is unpacked, XML with a DOCTYPE or
entities is refused, the reading happens off the event loop within a time limit, and a NUL
byte in any address is a 4xx."""
# ruff: noqa: E501 - whole messages read better on one line each

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import pytest

from schema import tables as t
from server.imports import files
from tests.helpers.html import HTML, Page
from tests.helpers.imports import signed_in, token, upload
from tests.helpers.xlsx_parts import (
    DECLARATION,
    inline_row,
    parts,
    shared_row,
    shared_strings,
    sheet,
    zipped,
)

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
HEADINGS = ["Full name", "Email"]
SPLIT = "Split it into smaller files and upload each one."


def person(number: int) -> list[str]:
    return [f"Person {number}", f"p{number}@example.org"]


def small_sheet() -> bytes:
    return sheet([inline_row(1, HEADINGS), inline_row(2, person(2))])


async def refused(client, content: bytes, name: str) -> list[str]:
    """Upload as a coordinator; the errors shown, once sure the upload was refused with a
    400 and nothing of it was kept."""
    answer = await upload(client, content, name)
    assert answer.status_code == 400, (name, answer.status_code)
    assert await t.ImportJob.count() == 0  # no job, so none of the file's rows, kept
    return Page(answer.text).errors


# The limits, where a coordinator reads them -----------------------------------------------


async def test_the_upload_page_states_the_limits(client):
    await signed_in(client)
    text = Page((await client.get("/console/import", headers=HTML)).text).text
    for words in ("up to 10 MB", "Up to 50,000 rows of people and 100 columns",
                  "Up to 10,000 characters in a cell, and 10,000,000 in all the cells", "can be up to 50 MB", "up to 100 MB",
                  "up to 60 seconds"):  # fmt: skip
        assert words in text, words


def test_the_readme_states_the_limits():
    section = README.split("### Importing spreadsheets")[1].split("\n### ")[0]
    for words in ("10 MB", "50 MB", "100 MB", "1,000 parts", "50,000 rows", "100 columns",
                  "10,000 characters", "10 million characters", "60 seconds"):  # fmt: skip
        assert words in section, words


# CSV ------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_a_csv_with_too_many_rows_is_refused(client):
    await signed_in(client)
    lines = ["Full name,Email"] + [f"Person {n},p{n}@example.org" for n in range(50_001)]
    errors = await refused(client, "\n".join(lines).encode(), "everyone.csv")
    assert errors == [f"The file has more than 50,000 rows of people. {SPLIT}"]
    assert len(files.read_sheet("\n".join(lines[:-1]).encode()).rows) == 50_000  # at the limit


async def test_a_csv_with_too_many_columns_is_refused(client):
    await signed_in(client)
    content = ",".join(f"Column {n}" for n in range(101)).encode() + b"\n" + b"x," * 100 + b"x\n"
    errors = await refused(client, content, "wide.csv")
    assert errors == [
        "Row 1 has more than 100 columns. Remove the columns you do not need and upload the file again."
    ]


async def test_a_csv_with_a_cell_too_long_is_refused(client):
    await signed_in(client)
    content = b"Full name,Notes\nJo Bell," + b"n" * 10_001 + b"\n"
    errors = await refused(client, content, "notes.csv")
    assert errors == [
        "Row 2, column B, has more than 10,000 characters in one cell. Shorten it, or delete the column if it is not needed, and upload the file again."
    ]
    lines = files.read_sheet(b"Full name,Notes\nJo Bell," + b"n" * 10_000 + b"\n").rows
    assert len(lines[0][1][1]) == 10_000  # type: ignore[arg-type]  # exactly at the limit is fine


# XLSX: checked before it is unpacked ---------------------------------------------------------


async def test_a_small_xlsx_whose_texts_unpack_past_the_limit_is_refused(client):
    await signed_in(client)
    # 51 MB of shared texts packs into about 50 KB: the 0.4 MB file of the review, smaller.
    texts = shared_strings(["Full name", "Email", "Jo", "j" * 10_000] * 5_300)
    assert len(texts) > 50 * 1024 * 1024
    content = zipped(parts(sheet([shared_row(1, [0, 1]), shared_row(2, [2, 3])]), texts))
    assert len(content) < 1024 * 1024
    errors = await refused(client, content, "bomb.xlsx")
    assert errors == [
        f"An Excel file is stored zipped. Opened up, one part of this one (a sheet, or the text of its cells) would be bigger than 50 MB. {SPLIT}"
    ]


async def test_an_xlsx_that_unpacks_past_the_total_limit_is_refused(client):
    await signed_in(client)
    padding = b" " * (40 * 1024 * 1024)  # three parts of 40 MB: each fine, together not
    named = parts(small_sheet()) | {f"xl/media/image{n}.png": padding for n in range(3)}
    errors = await refused(client, zipped(named), "padded.xlsx")
    assert errors == [
        f"An Excel file is stored zipped. Opened up, this one would be bigger than 100 MB. {SPLIT}"
    ]


async def test_an_xlsx_with_too_many_parts_is_refused(client):
    await signed_in(client)
    named = parts(small_sheet()) | {f"xl/media/image{n}.png": b"" for n in range(1_000)}
    errors = await refused(client, zipped(named), "parts.xlsx")
    assert errors == [
        "This Excel file has more than 1,000 parts zipped inside it, far more than a spreadsheet needs. Open it in Excel, save it as CSV, and upload that."
    ]


async def test_an_xlsx_cell_too_long_is_refused(client):
    await signed_in(client)
    texts = shared_strings([*HEADINGS, "Jo Bell", "j" * 10_001])
    errors = await refused(client, zipped(parts(small_sheet_shared(), texts)), "long.xlsx")
    assert errors == [
        "Row 2, column B, has more than 10,000 characters in one cell. Shorten it, or delete the column if it is not needed, and upload the file again."
    ]


def small_sheet_shared() -> bytes:
    return sheet([shared_row(1, [0, 1]), shared_row(2, [2, 3])])


async def test_one_long_text_used_by_many_cells_is_refused_past_the_total(client):
    """One shared text of 10,000 characters in 1,001 cells: each cell is within its limit,
    and the file is a few kilobytes, but it would be 10 million characters to keep."""
    await signed_in(client)
    texts = shared_strings([*HEADINGS, "Jo Bell", "j" * 10_000])
    rows = [shared_row(1, [0, 1])] + [shared_row(n, [2, 3]) for n in range(2, 1_003)]
    content = zipped(parts(sheet(rows), texts))
    assert len(content) < 100 * 1024
    errors = await refused(client, content, "repeated.xlsx")
    assert errors == [
        f"The cells hold more than 10,000,000 characters in all, more than we read from one file. {SPLIT}"
    ]


@pytest.mark.slow
async def test_an_xlsx_row_number_past_excels_last_row_is_not_read_for_ever(client):
    await signed_in(client)
    rows = [inline_row(1, HEADINGS), inline_row(2, person(2)), inline_row(999_999_999, person(3))]
    sent = await upload(client, zipped(parts(sheet(rows))), "far.xlsx")
    assert sent.status_code == 303  # the real rows are read; the one past Excel's end is not
    assert (await t.ImportJob.select(t.ImportJob.total_rows).first())["total_rows"] == 1


async def test_a_number_too_big_for_a_number_is_kept_as_text(client):
    """1e999 is infinity to Python, which JSON (and PostgreSQL) cannot store: it was a 500."""
    await signed_in(client)
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>Jo Bell</t></is></c><c r="B2"><v>1e999</v></c></row>'
    sent = await upload(client, zipped(parts(sheet([inline_row(1, HEADINGS), row]))), "inf.xlsx")
    assert sent.status_code == 303
    job = await t.ImportJob.select(t.ImportJob.sheet).output(load_json=True).first()
    assert job["sheet"]["rows"] == [[2, ["Jo Bell", "inf"]]]


# XML that is not plain spreadsheet XML ------------------------------------------------------

LAUGHS = (
    '<!DOCTYPE sst [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)
NOT_PLAIN = "This workbook has settings inside it that spreadsheets do not need (a DOCTYPE or entities), so we do not read it. Open it in Excel, save it as an Excel Workbook (.xlsx) or as CSV, and upload that."


def with_doctype(part: str) -> bytes:
    """A workbook whose one part declares entities that grow a thousandfold; in the
    shared texts, a cell uses them."""
    texts = shared_strings([*HEADINGS, "Jo Bell", "jo@example.org"])
    named = parts(small_sheet_shared(), texts)
    named[part] = named[part].replace(DECLARATION.encode(), (DECLARATION + LAUGHS).encode())
    named[part] = named[part].replace(b"jo@example.org", b"&d;")
    return zipped(named)


@pytest.mark.parametrize(
    "part",
    ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml",
     "_rels/.rels"],
)  # fmt: skip
async def test_an_xlsx_with_a_doctype_or_entities_is_refused(client, part):
    await signed_in(client)
    assert await refused(client, with_doctype(part), "entities.xlsx") == [NOT_PLAIN]


async def test_a_doctype_without_entities_is_refused_too(client):
    await signed_in(client)
    named = parts(small_sheet())
    named["xl/worksheets/sheet1.xml"] = small_sheet().replace(
        DECLARATION.encode(),
        (DECLARATION + '<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">').encode(),
    )
    assert await refused(client, zipped(named), "doctype.xlsx") == [NOT_PLAIN]
    texts = shared_strings([*HEADINGS, "Jo Bell", "jo@example.org"])
    sent = await upload(client, zipped(parts(small_sheet_shared(), texts)), "plain.xlsx")
    assert sent.status_code == 303  # the same workbook without the DOCTYPE is read


def test_openpyxl_itself_reads_xml_through_defusedxml():
    """Our own check comes first; openpyxl refusing entities is the second line."""
    import defusedxml.ElementTree
    from openpyxl.xml import functions

    assert functions.iterparse is defusedxml.ElementTree.iterparse
    assert functions.fromstring is defusedxml.ElementTree.fromstring


# Off the event loop, within a time limit ----------------------------------------------------


PAUSE = 0.05


def big_xlsx(rows: int) -> bytes:
    """An XLSX well within the limits that still takes a second or more to read."""
    heading = ["Full name", "E-mail", "DOB", "Ward/Area", "Postcode", "Programme", "Date joined"]
    body = [inline_row(1, heading)] + [
        inline_row(n, [*person(n), "01/02/1990", "WC", "WN1 1AA", "Health Champions", "01/02/2024"])
        for n in range(2, rows + 2)
    ]
    return zipped(parts(sheet(body)))


@pytest.mark.slow
async def test_the_server_answers_while_a_large_upload_is_read(client):
    """While a large XLSX is read, /healthz, asked every 50 ms, answers each time well
    within the time the whole read takes. The clock runs from before each pause: read on
    the event loop, as before, one pause lasted as long as the whole file took to read. (A
    fixed 200 ms, as this said before, was missed by 20 ms on a machine busy with other
    runs and coverage; half the read is what tells a blocked loop from a free one.)"""
    await signed_in(client)
    content = big_xlsx(8_000)
    started = time.perf_counter()
    reading = asyncio.create_task(upload(client, content, "big.xlsx"))
    waits = []
    while not reading.done():
        asked = time.perf_counter() + PAUSE
        await asyncio.sleep(PAUSE)
        answer = await client.get("/healthz")
        assert answer.status_code == 200
        waits.append(time.perf_counter() - asked)
    took = time.perf_counter() - started
    assert (await reading).status_code == 303
    assert took > 0.5, "the file was read too fast to show anything"
    assert len(waits) >= 5, waits
    assert max(waits) < took / 2, (took, waits)


async def test_a_file_that_takes_too_long_to_read_is_stopped(client, monkeypatch):
    await signed_in(client)
    from server.imports import upload as reading

    monkeypatch.setattr(reading, "READ_SECONDS", 0.05)  # instead of waiting a minute
    errors = await refused(client, big_xlsx(2_000), "slow.xlsx")
    assert errors == [
        f"Reading this file took longer than 60 seconds, so we stopped and saved nothing. {SPLIT}"
    ]


# Bodies too big for any route ---------------------------------------------------------------


async def test_a_file_or_body_too_big_gets_a_message_that_says_so(client):
    user = await signed_in(client)
    errors = await refused(client, b"Full name,Email\n" + b"x" * (10 * 1024 * 1024), "big.csv")
    assert errors == [f"The file is bigger than 10 MB. {SPLIT}"]  # just over: read, refused
    big = b'{"name": "' + b"x" * (11 * 1024 * 1024) + b'"}'
    answer = await client.post(
        "/api/people", content=big, headers={**user.headers, "content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.json() == {"message": "What was sent is too big. Send less at once."}
    answer = await client.post(
        "/console/people/new",
        data={**token(client), "name": "x" * (11 * 1024 * 1024)},
        headers=HTML,
    )
    assert answer.status_code == 413
    assert Page(answer.text).h1 == "That is too big to send"
    answer = await upload(client, b"x" * (11 * 1024 * 1024), "huge.csv")
    assert answer.status_code == 413
    assert Page(answer.text).errors == [f"The file is bigger than 10 MB. {SPLIT}"]
    assert await t.ImportJob.count() == 0


# A NUL byte in an address ---------------------------------------------------------------


def addresses_with_nul(app) -> list[tuple[str, str]]:
    """Every route, with %00 for each part of its address that varies (or added to its
    end), and each of its methods."""
    found = []
    for route in app.routes:
        path = re.sub(r"\{[^}]+\}", "%00", route.path)
        if path == route.path:
            path = path.rstrip("/") + "/%00"
        for method in sorted(getattr(route, "methods", {"GET"}) - {"OPTIONS", "HEAD"}):
            found.append((method, path))
    return found


async def test_a_nul_byte_anywhere_in_an_address_is_a_4xx(app, client):
    user = await signed_in(client)
    sent = addresses_with_nul(app)
    assert ("GET", "/static/%00") in sent and ("POST", "/console/import/%00/run") in sent
    for method, path in sent:
        for headers in (HTML, user.headers):
            answer = await client.request(method, path, headers=headers)
            assert 400 <= answer.status_code < 500, (method, path, answer.status_code)


async def test_a_nul_byte_gets_a_clear_answer(client):
    user = await signed_in(client)
    for path in ("/static/css/site%00.css", "/sign-in/abc%00def", "/email/confirm/%00",
                 "/console/import/%00/columns", "/api/people/%00", "/console/people/%00"):  # fmt: skip
        answer = await client.get(path, headers=user.headers)
        assert answer.status_code in (400, 404), (path, answer.status_code)
        if answer.status_code == 400:
            assert "web addresses cannot have" in answer.json()["message"]
        if not path.startswith("/api/"):  # the API answers in JSON whatever is asked
            page = await client.get(path, headers=HTML)
            assert page.status_code == answer.status_code
            assert Page(page.text).h1 in ("Something is wrong with that request", "Page not found")
    answer = await client.get("/static/css/site%00.css", headers=user.headers)
    assert answer.json()["message"] == (
        "The address has a character in it that web addresses cannot have (such as %00). "
        "Check the link and try again."
    )
