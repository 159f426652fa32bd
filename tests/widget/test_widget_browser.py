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

from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, free_port, screenshot

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
    # One champion: "1 citizen" (not "1 citizens").
    assert "1\ncitizen in our Health Movement for Change" in await frame.locator("h1").inner_text()
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
    context = await chromium.new_context(locale="en-GB")
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
    context = await chromium.new_context(locale="en-GB")
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


@pytest.fixture
def partner_pages():
    """Another site, on another port, serving whatever pages a test puts in the dict."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()


async def open_partner_page(page, partner, body: str) -> None:
    """A page of the other site with this body."""
    base, pages = partner
    pages["/partner"] = (
        '<!doctype html><html lang="en"><head><title>Partner</title>'
        f'<link rel="icon" href="data:,"></head><body>{body}'
    )
    await page.goto(f"{base}/partner")


async def big_number_style(frame) -> dict:
    return await frame.locator(".big").evaluate(
        "(e) => { const s = getComputedStyle(e); const box = getComputedStyle(e.closest('.hm'));"
        " return {size: s.fontSize, weight: s.fontWeight, display: s.display,"
        " border: box.borderTopColor, family: box.fontFamily}; }"
    )


async def test_the_embed_page_is_styled_with_its_csp_enforced(chromium, live_server):
    """/embed in a real browser that enforces the page's own Content-Security-Policy: the
    big number is big and bold and the box has its green top border (the style was
    refused, and the widget a plain Times New Roman list, when the CSS was escaped)."""
    context = await chromium.new_context(locale="en-GB")
    page = await context.new_page()
    for width in (390, 1280):
        await page.set_viewport_size({"width": width, "height": 700})
        answer = await page.goto(f"{live_server}/embed")
        assert "style-src 'sha256-" in answer.headers["content-security-policy"]
        style = await big_number_style(page)
        assert style["size"] == "36px"  # 2.25rem
        assert style["weight"] == "700"
        assert style["display"] == "block"
        assert style["border"] == "rgb(0, 90, 48)"
        assert "serif" not in style["family"].replace("sans-serif", "")
        await screenshot(page, f"widget-embed-{width}")
    await page.goto(f"{live_server}/embed?theme=dark&compact=1")
    assert (await big_number_style(page))["size"] == "25.6px"  # 1.6rem, compact
    await context.close()


async def test_the_console_preview_of_the_widget_is_styled(desk, live_server):
    page = await desk("admin")
    await page.goto(f"{live_server}/console/widget")
    frame = page.frame_locator("iframe.preview")
    await frame.locator(".big").wait_for()
    style = await frame.locator(".big").evaluate("(e) => getComputedStyle(e).fontSize")
    assert style == "36px"
    await screenshot(page, "console-widget-preview")


async def test_lower_case_area_codes_work_at_every_public_address(
    chromium, live_server, partner_pages
):
    """An area whose code is in lower case, which /api/totals takes as it is, works in the
    iframe, the badge and the script tag's widget alike."""
    area = await f.footprint("le-north", "Leigh North")
    for i in range(6):
        await f.join(await f.person(f"North {i}", footprint=area), "health-champions")
    async with httpx.AsyncClient(base_url=live_server) as http:
        api = await http.get("/api/totals?footprint=le-north")
        assert api.status_code == 200, api.text
        total = f"{api.json()['movement_total']:,}"
        for path in ("/embed", "/totals.svg"):
            answer = await http.get(f"{path}?footprint=le-north")
            assert answer.status_code == 200, (path, answer.text)
            assert "Leigh North" in answer.text
    context = await chromium.new_context(locale="en-GB")
    page = await context.new_page()
    await page.goto(f"{live_server}/embed?footprint=le-north")
    assert "in Leigh North" in await page.locator("h1").inner_text()
    assert await page.locator(".big").inner_text() == total
    await open_partner_page(
        page,
        partner_pages,
        f'<main><script src="{live_server}/embed.js" data-footprint="le-north"></script></main>',
    )
    await page.wait_for_function(
        "() => document.querySelector('.health-movement-widget')?.shadowRoot?.querySelector('h2')"
    )
    heading = await page.evaluate(
        "() => document.querySelector('.health-movement-widget').shadowRoot"
        ".querySelector('h2').textContent"
    )
    assert "in Leigh North" in heading
    await context.close()


BADGE_FITS = """() => [...document.querySelectorAll('text')].map((t, i) => {
  const box = document.querySelectorAll('rect')[i];
  const b = t.getBBox();
  const left = box.x.baseVal.value, right = left + box.width.baseVal.value;
  return {text: t.textContent, left: b.x - left, right: right - (b.x + b.width),
          length: t.getComputedTextLength(), room: box.width.baseVal.value};
})"""


async def test_the_badge_text_fits_its_boxes_with_debian_fonts(
    chromium, live_server, partner_pages
):
    """The badge drawn by Chromium with the fonts of a stock Debian (no Verdana): each
    text's box lies inside its coloured box, with room at both ends, for short and long
    words, wide capitals and a letter outside ASCII."""
    await f.footprint("WM", "WWW Mmm Wigan & Ŵŷñ Ḿoor")
    context = await chromium.new_context(locale="en-GB")
    page = await context.new_page()
    queries = ("", "?footprint=WM", "?programmes=dementia-friends", "?theme=dark")
    for query in queries:
        await page.goto(f"{live_server}/totals.svg{query}")
        for text in await page.evaluate(BADGE_FITS):
            assert text["left"] >= 2, (query, text)
            assert text["right"] >= 2, (query, text)
            assert text["length"] <= text["room"] - 4, (query, text)
    badges = "".join(f'<p><img src="{live_server}/totals.svg{q}" alt=""></p>' for q in queries)
    await open_partner_page(page, partner_pages, f"<main>{badges}</main>")
    await page.wait_for_function("() => [...document.images].every((i) => i.complete)")
    await screenshot(page, "badges")
    await context.close()
