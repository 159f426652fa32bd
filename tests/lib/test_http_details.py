"""HTTP details clients rely on (issue 14): Location on a 201, and the app's own 400 body
for every JSON body the parser refuses, on every write route under /api."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qs, urlencode

import pytest

from schema.tables import Person
from server.app import create_app
from tests.helpers import factories as f

# One of each kind of body the JSON parser refuses, with the field the answer should name
# ("" when the mistake is the body as a whole).
UNREADABLE = {
    "lone surrogate": (b'{"name": "\\ud800"}', "name"),
    "lone surrogate in a list": (b'{"activities": [{"note": "a\\udfffb"}]}', "activities[0].note"),
    "invalid UTF-8": (b'{"name": "\xff\xfe"}', ""),
    "truncated": (b'{"name": "Jo"', ""),
    "number too big": (b'{"people_reached": 1e400}', "people_reached"),
    "5,000 digits": (b'{"people_reached": ' + b"9" * 5000 + b"}", "people_reached"),
    "NaN": (b'{"people_reached": NaN}', ""),
    "Infinity": (b'{"people_reached": -Infinity}', ""),
    "deeply nested": (b"[" * 2000 + b"]" * 2000, ""),
    "trailing text": (b'{"name": "Jo"} x', ""),
    "not JSON at all": (b"name=Jo", ""),
}

# Words of the parser's that mean nothing to a client.
JARGON = re.compile(r"truncated|out of range|\$\[|msgspec|malformed|byte \d+\)$", re.I)


def write_routes() -> list[tuple[str, str]]:
    """Every POST and PATCH under /api, with a made-up id where the path needs one (the body
    is read before the record is looked up)."""
    found = []
    for route in create_app().routes:
        if not route.path.startswith("/api/"):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method in ("POST", "PATCH", "PUT"):
                    found.append((method, re.sub(r"\{[^}]+\}", "1", route.path)))
    return sorted(set(found))


WRITES = write_routes()


def test_the_walk_finds_the_write_routes():
    assert ("POST", "/api/people") in WRITES
    assert ("PATCH", "/api/people/1") in WRITES
    assert ("POST", "/api/activities/batch") in WRITES


def assert_app_body(response, field: str | None = None) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"message", "errors"}, body
    assert isinstance(body["message"], str) and body["message"]
    errors = body["errors"]
    assert errors and all(isinstance(v, str) and v for v in errors.values()), errors
    assert not JARGON.search(body["message"] + " ".join(errors.values())), body
    if field is not None:
        assert field in errors, errors
    return errors


@pytest.mark.parametrize("method, path", WRITES)
async def test_every_unreadable_body_gets_the_apps_400(client, coordinator, method, path):
    people = await Person.count()
    for kind, (body, field) in UNREADABLE.items():
        response = await client.request(
            method,
            path,
            content=body,
            headers={**coordinator.headers, "content-type": "application/json"},
        )
        assert response.status_code == 400, (kind, response.text)
        assert response.headers["content-type"].startswith("application/json")
        assert_app_body(response, field)
    assert await Person.count() == people


async def test_the_words_say_what_to_fix(client, coordinator):
    async def errors(body: bytes) -> dict[str, str]:
        response = await client.post(
            "/api/people",
            content=body,
            headers={**coordinator.headers, "content-type": "application/json"},
        )
        return assert_app_body(response)

    assert "UTF-8" in (await errors(b'{"name": "\xc3"}'))[""]
    assert "whole" in (await errors(b'{"name": "Jo",'))[""]
    assert "too big" in (await errors(b'{"people_reached": 1e400}'))["people_reached"]
    assert "does not exist" in (await errors(b'{"name": "\\ud800"}'))["name"]
    assert "NaN" in (await errors(b'{"people_reached": NaN}'))[""]


@pytest.mark.parametrize("method, path", WRITES)
async def test_a_body_that_is_not_json_is_a_415_with_the_same_shape(
    client, coordinator, method, path
):
    for kind in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        response = await client.request(
            method,
            path,
            content=b'{"name": "Jo"}',
            headers={**coordinator.headers, "content-type": kind},
        )
        assert response.status_code == 415, (kind, response.text)
        assert_app_body(response, "content-type")


async def test_a_huge_whole_number_is_refused_in_plain_words(client, coordinator):
    for path, body in (
        ("/api/activities", b'{"people_reached": 123456789012345678901234567890}'),
        (
            "/api/activities/batch",
            b'{"activities": [{"client_id": "x", "people_reached": '
            b"123456789012345678901234567890}]}",
        ),
    ):
        response = await client.post(
            path, content=body, headers={**coordinator.headers, "content-type": "application/json"}
        )
        assert response.status_code in (200, 400), response.text
        assert "truncated" not in response.text and "out of range" not in response.text
        if response.status_code == 400:
            assert_app_body(response)
        else:  # the batch answers per activity
            assert response.json()["results"][0]["status"] == "invalid"


async def test_a_create_answers_201_with_the_new_records_location(client, coordinator):
    response = await client.post(
        "/api/people", json={"name": "Jo Bloggs"}, headers=coordinator.headers
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert response.headers["location"] == f"/api/people/{made['id']}"
    again = await client.get(response.headers["location"], headers=coordinator.headers)
    assert again.status_code == 200
    assert again.json()["id"] == made["id"]


async def test_another_record_type_gives_its_location(client):
    admin = await f.user("admin")
    response = await client.post(
        "/api/organisations", json={"name": "Wigan Foodbank"}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/api/organisations/{response.json()['id']}"
    assert (await client.get(response.headers["location"], headers=admin.headers)).json() == (
        response.json()
    )


async def test_one_record_has_a_strong_etag_and_answers_if_none_match(client, coordinator):
    made = (
        await client.post("/api/people", json={"name": "Jo Bloggs"}, headers=coordinator.headers)
    ).json()
    where = f"/api/people/{made['id']}"
    first = await client.get(where, headers=coordinator.headers)
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first.headers["cache-control"] == "no-store"  # personal: only the same client
    again = await client.get(where, headers=coordinator.headers)
    assert again.headers["etag"] == etag and again.content == first.content

    for header in (etag, f"W/{etag}", f'"other", {etag}', "*", f'"nope",W/{etag}'):
        answer = await client.get(where, headers={**coordinator.headers, "if-none-match": header})
        assert answer.status_code == 304, header
        assert answer.content == b""
        assert answer.headers["etag"] == etag
        assert answer.headers["cache-control"] == "no-store"
    for header in ('"nope"', etag[:-2] + '"', ""):
        answer = await client.get(where, headers={**coordinator.headers, "if-none-match": header})
        assert answer.status_code == 200 and answer.json() == made, header

    await client.patch(where, json={"name": "Jo Bloggs-Smith"}, headers=coordinator.headers)
    changed = await client.get(where, headers={**coordinator.headers, "if-none-match": etag})
    assert changed.status_code == 200
    assert changed.json()["name"] == "Jo Bloggs-Smith"
    assert changed.headers["etag"] != etag


async def test_the_etag_is_of_what_this_caller_gets(client, coordinator, champion):
    where = f"/api/people/{champion.person_id}"
    mine = await client.get(where, headers=champion.headers)
    theirs = await client.get(where, headers=coordinator.headers)
    assert mine.status_code == theirs.status_code == 200
    for answer in (mine, theirs):
        tag = hashlib.sha256(answer.content).hexdigest()[:32]
        assert answer.headers["etag"] == f'"{tag}"'
    assert (mine.content == theirs.content) == (mine.headers["etag"] == theirs.headers["etag"])


def get_routes() -> list[str]:
    """Every GET route under /api, as written in the app (with its parameters)."""
    return sorted(
        {
            route.path
            for route in create_app().routes
            if route.path.startswith("/api/")
            for handler in route.route_handlers
            if "GET" in handler.http_methods
        }
    )


async def test_head_answers_like_get_on_every_api_route(client, champion):
    admin = await f.user("admin")
    await client.post("/api/organisations", json={"name": "Wigan Foodbank"}, headers=admin.headers)
    routes = get_routes()
    assert "/api/people/{record_id:int}" in routes and "/api/totals" in routes
    checked = 0
    for route in routes:
        path = route
        if "{" in route:
            listing = await client.get(route.split("/{")[0], headers=admin.headers)
            items = listing.json().get("items") if listing.status_code == 200 else None
            record_id = items[0]["id"] if items else 1
            path = re.sub(r"\{[^}]+\}", str(record_id), route)
        for who in (admin, champion, None):
            headers = who.headers if who else {}
            got = await client.get(path, headers=headers)
            head = await client.head(path, headers=headers)
            assert head.status_code == got.status_code, (path, head.status_code)
            assert head.content == b"", path
            assert dict(head.headers) == dict(got.headers), path
            checked += got.status_code == 200
    assert checked > len(routes)  # most answered with a real record, not only 404s


async def test_head_of_a_refused_list_is_the_same_refusal(client, coordinator):
    bad = await client.head("/api/people?nonsense=1", headers=coordinator.headers)
    assert bad.status_code == 400 and bad.content == b""
    assert int(bad.headers["content-length"]) > 0  # the length the GET's body has


def parse_links(header: str) -> dict[str, str]:
    """{rel: address} of a Link header."""
    found = {}
    for part in header.split(", <"):
        match = re.fullmatch(r'<?([^>]*)>; rel="(\w+)"', part.strip())
        assert match, header
        found[match.group(2)] = match.group(1)
    return found


async def test_a_list_links_its_pages_keeping_its_filters(client, coordinator):
    odd = "Jo & Co/ü+%=#"
    for n in range(5):
        await client.post("/api/people", json={"name": f"{odd} {n}"}, headers=coordinator.headers)
    await client.post("/api/people", json={"name": "Someone Else"}, headers=coordinator.headers)
    params = {"q": odd, "per_page": "2"}
    first = await client.get("/api/people", params=params, headers=coordinator.headers)
    links = parse_links(first.headers["link"])
    assert set(links) == {"first", "next", "last"}  # no prev on the first page
    for address in links.values():
        path, query = address.split("?", 1)
        assert path == "/api/people"
        assert " " not in query and "#" not in query and "ü" not in query  # encoded
        kept = parse_qs(query)
        assert kept["q"] == [odd] and kept["per_page"] == ["2"]
    assert parse_qs(links["last"].split("?")[1])["page"] == ["3"]

    seen, address, pages = [], "/api/people?" + urlencode(params), 0
    while address:
        answer = await client.get(address, headers=coordinator.headers)
        assert answer.status_code == 200
        seen += [item["name"] for item in answer.json()["items"]]
        links = parse_links(answer.headers["link"])
        pages += 1
        if pages > 1:
            assert "prev" in links
            assert parse_qs(links["prev"].split("?")[1])["page"] == [str(pages - 1)]
        address = links.get("next", "")
    assert pages == 3
    assert sorted(seen) == [f"{odd} {n}" for n in range(5)]
    assert "next" not in links and "prev" in links


async def test_an_empty_list_links_only_its_one_page(client, coordinator):
    answer = await client.get("/api/people?q=nobody-has-this", headers=coordinator.headers)
    links = parse_links(answer.headers["link"])
    assert set(links) == {"first", "last"}
    assert links["first"] == links["last"] == "/api/people?q=nobody-has-this&page=1"


async def test_the_audit_list_links_its_pages(client):
    admin = await f.user("admin")
    for n in range(3):
        await client.post("/api/organisations", json={"name": f"Org {n}"}, headers=admin.headers)
    answer = await client.get(
        "/api/audit?record_type=organisation&per_page=1&page=2", headers=admin.headers
    )
    links = parse_links(answer.headers["link"])
    assert set(links) == {"first", "prev", "next", "last"}
    assert parse_qs(links["next"].split("?")[1]) == {
        "record_type": ["organisation"],
        "per_page": ["1"],
        "page": ["3"],
    }
