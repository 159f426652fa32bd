"""A champion's own numbers on the home page: this month, this year, all time."""

from __future__ import annotations

from server.home.services import MyNumbers, my_numbers
from server.settings import today
from tests.helpers import factories as f


async def test_my_numbers_by_month_year_and_all_time_without_rejected():
    me = await f.person("Jo")
    other = await f.person("Someone Else")
    health = await f.programme_id("health-champions")
    now = today()
    last_year = now.replace(year=now.year - 1)
    earlier_this_year = now.replace(month=1, day=1) if now.month > 1 else None
    rows = [
        (me, now, 10, 30, "not-needed"),
        (me, last_year, 5, 90, "not-needed"),
        (me, now, 900, 60, "rejected"),
        (other, now, 7, 60, "not-needed"),
    ]
    if earlier_this_year is not None and earlier_this_year < now.replace(day=1):
        rows.append((me, earlier_this_year, 2, 30, "not-needed"))
    await f.activities(
        *[
            {
                "person": p,
                "programme": health,
                "kind": "event",
                "occurred_on": day,
                "people_reached": reach,
                "minutes": minutes,
                "review_status": status,
            }
            for p, day, reach, minutes, status in rows
        ]
    )
    month, year, ever = await my_numbers(me)
    assert month == MyNumbers(1, 10, 30)
    extra = 1 if len(rows) == 5 else 0
    assert year == MyNumbers(1 + extra, 10 + 2 * extra, 30 + 30 * extra)
    assert ever == MyNumbers(2 + extra, 15 + 2 * extra, 120 + 30 * extra)
    assert await my_numbers(None) == [MyNumbers(0, 0, 0)] * 3
