"""The OpenAPI document says exactly what the API takes: its patterns, ranges and shapes are
checked here against the readers themselves, and against the app's answers."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from server.lib.openapi import date_pattern, text_pattern
from server.lib.validation import JSON, Form, Invalid
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.html import Page


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
