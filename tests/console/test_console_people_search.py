"""The people list at scale (issue 17): a search that matches very many people counts them
no further than a thousand past the page (the page says "more than"), yet every match can
still be reached a page at a time, in the same name order; a programme's people are read in
name order or listed first, whichever is quicker, and both give the same pages and total."""

from __future__ import annotations

import random
import re

import pytest

from schema.tables import Membership, Person
from server.people import console as people_console
from tests.helpers import factories as f
from tests.helpers.console import coordinator_in_two_areas

HTML = {"accept": "text/html"}
NAMES = ("Ann", "Bea", "Cal", "Dot", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo", "Åsa", "Zoë")


@pytest.fixture
async def coordinator(client):
    return await coordinator_in_two_areas(client)


async def page_ids(client, url: str) -> tuple[list[int], str]:
    answer = await client.get(url, headers=HTML)
    assert answer.status_code == 200, answer.text[:300]
    ids = [
        int(i)
        for i in re.findall(r'<th scope="row"><a href="/console/people/([0-9]+)"', answer.text)
    ]
    return ids, answer.text


async def everyone_in_order(where: str, *args: object) -> list[int]:
    """Straight from the table: ids in name order (then id), independent of the list's code."""
    rows = await Person.raw(f"SELECT id FROM person WHERE {where} ORDER BY name, id", *args)  # noqa: S608
    return [int(r["id"]) for r in rows]


async def make_people(count: int) -> list[int]:
    rng = random.Random(5)
    ids = []
    for n in range(count):
        name = f"{rng.choice(NAMES)} {rng.choice(NAMES)}son"
        ids.append(await f.person(name, email=f"p{n}@example.org"))
    return ids


async def test_a_search_matching_very_many_counts_some_and_pages_through_every_one(
    client, coordinator, monkeypatch
):
    monkeypatch.setattr(people_console, "COUNTED_BEYOND", 30)  # a thousand, made small
    await make_people(80)
    # Whose name or email holds "a", folded as the rule folds ("Åsa" does)
    rows = await Person.raw("SELECT id, name, email FROM person ORDER BY name, id")
    wanted = [r["id"] for r in rows if "a" in f"{r['name']} {r['email']}".casefold()]
    assert len(wanted) > 60
    seen: list[int] = []
    page = 1
    while True:
        ids, text = await page_ids(client, f"/console/people?q=a&page={page}")
        if not ids:
            break
        seen += ids
        counted_to = (page - 1) * 25 + 30
        if len(wanted) > counted_to:  # counted no further than 30 past the page's first
            assert f"More than {counted_to:,} people found" in text, text
            assert f"page={page + 1}" in text and 'rel="next"' in text
        else:
            assert f"{len(wanted):,} people found." in text
        page += 1
        assert page < 10
    assert seen == wanted  # every match, once, in name order


@pytest.mark.parametrize("cost", [0, 10**9])  # always read in name order; never
async def test_a_programmes_people_are_the_same_whichever_way_they_are_read(
    client, coordinator, monkeypatch, cost
):
    monkeypatch.setattr(people_console, "LOOKUP_COST", cost)
    ids = await make_people(70)
    rng = random.Random(9)
    for i in ids:
        if rng.random() < 0.6:
            await f.join(i, "health-champions", status=rng.choice(["active", "paused"]))
    health = await f.programme_id("health-champions")
    for query, sql, args in (
        ("programme=health-champions", "m.programme = {}", [health]),
        ("programme=health-champions&status=paused", "m.programme = {} AND m.status = {}",
         [health, "paused"]),
    ):  # fmt: skip
        wanted = await everyone_in_order(
            f"id IN (SELECT m.person FROM membership m WHERE {sql})",  # noqa: S608
            *args,
        )
        assert len(wanted) > 5
        seen: list[int] = []
        for page in (1, 2, 3):
            got, text = await page_ids(client, f"/console/people?{query}&page={page}")
            seen += got
            noun = "person" if len(wanted) == 1 else "people"
            assert f"{len(wanted):,} {noun} found." in text
        assert seen == wanted, query
    assert await Membership.count() > 0


async def test_a_common_word_is_found_without_the_trigram_table_and_gives_the_same_pages(
    client, coordinator, monkeypatch
):
    """Words in most people's email ("example") are found by trying people in name order,
    not by listing every match from the trigram indexes first; rare words still use them.
    Either way the pages are every match, once, in name order."""
    from server.people import search

    monkeypatch.setattr(search, "PROBE", 40)
    monkeypatch.setattr(people_console, "COUNTED_BEYOND", 30)
    await make_people(70)
    for n in range(5):
        await f.person(f"Quill Rarename {n}", email=f"quill{n}@elsewhere.test")
    assert await search.common_words("example") is True
    assert await search.common_words("rarename") is False
    assert await search.common_words("ex") is False  # too short for the table anyway
    for text in ("example", "rarename", "SON"):
        needle = text.casefold()
        rows = await Person.raw("SELECT id, name, email FROM person ORDER BY name, id")
        wanted = [r["id"] for r in rows if needle in f"{r['name']}\n{r['email']}".casefold()]
        seen: list[int] = []
        for page in range(1, 8):
            ids, _ = await page_ids(client, f"/console/people?q={text}&page={page}")
            seen += ids
        assert seen == wanted and wanted, text


async def test_a_common_word_on_postgresql_is_not_read_through_the_trigram_index():
    """The form of the search for a common word is one no trigram index matches; a rare
    word's is (the plan of each, on PostgreSQL)."""
    from server.db import is_postgres, one_connection
    from server.people.search import name_or_email_contains

    if not is_postgres():
        pytest.skip("PostgreSQL's plans; SQLite's is the trigram table, tested above")
    for common, uses in ((False, True), (True, False)):
        sql = str(Person.select(Person.id).where(name_or_email_contains("example", common)))
        async with one_connection():  # SET LOCAL holds for this transaction only
            await Person.raw("SET LOCAL enable_seqscan = off")  # few rows: show the choice
            plan = "\n".join(r["QUERY PLAN"] for r in await Person.raw(f"EXPLAIN {sql}"))
        assert ("person_name_trigrams" in plan) is uses, plan
