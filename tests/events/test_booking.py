"""Booking a place: no account, every mistake at once, capacity held under concurrency on
both engines, the waiting list, cancelling by the emailed link, the per-address limit."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from schema.tables import Booking, UpcomingSession
from server.accounts.sign_in import PER_ADDRESS
from tests.helpers import factories as f
from tests.helpers.console import signed_in
from tests.helpers.events import publish_upcoming
from tests.helpers.html import HTML, Page
from tests.helpers.mail import read

CANCEL = re.compile(r"http://\S+/bookings/(\S+)")


async def form_page(client, session_id: int) -> Page:
    return Page((await client.get(f"/events/{session_id}", headers=HTML)).text)


async def send(client, session_id: int, **data):
    page = await form_page(client, session_id)
    token = page.inputs["_csrf_token"]
    return await client.post(
        f"/events/{session_id}", data={"_csrf_token": token, **data}, headers=HTML
    )


async def test_a_resident_books_with_an_email_and_gets_a_link_to_cancel(client, smtp):
    session = await publish_upcoming(capacity=2)
    answer = await send(client, session, name="Rita Resident", email="rita@example.org")
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith(f"/events/{session}?booked=booked")
    done = Page((await client.get(answer.headers["location"], headers=HTML)).text)
    assert "Your place is booked" in done.text and "1 of 2 left" in done.text
    (message,) = smtp.for_address("rita@example.org")
    subject, text = read(message)
    assert subject.startswith("Your place is booked")
    token = CANCEL.search(text).group(1)
    row = await Booking.select().first()
    assert row["token_hash"] != token and len(row["token_hash"]) == 64  # only the hash
    page = Page((await client.get(f"/bookings/{token}", headers=HTML)).text)
    assert f"/bookings/{token}" in page.forms
    cancelled = await client.post(
        f"/bookings/{token}", data={"_csrf_token": page.inputs["_csrf_token"]}, headers=HTML
    )
    assert cancelled.status_code == 200 and "Your place is cancelled" in Page(cancelled.text).text
    assert (await Booking.select(Booking.status).first())["status"] == "cancelled"
    again = Page((await client.get(f"/events/{session}", headers=HTML)).text)
    assert "2 of 2 left" in again.text


async def test_every_problem_is_shown_beside_its_field_and_what_was_typed_kept(client):
    session = await publish_upcoming()
    answer = await send(client, session, name="", email="not an email", mobile="12345")
    assert answer.status_code == 400
    page = Page(answer.text)
    assert len(page.errors) == 3
    assert page.inputs["email"] == "not an email" and page.inputs["mobile"] == "12345"
    neither = await send(client, session, name="Rita")
    assert "Enter an email address or a UK mobile number" in " ".join(Page(neither.text).errors)


async def test_a_mobile_number_alone_is_enough(client):
    session = await publish_upcoming()
    answer = await send(client, session, name="Mo Bile", mobile="+44 7700 900123")
    assert answer.status_code == 303
    row = await Booking.select().first()
    assert (row["mobile"], row["email"]) == ("07700900123", None)


async def test_a_full_session_offers_the_waiting_list_and_a_cancellation_gives_the_place(
    client, smtp
):
    session = await publish_upcoming(capacity=1)
    assert (await send(client, session, name="First", email="first@example.org")).status_code == 303
    page = await form_page(client, session)
    assert "Join the waiting list" in page.text and page.inputs.get("waiting") == "yes"
    full = await client.post(
        f"/events/{session}",
        data={
            "_csrf_token": page.inputs["_csrf_token"],
            "name": "Second",
            "email": "s@example.org",
        },
        headers=HTML,
    )
    assert full.status_code == 409
    shown = Page(full.text)
    assert "This session is now full" in shown.text and shown.inputs["name"] == "Second"
    waiting = await send(client, session, name="Second", email="s@example.org", waiting="yes")
    assert waiting.headers["location"].endswith("booked=waiting")
    token = CANCEL.search(read(smtp.for_address("first@example.org")[0])[1]).group(1)
    page = Page((await client.get(f"/bookings/{token}", headers=HTML)).text)
    await client.post(f"/bookings/{token}", data={"_csrf_token": page.inputs["_csrf_token"]})
    statuses = {r["name"]: r["status"] for r in await Booking.select(Booking.name, Booking.status)}
    assert statuses == {"First": "cancelled", "Second": "booked"}
    subjects = [read(m)[0] for m in smtp.for_address("s@example.org")]
    assert any(s.startswith("A place has come up") for s in subjects)


async def test_two_people_asking_for_the_last_place_at_once_one_gets_it(app, database):
    """Two real concurrent requests (the write transaction on SQLite, a row lock on
    PostgreSQL): exactly one place is given, the other is offered the waiting list."""
    session = await publish_upcoming(capacity=1)
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        for _ in range(2)
    ]
    pages = [await form_page(c, session) for c in clients]

    async def ask(c, page, n):
        data = {
            "_csrf_token": page.inputs["_csrf_token"],
            "name": f"R{n}",
            "email": f"r{n}@example.org",
        }
        return await c.post(f"/events/{session}", data=data, headers=HTML)

    answers = await asyncio.gather(
        *(ask(c, p, n) for n, (c, p) in enumerate(zip(clients, pages, strict=True)))
    )
    for c in clients:
        await c.aclose()
    assert sorted(a.status_code for a in answers) == [303, 409]
    assert await Booking.count().where(Booking.status == "booked") == 1


async def test_many_bookings_from_one_address_are_refused_with_429(client):
    session = await publish_upcoming(capacity=500)
    await Booking.insert(
        *[Booking(session=session, name=f"B{n}", mobile="07700900123", requested_from="127.0.0.1")
          for n in range(PER_ADDRESS)]
    )  # fmt: skip
    answer = await send(client, session, name="One more", email="more@example.org")
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0
    assert Page(answer.text).inputs["name"] == "One more"


async def test_the_organiser_and_staff_see_the_bookings_and_no_one_else(client):
    session = await publish_upcoming(capacity=5)
    await send(client, session, name="Rita Resident", email="rita@example.org")
    client.cookies.clear()
    await signed_in(client, "coordinator")
    page = Page((await client.get(f"/console/upcoming/{session}/bookings", headers=HTML)).text)
    assert "Rita Resident" in page.text and "rita@example.org" in page.text
    client.cookies.clear()
    other = await f.user("champion", email="other@example.org")
    from tests.helpers.signin import sign_in

    await sign_in(client, other.email)
    answer = await client.get(f"/upcoming/{session}/bookings", headers=HTML)
    assert answer.status_code == 404 and "Rita" not in answer.text


async def test_a_crafted_cancel_link_gets_link_not_valid(client):
    answer = await client.get("/bookings/..%5C..%5Cstories", headers=HTML)
    assert answer.status_code == 404 and Page(answer.text).h1 == "This link does not work"


@pytest.fixture(autouse=True)
async def _no_sessions_left():
    yield
    await Booking.delete(force=True)
    await UpcomingSession.delete(force=True)
