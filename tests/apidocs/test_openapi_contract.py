"""What the OpenAPI document promises of operation ids and signing in, checked against
what the app does."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

VERBS = re.compile(r"(list|get|create|update|delete|log|approve|ask|decline)_[a-z]+(_[a-z]+)*")


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


async def test_every_error_the_api_answers_is_documented_with_its_body(client, document):
    """Real mistakes, each answered with a status the operation documents, and a body of
    the documented shape."""
    from tests.helpers import factories as f

    token = (await f.user("champion")).headers
    coordinator = (await f.user("coordinator")).headers
    cases = [
        ("post", "/api/people", "/api/people", {}, None, 401),
        ("post", "/api/people", "/api/people", {"name": ""}, coordinator, 400),
        ("post", "/api/people", "/api/people", {"name": "Ann"}, token, 403),
        ("get", "/api/people/{record_id}", "/api/people/999999", None, coordinator, 404),
        ("get", "/api/totals", "/api/totals?nothing=1", None, None, 400),
        ("get", "/api/audit", "/api/audit", None, coordinator, 403),
        ("post", "/api/activities/batch", "/api/activities/batch", {"activities": 1}, token, 400),
    ]
    for method, path, address, body, bearer, status in cases:
        response = await client.request(method, address, json=body, headers=bearer or {})
        assert response.status_code == status, (address, response.text)
        documented = document["paths"][path][method]["responses"]
        assert str(status) in documented, (method, path, status)
        schema = documented[str(status)]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}
        answer = response.json()
        assert isinstance(answer["message"], str) and answer["message"]
        assert all(isinstance(v, str) for v in answer.get("errors", {}).values())


def _value(parameter, seeded) -> str:
    """A value the parameter's schema allows (records by the seeded slugs and codes)."""
    schema = parameter["schema"]
    if "anyOf" in schema:  # an option that may also be left empty
        schema = schema["anyOf"][0]
    if "Friends programme" in parameter["description"]:
        return "dementia-friends"
    if schema.get("enum"):
        return str(schema["enum"][0])
    if schema.get("format") == "date":
        return "2025-01-31"
    kind = schema["type"][0] if isinstance(schema["type"], list) else schema["type"]
    if kind == "integer":
        return str(schema.get("minimum", 1))
    if kind == "boolean":
        return "true"
    return seeded.get(parameter["name"], "x")


async def test_every_list_takes_exactly_the_options_its_document_lists(client, document):
    from tests.helpers import factories as f

    await f.footprint("WC", "Wigan Central")
    admin = (await f.user("admin")).headers
    courses = (await client.get("/api/courses")).json()["items"]
    seeded = {"programme": "health-champions", "footprint": "WC", "course": courses[0]["slug"]}
    lists = [
        (path, item["get"])
        for path, item in document["paths"].items()
        if "get" in item and item["get"]["operationId"].startswith("list_")
        and path != "/api/audit"
    ]  # fmt: skip
    # 11 record types, applications to join, upcoming sessions, topics and services
    assert len(lists) == 15
    for path, op in lists:
        names = [p["name"] for p in op["parameters"]]
        assert names[:2] == ["page", "per_page"], path
        for parameter in op["parameters"]:
            query = {parameter["name"]: _value(parameter, seeded)}
            response = await client.get(path, params=query, headers=admin)
            assert response.status_code == 200, (path, query, response.text)
        response = await client.get(path, params={"not_an_option": "1"}, headers=admin)
        assert response.status_code == 400, path
        assert "not_an_option" in response.json()["errors"]


async def test_every_record_body_is_documented_as_the_api_reads_it(client, document):
    """For each create: the fields the document lists are the ones the API knows (none is
    refused as unknown, an extra one is), and the ones it says are needed are exactly those
    an empty body is told to send."""
    from tests.helpers import factories as f

    admin = (await f.user("admin")).headers
    creates = [
        (path, item["post"])
        for path, item in document["paths"].items()
        if "post" in item and item["post"]["operationId"].startswith("create_")
    ]
    assert len(creates) == 12  # with upcoming sessions (issue 15)
    for path, op in creates:
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        assert schema["additionalProperties"] is False
        fields = set(schema["properties"])
        body = dict.fromkeys(fields) | {"surely_not_a_field": 1}
        errors = (await client.post(path, json=body, headers=admin)).json()["errors"]
        unknown = {k for k, v in errors.items() if "not known" in v}
        assert unknown == {"surely_not_a_field"}, path
        empty = await client.post(path, json={}, headers=admin)
        assert empty.status_code == 400, path
        assert set(empty.json()["errors"]) == set(schema.get("required", [])), path
        patch = document["paths"][path + "/{record_id}"]["patch"]
        changed = patch["requestBody"]["content"]["application/json"]["schema"]
        assert set(changed["properties"]) == fields and "required" not in changed, path


