"""A small movement to count, and the dashboard's tables read from its HTML."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from html.parser import HTMLParser

from schema.tables import Activity, ExternalCount, FriendsSession
from server.db import write_transaction
from server.settings import today
from server.totals import rollup
from server.totals.services import invalidate
from tests.helpers import factories as f


class Tables(HTMLParser):
    """Every table with an id, as rows of cell texts; and each row's data- key."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.keys: dict[str, list[str]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._hidden = 0
        self.selected: dict[str, str] = {}  # each select's chosen option
        self._select = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table], self.keys[self._table] = [], []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
            key = next((v for k, v in attrs if k.startswith("data-")), None)
            self.keys[self._table].append(key)  # type: ignore[arg-type]
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif (
            tag == "span" and self._cell is not None and "visually-hidden" in (a.get("class") or "")
        ):
            self._hidden += 1
        elif tag == "select":
            self._select = a.get("name") or ""
            self.selected[self._select] = ""
        elif tag == "option" and self._select and "selected" in a:
            self.selected[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "span" and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if self._cell is not None and not self._hidden:
            self._cell.append(data)

    def rows(self, table: str) -> dict[str, list[str]]:
        """Body rows by their data- key (slug, area code or month)."""
        return {
            k: r for k, r in zip(self.keys[table], self.tables[table], strict=True) if k is not None
        }


def num(text: str) -> float:
    return float(text.replace(",", "")) if text not in ("", "–") else 0.0


async def movement() -> dict[str, int]:
    """A small movement: two areas and people without one, roles old and new (one left),
    activities (one rejected, one without an area), Friends sessions and outside figures."""
    wc, le = await f.footprint("WC", "Wigan Central"), await f.footprint("LE", "Leigh")
    now = today()
    ann = await f.person("Ann", footprint=wc)
    bob = await f.person("Bob", footprint=le)
    cat = await f.person("Cat")  # no area
    dee = await f.person("Dee", footprint=wc)
    await f.join(ann, "health-champions", joined_on=date(2025, 1, 10))
    await f.join(ann, "dementia-friends", joined_on=now)  # new this month
    await f.join(bob, "health-champions", joined_on=now.replace(day=1))
    await f.join(bob, "heart-champions", joined_on=date(2025, 6, 2))
    await f.join(cat, "dementia-friends", joined_on=date(2025, 6, 20))
    await f.join(dee, "cancer-champions", joined_on=now, status="left")
    health, dementia = (
        await f.programme_id("health-champions"),
        await f.programme_id("dementia-friends"),
    )
    month_ago = now - timedelta(days=31)
    rows = [
        (health, date(2025, 1, 15), wc, 10, 60, "not-needed"),
        (health, date(2025, 2, 28), le, 20, 30, "not-needed"),
        (health, month_ago, wc, 40, 90, "needs-review"),  # waiting for review: counts
        (health, month_ago, wc, 5000, 600, "rejected"),  # never counts
        (health, now, None, 7, 15, "not-needed"),
        (await f.programme_id("heart-champions"), date(2025, 3, 3), le, 3, 45, "not-needed"),
    ]
    await Activity.insert(
        *[
            Activity(
                client_id=uuid.uuid4(),
                person=ann,
                programme=p,
                kind="event",
                occurred_on=d,
                footprint=fp,
                people_reached=r,
                minutes=m,
                review_status=s,
            )
            for p, d, fp, r, m, s in rows
        ]
    )
    async with write_transaction():
        await rollup.rebuild()
    await FriendsSession.insert(
        FriendsSession(programme=dementia, held_on=date(2025, 3, 1), attendees=20, footprint=wc),
        FriendsSession(programme=dementia, held_on=month_ago, attendees=15),
    )
    await ExternalCount.insert(
        ExternalCount(
            programme=dementia,
            friends=100,
            as_of=date(2025, 1, 31),
            source="National",
            footprint=le,
        ),
        ExternalCount(
            programme=dementia,
            friends=130,
            as_of=date(2025, 6, 30),
            source="National",
            footprint=le,
        ),
        ExternalCount(programme=dementia, friends=50, as_of=date(2025, 6, 30), source="Borough"),
    )
    invalidate()
    return {"WC": wc, "LE": le}
