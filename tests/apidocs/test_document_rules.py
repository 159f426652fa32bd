"""The OpenAPI document says exactly what the API takes: its patterns, ranges and shapes are
checked here against the readers themselves, and against the app's answers."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from server.apidocs.reference import shape_anchor
from server.lib.openapi import date_pattern, text_pattern
from server.lib.validation import JSON, Form, Invalid
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.html import Page, Tables


def test_a_date_pattern_takes_exactly_the_days_of_its_range():
    """Every day from a year before to a year after each range: matched only inside it."""
    for first, last in [
        (date(2010, 1, 1), date(2026, 12, 1)),
        (date(2019, 12, 30), date(2020, 1, 2)),
        (date(2024, 2, 29), date(2024, 2, 29)),
        (date(2010, 1, 1), date(2100, 12, 31)),
    ]:
        pattern = re.compile(date_pattern(first, last))
        day = first - timedelta(days=400)
        while day <= last + timedelta(days=400):
            assert bool(pattern.match(day.isoformat())) == (first <= day <= last), day
            day += timedelta(days=1)


# Characters that are worth trying: each kind the readers treat apart.
TRIED = [
    "a", "Zoë", "ΝΊΚΟΣ", "李", " ", "\t", "\n", "\u00a0", "\u3000", "\u2028", "\u0000",
    "\u0007", "\u001f", "\u007f", "\u0085", "\u009f", "\u200b", "\u200e", "\u202e", "\ufeff",
    "\u200d", "\U0001f600",
]  # fmt: skip


@pytest.mark.parametrize("name", [False, True])
@pytest.mark.parametrize("required", [False, True])
def test_the_text_pattern_takes_what_the_reader_takes(name, required):
    """For one- and two-character texts of the characters above, the document's pattern
    and the Form reader (as the API reads JSON) agree on every one."""
    pattern = re.compile(text_pattern(required=required, name=name))
    texts = TRIED + [a + b for a in TRIED for b in TRIED]
    for text in texts:
        form = Form({"x": text}, sent_as=JSON)
        reader = form.name if name else form.text
        reader("x", "a field", max_length=100, required=required)
        try:
            form.result()
            taken = True
        except Invalid:
            taken = False
        assert bool(pattern.search(text)) == taken, (repr(text), required, name)


@pytest.mark.parametrize("required", [False, True])
def test_a_shaped_text_pattern_takes_what_the_reader_takes(required):
    """A phone number: its shape, or (when it may be left out) only spaces; never a control
    character, even among spaces."""
    from server.people.services import PHONE

    pattern = re.compile(text_pattern(required=required, shape=PHONE))
    texts = TRIED + [a + b for a in TRIED for b in TRIED] + ["01942 123456", " 01942 123456"]
    for text in texts:
        form = Form({"x": text}, sent_as=JSON)
        form.text("x", "a phone number", max_length=40, required=required, pattern=PHONE)
        try:
            form.result()
            taken = True
        except Invalid:
            taken = False
        assert bool(pattern.search(text)) == taken, (repr(text), required)


async def _document(client) -> dict:
    return (await client.get("/schema/openapi.json")).json()


def _body_field(document: dict, path: str, method: str, field: str) -> dict:
    op = document["paths"][path][method]
    return op["requestBody"]["content"]["application/json"]["schema"]["properties"][field]


async def test_the_document_served_has_the_lists_and_the_date_as_they_are_now(client):
    admin = (await f.user("admin")).headers
    before = _body_field(await _document(client), "/api/activities", "post", "footprint")
    assert "LW" not in (before.get("examples") or [])
    lowton = {"code": "LW", "name": "Lowton"}
    made = await client.post("/api/footprints", json=lowton, headers=admin)
    assert made.status_code == 201
    after = _body_field(await _document(client), "/api/activities", "post", "footprint")
    assert "LW" in after["examples"] and "LW" in after["description"]
    # The last date an activity may have is today.
    occurred = _body_field(await _document(client), "/api/activities", "post", "occurred_on")
    dates = re.compile(occurred["pattern"])
    assert dates.match(today().isoformat()) and not dates.match(
        (today() + timedelta(days=1)).isoformat()
    )
    assert not dates.match("2009-12-31")


async def test_json_is_read_as_the_document_writes_it(client):
    coordinator = (await f.user("coordinator")).headers
    person = await f.person("Ann Lee")
    good = {"person": person, "programme": "health-champions", "joined_on": "2025-04-01"}
    for field, value in [
        ("person", str(person)),  # a number in quotes
        ("joined_on", "20250401"),  # ISO, but not the document's YYYY-MM-DD
        ("joined_on", "2025-04-01T00:00:00"),
        ("programme", 1),  # a slug is text
        ("joined_on", ""),  # "" is not a date: null is none
    ]:
        answer = await client.post(
            "/api/memberships", json={**good, field: value}, headers=coordinator
        )
        assert answer.status_code == 400, (field, value, answer.text)
        assert field in answer.json()["errors"]
    made = await client.post("/api/memberships", json=good, headers=coordinator)
    assert made.status_code == 201, made.text
    changed = await client.patch(
        f"/api/people/{person}", json={"consent_to_contact": "yes"}, headers=coordinator
    )
    assert (
        changed.status_code == 400
        and "true or false" in changed.json()["errors"]["consent_to_contact"]
    )


async def test_a_query_option_given_twice_is_refused_and_an_empty_one_is_left_out(client):
    coordinator = (await f.user("coordinator")).headers
    twice = await client.get("/api/activities?kind=event&kind=talk", headers=coordinator)
    assert twice.status_code == 400 and "once" in twice.json()["errors"]["kind"]
    empty = await client.get("/api/activities?until=&per_page=", headers=coordinator)
    assert empty.status_code == 200 and empty.json()["per_page"] == 50
    spaces = await client.get("/api/activities?per_page=%2050", headers=coordinator)
    assert spaces.status_code == 400


async def test_a_slug_of_the_right_shape_not_in_the_lists_is_a_422_and_another_shape_400(client):
    coordinator = (await f.user("coordinator")).headers
    person = await f.person("Ann Lee")
    body = {"person": person, "joined_on": "2025-04-01"}
    missing = await client.post(
        "/api/memberships", json={**body, "programme": "knitting-champions"}, headers=coordinator
    )
    assert missing.status_code == 422 and "programme" in missing.json()["errors"]
    misshapen = await client.post(
        "/api/memberships", json={**body, "programme": "Knitting Champions!"}, headers=coordinator
    )
    assert misshapen.status_code == 400
    # With another mistake the document shows, it is all one 400 with every message.
    both = await client.post(
        "/api/memberships",
        json={**body, "programme": "knitting-champions", "joined_on": "soon"},
        headers=coordinator,
    )
    assert both.status_code == 400 and set(both.json()["errors"]) == {"programme", "joined_on"}


async def test_the_reference_lists_the_fields_of_each_answer(client):
    page = await client.get("/schema")
    html = Page(page.text)
    assert "What the answers hold" in html.text
    # The answer of get_person links to the Person body, which lists its fields.
    assert 'href="#shape-person"' in page.text and 'id="shape-person"' in page.text
    person = page.text.split('id="shape-person"', 1)[1].split("</table>", 1)[0]
    for field in ("email", "year_of_birth", "consent_to_contact", "created_at"):
        assert f"<code>{field}</code>" in person


async def test_the_reference_says_what_each_field_of_each_answer_is(client):
    """Every body's table on the page has a row for each of its fields, with the document's
    description of it and its first example."""
    document = await _document(client)
    tables = Tables((await client.get("/schema")).text).tables
    for name, schema in document["components"]["schemas"].items():
        header, *rows = tables[f"fields-{shape_anchor(name)}"]
        assert header[:4] == ["Name", "Type", "Always there", "What it is"], name
        shown = {row[0]: row for row in rows}
        assert list(shown) == list(schema.get("properties", {})), name
        for field, prop in schema.get("properties", {}).items():
            words = " ".join(prop["description"].split())
            assert shown[field][3] == words, (name, field)
            if prop.get("examples"):
                example = json.dumps(prop["examples"][0], ensure_ascii=False)
                assert shown[field][4] == example, (name, field)
    year = {row[0]: row for row in tables["fields-shape-person"]}["year_of_birth"]
    assert year[3].startswith("The year they were born") and year[4] == "1984"


def _undescribed(where: str, schema: dict) -> list[str]:
    """Each property of this schema, and of the objects and $defs within it, that has no
    description of its own, as "Schema.property" (a nested one as "Schema.field.property")."""
    missing = []
    for name, prop in schema.get("properties", {}).items():
        if not str(prop.get("description") or "").strip():
            missing.append(f"{where}.{name}")
        missing += _undescribed(f"{where}.{name}", prop)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            missing += _undescribed(where, schema[key])
    for key in ("oneOf", "anyOf", "allOf"):
        for way in schema.get(key, []):
            missing += _undescribed(where, way)
    for name, inner in schema.get("$defs", {}).items():
        missing += _undescribed(name, inner)
    return missing


async def test_every_field_of_every_body_says_what_it_is(client):
    """Each property of each named body (and of any object or $defs inside one) has a
    description: a field the document only names and types is not documented."""
    document = await _document(client)
    schemas = document["components"]["schemas"]
    assert {"Activity", "Person", "Totals", "ErrorBody", "Health"} <= set(schemas)
    missing = [m for name, schema in schemas.items() for m in _undescribed(name, schema)]
    assert missing == [], "Fields without a description: " + ", ".join(missing)


def _choices():
    """The values the code gives a field, by (schema, field): its description names them all."""
    from server.activities.details import SETTINGS, TAKE_UP
    from server.activities.services import KINDS, REVIEW_STATUSES
    from server.lib.auth import ROLES
    from server.people.services import STATUSES as MEMBERSHIP
    from server.reference.services import ORGANISATION_KINDS, PROGRAMME_KINDS, SECTORS
    from server.sessions.services import REVIEW_STATUSES as SESSION_REVIEW
    from server.stories.services import STATUSES as STORY

    return {
        ("Activity", "kind"): KINDS,
        ("Activity", "setting"): SETTINGS,
        ("Activity", "take_up"): TAKE_UP,
        ("Activity", "review_status"): REVIEW_STATUSES,
        ("FriendsSession", "review_status"): SESSION_REVIEW,
        ("Membership", "status"): MEMBERSHIP,
        ("MembershipStatus", "status"): MEMBERSHIP,
        ("Story", "status"): STORY,
        ("Organisation", "kind"): ORGANISATION_KINDS,
        ("Organisation", "sector"): SECTORS,
        ("Programme", "kind"): PROGRAMME_KINDS,
        ("ProgrammeTotals", "kind"): PROGRAMME_KINDS,
        ("Me", "role"): ROLES,
    }


async def test_a_fields_description_names_every_value_the_code_gives_it(client):
    """A kind or status added in the code (an activity kind: CONTRIBUTING, Recipe A) must be
    named in the answer's description too (server/<feature>/shapes.py)."""
    schemas = (await _document(client))["components"]["schemas"]
    unnamed = [
        f"{name}.{field}: {value}"
        for (name, field), values in _choices().items()
        for value in values
        if not re.search(
            rf"(?<![\w-]){re.escape(value)}(?![\w-])",
            schemas[name]["properties"][field]["description"],
        )
    ]
    assert unnamed == [], "Values not named in the description: " + ", ".join(unnamed)


