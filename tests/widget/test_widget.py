"""The public widget: the same numbers as /api/totals, small ones hidden, and made to be
embedded (framing allowed on /embed only, CORS, ETag and 304)."""

from __future__ import annotations

import pytest

from schema.tables import Story
from server.db import note_write
from tests.helpers import factories as f
from tests.helpers.html import Page


async def members(slug: str, count: int, area: int | None = None) -> None:
    for i in range(count):
        person = await f.person(f"{slug} {i}", footprint=area)
        await f.join(person, slug)
    note_write()  # the factories write directly, not through the services that do this


async def test_the_widget_shows_the_same_numbers_as_the_api(client):
    await members("health-champions", 7)
    await members("dementia-friends", 12)
    api = (await client.get("/api/totals")).json()
    answer = await client.get("/embed")
    assert answer.status_code == 200
    page = Page(answer.text)
    assert page.h1 == f"{api['movement_total']:,} citizens in our Health Movement for Change"
    by_slug = {p["slug"]: p for p in api["programmes"]}
    assert f"7 {by_slug['health-champions']['name']}" in page.text
    assert f"12 {by_slug['dementia-friends']['name']}" in page.text
    assert "/how-we-count" in " ".join(page.links)
    assert len(answer.content) < 15_000


async def test_only_the_embed_may_be_framed(client):
    embed = await client.get("/embed")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    assert "script-src" not in embed.headers["content-security-policy"]  # default-src 'none'
    home = await client.get("/how-we-count")
    assert home.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]


