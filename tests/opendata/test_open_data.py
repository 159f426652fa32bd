"""Open data: monthly numbers by programme and area, the same as /api/totals, small ones
hidden, nothing personal, licensed under the OGL."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from server.db import note_write
from tests.helpers import factories as f
from tests.helpers.html import Page

MONTH = date(2026, 3, 1)


async def log(client, coordinator, area: str, reached: int, day: date = MONTH) -> None:
    answer = await client.post(
        "/api/activities",
        json={
            "programme": "health-champions",
            "kind": "event",
            "people_reached": reached,
            "minutes": 90,
            "occurred_on": day.isoformat(),
            "footprint": area,
        },
        headers=coordinator.headers,
    )
    assert answer.status_code == 201, answer.text


async def rows(client) -> list[dict]:
    data = (await client.get("/open-data/monthly.json")).json()
    return data["rows"]


async def test_the_months_agree_with_the_totals_api(client):
    await f.footprint("LE", "Leigh")
    await f.footprint("WC", "Wigan Central")
    coordinator = await f.user("coordinator")
    for _ in range(6):
        await log(client, coordinator, "LE", 10)
        await log(client, coordinator, "WC", 20)
    found = {(r["month"], r["programme"], r["area"]): r for r in await rows(client)}
    leigh = found[("2026-03", "health-champions", "LE")]
    query = "/api/totals?programme=health-champions&footprint=LE&since=2026-03-01&until=2026-03-31"
    api = (await client.get(query, headers=coordinator.headers)).json()
    assert (leigh["activities"], leigh["reach"], leigh["hours"]) == (6, 60, 9.0)
    assert (leigh["activities"], leigh["reach"]) == (api["activities"], api["reach"])
    assert leigh["area_name"] == "Leigh" and leigh["programme_name"] == "Health Champions"


async def test_small_numbers_are_empty_with_another_beside_them(client):
    await f.footprint("LE", "Leigh")
    await f.footprint("WC", "Wigan Central")
    await f.footprint("AS", "Ashton")
    coordinator = await f.user("coordinator")
    await log(client, coordinator, "LE", 10)  # one activity in Leigh: small
    for _ in range(7):
        await log(client, coordinator, "WC", 10)
    for _ in range(9):
        await log(client, coordinator, "AS", 10)
    found = {r["area"]: r for r in await rows(client) if r["month"] == "2026-03"}
    assert found["LE"]["activities"] is None and found["LE"]["hours"] is None
    assert found["WC"]["activities"] is None  # the smallest other, hidden beside it
    # Wigan's month is all of Wigan's activities: its all-time number is hidden with it.
    wigan = (await client.get("/api/totals?footprint=WC")).json()
    assert wigan["activities"] is None and wigan["programmes"][0]["activities"] is None
    assert wigan["reach"] == 70  # not small, and giving nothing away: shown
    text = (await client.get("/open-data/monthly.csv")).text
    table = list(csv.DictReader(io.StringIO(text)))
    leigh = next(r for r in table if r["area"] == "LE")
    # Reach 10 is not small and hides nothing: shown here and in Leigh's own numbers.
    assert leigh["activities"] == "" and leigh["reach"] == "10"
    assert (await client.get("/api/totals?footprint=LE")).json()["reach"] == 10


async def test_new_members_by_month_and_nothing_personal(client):
    leigh = await f.footprint("LE", "Leigh")
    for i in range(6):
        person = await f.person(f"Zebedee Uniquename {i}", footprint=leigh, email=f"z{i}@x.org")
        await f.join(person, "dementia-friends", joined_on=date(2026, 2, 10))
    note_write()
    found = [r for r in await rows(client) if r["programme"] == "dementia-friends"]
    assert [(r["month"], r["area"], r["new_members"]) for r in found] == [("2026-02", "LE", 6)]
    for path in ("/open-data/monthly.json", "/open-data/monthly.csv"):
        body = (await client.get(path)).text
        assert "Zebedee" not in body and "@x.org" not in body


async def test_the_files_say_their_licence_and_are_open_to_any_site(client):
    data = await client.get("/open-data/monthly.json")
    assert data.json()["licence"] == "Open Government Licence v3.0"
    assert 'rel="license"' in data.headers["link"]
    assert data.headers["access-control-allow-origin"] == "*"
    again = await client.get(
        "/open-data/monthly.json", headers={"if-none-match": data.headers["etag"]}
    )
    assert again.status_code == 304
    csv_file = await client.get("/open-data/monthly.csv")
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert csv_file.text.splitlines()[0].startswith("month,programme,programme_name,area")
    page = Page((await client.get("/open-data", headers={"accept": "text/html"})).text)
    assert "Open Government Licence v3.0" in page.text
    assert "/open-data/monthly.csv" in page.links


@pytest.mark.slow
async def test_a_hidden_month_cannot_be_worked_out_from_the_widgets_all_time_number(client):
    for code in ("LE", "WC", "AS"):
        await f.footprint(code, f"Area {code}")
    coordinator = await f.user("coordinator")
    april = date(2026, 4, 1)
    for area, march, in_april in (("LE", 3, 10), ("WC", 8, 9), ("AS", 7, 12)):
        for _ in range(march):
            await log(client, coordinator, area, 10)
        for _ in range(in_april):
            await log(client, coordinator, area, 10, april)
    widget = (await client.get("/api/totals?footprint=LE")).json()
    assert widget["activities"] == 13  # all time, not small: the public sees it
    found = {(r["month"], r["area"]): r for r in await rows(client)}
    assert found[("2026-03", "LE")]["activities"] is None  # 3: small
    # 13 minus April's 10 would give March's 3: April's is hidden as well ...
    assert found[("2026-04", "LE")]["activities"] is None
    # ... and so is another area's in April, or the borough's April total would give it.
    assert sum(found[("2026-04", a)]["activities"] is None for a in ("WC", "AS")) >= 1
    for area in ("LE", "WC", "AS"):
        months = [found[(m, area)]["activities"] for m in ("2026-03", "2026-04")]
        assert months.count(None) != 1, area  # one hidden month = all time minus the rest


async def test_the_public_gets_one_areas_numbers_for_all_time_only(client):
    await f.footprint("LE", "Leigh")
    champion, coordinator = await f.user("champion"), await f.user("coordinator")
    for query, fields in (
        ("footprint=LE&since=2026-01-01", {"since"}),
        ("footprint=LE&programme=health-champions&until=2026-03-31", {"programme", "until"}),
    ):
        for headers in ({}, champion.headers):
            answer = await client.get(f"/api/totals?{query}", headers=headers)
            assert answer.status_code == 422, query  # each fits; not together
            errors = answer.json()["errors"]
            assert set(errors) == fields
            assert all("/open-data" in message for message in errors.values())
        staff = await client.get(f"/api/totals?{query}", headers=coordinator.headers)
        assert staff.status_code == 200
    assert (await client.get("/api/totals?since=2026-01-01")).status_code == 200  # borough