def test_every_field_a_record_reads_is_in_its_documented_body():
    """Read with a real Form, each record type knows some fields; its documented body has
    the same ones (a Form reader that Described does not describe would leave one out)."""
    from server.activities.services import ACTIVITIES
    from server.lib.crud_routes import DESCRIBER
    from server.lib.openapi import described
    from server.lib.records import Context, RecordType
    from server.lib.reference import NO_LISTS
    from server.lib.validation import READ_ONLY, Form
    from server.people.services import MEMBERSHIPS, PEOPLE
    from server.reference.services import COURSES, FOOTPRINTS, ORGANISATIONS, PROGRAMMES
    from server.sessions.services import EXTERNAL_COUNTS, FRIENDS_SESSIONS
    from server.stories.services import STORIES
    from server.trainings.services import TRAININGS

    describing = Context(actor=DESCRIBER, ref=NO_LISTS)
    kinds: list[RecordType[Any, Any]] = [
        ACTIVITIES, MEMBERSHIPS, PEOPLE, COURSES, FOOTPRINTS, ORGANISATIONS, PROGRAMMES,
        EXTERNAL_COUNTS, FRIENDS_SESSIONS, STORIES, TRAININGS,
    ]  # fmt: skip

    def reading(rt: RecordType[Any, Any]) -> Callable[[Form], None]:
        return lambda form: rt.read(form, describing, None)

    for rt in kinds:
        form = Form({})
        rt.read(form, describing, None)
        fields = described(reading(rt)).fields
        assert {name for name, _, _ in fields} == form._known - READ_ONLY, rt.name


async def test_the_headers_and_304_the_api_sends_are_documented(client, document):
    from tests.helpers import factories as f

    admin = (await f.user("admin")).headers
    made = await client.post("/api/footprints", json={"name": "Leigh", "code": "LE"}, headers=admin)
    where = made.headers["location"]
    create = document["paths"]["/api/footprints"]["post"]["responses"]["201"]
    assert "Location" in create["headers"]
    listing = await client.get("/api/footprints?per_page=1", headers=admin)
    assert "link" in listing.headers
    assert "Link" in document["paths"]["/api/footprints"]["get"]["responses"]["200"]["headers"]
    one = await client.get(where, headers=admin)
    read = document["paths"]["/api/footprints/{record_id}"]["get"]["responses"]
    assert "ETag" in read["200"]["headers"]
    again = await client.get(where, headers={**admin, "if-none-match": one.headers["etag"]})
    assert again.status_code == 304 and "304" in read


async def test_the_links_from_a_new_record_lead_where_they_say(client, document):
    """Each create's 201 links to reading, changing and deleting the record by the id in
    its answer: followed for real (a footprint: nothing else is needed to make one)."""
    from tests.helpers import factories as f

    ids = {op["operationId"]: (method, path) for method, path, op in _operations(document)}
    creates = [op for _, _, op in _operations(document) if op["operationId"].startswith("create_")]
    for op in creates:
        links = op["responses"]["201"]["links"]
        one = op["operationId"].removeprefix("create_")
        assert set(links) == {f"get_{one}", f"update_{one}", f"delete_{one}"}
        for link in links.values():
            assert link["operationId"] in ids
            assert link["parameters"] == {"record_id": "$response.body#/id"}
    admin = (await f.user("admin")).headers
    made = (
        await client.post("/api/footprints", json={"name": "Ince", "code": "IN"}, headers=admin)
    ).json()
    links = document["paths"]["/api/footprints"]["post"]["responses"]["201"]["links"]
    for name, body, status in (("get_footprint", None, 200),
                               ("update_footprint", {"name": "Ince in Makerfield"}, 200),
                               ("delete_footprint", None, 204)):  # fmt: skip
        method, path = ids[links[name]["operationId"]]
        address = path.replace("{record_id}", str(made["id"]))
        answer = await client.request(method, address, json=body, headers=admin)
        assert answer.status_code == status, (name, answer.text)
