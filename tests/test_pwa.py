"""The app on a phone: installable, light, and with a service worker at the root."""

from __future__ import annotations

import struct

from server.pwa import routes as pwa
from tests import factories as f
from tests.html import Page
from tests.test_sign_in import sign_in

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


def test_the_cache_name_changes_with_the_static_files(tmp_path, monkeypatch):
    (tmp_path / "app.css").write_text("body { color: black; }")
    monkeypatch.setattr(pwa, "STATIC", tmp_path)
    pwa.release.cache_clear()
    try:
        first = pwa.release()
        (tmp_path / "app.css").write_text("body { color: navy; }")
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