def test_a_field_without_a_description_is_named():
    """The walk above finds a field without words however deep it is, and names it."""
    schema = {
        "properties": {
            "said": {"type": "integer", "description": "How many."},
            "unsaid": {"type": "integer"},
            "blank": {"type": "string", "description": " "},
            "inner": {
                "description": "An object inside.",
                "properties": {"deep": {"type": "string"}},
            },
            "listed": {
                "description": "A list of objects.",
                "type": "array",
                "items": {"type": "object", "properties": {"item": {"type": "string"}}},
            },
        },
        "$defs": {"Other": {"properties": {"also": {"type": "string"}}}},
    }
    assert _undescribed("Thing", schema) == [
        "Thing.unsaid",
        "Thing.blank",
        "Thing.inner.deep",
        "Thing.listed.item",
        "Other.also",
    ]


async def test_an_answer_with_a_field_its_struct_does_not_declare_is_an_error(client):
    """present() and the record type's Struct cannot drift apart: a field the document
    does not describe is not sent quietly, nor dropped quietly."""
    import msgspec

    from server.reference.services import FOOTPRINTS

    admin = (await f.user("admin")).headers
    made = (await client.post("/api/footprints", json={"code": "LW", "name": "Lowton"},
                              headers=admin)).json()  # fmt: skip
    assert msgspec.convert(made, FOOTPRINTS.shape) == FOOTPRINTS.shape(**made)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({**made, "secret": "not in the document"}, FOOTPRINTS.shape)
