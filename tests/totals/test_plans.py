"""The dashboard's people by area reads an index of active roles by person on SQLite
(issue 17). Without it, SQLite with no planner statistics (a database the app grew, never ANALYZEd)
read every active role once for each person of the area: 111 s for one area at demo
scale 20, where it now takes milliseconds."""

from __future__ import annotations

import pytest

from schema.tables import Person
from server.db import is_postgres
from server.lib.reference import load_reference
from server.totals import breakdown
from server.totals.services import membership_where, read_filters
from tests.environment import ENGINE
from tests.helpers import factories as f


@pytest.mark.skipif(ENGINE != "sqlite", reason="PostgreSQL plans from its own statistics")
@pytest.mark.parametrize("filters", [{"footprint": "WC"}, {}, {"since": "2025-01-01"}])
async def test_people_by_area_read_roles_from_the_index_by_person(filters):
    await f.footprint("WC")
    ref = await load_reference()
    chosen = read_filters(filters, ref)
    where = membership_where(chosen)
    friends = breakdown._friend_kind(ref)
    sql = breakdown._members_sql(chosen, where, ", ".join("{}" for _ in friends) or "NULL")
    args = [*sorted(friends), *where.args]
    assert not is_postgres()
    rows = await Person.raw(f"EXPLAIN QUERY PLAN {sql}", *args)
    plan = "\n".join(str(r["detail"]) for r in rows)
    assert "membership_by_person" in plan, plan
