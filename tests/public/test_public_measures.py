"""An allow-list: a number reaches the public only once it is classified."""

from __future__ import annotations

import pytest

from server.db import note_write
from server.public.measures import PROGRAMME, TOTALS, unclassified
from server.totals import services
from tests.helpers import factories as f


async def test_every_number_the_totals_make_is_classified(client):
    area = await f.footprint("LE", "Leigh")
    person = await f.person("Pat", footprint=area)
    await f.join(person, "dementia-friends")
    note_write()
    staff = await f.user("coordinator")
    for query in (
        "",
        "?footprint=LE",
        "?programme=dementia-friends",
        "?since=2020-01-01&until=2030-12-31",
    ):
        data = (await client.get(f"/api/totals{query}", headers=staff.headers)).json()
        assert unclassified(data) == [], query  # classify a new number in server/public/measures.py
    assert set(TOTALS) and set(PROGRAMME)


@pytest.fixture
def new_measure(monkeypatch):
    """The totals service as it would be with a new number nobody has classified yet."""
    real = services.compute_totals

    async def with_a_new_number(filters, ref):
        data = await real(filters, ref)
        data["newest_volunteer_age"] = 15
        for p in data["programmes"]:
            p["new_secret"] = 3
        return data

    monkeypatch.setattr(services, "compute_totals", with_a_new_number)
    note_write()
    yield
    note_write()


async def test_a_number_that_is_not_classified_never_reaches_the_public(client, new_measure):
    await f.footprint("LE", "Leigh")
    staff = await f.user("coordinator")
    champion = await f.user("champion")
    assert "newest_volunteer_age" in (await client.get("/api/totals", headers=staff.headers)).text
    for url in (
        "/api/totals",
        "/api/totals?footprint=LE",
        "/api/totals?since=2020-01-01",
        "/embed",
        "/open-data/monthly.json",
    ):
        for headers in ({}, champion.headers):
            text = (await client.get(url, headers=headers)).text
            assert "newest_volunteer_age" not in text and "new_secret" not in text, url
