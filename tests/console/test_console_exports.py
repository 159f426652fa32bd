"""Console downloads are streamed: a large one arrives whole, in pieces, with nothing left
behind (server/console/exports.py)."""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from datetime import date

import openpyxl
import pytest

from server.console.exports import CHUNK
from tests.helpers import factories as f
from tests.helpers.signin import sign_in

MANY = 3000


@pytest.fixture
async def waiting():
    """MANY activities waiting for review, written straight to the table; their ids, each
    with the note it was given."""
    programme = await f.programme_id("health-champions")
    rows = [
        {
            "programme": programme,
            "kind": "conversation",
            "occurred_on": date(2026, 1, 1 + n % 28),
            "people_reached": 900 + n % 50,
            "minutes": 30,
            "note": f"activity number {n}",
            "review_status": "needs-review",
            "review_reason": "Check this.",
        }
        for n in range(MANY)
    ]
    ids = []
    for start in range(0, MANY, 1000):  # PostgreSQL takes at most 32,767 values a query
        ids += await f.activities(*rows[start : start + 1000])
    return {i: row["note"] for i, row in zip(ids, rows, strict=True)}


@pytest.fixture
async def desk(client):
    user = await f.user("coordinator")
    await sign_in(client, user.email)
    return user


async def test_a_large_csv_download_arrives_whole(client, desk, waiting):
    answer = await client.get("/console/review?format=csv")
    assert answer.status_code == 200
    assert answer.content.startswith(b"\xef\xbb\xbf")  # one byte order mark, at the start
    assert answer.content.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Logged by", "Programme"]
    assert len(rows) == MANY + 1
    got = {int(row[0]): row[8] for row in rows[1:]}
    assert got == waiting


async def test_a_large_xlsx_download_arrives_whole(client, desk, waiting):
    answer = await client.get("/console/review?format=xlsx")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Number", "Logged by", "Programme")
    assert {int(row[0]): row[8] for row in rows[1:]} == waiting


async def body_pieces(app, client, path: str) -> tuple[dict[str, str], list[bytes]]:
    """Call the app as a server does (httpx's test transport joins the pieces into one):
    the answer's headers and each piece of its body as the app sent it, uncompressed."""
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    target, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": target, "raw_path": target.encode(),
        "query_string": query.encode(), "root_path": "", "client": ("127.0.0.1", 5000),
        "server": ("test", 80), "headers": [(b"host", b"test"), (b"cookie", cookies.encode())],
    }  # fmt: skip
    sent: list[dict] = []
    asked, done = asyncio.Event(), asyncio.Event()

    async def receive() -> dict:
        if not asked.is_set():
            asked.set()
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()  # as a server does: the request, then nothing until the answer ends
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 200
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    pieces = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    return headers, [p for p in pieces if p]


async def test_a_download_is_sent_in_pieces_as_it_is_made(app, client, desk, waiting):
    """A file built whole is sent as one body; a streamed one comes in pieces of about
    CHUNK bytes, with no Content-Length (it is not known before the last row)."""
    headers, pieces = await body_pieces(app, client, "/console/review?format=csv")
    assert "content-length" not in headers
    size = sum(len(p) for p in pieces)
    assert size > 3 * CHUNK
    assert len(pieces) >= size // CHUNK
    assert max(len(p) for p in pieces) < 2 * CHUNK
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))
    assert len(rows) == MANY + 1


async def test_the_xlsx_temporary_file_is_deleted_once_sent(app, client, desk, waiting, tmp_path):
    before = tempfile.tempdir
    tempfile.tempdir = str(tmp_path)  # where the workbook is saved while it is sent
    try:
        _, pieces = await body_pieces(app, client, "/console/review?format=xlsx")
    finally:
        tempfile.tempdir = before
    assert len(pieces) > 1 and pieces[0][:2] == b"PK"
    assert list(tmp_path.iterdir()) == []


# The people download reads the people a page at a time while it is sent ----------------


async def test_the_people_download_has_everyone_once_across_pages_of_namesakes(
    client, desk, monkeypatch
):
    from schema import tables as t
    from server.people import console as people_console

    monkeypatch.setattr(people_console, "DOWNLOAD_PAGE", 7)  # pages of 7: many boundaries
    names = ["Sam Smith"] * 10 + ["Ann Ng"] * 4 + [f"Zed {n:02d}" for n in range(11)]
    await t.Person.insert(*[t.Person(name=n, email=f"d{i}@example.org") for i, n in
                            enumerate(names)])  # fmt: skip
    everyone = await t.Person.select(t.Person.id, t.Person.name, t.Person.email)
    expected = sorted(everyone, key=lambda p: (p["name"], p["id"]))
    for fmt in ("csv", "xlsx"):
        answer = await client.get(f"/console/people/download?format={fmt}")
        assert answer.status_code == 200
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
            rows = [[str(c.value or "") for c in r] for r in sheet.iter_rows()]
        emails = [row[2] for row in rows[1:]]
        assert emails == [p["email"] or "" for p in expected]  # each once, in name order
    # With a search, across pages too.
    answer = await client.get("/console/people/download?format=csv&q=smith")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["Sam Smith"] * 10


async def test_the_people_download_reads_a_page_at_a_time_while_it_is_sent(desk, monkeypatch):
    """The rows are read as they are needed, not all before the file starts: a person added
    after the first page was read (and sorting after it) is still in the file."""
    from schema import tables as t
    from server.lib.auth import Actor
    from server.lib.records import Context
    from server.lib.reference import load_reference
    from server.people import console as people_console

    monkeypatch.setattr(people_console, "DOWNLOAD_PAGE", 3)
    for n in range(5):
        await f.person(f"Bea {n}", email=f"b{n}@example.org")
    ctx = Context(actor=Actor(account_id=1, role="coordinator", person_id=desk.person_id),
                  ref=await load_reference())  # fmt: skip
    rows = people_console.people_for_download(ctx, {"q": "bea"})
    first = await anext(rows)
    assert first["name"] == "Bea 0"
    await t.Person.insert(t.Person(name="Bea 9", email="z@example.org"))  # after page 1
    rest = [row["name"] async for row in rows]
    assert rest == ["Bea 1", "Bea 2", "Bea 3", "Bea 4", "Bea 9"]
