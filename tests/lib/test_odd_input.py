"""Odd input never makes a 500: each gets a 4xx that says what to fix."""

from __future__ import annotations

import pytest

from schema.tables import Person
from tests.helpers import factories as f


@pytest.mark.parametrize("record_id", ["2147483648", "99999999999999999999", "0"])
async def test_ids_out_of_range_are_not_found(client, coordinator, record_id):
    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(
            method,
            f"/api/people/{record_id}",
            json={} if method == "PATCH" else None,
            headers=coordinator.headers,
        )
        assert response.status_code in (400, 404), (method, response.text)
        assert response.json()["message"]


@pytest.mark.parametrize("field", ["name", "phone"])
async def test_hidden_characters_are_refused(client, coordinator, field):
    body = {"name": "Jo", field: "a\u0000b" if field == "name" else "01942\u0007123456"}
    response = await client.post("/api/people", json=body, headers=coordinator.headers)
    assert response.status_code == 400
    assert "hidden characters" in response.json()["errors"][field]
    assert await Person.count() == 1  # only the coordinator


async def test_hidden_characters_in_filters_are_refused(client, coordinator):
    response = await client.get("/api/people?q=%00", headers=coordinator.headers)
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


async def test_new_lines_in_a_note_are_kept(client, coordinator):
    await f.footprint("WC")
    response = await client.post(
        "/api/activities",
        json={
            "programme": "health-champions",
            "kind": "event",
            "people_reached": 3,
            "note": "Stall at the fair.\nGave out 40 leaflets.",
        },
        headers=coordinator.headers,
    )
    assert response.status_code == 201
    assert response.json()["note"] == "Stall at the fair.\nGave out 40 leaflets."


async def test_deeply_nested_json_is_a_400(client, coordinator):
    body = "[" * 2000 + "]" * 2000
    response = await client.post(
        "/api/people",
        content=body,
        headers={**coordinator.headers, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["message"]


async def test_an_empty_body_says_what_to_send(client, coordinator):
    response = await client.post(
        "/api/people", headers={**coordinator.headers, "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON object" in response.json()["errors"][""]


@pytest.mark.parametrize(
    "query", ["?until=9999-12-15", "?since=9999-12-31", "?since=2010-01-01&until=9999-12-30"]
)
async def test_far_future_dates_in_the_totals_are_refused(client, query):
    response = await client.get(f"/api/totals{query}")
    assert response.status_code == 400
    assert "before 2101" in " ".join(response.json()["errors"].values())


async def test_a_date_far_ahead_is_still_fine_for_targets(client, coordinator):
    response = await client.post(
        "/api/programmes",
        json={"name": "Sight Champions", "kind": "champion", "target_date": "2030-03-31"},
        headers=coordinator.headers,
    )
    assert response.status_code == 201


async def test_true_is_not_a_name(client, coordinator):
    response = await client.post("/api/people", json={"name": True}, headers=coordinator.headers)
    assert response.status_code == 400
    assert "as text" in response.json()["errors"]["name"]


@pytest.mark.parametrize("path", ["/api/programmes", "/api/courses"])
async def test_a_name_with_no_letters_makes_no_empty_slug(client, coordinator, path):
    response = await client.post(
        path,
        json={"name": "!!!", "kind": "friend"} if "programmes" in path else {"name": "???"},
        headers=coordinator.headers,
    )
    assert response.status_code == 422
    assert "at least one letter" in response.json()["errors"]["name"]


async def test_huge_numbers_are_out_of_range_not_errors(client, coordinator):
    response = await client.post(
        "/api/activities",
        json={
            "programme": "health-champions",
            "kind": "event",
            "people_reached": 10**30,
            "minutes": "9" * 40,
        },
        headers=coordinator.headers,
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"people_reached", "minutes"}


async def test_unicode_names_are_kept_and_escaped_in_json(client, coordinator):
    name = "Zoë O'Brien-Łukasz <script>alert(1)</script>"
    response = await client.post("/api/people", json={"name": name}, headers=coordinator.headers)
    assert response.status_code == 201
    assert response.json()["name"] == name
    assert response.headers["content-type"].startswith("application/json")
