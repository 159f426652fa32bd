"""What the OpenAPI document promises of operation ids and signing in, checked against
what the app does."""

from __future__ import annotations

import re

import pytest

VERBS = re.compile(r"(list|get|create|update|delete|log)_[a-z]+(_[a-z]+)*")


@pytest.fixture
async def document(client):
    return (await client.get("/schema/openapi.json")).json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            yield method, path, op


async def test_operation_ids_are_snake_case_verbs_and_unique(document):
    ids = [op["operationId"] for _, _, op in _operations(document)]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not VERBS.fullmatch(i)] == []
    assert {"list_people", "get_person", "create_person", "update_person", "delete_person",
            "get_totals", "log_activities", "get_me"} <= set(ids)  # fmt: skip


async def test_the_bearer_token_scheme_is_declared_and_every_operation_says_if_it_needs_it(
    document,
):
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for method, path, op in _operations(document):
        assert op.get("security") in ([{"bearer": []}], [{}, {"bearer": []}]), (method, path)


async def test_what_the_document_says_of_signing_in_is_what_the_app_does(client, document):
    """Every GET without a path parameter, asked with no token: 401 exactly when the
    document says a token is needed."""
    checked = 0
    for method, path, op in _operations(document):
        if method != "get" or "{" in path:
            continue
        response = await client.get(path)
        needs_token = {} not in op["security"]
        assert (response.status_code == 401) is needs_token, (path, response.status_code)
        checked += 1
    assert checked >= 10


async def test_who_may_use_each_record_operation_is_said_in_its_description(document):
    people = document["paths"]["/api/people"]
    assert "Champions (only their own), coordinators and admins" in people["get"]["description"]
    assert "Coordinators and admins may use it." in people["post"]["description"]
    programmes = document["paths"]["/api/programmes"]
    assert "Anyone may use it." in programmes["get"]["description"]
