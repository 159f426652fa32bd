"""The ready-made public answers are served first by a lean app of their own (no session,
CSRF, htmx or compression machinery), for speed: seen from outside, nothing else changes.

A request with a session cookie (even an empty one) or an Authorization header goes to
the main app as before, so each answer can be compared with the main app's own."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import factories as f

READY_MADE = [
    "/api/totals",
    "/api/totals?since=2025-01-01",
    "/embed",
    "/embed?footprint=WC",
    "/totals.svg",
    "/open-data/monthly.json",
    "/open-data/monthly.csv",
    "/open-data/breakdowns.json",
    "/open-data/breakdowns.csv",
]
MAIN_APP = {"cookie": "movement_session="}  # nobody's session: the main app answers


@pytest.mark.parametrize("path", READY_MADE)
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
async def test_the_lean_answer_is_the_main_apps_answer(client, path, encoding):
    await f.footprint("WC")
    headers = {"accept-encoding": encoding}
    lean = await client.get(path, headers=headers)
    main = await client.get(path, headers={**headers, **MAIN_APP})
    assert lean.status_code == main.status_code == 200
    assert sorted(lean.headers.multi_items()) == sorted(main.headers.multi_items())
    assert lean.content == main.content
    assert lean.headers["content-security-policy"]  # the widget's own, or the app's
    assert lean.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in lean.headers


async def test_a_304_is_the_same_too(client):
    first = await client.get("/totals.svg")
    etag = first.headers["etag"]
    lean = await client.get("/totals.svg", headers={"if-none-match": etag})
    main = await client.get("/totals.svg", headers={"if-none-match": etag, **MAIN_APP})
    assert lean.status_code == main.status_code == 304
    assert sorted(lean.headers.multi_items()) == sorted(main.headers.multi_items())
    assert lean.content == b""


@pytest.mark.parametrize(
    "path, status, where",
    [
        ("/api/totals?since=yesterday", 400, "since"),
        ("/api/totals?since=2025-01-01&since=2025-02-01", 400, "since"),
        ("/open-data/monthly.json?x=1&x=2", 400, "x"),
    ],
)
async def test_what_the_lean_app_refuses_is_answered_by_the_main_app(client, path, status, where):
    answer = await client.get(path)
    assert answer.status_code == status
    assert where in answer.json()["errors"]  # the main app's usual message
    assert answer.headers["x-frame-options"] == "DENY"


async def test_a_bad_widget_option_gets_the_main_apps_page(client):
    path, page = "/embed?footprint=WC&footprint=XX", {"accept": "text/html"}
    answer = await client.get(path, headers=page)
    main = await client.get(path, headers={**page, **MAIN_APP})
    assert answer.status_code == main.status_code == 400
    assert answer.text == main.text


async def test_a_coordinator_still_gets_every_number_kept_by_nobody(client):
    await f.footprint("WC")
    coordinator = await f.user("coordinator")
    answer = await client.get("/api/totals", headers=coordinator.headers)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    public = await client.get("/api/totals")
    assert public.headers["cache-control"].startswith("public")


async def test_other_methods_and_addresses_are_the_main_apps(client):
    head = await client.head("/api/totals")
    assert head.status_code == 200 and head.content == b""
    options = await client.options("/api/totals")
    assert "GET" in options.headers["allow"]
    assert (await client.get("/api/totals/")).status_code in {200, 404}  # not a lean path
    assert (await client.get("/embed.js")).status_code == 200


async def test_public_first_gives_the_lean_app_only_anonymous_gets_of_its_paths():
    from server.lib.public import HandOver, public_first

    seen: list[str] = []

    def app(name, refuse=False):
        async def answer(scope, receive, send):
            seen.append(name)
            if refuse:
                raise HandOver

        return answer

    handle: Any = public_first(app("main"), app("lean"), frozenset({"/embed"}))

    async def call(path, method="GET", headers=(), kind="http"):
        seen.clear()
        scope = {"type": kind, "path": path, "method": method, "headers": list(headers)}
        await handle(scope, None, None)
        return seen[:]

    assert await call("/embed") == ["lean"]
    assert await call("/embed", headers=[(b"cookie", b"csrftoken=1; other=2")]) == ["lean"]
    assert await call("/embed/") == ["main"]
    assert await call("/embed", method="POST") == ["main"]
    assert await call("/embed", headers=[(b"authorization", b"Bearer x")]) == ["main"]
    assert await call("/embed", headers=[(b"cookie", b"a=1; movement_session=x")]) == ["main"]
    assert await call("/embed", kind="lifespan") == ["main"]
    refusing: Any = public_first(app("main"), app("lean", refuse=True), frozenset({"/embed"}))
    seen.clear()
    await refusing({"type": "http", "path": "/embed", "method": "GET", "headers": []}, None, None)
    assert seen == ["lean", "main"]
