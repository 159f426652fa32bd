"""The API says what it means: sums past 2^31, JSON-only writes (415), OPTIONS, literal
search, the characters a text or a name may hold, and the audit list's total."""

from __future__ import annotations

from datetime import date

import pytest

from schema.tables import ActivityDaily, ActivityMonthly, Organisation, Person
from tests.helpers import factories as f
from tests.helpers.console import post_form
from tests.helpers.html import HTML, Page
from tests.helpers.signin import sign_in


@pytest.fixture
async def coordinator():
    return await f.user("coordinator", name="Cora Ordinator")


# 64-bit sums ------------------------------------------------------------------------------


async def _seed_bucket(day: date, programme: int, footprint: int, **sums: int) -> None:
    """A day's and its month's rollup rows, as if many activities had been logged."""
    await ActivityDaily.insert(
        ActivityDaily(day=day, programme=programme, footprint=footprint, **sums)  # type: ignore[arg-type]
    )
    month = day.replace(day=1)
    await ActivityMonthly.insert(
        ActivityMonthly(month=month, programme=programme, footprint=footprint, **sums)  # type: ignore[arg-type]
    )


async def test_a_months_sums_can_pass_two_to_the_31(client, coordinator):
    """A bucket a little under 2^31 takes more activities (on 32-bit columns the second
    write was a 500, and so was every later one); the totals add buckets past 2^32."""
    programme = await f.programme_id("health-champions")
    wc, wn = await f.footprint("WC"), await f.footprint("WN")
    await _seed_bucket(
        date(2026, 10, 15),
        programme,
        wc,
        activities=2_147_483_646,
        people_reached=2_147_483_000,
        minutes=2_147_483_400,
    )
    for _ in range(3):
        answer = await client.post(
            "/api/activities",
            json={
                "programme": "health-champions",
                "kind": "event",
                "occurred_on": "2026-10-15",
                "footprint": "WC",
                "people_reached": 400,
                "minutes": 600,
            },
            headers=coordinator.headers,
        )
        assert answer.status_code == 201, answer.text
    # Another area's bucket in the same month, already past 2^31 on its own.
    await _seed_bucket(
        date(2026, 10, 20),
        programme,
        wn,
        activities=1,
        people_reached=3_000_000_000,
        minutes=60,
    )

    async def totals(query: str) -> dict:
        answer = await client.get(f"/api/totals?{query}", headers=coordinator.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    day = await totals("since=2026-10-15&until=2026-10-15&footprint=WC")  # the daily rollup
    assert (day["activities"], day["reach"], day["hours"]) == (
        2_147_483_649,
        2_147_484_200,
        35_791_420.0,
    )
    month = await totals("since=2026-10-01&until=2026-10-31")  # the monthly rollup, summed
    champions = {p["slug"]: p for p in month["programmes"]}["health-champions"]
    for numbers in (month, champions):
        assert (numbers["activities"], numbers["reach"], numbers["hours"]) == (
            2_147_483_650,
            5_147_484_200,
            35_791_421.0,
        )


# Writes to the API send JSON --------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b'{"name": "Jo Plain"}'),
        ("application/x-www-form-urlencoded", b"name=Jo+Form"),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nJo Multi\r\n--x--\r\n',
        ),
        (None, b'{"name": "Jo Untyped"}'),
    ],
    ids=["text", "form", "multipart", "no-type"],
)
async def test_a_write_that_is_not_json_is_a_415(client, coordinator, content_type, body):
    headers = dict(coordinator.headers)
    if content_type:
        headers["content-type"] = content_type
    existing = await f.person("Jo Before")
    for method, url in (
        ("POST", "/api/people"),
        ("PATCH", f"/api/people/{existing}"),
        ("POST", "/api/activities/batch"),
    ):
        answer = await client.request(method, url, content=body, headers=headers)
        assert answer.status_code == 415, (method, url, answer.text)
        said = answer.json()
        assert "JSON" in said["message"]
        assert "application/json" in said["errors"]["content-type"]
    assert await Person.select(Person.name).order_by(Person.name).output(as_list=True) == [
        "Cora Ordinator",
        "Jo Before",
    ]


async def test_json_with_a_charset_is_still_json(client, coordinator):
    answer = await client.post(
        "/api/people",
        content=b'{"name": "Jo Charset"}',
        headers={**coordinator.headers, "content-type": "application/json; charset=utf-8"},
    )
    assert answer.status_code == 201, answer.text


async def test_a_pages_form_post_is_not_a_415(client):
    await f.user("coordinator", name="Cora Ordinator")
    await client.get("/sign-in", headers=HTML)
    answer = await post_form(client, "/sign-in", {"email": "nobody@example.org"})
    assert answer.status_code == 200, answer.text


# OPTIONS ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/people", {"GET", "POST", "OPTIONS"}),
        ("/api/people/1", {"GET", "PATCH", "DELETE", "OPTIONS"}),
        ("/api/activities/batch", {"POST", "OPTIONS"}),
        ("/api/totals", {"GET", "OPTIONS"}),
        ("/api/audit", {"GET", "OPTIONS"}),
        ("/log", {"GET", "POST", "OPTIONS"}),
    ],
)
async def test_options_lists_the_methods_the_path_takes(client, coordinator, path, methods):
    answer = await client.options(path)
    assert answer.status_code in (200, 204)
    assert {m.strip() for m in answer.headers["allow"].split(",")} == methods
    # Every method left out is refused; every one listed is not.
    for method in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
        tried = await client.request(method, path, json={}, headers=coordinator.headers)
        assert (tried.status_code == 405) == (method not in methods), (method, tried.status_code)


