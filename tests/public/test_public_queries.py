"""Every public address reads its options once, the same way for every decision it makes:
a key given twice, or one that only looks like an option, is refused; an answer to an
account is never kept by a cache; a dated answer for the borough never gives away one
area's figure from elsewhere. Tried over HTTP as the public, a champion and a coordinator."""

from __future__ import annotations

import re
from datetime import date

import pytest

from schema.tables import ExternalCount
from server.lib.validation import Invalid
from server.public.answers import borough_json
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import sign_in

ADDRESSES = ("/api/totals", "/embed", "/totals.svg", "/embed.js")
OPEN_DATA = ("/open-data/monthly.json", "/open-data/monthly.csv")


async def leigh_with_three_champions() -> None:
    """Leigh has 3 Health Champions (a small number, hidden) and Wigan Central 30."""
    leigh = await f.footprint("LE", "Leigh")
    wigan = await f.footprint("WC", "Wigan Central")
    for i in range(3):
        await f.join(await f.person(f"Leigh {i}", footprint=leigh), "health-champions")
    for i in range(30):
        await f.join(await f.person(f"Wigan {i}", footprint=wigan), "health-champions")


def health_champions(answer: dict) -> int | None:
    return next(p for p in answer["programmes"] if p["slug"] == "health-champions")["members"]


def refused(answer, key: str) -> None:
    assert answer.status_code == 400, (answer.request.url, answer.text[:300])
    body = answer.json()
    assert body["message"] == "Some of what was sent needs fixing."
    assert key in body["errors"], body


@pytest.mark.slow
@pytest.mark.parametrize(
    "query",
    [
        "footprint=LE&footprint=",
        "footprint=&footprint=LE",
        "footprint=LE&footprint=WC",
        "footprint=LE&footprint=&programme=health-champions&since=2025-01-01",
    ],
)
async def test_a_key_given_twice_is_refused_by_every_public_address(client, query):
    await leigh_with_three_champions()
    champion = await f.user("champion")
    for path in ADDRESSES:
        for headers in (None, champion.headers):
            answer = await client.get(f"{path}?{query}", headers=headers)
            refused(answer, "footprint")
            assert "Give 'footprint' once only (it was given 2 times)." in answer.text
    for path in OPEN_DATA:
        refused(await client.get(f"{path}?{query}"), "footprint")
        refused(await client.get(f"{path}?v=1&v=2"), "v")


async def test_the_area_is_hidden_however_the_footprint_is_written(client):
    await leigh_with_three_champions()
    plain = (await client.get("/api/totals?footprint=LE")).json()
    assert health_champions(plain) is None and plain["filters"]["footprint"] == "LE"
    # The same area, written another way: the same hidden answer, never the borough's.
    for query in ("footprint=%20LE%20", "%66ootprint=LE"):
        answer = await client.get(f"/api/totals?{query}")
        assert answer.status_code == 200, (query, answer.text)
        assert {**answer.json(), "as_at": None} == {**plain, "as_at": None}, query
    # Something that only looks like the option is refused, not taken as "no area".
    for query, key in [
        ("footprint[]=LE", "footprint[]"),
        ("FOOTPRINT=LE", "FOOTPRINT"),
        ("%20footprint=LE", " footprint"),
        ("Footprint=LE&footprint=", "Footprint"),
    ]:
        for path in ("/api/totals", "/embed", "/totals.svg"):  # those that take a footprint
            answer = await client.get(f"{path}?{query}")
            refused(answer, key)
            assert "Write this option as 'footprint'" in answer.text
    # A semicolon is not a separator: "LE;footprint=" is no area's code.
    refused(await client.get("/api/totals?footprint=LE;footprint="), "footprint")
    # Another key holding "&footprint=LE" is the API's unknown option, the widget's nothing.
    refused(await client.get("/api/totals?a=1%26footprint%3DLE"), "a")
    widget = Page((await client.get("/embed?a=1%26footprint%3DLE")).text).text
    assert "Leigh" not in widget and "33 Health Champions" in widget


async def test_an_empty_footprint_is_the_borough_and_shows_only_its_numbers(client):
    await leigh_with_three_champions()
    for query in ("footprint=", "footprint=%20%20"):
        answer = (await client.get(f"/api/totals?{query}")).json()
        assert answer["filters"]["footprint"] is None
        assert health_champions(answer) == 33  # the borough's, never Leigh's 3


