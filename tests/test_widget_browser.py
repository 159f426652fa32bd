"""The widget embedded in another site's page (served from another port), in Chromium:
in an iframe and by the script tag, updating itself after an activity is logged."""

from __future__ import annotations

import asyncio
import http.server
import threading
import uuid
from datetime import date

import httpx
import pytest

from tests import factories as f
from tests.browser import axe_violations, free_port, screenshot

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A partner's page</title>
<style>h2, p, li, b {{ color: red !important; font-size: 40px !important; }}</style></head>
<body><main><h1>Our partner page</h1>
<iframe title="Health Movement numbers" src="{base}/embed?programmes=health-champions"
  width="400" height="300"></iframe>
<script src="{base}/embed.js" data-refresh="5" data-theme="dark"></script>
</main></body></html>"""


@pytest.fixture
def partner_site(live_server):
    """Another site, on another port, with the widget on its page both ways."""
    page = HOST_PAGE.format(base=live_server).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def reach_in_shadow(page) -> str:
    return await page.evaluate(
        "() => { const host = document.querySelector('.health-movement-widget');"
        " const p = host && host.shadowRoot && host.shadowRoot.querySelector('.reach b');"
        " return p ? p.textContent : ''; }"
    )


async def test_the_widget_on_a_partner_page_updates_itself(chromium, live_server, partner_site):
    champion = await f.user("champion")
    await f.join(champion.person_id, "health-champions")
    context = await chromium.new_context(locale="en-GB")
    page = await context.new_page()
    await page.goto(partner_site)
    frame = page.frame_locator("iframe")
    await frame.get_by_role("heading", level=1).wait_for()
    assert "citizens in our Health Movement for Change" in await frame.locator("h1").inner_text()
    await page.wait_for_function(
        "() => document.querySelector('.health-movement-widget')?.shadowRoot?.querySelector('h2')"
    )
    before = await reach_in_shadow(page)
    # The partner's red 40 px text does not reach into the widget.
    size = await page.evaluate(
        "() => getComputedStyle(document.querySelector('.health-movement-widget')"
        ".shadowRoot.querySelector('.reach b')).fontSize"
    )
    assert size != "40px"
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{live_server}/api/activities",
            headers=champion.headers,
            json={
                "client_id": str(uuid.uuid4()),
                "programme": "health-champions",
                "kind": "event",
                "occurred_on": date.today().isoformat(),
                "people_reached": 37,
                "minutes": 30,
            },
        )
    assert answer.status_code == 201, answer.text
    expected = f"{int(before.replace(',', '')) + 37:,}"
    for _ in range(40):  # it refreshes every 5 seconds here
        if await reach_in_shadow(page) == expected:
            break
        await asyncio.sleep(0.25)
    assert await reach_in_shadow(page) == expected
    await screenshot(page, "widget-on-a-partner-page")
    await context.close()


async def test_the_embed_page_passes_axe(chromium, live_server):
    context = await chromium.new_context(locale="en-GB", bypass_csp=True)
    page = await context.new_page()
    for query in ("", "?theme=dark&compact=1"):
        await page.goto(f"{live_server}/embed{query}")
        assert await axe_violations(page) == [], query
    await context.close()


async def test_hidden_numbers_and_how_we_count_read_well_at_phone_and_desk_sizes(
    chromium, live_server
):
    """An area with a small number: the widget says "not shown" beside the programme and
    why, the how-we-count page says what is hidden and why; both pass axe-core."""
    for code, name, champions, friends in (
        ("QL", "Queensland", 3, 30),
        ("QM", "Quarry Mill", 40, 25),
    ):
        area = await f.footprint(code, name)
        for i in range(champions):
            await f.join(await f.person(f"{code} champion {i}", footprint=area), "health-champions")
        for i in range(friends):
            await f.join(await f.person(f"{code} friend {i}", footprint=area), "dementia-friends")
    context = await chromium.new_context(locale="en-GB", bypass_csp=True)
    page = await context.new_page()
    for width in (390, 1280):
        await page.set_viewport_size({"width": width, "height": 800})
        await page.goto(f"{live_server}/embed?footprint=QL")
        text = await page.inner_text("body")
        assert "Health Champions: not shown" in text
        assert "Some numbers are not shown, so that nobody can be picked out" in text
        assert await axe_violations(page) == []
        await screenshot(page, f"widget-area-with-hidden-numbers-{width}")
        await page.goto(f"{live_server}/how-we-count")
        heading = page.get_by_role("heading", name="Numbers we do not show")
        assert await heading.is_visible()
        assert await axe_violations(page) == []
        await screenshot(page, f"how-we-count-{width}")
    await context.close()
