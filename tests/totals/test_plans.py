"""The Friends sessions' sums (the totals' and the dashboard's areas') read the index of
counted sessions alone on SQLite (issue 17): with only the index on held_on, SQLite read the
table row by row for every session since a date, several times slower than reading it all."""

from __future__ import annotations

import pytest

from schema.tables import Person
from server.lib.reference import load_reference
from server.totals.services import read_filters, session_where
from tests.environment import ENGINE
from tests.helpers import factories as f


@pytest.mark.skipif(ENGINE != "sqlite", reason="PostgreSQL plans from its own statistics")
@pytest.mark.parametrize(
    "filters", [{}, {"since": "2025-01-01"}, {"since": "2025-01-01", "footprint": "WC"}]
)
async def test_the_sessions_sums_read_only_the_index_of_counted_sessions(filters):
    await f.footprint("WC")
    where = session_where(read_filters(filters, await load_reference()))
    for group in ("programme", "footprint, programme"):
        sql = (
            f"SELECT {group}, SUM(attendees) AS n FROM friends_session "  # noqa: S608
            f"WHERE {where.sql} GROUP BY {group}"
        )
        rows = await Person.raw(f"EXPLAIN QUERY PLAN {sql}", *where.args)
        plan = "\n".join(str(r["detail"]) for r in rows)
        assert "COVERING INDEX friends_session_counting" in plan, plan
