"""The "Not given" setting and the "Not known" quintile of the place (issue 17): the facet
rollups keep no rows for them, and the dashboard shows them as the activities that have
none, whatever the filters. Every number below is worked out by hand from this movement,
written through the API by a coordinator:

    #   date    programme  area  setting         place    (its quintile)        reach  minutes
    1   5 Oct   Health     N     home            WN1 1AA  1                         3       60
    2   25 Oct  Health     N     -               -        no postcode               4      120
    3   28 Oct  Health     N     school-college  WN2 2ZZ  not in the lookup         5      180
    4   3 Nov   Health     N     -               WN1 1AB  2                         6      240
    5   8 Nov   Health     S     -               WN9 9ZZ  LSOA with no decile       7      300
    6   20 Nov  Health     N     online          (WN1 1AA, then taken away)         8      360
    7   30 Oct  Heart      N     -               -                                  9      420
    8   2 Nov   Health     N     -               -        (then rejected)          10      480
    9   26 Oct  Health     N     -               -        (then deleted)           11      540
    10  25 Sep  Health     N     -               WN1 1AB  2                         2      600
    11  10 Sep  Health     N     -               -                                 12      660

All in 2026. Minutes are whole hours, so the dashboard's hours are exact.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

from schema import tables as t
from schema.piccolo_migrations import movement_2026_12_01t14_00_00_000000 as migration
from server.db import snapshot, write_transaction
from server.totals import rollup
from tests.helpers import factories as f
from tests.helpers.html import HTML, Tables
from tests.helpers.signin import sign_in

ACTIVITIES: list[dict[str, Any]] = [
    {"occurred_on": "2026-10-05", "setting": "home", "postcode": "WN1 1AA",
     "people_reached": 3, "minutes": 60},
    {"occurred_on": "2026-10-25", "people_reached": 4, "minutes": 120},
    {"occurred_on": "2026-10-28", "setting": "school-college", "postcode": "WN2 2ZZ",
     "people_reached": 5, "minutes": 180},
    {"occurred_on": "2026-11-03", "postcode": "wn1 1ab", "people_reached": 6, "minutes": 240},
    {"occurred_on": "2026-11-08", "footprint": "S", "postcode": "WN9 9ZZ",
     "people_reached": 7, "minutes": 300},
    {"occurred_on": "2026-11-20", "setting": "online", "postcode": "WN1 1AA",
     "people_reached": 8, "minutes": 360},
    {"occurred_on": "2026-10-30", "programme": "heart-champions", "people_reached": 9,
     "minutes": 420},
    {"occurred_on": "2026-11-02", "people_reached": 10, "minutes": 480},
    {"occurred_on": "2026-10-26", "people_reached": 11, "minutes": 540},
    {"occurred_on": "2026-09-25", "postcode": "WN1 1AB", "people_reached": 2, "minutes": 600},
    {"occurred_on": "2026-09-10", "people_reached": 12, "minutes": 660},
]  # fmt: skip


async def lookups() -> None:
    await t.PostcodeArea.insert(
        t.PostcodeArea(postcode="WN11AA", lsoa="E01TEST01"),
        t.PostcodeArea(postcode="WN11AB", lsoa="E01TEST02"),
        t.PostcodeArea(postcode="WN99ZZ", lsoa="E01TEST09"),  # an LSOA with no decile
    )
    await t.AreaDeprivation.insert(
        t.AreaDeprivation(lsoa="E01TEST01", imd_decile=2),
        t.AreaDeprivation(lsoa="E01TEST02", imd_decile=3),
    )


async def write_movement(client) -> None:
    """The movement above, through the API: a batch, a change of place, a rejection and a
    delete."""
    await lookups()
    await f.footprint("N", "North")
    await f.footprint("S", "South")
    staff = await f.user("coordinator")
    items = [
        {"client_id": str(uuid.uuid4()), "programme": "health-champions",
         "kind": "conversation", "footprint": "N", **item}
        for item in ACTIVITIES
    ]  # fmt: skip
    answer = await client.post(
        "/api/activities/batch", json={"activities": items}, headers=staff.headers
    )
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["created"] * 11
    saved = await t.Activity.select(t.Activity.client_id, t.Activity.id)
    ids = {row["client_id"]: row["id"] for row in saved}
    six, eight, nine = (ids[uuid.UUID(items[i]["client_id"])] for i in (5, 7, 8))
    for method, url, body in (
        ("PATCH", f"/api/activities/{six}", {"postcode": ""}),
        ("PATCH", f"/api/activities/{eight}", {"review_status": "rejected"}),
        ("DELETE", f"/api/activities/{nine}", None),
    ):
        answer = await client.request(method, url, json=body, headers=staff.headers)
        assert answer.status_code in (200, 204), answer.text
    await sign_in(client, staff.email)


async def blank_rows() -> list[tuple[str, str]]:
    """The rows of "not given" settings and "not known" quintiles in the facet rollups."""
    found = []
    for table in (t.ActivityFacetDaily, t.ActivityFacetMonthly):
        rows = await table.select(table.facet, table.value).where(
            table.facet.is_in(["setting", "quintile"]) & (table.value == "")
        )
        found += [(table._meta.tablename, r["facet"]) for r in rows]
    return found


async def dashboard(client, query: str) -> Tables:
    answer = await client.get(f"/console/{query}", headers=HTML)
    assert answer.status_code == 200
    return Tables(answer.text)


async def not_known_rows(client, query: str) -> tuple[list[str], list[str]]:
    """The "Not given" row of the settings and the "Not known" row of the places'
    quintiles (activities, reach and hours)."""
    tables = await dashboard(client, query)
    place = tables.rows("deprivation-table")[""]
    return tables.rows("settings-table")[""], [place[0], *place[3:5], place[6]]


async def check_the_dashboard(client) -> None:
    # Everything: 9 counted activities (8 rejected, 9 deleted), 56 reached, 49 hours.
    tables = await dashboard(client, "")
    assert tables.tables["settings-table"][-1] == ["All activities", "9", "56", "49"]
    settings = tables.rows("settings-table")
    assert settings["home"] == ["At home", "1", "3", "1"]
    assert settings["school-college"] == ["School or college", "1", "5", "3"]
    assert settings["online"] == ["Online", "1", "8", "6"]
    # 2, 4, 5, 7, 10, 11: 4 + 6 + 7 + 9 + 2 + 12 reached; 2 + 4 + 5 + 7 + 10 + 11 hours
    assert settings[""] == ["Not given", "6", "40", "39"]
    places = tables.rows("deprivation-table")
    assert places["1"][3:5] + places["1"][6:] == ["1", "3", "1"]  # 1
    assert places["2"][3:5] + places["2"][6:] == ["2", "8", "14"]  # 4 and 10
    # 2, 3, 5, 6, 7, 11: 4 + 5 + 7 + 8 + 9 + 12 reached; 2 + 3 + 5 + 6 + 7 + 11 hours
    assert places[""][3:5] + places[""][6:] == ["6", "45", "34"]

    # Health Champions in area N from 20 September to 10 November: September's and
    # November's days and the whole of October. Counted: 1, 2, 3, 4 and 10.
    query = "?programme=health-champions&footprint=N&since=2026-09-20&until=2026-11-10"
    tables = await dashboard(client, query)
    assert tables.tables["settings-table"][-1] == ["All activities", "5", "20", "20"]
    assert await not_known_rows(client, query) == (
        ["Not given", "3", "12", "16"],  # 2, 4 and 10
        ["Not known", "2", "9", "5"],  # 2 (no postcode) and 3 (not in the lookup)
    )
    # Heart Champions: only 7, with neither.
    assert await not_known_rows(client, "?programme=heart-champions") == (
        ["Not given", "1", "9", "7"],
        ["Not known", "1", "9", "7"],
    )
    # Area S: only 5, with no setting and an LSOA with no decile.
    assert await not_known_rows(client, "?footprint=S") == (
        ["Not given", "1", "7", "5"],
        ["Not known", "1", "7", "5"],
    )
    # Within October: 1, 2, 3 and 7 (a whole month from the monthly rollup).
    assert await not_known_rows(client, "?since=2026-10-01&until=2026-10-31") == (
        ["Not given", "2", "13", "9"],  # 2 and 7
        ["Not known", "3", "18", "12"],  # 2, 3 and 7
    )
    # Only known values: no Not given row has anything in it.
    assert await not_known_rows(client, "?since=2026-10-05&until=2026-10-05") == (
        ["Not given", "0", "0", "0"],
        ["Not known", "0", "0", "0"],
    )


async def test_not_given_and_not_known_are_the_activities_with_none(client):
    await write_movement(client)
    assert await blank_rows() == []
    topics = await t.ActivityFacetDaily.count().where(
        (t.ActivityFacetDaily.facet == "topic") & (t.ActivityFacetDaily.value == "")
    )
    assert topics > 0  # "no topic" keeps its rows: it cannot be worked out
    await check_the_dashboard(client)

    async with write_transaction():
        await rollup.rebuild()
    assert await blank_rows() == []
    await check_the_dashboard(client)


async def test_the_migration_drops_the_rows_and_backwards_puts_them_back(client):
    await write_movement(client)
    async with write_transaction():
        await migration.put_back_not_known()
    monthly = await t.ActivityFacetMonthly.select().where(
        t.ActivityFacetMonthly.facet.is_in(["setting", "quintile"])
        & (t.ActivityFacetMonthly.value == "")
    )
    programmes = {await f.programme_id("health-champions"): "H",
                  await f.programme_id("heart-champions"): "R"}  # fmt: skip
    areas = {r["id"]: r["code"] for r in await t.Footprint.select()}
    assert sorted(
        (r["facet"], str(r["month"])[:7], programmes[r["programme"]], areas[r["footprint"]],
         r["activities"], r["people_reached"], r["minutes"])
        for r in monthly
    ) == [
        ("quintile", "2026-09", "H", "N", 1, 12, 660),  # 11
        ("quintile", "2026-10", "H", "N", 2, 9, 300),  # 2, 3
        ("quintile", "2026-10", "R", "N", 1, 9, 420),  # 7
        ("quintile", "2026-11", "H", "N", 1, 8, 360),  # 6
        ("quintile", "2026-11", "H", "S", 1, 7, 300),  # 5
        ("setting", "2026-09", "H", "N", 2, 14, 1260),  # 10, 11
        ("setting", "2026-10", "H", "N", 1, 4, 120),  # 2
        ("setting", "2026-10", "R", "N", 1, 9, 420),  # 7
        ("setting", "2026-11", "H", "N", 1, 6, 240),  # 4
        ("setting", "2026-11", "H", "S", 1, 7, 300),  # 5
    ]  # fmt: skip
    daily = await t.ActivityFacetDaily.count().where(
        t.ActivityFacetDaily.facet.is_in(["setting", "quintile"])
        & (t.ActivityFacetDaily.value == "")
    )
    assert daily == 12  # one row for each activity above, 2 and 3 on different days
    await check_the_dashboard(client)  # rows kept by an older version are not counted twice

    async with write_transaction():
        await migration.drop_not_known()
    assert await blank_rows() == []
    await check_the_dashboard(client)


async def test_the_two_reads_see_one_moment_whatever_is_written_between_them():
    """The totals and the known values are read in one snapshot (server.db.snapshot): an
    activity committed between the two reads is in neither, so "Not given" cannot be
    skewed by it (on PostgreSQL too, where each statement would see it otherwise)."""
    programme = await f.programme_id("health-champions")
    go = asyncio.Event()

    async def write_meanwhile() -> None:  # a task of its own: not in the snapshot
        await go.wait()
        await f.activities({"programme": programme, "kind": "event",
                            "occurred_on": date(2026, 10, 1), "people_reached": 1})  # fmt: skip

    writer = asyncio.create_task(write_meanwhile())
    async with snapshot():
        before = await t.Activity.count()
        go.set()
        await writer
        after = await t.Activity.count()
    assert (before, after) == (0, 0)
    assert await t.Activity.count() == 1
