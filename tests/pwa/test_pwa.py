"""The app on a phone: installable, light, and with a service worker at the root."""

from __future__ import annotations

import re
import struct
import uuid
from datetime import UTC, datetime

import pytest

from schema.tables import Activity, WebSession
from server.lib.public import EVENT_FEEDS, WIDGET_PATHS
from server.pwa import pages as pwa
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import sign_in

BUDGET = 60 * 1024  # the log page's first visit, compressed, everything included


async def test_the_manifest_makes_it_installable(client):
    answer = await client.get("/manifest.webmanifest")
    assert answer.headers["content-type"].startswith("application/manifest+json")
    manifest = answer.json()
    assert (manifest["name"], manifest["short_name"]) == ("Health Movement", "Movement")
    assert (manifest["display"], manifest["start_url"]) == ("standalone", "/")
    assert manifest["theme_color"] == "#005a30"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in manifest["icons"]:
        image = await client.get(icon["src"])
        assert image.content[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", image.content[16:24])
        assert f"{width}x{height}" == icon["sizes"]


async def test_the_service_worker_is_at_the_root_and_never_cached(client):
    answer = await client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["cache-control"] == "no-cache"
    assert f'const SHELL_CACHE = "movement-shell-{pwa.release()}";' in answer.text


SHELL_PARTS = ["static/app.css", "templates/pwa/offline.html", "server/kinds.py"]


@pytest.mark.parametrize("changed", SHELL_PARTS)
def test_the_cache_name_changes_with_what_the_shell_is_made_from(tmp_path, monkeypatch, changed):
    """A static file, a template or the code (the offline form's kinds come from it): any
    change gives the shell a new cache name, so phones fetch the new one."""
    roots = tuple(tmp_path / name for name in ("static", "templates", "server"))
    for name in SHELL_PARTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("first")
    monkeypatch.setattr(pwa, "SHELL_SOURCES", roots)
    pwa.release.cache_clear()
    try:
        first = pwa.release()
        (tmp_path / changed).write_text("second")
        pwa.release.cache_clear()
        assert pwa.release() != first
    finally:
        monkeypatch.undo()
        pwa.release.cache_clear()


async def test_every_page_links_the_manifest_and_scripts(client):
    page = Page((await client.get("/sign-in", headers={"accept": "text/html"})).text)
    assert page.h1 == "Sign in"
    html = (await client.get("/sign-in")).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>' in html


async def test_the_log_page_first_visit_is_under_60_kb_compressed(client):
    await f.footprint("WC")
    user = await f.user("champion")
    await f.join(user.person_id, "health-champions")
    await sign_in(client, user.email)
    gzip = {"accept-encoding": "gzip", "accept": "text/html"}
    total = 0
    for path in (
        "/log",
        "/static/css/app.css",
        "/static/js/app.js",
        "/static/vendor/htmx-2.0.11.min.js",
        "/manifest.webmanifest",
        "/static/icons/icon-192.png",
    ):
        answer = await client.get(path, headers=gzip)
        assert answer.status_code == 200, path
        total += answer.num_bytes_downloaded
    print(f"The log page's first visit: {total:,} bytes compressed")
    assert total <= BUDGET, f"{total:,} bytes"


async def test_the_offline_page(client):
    page = Page((await client.get("/offline", headers={"accept": "text/html"})).text)
    assert page.h1 == "No signal"


# Nothing personal kept: Cache-Control on every route -----------------------------------

HTML = {"accept": "text/html"}
SHELL = ("/sw.js", "/manifest.webmanifest")  # the worker and the manifest: "no-cache"


def every_route(app) -> list[tuple[str, str]]:
    """(method, path with ids filled in) for every route of the app, so that a route added
    later is covered without anyone listing it here."""
    out = set()
    for route in app.routes:
        if route.path.startswith("/static"):
            continue  # files, kept by their ETag
        path = re.sub(r"\{[^}]+\}", "0", route.path)
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method not in ("HEAD", "OPTIONS"):
                    out.add((method, path))
    return sorted(out, key=lambda mp: (mp[0] != "GET", mp))  # sign-out comes last


def is_public(path: str) -> bool:
    """The addresses that answer everyone alike, reading no account (/api/totals reads
    one, and so answers an account no-store)."""
    return any(re.search(rule, path) for rule in [*WIDGET_PATHS, *EVENT_FEEDS])


def cache_problems(answers) -> list[str]:
    problems = []
    for method, path, answer in answers:
        control = answer.headers.get("cache-control", "")
        if is_public(path):
            ok = re.fullmatch(r"public, max-age=\d+", control)
        elif path in SHELL:
            ok = control == "no-cache"
        else:
            ok = control == "no-store"
        if not ok:
            problems.append(f"{method} {path}: {answer.status_code} {control!r}")
    return problems


async def walk(client, app, headers):
    for method, path in every_route(app):
        answer = await client.request(method, path, headers=headers)
        yield method, path, answer


def test_the_walk_finds_the_pages_the_api_and_the_public_addresses(app):
    found = {path for _, path in every_route(app)}
    for path in (
        "/",
        "/log",
        "/my-data",
        "/my-data/download",
        "/console",
        "/api/people",
        "/api/activities/batch",
        "/api/totals",
        "/embed.js",
        "/offline/log",
    ):
        assert path in found, path


@pytest.mark.slow
@pytest.mark.parametrize("role", ["champion", "coordinator", "admin"])
async def test_every_signed_in_page_and_api_answer_is_no_store(client, app, role):
    await f.footprint("WC")
    user = await f.user(role)
    await sign_in(client, user.email)
    answers = [a async for a in walk(client, app, HTML)]
    pages = [path for method, path, a in answers if method == "GET" and a.status_code == 200]
    assert {"/", "/log", "/my-data", "/api/me"} <= set(pages)  # really signed in
    assert not cache_problems(answers)


@pytest.mark.slow
async def test_every_api_answer_to_a_token_is_no_store(client, app):
    user = await f.user("coordinator")
    answers = [a async for a in walk(client, app, user.headers) if a[0] == "GET"]
    answers.append(
        (
            "POST",
            "/api/activities/batch",
            await client.post(
                "/api/activities/batch", json={"activities": []}, headers=user.headers
            ),
        )
    )
    assert not cache_problems(answers)


async def test_the_public_addresses_keep_their_own_caching(client):
    await f.footprint("WC")
    for path in ("/api/totals", "/embed", "/embed.js", "/totals.svg", "/open-data/monthly.csv"):
        answer = await client.get(path)
        assert answer.headers["cache-control"].startswith("public, max-age="), path
    # Asked with an account, the totals are no-store: a coordinator's hold what the public
    # may not see, and a champion's are no different from any signed-in answer.
    for role in ("coordinator", "champion"):
        user = await f.user(role)
        for query in ("?footprint=WC", ""):
            answer = await client.get(f"/api/totals{query}", headers=user.headers)
            assert answer.status_code == 200, answer.text
            assert answer.headers["cache-control"] == "no-store", (role, query)
            assert "public" not in answer.headers["cache-control"]


async def test_the_shell_may_be_kept_only_when_nobody_is_signed_in(client):
    for path in ("/offline", "/offline/log", "/manifest.webmanifest"):
        assert (await client.get(path, headers=HTML)).headers["cache-control"] == "no-cache"
    log = Page((await client.get("/offline/log", headers=HTML)).text)
    assert log.h1 == "Log an activity"
    assert log.forms == ["/log"]
    champion = await f.user("champion", name="Asha Patel")
    await sign_in(client, champion.email)
    for path in ("/offline", "/offline/log"):
        answer = await client.get(path, headers=HTML)
        assert answer.headers["cache-control"] == "no-store", path  # it shows "Sign out"
        assert body_attributes(answer.text).get("data-account") is None  # the shell: none


# The session's end, seen by the phone ------------------------------------------------


def body_attributes(html: str) -> dict[str, str | None]:
    return Page(html).attributes("body")


async def account_on_page(client) -> str | None:
    return body_attributes((await client.get("/log", headers=HTML)).text).get("data-account")


async def test_each_page_says_which_account_is_signed_in_without_saying_who(client):
    asha = await f.user("champion", email="asha@example.org", name="Asha Patel")
    ben = await f.user("champion", email="ben@example.org")
    await sign_in(client, asha.email)
    first = await account_on_page(client)
    client.cookies.clear()
    assert body_attributes((await client.get("/sign-in", headers=HTML)).text)["data-account"] == ""
    await sign_in(client, asha.email)
    assert await account_on_page(client) == first  # the same for each of her sessions
    client.cookies.clear()
    await sign_in(client, ben.email)
    other = await account_on_page(client)
    assert first and other and first != other
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert "asha" not in first and "example" not in first  # opaque: not the email


async def test_signing_out_clears_the_browsers_cache(client):
    champion = await f.user("champion")
    await sign_in(client, champion.email)
    token = client.cookies.get("movement_csrf")
    answer = await client.post("/sign-out", data={"_csrf_token": token})
    assert answer.status_code in (302, 303)
    assert answer.headers["clear-site-data"] == '"cache"'  # never "storage": the queue stays


async def test_a_dead_session_cookie_is_removed_and_the_cache_cleared(client):
    champion = await f.user("champion", name="Asha Patel")
    await sign_in(client, champion.email)
    cookie = client.cookies.get("movement_session")
    await WebSession.update({WebSession.revoked_at: datetime.now(UTC)}, force=True)
    for path in ("/log", "/api/me"):
        client.cookies.set("movement_session", cookie)
        answer = await client.get(path, headers=HTML)
        assert answer.status_code in (302, 303, 401), path
        assert answer.headers["clear-site-data"] == '"cache"', path
        expired = [c for c in answer.headers.get_list("set-cookie") if "movement_session=" in c]
        assert expired and "Max-Age=0" in expired[0], path
    client.cookies.set("movement_session", cookie)
    public = await client.get("/api/totals")  # the same bytes for everyone: no cookie on it
    assert public.headers["cache-control"].startswith("public")
    assert "set-cookie" not in public.headers and "clear-site-data" not in public.headers
    client.cookies.clear()
    assert "clear-site-data" not in (await client.get("/sign-in", headers=HTML)).headers


# The batch endpoint: a phone's queue is sent only as its owner ------------------------


async def _batch(client, owner, headers=None, reached=3):
    item = {
        "client_id": str(uuid.uuid4()),
        "programme": "health-champions",
        "kind": "event",
        "people_reached": reached,
    }
    body = {"activities": [item]} if owner is None else {"owner": owner, "activities": [item]}
    headers = headers or {"x-movement-csrf": client.cookies.get("movement_csrf")}
    return await client.post("/api/activities/batch", json=body, headers=headers)


async def test_the_batch_refuses_another_accounts_queue(client):
    asha = await f.user("champion", email="asha@example.org")
    ben = await f.user("champion", email="ben@example.org")
    for user in (asha, ben):
        await f.join(user.person_id, "health-champions")
    await sign_in(client, asha.email)
    ashas = await account_on_page(client)
    client.cookies.clear()
    await sign_in(client, ben.email)
    await client.get("/offline")  # the CSRF cookie
    bens = await account_on_page(client)

    refused = await _batch(client, ashas)
    assert refused.status_code == 403
    assert "saved on this phone by another account" in refused.json()["message"]
    assert (await _batch(client, None)).status_code == 403  # the phone must say whose
    assert await Activity.count() == 0

    saved = await _batch(client, bens, reached=4)
    assert saved.status_code == 200 and saved.json()["results"][0]["status"] == "created"
    people = await Activity.select(Activity.person, Activity.people_reached)
    assert people == [{"person": ben.person_id, "people_reached": 4}]
    # A client with its own token needs no tag, but a wrong one is refused all the same.
    assert (await _batch(client, None, headers=asha.headers, reached=5)).status_code == 200
    assert (await _batch(client, bens, headers=asha.headers)).status_code == 403
    assert await Activity.count() == 2
