"""HTTP details clients rely on (issue 14): Location on a 201, and the app's own 400 body
for every JSON body the parser refuses, on every write route under /api."""

from __future__ import annotations

import re

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
