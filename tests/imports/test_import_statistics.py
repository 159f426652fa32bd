"""After an import, PostgreSQL's planner knows the new rows (the tables are analysed), so
an import straight after plans its look-ups of people from true statistics."""

from __future__ import annotations

import pytest

from schema import tables as t
from tests.environment import ENGINE
from tests.helpers.html import HTML, Page
from tests.helpers.imports import areas, big_csv, finished, signed_in, token, upload

pytestmark = pytest.mark.skipif(ENGINE != "postgres", reason="PostgreSQL's planner statistics")


async def _changed_since_analysed(table: str) -> int:
    rows = await t.Person.raw(
        "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = {}", table
    )
    return int(rows[0]["n_mod_since_analyze"])


async def test_an_import_leaves_the_planner_statistics_up_to_date(client):
    await areas()
    await signed_in(client)
    sent = await upload(client, big_csv(300))
    assert sent.status_code == 303, sent.text[:500]
    columns = sent.headers["location"]
    chosen = Page((await client.get(columns, headers=HTML)).text).chosen
    await client.post(columns, data={**token(client), **chosen}, headers=HTML)
    job_id = int(columns.split("/")[3])
    await client.post(f"/console/import/{job_id}/run", data=token(client), headers=HTML)
    job = await finished(job_id)
    assert job["status"] == "done" and job["summary"]["counts"]["new_people"] == 300
    assert await t.Person.count() >= 300
    for table in ("person", "membership", "training_record"):
        assert await _changed_since_analysed(table) == 0, table