# Search text is taken literally -----------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("%", {"Cy 100% Dee"}),
        ("_", {"Bo_Chen"}),
        ("o_C", {"Bo_Chen"}),
        ("\\", {"Al\\Ex"}),
        ("100%", {"Cy 100% Dee"}),
        ("zz%", set()),
        ("bo", {"Bo_Chen", "Bo Chen"}),
    ],
)
async def test_search_matches_the_text_itself(client, coordinator, q, found):
    for name in ("Bo_Chen", "Bo Chen", "Cy 100% Dee", "Al\\Ex"):
        await f.person(name)
        await Organisation.insert(Organisation(name=name, kind="other", sector="public"))
    for url in ("/api/people", "/api/organisations"):
        answer = await client.get(url, params={"q": q}, headers=coordinator.headers)
        assert answer.status_code == 200, answer.text
        assert {item["name"] for item in answer.json()["items"]} == found, url


async def test_the_consoles_search_matches_the_text_itself(client):
    admin = await f.user("admin", name="Ada Min")
    await f.user("coordinator", name="Bo_Chen")
    await f.user("coordinator", name="Bo Chen")
    await sign_in(client, admin.email)
    listed = await client.get("/console/admin/users", params={"q": "o_C"}, headers=HTML)
    assert listed.status_code == 200
    text = Page(listed.text).text
    assert "Bo_Chen" in text and "Bo Chen" not in text and "Ada Min" not in text


# The characters a text or a name may hold -------------------------------------------------


@pytest.mark.parametrize("character", ["\u0080", "\u0085", "\u009b", "\u009f"])
async def test_c1_control_characters_are_refused(client, coordinator, character):
    answer = await client.post(
        "/api/people", json={"name": f"Jo{character}Smith"}, headers=coordinator.headers
    )
    assert answer.status_code == 400
    assert answer.json()["errors"]["name"] == (
        "Remove the unusual hidden characters from the person's name."
    )
    answer = await client.post(
        "/api/activities",
        json={
            "programme": "health-champions",
            "kind": "event",
            "people_reached": 3,
            "note": f"Stall{character}at the fair",
        },
        headers=coordinator.headers,
    )
    assert answer.status_code == 400
    assert "hidden characters" in answer.json()["errors"]["note"]


async def test_c1_control_characters_are_refused_in_a_pages_form(client, coordinator):
    await sign_in(client, coordinator.email)
    await client.get("/console/people/new", headers=HTML)
    answer = await post_form(client, "/console/people/new", {"name": "Eve\u0085Adams"})
    assert answer.status_code == 400
    assert Page(answer.text).errors == [
        "Remove the unusual hidden characters from the person's name."
    ]
    assert await Person.count().where(Person.name.like("Eve%")) == 0


@pytest.mark.parametrize(
    "character",
    [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200e",
        "\u200f",
    ],
)
async def test_direction_marks_are_refused_in_names(client, coordinator, character):
    admin = await f.user("admin")
    for url, label, headers in (
        ("/api/people", "the person's name", coordinator.headers),
        ("/api/organisations", "the organisation's name", admin.headers),
        ("/api/footprints", "the area's name", admin.headers),
    ):
        body = {"name": f"Ann{character}eeL", "code": "ZZ"}
        if url != "/api/footprints":
            del body["code"]
        answer = await client.post(url, json=body, headers=headers)
        assert answer.status_code == 400, (url, answer.text)
        assert answer.json()["errors"]["name"] == (
            f"Remove the hidden characters that change the direction of the text from {label}."
        )


async def test_direction_marks_are_kept_outside_names_and_right_to_left_names_are_fine(
    client, coordinator
):
    answer = await client.post(
        "/api/people", json={"name": "\u0633\u0627\u0631\u0627 Khan"}, headers=coordinator.headers
    )
    assert answer.status_code == 201, answer.text
    answer = await client.post(
        "/api/activities",
        json={
            "programme": "health-champions",
            "kind": "event",
            "people_reached": 3,
            "note": "\u0633\u0627\u0631\u0627\u200f said hello",
        },
        headers=coordinator.headers,
    )
    assert answer.status_code == 201, answer.text


# The audit list's total -------------------------------------------------------------------


async def test_the_audit_list_has_a_total(client, coordinator):
    admin = await f.user("admin")
    for name in ("Ann", "Ben", "Cai"):
        answer = await client.post("/api/people", json={"name": name}, headers=coordinator.headers)
        assert answer.status_code == 201
    answer = await client.get("/api/audit?record_type=person&per_page=2", headers=admin.headers)
    assert answer.status_code == 200
    page = answer.json()
    # Five people were added: the two accounts' and the three above.
    assert (len(page["items"]), page["total"], page["page"], page["per_page"]) == (2, 5, 1, 2)


@pytest.mark.parametrize("character", ["\u200b", "\ufeff", "\u2028", "\u034f", "\u2060", "\u3164"])
async def test_invisible_characters_are_refused_in_names(client, coordinator, character):
    """A name with a character that shows as nothing looks like someone else's name."""
    answer = await client.post(
        "/api/people", json={"name": f"Ann{character}ee"}, headers=coordinator.headers
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["errors"]["name"] == (
        "Remove the hidden characters (such as zero-width spaces) from the person's name."
    )


async def test_joiners_that_alphabets_need_are_kept_in_names(client, coordinator):
    # Persian uses the zero-width non-joiner inside words.
    name = "\u0645\u06cc\u200c\u0631\u0636\u0627 Rahimi"
    answer = await client.post("/api/people", json={"name": name}, headers=coordinator.headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == name
