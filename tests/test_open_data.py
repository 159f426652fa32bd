"""Open data: monthly numbers by programme and area, the same as /api/totals, small ones
hidden, nothing personal, licensed under the OGL."""

from __future__ import annotations

import csv
import io
from datetime import date

from server.totals.services import invalidate
from tests import factories as f
from tests.html import Page

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
    api = (
        await client.get(
            "/api/totals?programme=health-champions&footprint=LE&since=2026-03-01&until=2026-03-31"
        )
    ).json()
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
    assert found["AS"]["activities"] == 9
    text = (await client.get("/open-data/monthly.csv")).text
    table = list(csv.DictReader(io.StringIO(text)))
    leigh = next(r for r in table if r["area"] == "LE")
    assert leigh["activities"] == "" and leigh["reach"] == "10"  # reach 10 is not small


async def test_new_members_by_month_and_nothing_personal(client):
    leigh = await f.footprint("LE", "Leigh")
    for i in range(6):
        person = await f.person(f"Zebedee Uniquename {i}", footprint=leigh, email=f"z{i}@x.org")
        await f.join(person, "dementia-friends", joined_on=date(2026, 2, 10))
    invalidate()
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
