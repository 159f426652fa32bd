"""After the date: attendance from the booking list plus walk-ins becomes the Friends
session that counts (once), bookers' details go 30 days after the session, and the day
before, one reminder per booking, from a job that runs once across all workers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from schema.tables import Booking, Chore, FriendsSession, OutboxMessage, UpcomingSession
from server.events import reminders
from server.privacy.retention import run_cleanup
from tests.helpers import factories as f
from tests.helpers.console import post_form, signed_in
from tests.helpers.events import publish_upcoming
from tests.helpers.html import HTML, Page
from tests.helpers.signin import sign_in


async def friends(client) -> int:
    totals = (await client.get("/api/totals")).json()
    return {p["slug"]: p for p in totals["programmes"]}["dementia-friends"]["friends"]


async def booked(session: int, *names: str, status: str = "booked") -> list[int]:
    rows = await Booking.insert(
        *[Booking(session=session, name=n, email=f"{n.lower()}@example.org", status=status)
          for n in names]
    ).returning(Booking.id)  # fmt: skip
    return [r["id"] for r in rows]


async def test_attendance_counts_once_and_the_total_rises_by_exactly_the_attendance(client):
    await f.footprint("WC", "Wigan Central")
    session = await publish_upcoming(days=-0.1)  # started a couple of hours ago
    came, _absent = await booked(session, "Ann", "Bob")
    await signed_in(client, "coordinator")
    before = await friends(client)
    page = Page((await client.get(f"/console/upcoming/{session}/bookings", headers=HTML)).text)
    assert f"/console/upcoming/{session}/attendance" in page.forms
    answer = await post_form(
        client,
        f"/console/upcoming/{session}/attendance",
        {"attended": [str(came)], "walk_ins": "3"},
    )
    assert answer.status_code == 303, answer.text
    assert await friends(client) == before + 4
    assert await FriendsSession.count() == 1
    # Again, changed: the same Friends session changes; nothing is counted twice.
    await post_form(client, f"/console/upcoming/{session}/attendance",
                    {"attended": [str(came), str(_absent)], "walk_ins": "1"})  # fmt: skip
    assert await FriendsSession.count() == 1
    assert await friends(client) == before + 3
    row = await UpcomingSession.select(UpcomingSession.friends_session).first()
    assert row["friends_session"] == (await FriendsSession.select(FriendsSession.id).first())["id"]
    shown = Page((await client.get(f"/console/upcoming/{session}/bookings", headers=HTML)).text)
    assert shown.inputs["walk_ins"] == "1"


async def test_nothing_counts_before_attendance_and_not_before_the_session(client):
    session = await publish_upcoming(days=2)
    await booked(session, "Ann")
    await signed_in(client, "coordinator")
    before = await friends(client)
    answer = await post_form(client, f"/console/upcoming/{session}/attendance", {"walk_ins": "5"})
    assert answer.status_code == 400
    assert "once the session has started" in Page(answer.text).text
    assert await friends(client) == before and await FriendsSession.count() == 0


async def test_the_organiser_records_their_own_and_the_champion_review_rules_apply(client):
    await f.footprint("WC", "Wigan Central")
    champion = await f.user("champion", email="dee@example.org")
    await f.join(champion.person_id, "dementia-friends")
    session = await publish_upcoming(days=-0.1, organiser=champion.person_id, capacity=200)
    await sign_in(client, champion.email)
    before = await friends(client)
    page = await client.get(f"/upcoming/{session}/bookings", headers=HTML)
    assert page.status_code == 200
    answer = await post_form(client, f"/upcoming/{session}/attendance", {"walk_ins": "150"})
    assert answer.status_code == 303, answer.text
    fs = await FriendsSession.select().first()
    assert fs["review_status"] == "needs-review" and fs["run_by"] == champion.person_id
    assert await friends(client) == before  # waits for a coordinator, as recorded ones do


async def test_bookers_details_are_deleted_30_days_after_the_session(client):
    old = await publish_upcoming(days=-31)
    recent = await publish_upcoming(days=-29)
    await booked(old, "Old")
    await booked(recent, "Recent")
    done = await run_cleanup()
    assert done["bookings"] == 1
    assert [r["name"] for r in await Booking.select(Booking.name)] == ["Recent"]


async def test_reminders_go_the_day_before_once_per_booking_from_one_worker(client):
    tomorrow = await publish_upcoming(days=1)
    later = await publish_upcoming(days=5)
    await booked(tomorrow, "Ann", "Bob")
    await booked(tomorrow, "Wes", status="waiting")
    await booked(later, "Lou")
    claims = await asyncio.gather(*(reminders.claim() for _ in range(4)))
    assert sorted(claims) == [False, False, False, True]  # one worker a day
    runs = await asyncio.gather(reminders.send_reminders(), reminders.send_reminders())
    assert sum(runs) == 2  # two runs at once: each booking reminded once
    assert await reminders.send_reminders() == 0
    subjects = [r["to"] for r in await OutboxMessage.select(OutboxMessage.to)]
    assert sorted(subjects) == ["ann@example.org", "bob@example.org"]
    assert await Chore.count().where(Chore.name == reminders.CHORE) == 1
    later_claim = await reminders.claim(datetime.now(UTC) + timedelta(days=1, minutes=1))
    assert later_claim is True
