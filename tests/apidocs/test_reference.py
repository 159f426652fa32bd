"""The API reference at /schema: every operation of the OpenAPI document, in words."""

from __future__ import annotations

from server.apidocs.reference import sections, shapes
from server.lib.rows import JSON
from tests.helpers.html import Page

SCHEMAS: dict[str, JSON] = {
    "Page": {"type": "object"},
    "ThingIn": {"type": "object", "required": ["kind"], "properties": {
        "kind": {"type": "string", "enum": ["a", "b"], "description": "What it is"},
        "note": {"type": ["string", "null"], "maxLength": 500},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "shown": {"type": "boolean", "default": False},
    }},
}  # fmt: skip
DOCUMENT: dict[str, JSON] = {
    "openapi": "3.1.0",
    "info": {"title": "Movement", "version": "1"},
    "security": [{"bearer": []}],
    "paths": {
        "/api/things": {
            "get": {
                "operationId": "list_things",
                "tags": ["things"],
                "summary": "List things",
                "security": [{}],
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                "maximum": 100, "default": 1}},
                ],
                "responses": {"200": {"description": "A page of things", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}},
            },
            "post": {
                "operationId": "create_thing",
                "tags": ["things"],
                "x-roles": ["coordinator", "admin"],
                "requestBody": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/ThingIn"}}}},
                "responses": {"201": {"description": "Made"}, "400": {"description": "Fix it"}},
            },
        },
        "/api/other": {"delete": {"operationId": "delete_other", "responses": {}}},
    },
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                   "schemas": SCHEMAS},
}  # fmt: skip


def test_who_may_use_it_is_left_unsaid_when_the_document_declares_no_security():
    document: dict[str, JSON] = {**DOCUMENT, "components": {"schemas": SCHEMAS}}
    listing = sections(document)[0].operations[0]
    assert listing.who == ""
    assert listing.operation_id == "list_things"


def test_operations_are_grouped_by_tag_with_their_fields_and_answers_in_words():
    things, other = sections(DOCUMENT)
    assert (things.name, other.name) == ("Things", "Other")
    listing, create = things.operations
    assert (listing.method, listing.path, listing.anchor) == ("GET", "/api/things", "list-things")
    assert listing.who == "Anyone"
    (page,) = listing.fields
    assert (page.where, page.type, page.rules) == (
        "query",
        "integer",
        "from 1 to 100; 1 when left out",
    )
    assert [(a.status, a.body) for a in listing.answers] == [("200", "Page")]
    assert create.who == "coordinator, admin"
    fields = {f.name: f for f in create.fields}
    assert fields["kind"].required and fields["kind"].rules == "one of a, b"
    assert fields["kind"].description == "What it is"
    assert not fields["note"].required
    assert fields["note"].type == "string or null"
    assert fields["note"].rules == "up to 500 characters"
    assert fields["tags"].type == "list of string"
    assert fields["tags"].rules == "up to 3 items"
    assert fields["shown"].rules == "false when left out"  # as JSON writes it
    assert [a.status for a in create.answers] == ["201", "400"]
    assert other.operations[0].who == "Signed-in accounts"  # the document's own security


def test_an_answers_fields_have_their_own_words_type_and_first_example():
    document: dict[str, JSON] = {"components": {"schemas": {
        "Inner": {"type": "object", "description": "The body's own words"},
        "Outer": {"type": "object", "required": ["inner"], "properties": {
            "inner": {"allOf": [{"$ref": "#/components/schemas/Inner"}],
                      "description": "The field's words"},
            "named": {"$ref": "#/components/schemas/Inner"},
            "code": {"type": ["string", "null"], "description": "A code",
                     "examples": ["WC", "WN"]},
            "count": {"type": "integer", "examples": [0]},
        }},
    }}}  # fmt: skip
    inner, outer = shapes(document)
    assert (inner.name, inner.fields) == ("Inner", [])
    fields = {f.name: f for f in outer.fields}
    assert (fields["inner"].type, fields["inner"].description) == ("Inner", "The field's words")
    assert fields["inner"].required and not fields["code"].required
    # A field that only names a body: the body's words.
    assert fields["named"].description == "The body's own words"
    assert (fields["code"].example, fields["count"].example) == ('"WC"', "0")
    assert fields["named"].example == ""


async def test_the_page_lists_every_operation_of_the_apps_own_document(client):
    document = (await client.get("/schema/openapi.json")).json()
    response = await client.get("/schema", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    operations = [
        (f"{method.upper()} {path}", op["operationId"])
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) > 60
    for words, operation_id in operations:
        assert words in page.text
        anchor = operation_id.lower().replace("_", "-")
        assert page.by_id[anchor]["tag"] == "h3", operation_id
    assert "POST /api/activities/batch" in page.text
    assert "/schema/openapi.json" in page.links


async def test_nothing_on_the_page_is_loaded_from_elsewhere(client):
    response = await client.get("/schema")
    assert "cdn" not in response.text.lower()
    assert "'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
