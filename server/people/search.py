"""Finding people by a part of their name or email address, quick with 300,000 people
(issue 17). What matches is always server.db.contains' rule (folded, taken literally, the
same on both engines); an index only narrows the rows that rule is tried on:

- PostgreSQL: trigram (pg_trgm) indexes on contains' own folded name and email, made by the
  migration movement_2026_12_01t12_30_00; the planner uses them for its LIKE by itself.
- SQLite: the FTS5 trigram table person_search (same migration), kept in step with person
  by triggers. Its case folding is SQLite's, which agrees with ours on ASCII only, so it
  narrows only the people whose name and email are ASCII; the others (a few, listed by the
  index person_not_ascii) are always tried.

Words of fewer than 3 characters have no trigram: every row is tried, as before.

On PostgreSQL the searched text is a bound parameter of a prepared statement, and after a
few searches PostgreSQL may keep one generic plan for every text: one made without knowing
the text reads people in name order until 25 match, every one of 300,000 for a text that
matches nobody (1.1 to 1.6 s at demo scale 100, where the trigram index takes under 1 ms).
searching() asks for a plan made for each text instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from piccolo.columns.combination import Where
from piccolo.columns.operators.comparison import ComparisonOperator
from piccolo.custom_types import Combinable

from schema.tables import Person
from server.db import contains, fold, is_postgres, one_connection

TRIGRAM = 3  # characters: shorter words cannot use a trigram index


class _Candidates(ComparisonOperator):
    """Person ids whose name or email holds the phrase (ASCII rows), and every other row.
    The second part is person_not_ascii's own condition, so SQLite reads that index."""

    template = (
        "{name} IN (SELECT rowid FROM person_search WHERE person_search MATCH {value} "
        "UNION ALL SELECT id FROM person WHERE length(CAST(name AS BLOB)) != length(name) "
        "OR length(CAST(email AS BLOB)) != length(email))"
    )


def fts_phrase(text: str) -> str:
    """Text as one FTS5 phrase: in double quotes, any inside doubled."""
    return '"' + text.replace('"', '""') + '"'


def name_or_email_contains(text: str, common: bool = False) -> Combinable:
    """People whose name or email address contains the text (contains' rule). common: the
    text is in many people's (common_words), so the trigram table is not read."""
    indexed = not common
    found = contains(Person.name, text, indexed) | contains(Person.email, text, indexed)
    folded = fold(text)
    if is_postgres() or len(folded) < TRIGRAM or common:
        return found
    return Where(column=Person.id, value=fts_phrase(folded), operator=_Candidates) & found


# The trigram indexes list every match before any is read: for a text in most people's
# email ("example", or a common provider) that is 300,000 rows at demo scale 100 (360 ms on
# SQLite, 500 ms on PostgreSQL, whose planner cannot tell from its statistics how common a
# text inside a name is). People tried one by one (in name order, for a page) find a page
# of such a text at once.
PROBE = 2000  # people tried to see how common a text is
COMMON_SHARE = 0.05  # from this share of them matching, the text counts as common


async def common_words(text: str) -> bool:
    """Whether the text is in the name or email of at least COMMON_SHARE of the first PROBE
    people (only texts long enough for the trigram indexes)."""
    if len(fold(text)) < TRIGRAM:
        return False
    first = await Person.select(Person.id).order_by(Person.id).limit(PROBE)
    if not first:
        return False
    matched = await Person.count().where(
        (contains(Person.name, text, indexed=False) | contains(Person.email, text, indexed=False))
        & (Person.id <= first[-1]["id"])
    )
    return bool(matched >= COMMON_SHARE * len(first))


@asynccontextmanager
async def searching() -> AsyncIterator[None]:
    """The queries of one search, on one connection; on PostgreSQL each planned for the
    text searched (plan_cache_mode, for this transaction only)."""
    async with one_connection():
        if is_postgres():
            await Person.raw("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