async def test_public_answers_are_cacheable_from_any_site_with_304s(client):
    await members("health-champions", 6)
    for path, kind in [
        ("/embed", "text/html"),
        ("/totals.svg", "image/svg+xml"),
        ("/embed.js", "text/javascript"),
    ]:
        first = await client.get(path)
        assert first.headers["content-type"] in (kind, f"{kind}; charset=utf-8"), path
        assert first.headers["access-control-allow-origin"] == "*"
        assert "max-age=" in first.headers["cache-control"]
        again = await client.get(path, headers={"if-none-match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b"", path
        # Nothing to do with who asks: no cookie (it would also stop shared caches).
        assert "set-cookie" not in first.headers, path


async def test_public_answers_come_compressed_once_made(client):
    await members("health-champions", 6)
    for path in ("/embed", "/embed.js", "/api/totals"):
        plain = await client.get(path, headers={"accept-encoding": "identity"})
        packed = await client.get(path, headers={"accept-encoding": "gzip, br"})
        assert "content-encoding" not in plain.headers, path
        assert packed.headers["content-encoding"] == "gzip", path
        assert packed.content == plain.content, path  # httpx unpacks it
        assert "Accept-Encoding" in packed.headers["vary"], path
        # Another form of the same bytes: a weak tag, which still gets a 304.
        assert packed.headers["etag"].startswith("W/"), path
        again = await client.get(
            path, headers={"accept-encoding": "gzip", "if-none-match": packed.headers["etag"]}
        )
        assert again.status_code == 304, path


async def test_the_etag_changes_when_a_number_does(client):
    first = await client.get("/embed")
    await members("health-champions", 1)
    second = await client.get("/embed", headers={"if-none-match": first.headers["etag"]})
    assert second.status_code == 200
    assert second.headers["etag"] != first.headers["etag"]


async def test_options_choose_programmes_theme_and_size(client):
    await members("health-champions", 6)
    await members("heart-champions", 8)
    page = await client.get(
        "/embed?programmes=heart-champions,health-champions&theme=dark&compact=1"
    )
    text = Page(page.text).text
    assert text.index("Heart Champions") < text.index("Health Champions")
    assert "Dementia Friends" not in text
    assert 'class="hm dark compact"' in page.text


async def test_bad_options_say_what_to_fix(client):
    answer = await client.get("/embed?programmes=nope&theme=pink&footprint=ZZ&compact=maybe")
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"programmes", "theme", "footprint", "compact"}
    assert "health-champions" in errors["programmes"]


@pytest.mark.slow
async def test_small_numbers_in_an_area_are_hidden_with_one_beside_them(client):
    leigh = await f.footprint("LE", "Leigh")
    wigan = await f.footprint("WC", "Wigan Central")
    await members("health-champions", 3, leigh)  # small: hidden
    await members("heart-champions", 20, leigh)
    await members("health-champions", 30, wigan)
    await members("heart-champions", 40, wigan)
    text = Page((await client.get("/embed?footprint=LE")).text).text
    assert "Health Champions: not shown" in text and "3 Health Champions" not in text
    # Leigh's 20 Heart Champions may show only if Leigh's roles (23) are hidden instead.
    api = (await client.get("/api/totals?footprint=LE")).json()
    heart = next(p for p in api["programmes"] if p["slug"] == "heart-champions")
    assert api["roles"] is None or heart["members"] is None
    assert "Some numbers are not shown, so that nobody can be picked out" in text
    wigan_text = Page((await client.get("/embed?footprint=WC")).text).text
    # The borough's 33 minus Wigan's 30 would give Leigh's 3: Wigan's is hidden as well.
    assert "30 Health Champions" not in wigan_text


async def test_numbers_that_are_not_small_agree_with_the_api_for_the_area(client):
    leigh = await f.footprint("LE", "Leigh")
    wigan = await f.footprint("WC", "Wigan Central")
    await members("health-champions", 12, leigh)
    await members("health-champions", 30, wigan)
    api = (await client.get("/api/totals?footprint=LE")).json()
    page = Page((await client.get("/embed?footprint=LE")).text)
    assert page.h1.startswith(f"{api['movement_total']:,} citizens")
    assert page.h1.endswith("in Leigh")
    assert "12 Health Champions" in page.text


async def test_the_badge_shows_the_headline_and_escapes_names(client):
    await f.footprint("AB", "Ash & <Bryn>")
    await members("dementia-friends", 9)
    api = (await client.get("/api/totals")).json()
    svg = (await client.get("/totals.svg")).text
    assert f"{api['movement_total']:,} citizens" in svg
    one = (await client.get("/totals.svg?programmes=dementia-friends&footprint=AB")).text
    assert "Ash &amp; &lt;Bryn&gt;" in one and "<Bryn>" not in one
    assert "Dementia Friends" in one


async def test_a_story_shows_only_with_consent_and_approval_and_never_a_name(client):
    person = await f.person("Nadia Secret-Name")
    for text, consent, status in [
        ("Waiting story", True, "waiting"),
        ("No consent story", False, "approved"),
        ("Published story", True, "approved"),
    ]:
        await Story.insert(
            Story(person=person, text=text, consent_to_publish=consent, status=status)
        )
    text = Page((await client.get("/embed?story=1")).text).text
    assert "Published story" in text
    assert "Waiting story" not in text and "No consent story" not in text
    assert "Nadia" not in text
    assert "Published story" not in Page((await client.get("/embed")).text).text


async def test_the_script_draws_into_a_shadow_root_from_its_own_address(client):
    script = (await client.get("/embed.js")).text
    assert "attachShadow" in script and "new URL(script.src).origin" in script
    part = await client.get("/embed?part=1")
    assert part.text.lstrip().startswith("<style>") and "<h2>" in part.text


async def test_the_explanation_page_is_plain_and_public(client):
    page = Page((await client.get("/how-we-count", headers={"accept": "text/html"})).text)
    assert page.h1 == "How we count the Health Movement"
    assert "Numbers we do not show" in page.text
    assert "A number under 5 for one area" in page.text
    assert "can never be worked out" in page.text


@pytest.mark.slow
async def test_the_api_hides_an_areas_small_numbers_from_the_public_only(client):
    leigh = await f.footprint("LE", "Leigh")
    wigan = await f.footprint("WC", "Wigan Central")
    await members("health-champions", 3, leigh)
    await members("heart-champions", 20, leigh)
    await members("health-champions", 30, wigan)
    public = (await client.get("/api/totals?footprint=LE")).json()
    assert public["small_number"] == 5
    by_slug = {p["slug"]: p for p in public["programmes"]}
    assert by_slug["health-champions"]["members"] is None
    # Leigh's roles (23) less its 20 Heart Champions would give the 3 away.
    assert public["roles"] is None or by_slug["heart-champions"]["members"] is None
    assert public["people"] == 23 and public["movement_total"] == 23  # not small
    # A champion is the public here; a coordinator sees every number.
    champion = await f.user("champion")
    seen = (await client.get("/api/totals?footprint=LE", headers=champion.headers)).json()
    assert seen == public | {"as_at": seen["as_at"]}
    staff = await f.user("coordinator")
    answer = await client.get("/api/totals?footprint=LE", headers=staff.headers)
    exact = answer.json()
    # Never kept by any cache (a proxy could hand it to the public, a shared phone to
    # the next person).
    assert answer.headers["cache-control"] == "no-store"
    assert (
        (await client.get("/api/totals?footprint=LE")).headers["cache-control"].startswith("public")
    )
    assert {p["slug"]: p["members"] for p in exact["programmes"]}["health-champions"] == 3
    # The widget hides the same numbers.
    text = Page((await client.get("/embed?footprint=LE")).text).text
    assert "Health Champions: not shown" in text


async def test_the_public_area_answer_has_an_etag_and_bad_filters_say_so(client):
    await f.footprint("LE", "Leigh")
    first = await client.get("/api/totals?footprint=LE")
    assert first.headers["access-control-allow-origin"] == "*"
    again = await client.get(
        "/api/totals?footprint=LE", headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    # Made from every area's totals, so kept (and cacheable) for a minute.
    assert first.headers["cache-control"] == "public, max-age=60"
    bad = await client.get("/api/totals?footprint=LE&since=soon")
    assert bad.status_code == 400 and "since" in bad.json()["errors"]


async def test_one_widget_answer_is_made_from_one_making_of_the_public_numbers(
    client, monkeypatch
):
    """With the cache off (TOTALS_CACHE_SECONDS=0, as make bench measures an answer worked
    out afresh), each widget and badge answer makes the public numbers once: its options
    and its numbers come from the same set, never from two moments."""
    from server.public import release
    from server.settings import get_settings

    await members("health-champions", 7)
    monkeypatch.setenv("TOTALS_CACHE_SECONDS", "0")
    get_settings.cache_clear()
    made = []
    real = release._make

    async def counted(generation):
        made.append(generation)
        return await real(generation)

    monkeypatch.setattr(release, "_make", counted)
    try:
        for path in ("/embed", "/embed?part=1", "/totals.svg"):
            made.clear()
            answer = await client.get(path)
            assert answer.status_code == 200
            assert len(made) == 1, path
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