async def test_the_borough_answer_itself_refuses_an_area(client):
    await leigh_with_three_champions()
    with pytest.raises(Invalid) as refusal:
        await borough_json({"footprint": "LE"})
    assert "footprint" in refusal.value.errors


async def test_an_answer_to_an_account_is_never_kept_by_a_cache(client):
    await leigh_with_three_champions()
    anyone = await client.get("/api/totals?footprint=LE")
    assert re.fullmatch(r"public, max-age=\d+", anyone.headers["cache-control"])
    accounts = [await f.user(role) for role in ("champion", "coordinator", "admin")]
    for user in accounts:
        for query in ("?footprint=LE", "", "?programme=health-champions"):
            answer = await client.get(f"/api/totals{query}", headers=user.headers)
            assert answer.status_code == 200, answer.text
            assert answer.headers["cache-control"] == "no-store", (user.role, query)
            # The tag still saves sending the numbers again.
            etag = answer.headers["etag"]
            again = await client.get(
                f"/api/totals{query}", headers={**user.headers, "if-none-match": etag}
            )
            assert again.status_code == 304
            assert again.headers["cache-control"] == "no-store"
    coordinator = accounts[1]
    exact = await client.get("/api/totals?footprint=LE", headers=coordinator.headers)
    assert health_champions(exact.json()) == 3
    # Signed in with a session cookie, as on the phone.
    await sign_in(client, accounts[0].email)
    answer = await client.get("/api/totals?footprint=LE")
    assert answer.headers["cache-control"] == "no-store"


async def test_a_dated_borough_answer_never_gives_one_areas_figure_from_elsewhere(client):
    """One area's figure of 3 Autism Friends, reported in January: the borough's growth
    in January for Autism Friends would be that figure."""
    agl = await f.footprint("AGL", "Ashton, Golborne and Lowton")
    wigan = await f.footprint("WC", "Wigan Central")
    autism = await f.programme_id("autism-friends")
    await ExternalCount.insert(
        ExternalCount(
            programme=autism, footprint=wigan, friends=40, as_of=date(2024, 6, 1), source="N"
        ),
        ExternalCount(
            programme=autism, footprint=agl, friends=3, as_of=date(2025, 1, 15), source="N"
        ),
    )
    query = "programme=autism-friends&since=2025-01-01&until=2025-01-31"
    champion = await f.user("champion")
    for headers in (None, champion.headers):
        answer = (await client.get(f"/api/totals?{query}", headers=headers)).json()
        autism_friends = answer["programmes"][0]
        assert autism_friends["slug"] == "autism-friends"
        assert autism_friends["friends_from_elsewhere"] is None
        assert autism_friends["friends"] is None
        assert answer["friends"] is None and answer["anonymous_friends"] is None
        assert answer["movement_total"] is None
        assert 3 not in [v for v in answer.values() if isinstance(v, int)]
    # All time, the borough's figure is shown: 43, which gives nothing away.
    ever = (await client.get("/api/totals?programme=autism-friends")).json()
    assert ever["programmes"][0]["friends_from_elsewhere"] == 43
    staff = await f.user("coordinator")
    exact = (await client.get(f"/api/totals?{query}", headers=staff.headers)).json()
    assert exact["programmes"][0]["friends_from_elsewhere"] == 3


async def test_a_champions_home_page_shows_the_public_numbers(client):
    await leigh_with_three_champions()
    champion = await f.user("champion")
    page = Page((await client.get("/", headers={**champion.headers, "accept": "text/html"})).text)
    public = (await client.get("/api/totals")).json()
    assert f"{public['movement_total']} citizens" in page.text
    assert public["movement_total"] == 33  # the Health Champions of both areas


async def test_a_query_read_once_is_answered_the_same_every_time(client):
    """Each worker reads a query string once and keeps the reading: the second, kept
    reading must give the same answer, refusals included."""
    for _ in range(2):
        twice = await client.get("/api/totals?since=2025-01-01&since=")
        assert twice.status_code == 400
        assert "once only" in twice.json()["errors"]["since"]
        dated = await client.get("/api/totals?since=2025-01-01")
        assert dated.status_code == 200 and dated.json()["friends"] is None
        area = await client.get("/embed?footprint=xx")
        assert area.status_code == 400


def test_the_options_as_read_cannot_be_changed():
    from server.public.query import Query

    query = Query({"footprint": "WC"})
    with pytest.raises(TypeError):
        query["footprint"] = ""
    with pytest.raises(TypeError):
        query.pop("footprint")
    assert dict(query) == {"footprint": "WC"}
