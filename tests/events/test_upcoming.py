"""Upcoming sessions: published by staff and by champions trained to run them, listed for
the public (page, iCalendar, JSON) with nothing about organisers or bookers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from schema.tables import Account, Booking, UpcomingSession
from server.events.calendar import escape, fold
from tests.helpers import factories as f
from tests.helpers.console import post_form, signed_in
from tests.helpers.html import HTML, Page

SOON = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=10)).date()


def body(**more) -> dict:
    return {
        "programme": "dementia-friends",
        "title": "Dementia Friends Information Session",
        "starts_on": SOON.isoformat(),
        "start_time": "14:30",
        "minutes": 60,
        "venue": "Wigan Library, Market Place",
        "footprint": "WC",
        "capacity": 12,
        "accessibility": "Step-free; hearing loop",
        **more,
    }


async def publish(client, who, **more) -> dict:
    from server.events.services import UPCOMING
    from server.lib.auth import Actor
    from server.lib.records import Context, create_record

    account = await Account.select(Account.id).where(Account.email == who.email).first()
    actor = Actor(account["id"], who.role, who.person_id)
    made = await create_record(UPCOMING, await Context.load(actor), body(**more))
    return {"id": made.id, "starts_at": made.starts_at}


async def test_a_coordinator_publishes_a_session_in_the_console_and_it_is_listed(client):
    await f.footprint("WC", "Wigan Central")
    await signed_in(client, "coordinator")
    page = Page((await client.get("/console/upcoming/new", headers=HTML)).text)
    assert "starts_on-day" in page.inputs or "title" in page.inputs
    sent = body(starts_on="", minutes="60", capacity="12")
    sent.update({"starts_on-day": str(SOON.day), "starts_on-month": str(SOON.month),
                 "starts_on-year": str(SOON.year), "bookable": "yes"})  # fmt: skip
    answer = await post_form(client, "/console/upcoming/new", sent)
    assert answer.status_code == 303, answer.text
    row = await UpcomingSession.select().first()
    assert row["title"] == "Dementia Friends Information Session"
    local = row["starts_at"].astimezone(ZoneInfo("Europe/London"))
    assert (local.date(), local.hour, local.minute) == (SOON, 14, 30)
    listing = Page((await client.get("/console/upcoming", headers=HTML)).text)
    assert "Dementia Friends Information Session" in listing.text
    public = Page((await client.get("/events", headers=HTML)).text)
    assert f"/events/{row['id']}" in public.links, (public.text, row)
    one = Page((await client.get(f"/events/{row['id']}", headers=HTML)).text)
    assert one.headings == ["Dementia Friends Information Session"]
    assert "2:30pm to 3:30pm" in one.text and "12 of 12 left" in one.text


async def test_every_mistake_is_shown_beside_its_field_with_what_was_typed_kept(client):
    await signed_in(client, "coordinator")
    sent = {"title": "My session", "start_time": "25:99", "capacity": "0", "venue": ""}
    answer = await post_form(client, "/console/upcoming/new", sent)
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.inputs["title"] == "My session" and page.inputs["start_time"] == "25:99"
    assert len(page.errors) >= 5  # programme, date, time, venue, capacity


async def test_a_session_in_the_past_cannot_be_published(client):
    await signed_in(client, "coordinator")
    past = datetime.now(UTC).date() - timedelta(days=2)
    sent = body(starts_on="")
    sent.update({"starts_on-day": str(past.day), "starts_on-month": str(past.month),
                 "starts_on-year": str(past.year), "footprint": ""})  # fmt: skip
    answer = await post_form(client, "/console/upcoming/new", sent)
    assert answer.status_code == 400
    assert "An upcoming session must start in the future." in Page(answer.text).errors


async def test_a_trained_champion_publishes_their_own_and_others_cannot(client, champion):
    await signed_in_as(client, champion)
    page = Page((await client.get("/upcoming/new", headers=HTML)).text)
    assert "dementia-friends" in page.selects["programme"]
    sent = body(starts_on="", footprint="WC")
    sent.update({"starts_on-day": str(SOON.day), "starts_on-month": str(SOON.month),
                 "starts_on-year": str(SOON.year), "bookable": "yes"})  # fmt: skip
    answer = await post_form(client, "/upcoming/new", sent)
    assert answer.status_code == 303, answer.text
    row = await UpcomingSession.select().first()
    assert row["organiser"] == champion.person_id
    mine = Page((await client.get("/upcoming", headers=HTML)).text)
    assert f"/upcoming/{row['id']}/edit" in mine.links
    # Cancelled by its organiser: off the list, and cancelled in the calendar.
    changed = await post_form(
        client, f"/upcoming/{row['id']}/edit", {**sent, "status": "cancelled"}
    )
    assert changed.status_code == 303, changed.text
    assert f"/events/{row['id']}" not in Page((await client.get("/events")).text).links
    assert "STATUS:CANCELLED" in (await client.get("/events.ics")).text


async def test_a_champion_not_trained_to_run_sessions_cannot_publish(client):
    await f.footprint("WC", "Wigan Central")
    user = await f.user("champion", email="hc@example.org")
    await f.join(user.person_id, "health-champions")
    await signed_in_as(client, user)
    page = Page((await client.get("/upcoming/new", headers=HTML)).text)
    assert "ask your coordinator" in page.text


async def signed_in_as(client, user) -> None:
    from tests.helpers.signin import sign_in

    await sign_in(client, user.email)


async def test_the_feeds_show_only_public_sessions_and_nothing_personal(client, coordinator):
    await f.footprint("WC", "Wigan Central")
    organiser = await f.person("Olive Organiser", email="olive@example.org")
    public = await publish(
        client, coordinator, title="Open, session; with commas", organiser=organiser
    )
    await publish(client, coordinator, title="Staff only", bookable=False)
    await Booking.insert(Booking(session=public["id"], name="Bea Booker", email="bea@example.org"))
    answer = await client.get("/events.json")
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["cache-control"] == "public, max-age=60"
    assert "set-cookie" not in answer.headers
    events = answer.json()["events"]
    assert [e["title"] for e in events] == ["Open, session; with commas"]
    assert events[0]["places_left"] == 11
    text = answer.text
    for secret in ("Olive", "olive@", "Bea", "bea@", "organiser"):
        assert secret not in text
    again = await client.get("/events.json", headers={"if-none-match": answer.headers["etag"]})
    assert again.status_code == 304
    ics = await client.get("/events.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.headers["access-control-allow-origin"] == "*"
    lines = ics.content.decode().split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    start = public["starts_at"].astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in lines
    assert "SUMMARY:Open\\, session\\; with commas" in lines
    assert sum(1 for line in lines if line.startswith("UID:")) == 1
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    for secret in ("Olive", "Bea"):
        assert secret not in ics.text
    one = await client.get("/events/dementia-friends.ics")
    assert one.status_code == 200 and "Open\\, session" in one.text
    autism = await client.get("/events/autism-friends.ics")
    assert autism.status_code == 200 and "BEGIN:VEVENT" not in autism.text
    assert (await client.get("/events/health-champions.ics")).status_code == 404
    assert (await client.get("/events/nothing.ics")).status_code == 404


async def test_the_list_filters_by_programme_and_area_without_javascript(client, coordinator):
    await f.footprint("WC", "Wigan Central")
    await f.footprint("LE", "Leigh")
    await publish(client, coordinator, title="In Wigan")
    await publish(client, coordinator, title="In Leigh", footprint="LE")
    await publish(
        client, coordinator, title="Autism in Leigh", footprint="LE", programme="autism-friends"
    )
    page = Page((await client.get("/events?area=LE", headers=HTML)).text)
    assert "In Leigh" in page.text and "In Wigan" not in page.text
    page = Page((await client.get("/events?area=LE&programme=autism-friends", headers=HTML)).text)
    assert "Autism in Leigh" in page.text and "In Leigh" not in page.text.replace(
        "Autism in Leigh", ""
    )
    bad = await client.get("/events?area=ZZ", headers=HTML)
    assert bad.status_code == 400 and Page(bad.text).errors


def test_ical_text_is_escaped_and_long_lines_are_folded_at_75_octets():
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line).split("\r\n")
    assert all(len(part.encode()) <= 75 for part in folded)
    assert "".join(p[1:] if i else p for i, p in enumerate(folded)) == line
