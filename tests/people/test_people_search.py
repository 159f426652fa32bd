"""The people search with its indexes (issue 17): the same people as a plain reading of
every name and email, on both engines, while names change and people go; and the index is
what the database reads."""

from __future__ import annotations

import unicodedata

import pytest

from schema.tables import Person
from server.db import is_postgres, one_connection, write_transaction
from server.lib.records import create_many, update_many
from server.people.search import fts_phrase
from server.people.services import PEOPLE as PERSON_RECORDS
from tests.helpers import factories as f

PEOPLE = [
    ("Asha Patel", "asha.patel@example.org"),
    ("ASHLEY PATTERSON", "ash@example.org"),
    ("Zoë Strauß", "zoe@example.org"),  # ë and ß: folded beyond ASCII
    ("ＭＡＲＹ Ｗｉｄｅ", None),  # full-width letters: "mary wide" once folded
    ("Ǆemal Ḱurt", "dzemal@example.org"),
    ("Cai 100% Jones", "cai_jones@example.org"),
    ('Say "Hi" Smith', "quote@example.org"),
    ("Nobody Here", None),
]
SEARCHES = [
    "a",  # one letter: no trigram, every row tried
    "as",
    "ash",
    "PAT",
    "patel@",
    "strauss",  # ß folds to ss: only in the folded name
    "zoë",
    "ZOË STR",
    "mary w",  # the full-width name folds to this
    "ǆem",
    "100%",  # literal %, not a wildcard
    "i_j",  # literal _: no one
    'y "hi"',  # a double quote, which FTS5 phrases double
    "example.org",
    "nothing like it",
]


def folded(text: str | None) -> str:
    """Unicode's NFKC_Casefold, spelt out here rather than taken from the app."""
    step = unicodedata.normalize("NFKC", text or "").casefold()
    return unicodedata.normalize("NFKC", step)


def expected(people: dict[int, tuple[str, str | None]], q: str) -> set[int]:
    return {
        pid
        for pid, (name, email) in people.items()
        if folded(q) in folded(name) or (email is not None and folded(q) in folded(email))
    }


async def found(client, headers, q: str) -> set[int]:
    answer = await client.get("/api/people", params={"q": q, "per_page": 100}, headers=headers)
    assert answer.status_code == 200, answer.text
    return {p["id"] for p in answer.json()["items"]}


@pytest.fixture
async def coordinator():
    return await f.user("coordinator", name="Coordinator Xy", email="coordinator@example.net")


async def add_people() -> dict[int, tuple[str, str | None]]:
    people = {}
    for name, email in PEOPLE:
        rows = await Person.insert(Person(name=name, email=email)).returning(Person.id)
        people[rows[0]["id"]] = (name, email)
    return people


async def with_coordinator(
    people: dict[int, tuple[str, str | None]], coordinator
) -> dict[int, tuple[str, str | None]]:
    """The people, and the coordinator searching (whom the search finds too)."""
    me = (
        await Person.select(Person.name, Person.email)
        .where(Person.id == coordinator.person_id)
        .first()
    )
    return {**people, coordinator.person_id: (me["name"], me["email"])}


async def test_the_search_finds_what_reading_every_name_finds(client, coordinator):
    everyone = await with_coordinator(await add_people(), coordinator)
    for q in SEARCHES:
        assert await found(client, coordinator.headers, q) == expected(everyone, q), q
    # Some searches find someone only by folding beyond ASCII: the index must not hide them.
    assert len(expected(everyone, "strauss")) == 1 and len(expected(everyone, "mary w")) == 1


async def test_people_written_many_at_a_time_are_found_alike(client, coordinator):
    """An import writes people hundreds to a statement (server/lib/bulk.py), and changes
    them in bulk: the search finds them as it finds people written one at a time."""
    async with write_transaction():
        ids = await create_many(PERSON_RECORDS.kind, None,
                                [{"name": name, "email": email} for name, email in PEOPLE],
                                columns=("name", "email"))  # fmt: skip
    people = {pid: person for pid, person in zip(ids, PEOPLE, strict=True) if pid is not None}
    everyone = await with_coordinator(people, coordinator)
    for q in SEARCHES:
        assert await found(client, coordinator.headers, q) == expected(everyone, q), q
    asha = next(pid for pid, (name, _) in people.items() if name == "Asha Patel")
    async with write_transaction():
        changed = {"name": "Asha Quigley", "email": "aq@example.org"}
        await update_many(PERSON_RECORDS.kind, None, [(asha, changed, None)])
    assert asha not in await found(client, coordinator.headers, "patel")
    assert await found(client, coordinator.headers, "quigley") == {asha}
    assert await found(client, coordinator.headers, "aq@exa") == {asha}


async def test_the_search_follows_changed_names_and_people_who_go(client, coordinator):
    people = await add_people()
    asha = next(pid for pid, (name, _) in people.items() if name == "Asha Patel")
    zoe = next(pid for pid, (name, _) in people.items() if name == "Zoë Strauß")
    await Person.update({Person.name: "Asha Quigley", Person.email: "aq@example.org"}).where(
        Person.id == asha
    )
    await Person.update({Person.name: "Zoe Plain"}).where(Person.id == zoe)  # now ASCII
    await Person.delete().where(Person.name == "Cai 100% Jones")
    assert asha not in await found(client, coordinator.headers, "patel")
    assert await found(client, coordinator.headers, "quigley") == {asha}
    assert await found(client, coordinator.headers, "aq@exa") == {asha}
    assert await found(client, coordinator.headers, "zoe pl") == {zoe}
    assert await found(client, coordinator.headers, "strauss") == set()
    assert await found(client, coordinator.headers, "100%") == set()


def test_a_phrase_keeps_its_double_quotes():
    assert fts_phrase('say "hi"') == '"say ""hi"""'


async def test_the_database_reads_the_search_index(coordinator):
    """A search of three letters or more is answered from the trigram index (on
    PostgreSQL, an index on the very expression the search uses: a change to the fold
    would silently leave it unused, and fail here)."""
    from server.people.search import name_or_email_contains

    query = Person.select(Person.id).where(name_or_email_contains("patel"))
    sql = str(query)
    if is_postgres():
        async with one_connection():  # SET LOCAL holds for this transaction only
            await Person.raw("SET LOCAL enable_seqscan = off")  # few rows: show the choice
            plan = "\n".join(r["QUERY PLAN"] for r in await Person.raw(f"EXPLAIN {sql}"))
        assert "person_name_trigrams" in plan and "person_email_trigrams" in plan, plan
    else:
        plan = "\n".join(str(r["detail"]) for r in await Person.raw(f"EXPLAIN QUERY PLAN {sql}"))
        assert "person_search" in plan and "person_not_ascii" in plan, plan


async def test_each_search_is_planned_for_its_own_text():
    """PostgreSQL: inside a search, a plan made for the text (a generic plan read every
    person in name order for a text nobody has); outside it, the server's default again."""
    from server.people.search import searching

    if not is_postgres():
        async with searching():  # nothing to set on SQLite; the queries still run
            assert await Person.count() == 0
        return
    async with searching():
        inside = await Person.raw("SHOW plan_cache_mode")
    outside = await Person.raw("SHOW plan_cache_mode")
    assert inside[0]["plan_cache_mode"] == "force_custom_plan"
    assert outside[0]["plan_cache_mode"] == "auto"
