"""The public numbers are remade every minute (another worker may have written): nobody
waits for that remake, while a write in this worker is seen at once."""

from __future__ import annotations

import asyncio
import dataclasses

from server.db import note_write
from server.public import release
from server.totals.services import CACHE
from tests.helpers import factories as f
from tests.helpers.html import Page


async def test_when_only_the_minute_ran_out_the_current_numbers_are_served_meanwhile(client):
    await f.footprint("WC")
    first = await client.get("/embed")
    assert first.status_code == 200
    made = release._current
    assert made is not None
    # The minute runs out, and meanwhile another worker (here: this test, straight to the
    # database, without telling this worker) adds a champion.
    release._current = dataclasses.replace(made, fresh_until=0.0)
    release.RENDERED.entries.clear()  # type: ignore[attr-defined]  # the answers made from them run out with them
    CACHE.entries.clear()  # and so have the totals' ten seconds (no new generation)
    champion = await f.person(name="Nia Other")
    await f.join(champion, "health-champions")
    served = await client.get("/embed")
    assert served.status_code == 200
    assert Page(served.text).text == Page(first.text).text  # no wait: the current numbers
    assert release._BACKGROUND, "the new numbers are being made meanwhile"
    for task in list(release._BACKGROUND):
        await task
    assert release._current is not made and release._current.borough["people"] == 1
    assert "1 citizen" in Page((await client.get("/embed")).text).text.replace("\n", " ")


async def test_answers_made_from_the_kept_numbers_are_kept_while_new_ones_are_made(
    client, monkeypatch
):
    """Past their minute, the answers made from the numbers still served are served as they
    were (not rendered and gzipped again on every request) until the new numbers arrive;
    a write in this worker is still seen at once, even while those are being made."""
    area = await f.footprint("WC")
    assert (await client.get("/api/totals?footprint=WC")).json()["people"] == 0
    first = await client.get("/embed")
    data = await client.get("/open-data/monthly.json", headers={"accept-encoding": "gzip"})
    assert first.status_code == data.status_code == 200
    made = release._current
    assert made is not None
    # The minute runs out, for the numbers and for every answer made from them.
    release._current = dataclasses.replace(made, fresh_until=0.0)
    entries = release.RENDERED.entries  # type: ignore[attr-defined]
    for key, entry in list(entries.items()):
        entries[key] = dataclasses.replace(entry, fresh_until=0.0)
    kept = {k: v for k, v in entries.items() if k.startswith(("embed?", "open-data:json"))}
    assert len(kept) == 2
    # The new numbers are read at once, then take their time, until the test lets them go.
    gate = asyncio.Event()
    make = release._make

    async def slow(generation: int) -> release.PublicNumbers:
        numbers = await make(generation)
        await gate.wait()
        return numbers

    monkeypatch.setattr(release, "_make", slow)
    for _ in range(3):
        assert (await client.get("/embed")).text == first.text
        again = await client.get("/open-data/monthly.json", headers={"accept-encoding": "gzip"})
        assert again.content == data.content
    assert release._BACKGROUND, "the new numbers are being made meanwhile"
    assert all(entries[k] is v for k, v in kept.items()), "served as made, not made again"
    # Six people of the area join in this worker while those numbers (read before the
    # write) are still being made: the area's answer must count them at once.
    for n in range(6):
        champion = await f.person(name=f"Nia {n}", footprint=area)
        await f.join(champion, "health-champions")
    note_write()
    asked = asyncio.create_task(client.get("/api/totals?footprint=WC"))
    await asyncio.sleep(0.05)
    assert not asked.done(), "the writer waits for numbers made after their write"
    gate.set()
    served = await asked
    assert served.status_code == 200 and served.json()["people"] == 6
    for task in list(release._BACKGROUND):
        await task
