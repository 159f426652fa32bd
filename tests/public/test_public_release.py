"""The public numbers are remade every minute (another worker may have written): nobody
waits for that remake, while a write in this worker is seen at once."""

from __future__ import annotations

import dataclasses

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
