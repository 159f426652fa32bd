"""The ready-made public answers (and /healthz) are sent without the framework when the
request is the public's and nothing about it is unusual, for speed: seen from outside,
nothing else changes.

A request with a session cookie (even an empty one) or an Authorization header goes to
the main app as before, so each answer can be compared with the main app's own. The
`plain` client has only the plain answers: whatever they hand over gets 599 from a stand-in
for the main app, so a test can tell which of the two answered."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio

from server.db import note_write
from tests.helpers import factories as f
from tests.helpers.settings import setting

READY_MADE = [
    "/api/totals",
    "/api/totals?footprint=WC",
    "/api/totals?since=2025-01-01",
    "/api/totals?programme=health-champions&until=2030-01-01",
    "/embed",
    "/embed?footprint=WC",
    "/embed?footprint=WC&theme=dark&compact=1&part=1&utm_source=x",
    "/embed?story=1",
    "/totals.svg",
    "/totals.svg?programmes=health-champions",
    "/open-data/monthly.json",
    "/open-data/monthly.csv",
    "/open-data/breakdowns.json",
    "/open-data/breakdowns.csv",
    "/healthz",
    "/healthz?anything=1&anything=2",
]
MAIN_APP = {"cookie": "movement_session="}  # nobody's session: the main app answers
HANDED_OVER = 599


@pytest_asyncio.fixture
async def plain(app):
    from server.app import PLAIN_ROUTES
    from server.lib.public import public_first

    async def main_app(scope, receive, send):
        await send({"type": "http.response.start", "status": HANDED_OVER, "headers": []})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    handle: Any = public_first(main_app, PLAIN_ROUTES)
    transport = httpx.ASGITransport(app=handle)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def same(one: httpx.Response, other: httpx.Response) -> None:
    assert one.status_code == other.status_code
    assert one.headers.raw == other.headers.raw  # every header, in the same order
    assert one.content == other.content


@pytest.mark.parametrize("path", READY_MADE)
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
async def test_the_plain_answer_is_the_main_apps_answer(client, plain, path, encoding):
    await f.footprint("WC")
    headers = {"accept-encoding": encoding}
    answer = await plain.get(path, headers=headers)
    main = await client.get(path, headers={**headers, **MAIN_APP})
    assert answer.status_code == 200
    same(answer, main)
    same(await client.get(path, headers=headers), main)  # through the whole app too
    assert answer.headers["content-security-policy"]  # the widget's own, or the app's
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in answer.headers


async def test_an_https_base_url_adds_hsts_to_the_plain_answers(client, plain):
    with setting(BASE_URL="https://movement.example.org"):
        answer = await plain.get("/totals.svg")
        main = await client.get("/totals.svg", headers=MAIN_APP)
    assert answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    same(answer, main)


@pytest.mark.parametrize("path", ["/totals.svg", "/api/totals", "/open-data/monthly.json"])
async def test_a_304_is_the_same_too(client, plain, path):
    etag = (await plain.get(path)).headers["etag"]
    opaque = etag.removeprefix("W/")
    for sent in (etag, f'"other", W/{opaque}', opaque, "*"):
        answer = await plain.get(path, headers={"if-none-match": sent})
        main = await client.get(path, headers={"if-none-match": sent, **MAIN_APP})
        assert answer.status_code == 304
        same(answer, main)
        assert answer.content == b""
    assert (await plain.get(path, headers={"if-none-match": '"other"'})).status_code == 200


async def test_head_under_api_is_the_plain_answer_without_its_body(client):
    get = await client.get("/api/totals")
    head = await client.head("/api/totals")
    assert head.status_code == 200 and head.content == b""
    assert head.headers.raw == get.headers.raw


@pytest.mark.parametrize(
    "path, status, where",
    [
        ("/api/totals?since=yesterday", 400, "since"),
        ("/api/totals?since=2025-01-01&since=2025-02-01", 400, "since"),
        ("/api/totals?x=1", 400, "x"),
        ("/api/totals?Footprint=WC", 400, "Footprint"),
        ("/api/totals?footprint=ZZ", 422, "footprint"),
        ("/api/totals?footprint=WC&since=2025-01-01", 422, "since"),
        ("/open-data/monthly.json?x=1&x=2", 400, "x"),
    ],
)
async def test_what_the_plain_answers_refuse_is_answered_by_the_main_app(
    client, plain, path, status, where
):
    await f.footprint("WC")
    assert (await plain.get(path)).status_code == HANDED_OVER
    answer = await client.get(path)
    assert answer.status_code == status
    assert where in answer.json()["errors"]  # the main app's usual message
    assert answer.headers["x-frame-options"] == "DENY"


async def test_a_bad_widget_option_gets_the_main_apps_page(client, plain):
    path, page = "/embed?footprint=WC&footprint=XX", {"accept": "text/html"}
    assert (await plain.get(path, headers=page)).status_code == HANDED_OVER
    answer = await client.get(path, headers=page)
    main = await client.get(path, headers={**page, **MAIN_APP})
    assert answer.status_code == main.status_code == 400
    assert answer.text == main.text


@pytest.mark.parametrize(
    "headers",
    [
        [("accept-encoding", "gzip"), ("accept-encoding", "identity")],
        [("if-none-match", '"a"'), ("if-none-match", '"b"')],
        [("authorization", "Bearer nobody")],
        [("cookie", "a=1; movement_session=x")],
    ],
)
async def test_unusual_headers_are_the_main_apps(client, plain, headers):
    assert (await plain.get("/totals.svg", headers=headers)).status_code == HANDED_OVER
    assert (await client.get("/totals.svg", headers=headers)).status_code in {200, 401}


async def test_a_write_shows_in_the_plain_answers_at_once(client, plain):
    """The plain answers are the same ready-made bytes, made again after a write."""
    wigan = await f.footprint("WC", "Wigan Central")
    for i in range(30):
        await f.join(await f.person(f"Pat {i}", footprint=wigan), "health-champions")
    note_write()
    before = (await plain.get("/api/totals?footprint=WC")).json()
    dated = (await plain.get("/api/totals?since=2025-01-01")).json()
    assert before["people"] == 30
    coordinator = await f.user("coordinator")
    sent = await client.post(
        "/api/activities",
        json={"programme": "health-champions", "kind": "event", "people_reached": 12},
        headers=coordinator.headers,
    )
    assert sent.status_code == 201
    assert (await plain.get("/api/totals?since=2025-01-01")).json()["reach"] == dated["reach"] + 12
    for i in range(5):
        await f.join(await f.person(f"Sam {i}", footprint=wigan), "health-champions")
    note_write()
    after = (await plain.get("/api/totals?footprint=WC")).json()
    assert after["people"] == 35
    assert "35" in (await plain.get("/embed?footprint=WC")).text


async def test_a_coordinator_still_gets_every_number_kept_by_nobody(client):
    await f.footprint("WC")
    coordinator = await f.user("coordinator")
    answer = await client.get("/api/totals", headers=coordinator.headers)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    public = await client.get("/api/totals")
    assert public.headers["cache-control"].startswith("public")


async def test_other_methods_and_addresses_are_the_main_apps(client):
    options = await client.options("/api/totals")
    assert "GET" in options.headers["allow"]
    assert (await client.get("/api/totals/")).status_code in {200, 404}  # not a plain path
    assert (await client.get("/embed.js")).status_code == 200


async def test_public_first_answers_only_anonymous_gets_of_its_paths():
    from server.lib.public import Fixed, public_first

    seen: list[str] = []

    async def main(scope, receive, send):
        seen.append("main")

    async def send(message):
        if message["type"] == "http.response.start":
            seen.append("plain")

    class Refusing:
        async def __call__(self, query, gzip_ok, if_none_match):
            raise ValueError("not this one")

    routes: Any = {"/embed": Fixed(200, [], b"x"), "/refuse": Refusing()}
    handle: Any = public_first(main, routes)

    async def call(path, method="GET", headers=(), kind="http"):
        seen.clear()
        scope = {"type": kind, "path": path, "method": method, "headers": list(headers)}
        await handle({**scope, "query_string": b""}, None, send)
        return seen[:]

    assert await call("/embed") == ["plain"]
    assert await call("/embed", headers=[(b"cookie", b"csrftoken=1; other=2")]) == ["plain"]
    assert await call("/embed/") == ["main"]
    assert await call("/embed", method="POST") == ["main"]
    assert await call("/embed", method="HEAD") == ["main"]
    assert await call("/embed", headers=[(b"authorization", b"Bearer x")]) == ["main"]
    assert await call("/embed", headers=[(b"cookie", b"a=1; movement_session=x")]) == ["main"]
    assert await call("/embed", kind="lifespan") == ["main"]
    assert await call("/refuse") == ["main"]
