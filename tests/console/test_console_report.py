"""The quarterly report: choosing the quarter, its figures, and only publishable stories."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schema.tables import Story
from server.lib.validation import Invalid
from server.totals.quarter import Quarter, last_complete_quarter, parse_quarter
from tests.helpers import factories as f
from tests.helpers.dashboard import movement, num
from tests.helpers.html import Page, Tables
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "code", "start", "end"),
    [
        ("2026-Q3", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        (" 2025q1 ", "2025-Q1", date(2025, 1, 1), date(2025, 3, 31)),
        ("2024 Q4", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),  # this one, so far
        ("", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),  # the last complete one
        (None, "2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ],
)
def test_a_quarter_is_read_from_its_code(text, code, start, end):
    quarter = parse_quarter(text, TODAY)
    assert (quarter.code, quarter.start, quarter.end) == (code, start, end)


def test_quarters_have_plain_names_and_the_default_is_the_last_complete_one():
    assert Quarter(2026, 3).name == "July to September 2026"
    assert last_complete_quarter(date(2026, 1, 5)).code == "2025-Q4"
    assert last_complete_quarter(date(2026, 3, 31)).code == "2025-Q4"
    assert last_complete_quarter(date(2026, 4, 1)).code == "2026-Q1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-Q5", "Enter a quarter like 2026-Q3"),
        ("Q3 2026", "Enter a quarter like 2026-Q3"),
        ("2027-Q1", "That quarter has not started yet: the latest is 2026-Q4."),
        ("1999-Q2", "Choose a quarter from 2010 on."),
        ("99999999999-Q1", "Enter a quarter like 2026-Q3"),
    ],
)
def test_a_quarter_that_cannot_be_used_says_why(text, message):
    with pytest.raises(Invalid) as caught:
        parse_quarter(text, TODAY)
    assert caught.value.errors["quarter"].startswith(message)


async def story(person: int, text: str, status: str, consent: bool, reviewed: datetime | None):
    await Story.insert(
        Story(
            person=person,
            programme=await f.programme_id("dementia-friends"),
            text=text,
            status=status,
            consent_to_publish=consent,
            reviewed_at=reviewed,
        )
    )


async def signed_in(client):
    user = await f.user("coordinator")
    await sign_in(client, user.email)


async def test_only_approved_stories_with_consent_appear_and_never_their_authors(client):
    author = await f.person(
        "Zebedee Quartermain", email="zebedee@example.org", phone="07700 900123", postcode="WN1 1AA"
    )
    in_q3 = datetime(2025, 8, 1, 12, tzinfo=UTC)
    await story(author, "Approved and agreed: I run a walking group now.", "approved", True, in_q3)
    await story(author, "Approved without consent: must never be shown.", "approved", False, in_q3)
    await story(author, "Still waiting for a coordinator to read it.", "waiting", True, None)
    await story(author, "Declined by the coordinator for some reason.", "declined", True, in_q3)
    await story(
        author,
        "Approved in another quarter, not this one.",
        "approved",
        True,
        datetime(2025, 11, 2, 12, tzinfo=UTC),
    )
    await signed_in(client)
    answer = await client.get("/console/report?quarter=2025-Q3", headers=HTML)
    assert answer.status_code == 200
    text = Page(answer.text).text
    assert "Approved and agreed: I run a walking group now." in text
    assert "Dementia Friends" in text
    for hidden in ("without consent", "Still waiting", "Declined by", "another quarter"):
        assert hidden not in text
    for personal in ("Zebedee", "Quartermain", "zebedee@", "07700", "WN1 1AA"):
        assert personal not in answer.text


async def test_the_report_figures_are_the_totals_for_the_quarter(client):
    await movement()
    await signed_in(client)
    answer = await client.get("/console/report?quarter=2025-Q1", headers=HTML)
    assert answer.status_code == 200
    assert "January to March 2025" in Page(answer.text).h1
    at_end = (await client.get("/api/totals?until=2025-03-31")).json()
    added = (await client.get("/api/totals?since=2025-01-01&until=2025-03-31")).json()
    tables = Tables(answer.text)
    headline = tables.rows("report-headline")
    for key in ("movement_total", "people", "roles", "friends", "reach", "activities", "hours"):
        assert [num(c) for c in headline[key][1:]] == [at_end[key], added[key]], key
    programmes = tables.rows("report-programmes")
    health = programmes["health-champions"]
    assert num(health[1]) == 1 and num(health[2]) == 1  # Ann joined in January 2025
    assert num(health[6]) == 30  # reached in the quarter: 10 in WC and 20 in LE
    areas = tables.rows("report-areas")
    le = (await client.get("/api/totals?since=2025-01-01&until=2025-03-31&footprint=LE")).json()
    assert num(areas["LE"][4]) == le["activities"] and num(areas["LE"][5]) == le["reach"]
    assert '<link rel="stylesheet" href="/static/css/print.css">' in answer.text


async def test_without_a_quarter_the_last_complete_one_is_shown(client):
    await signed_in(client)
    answer = await client.get("/console/report", headers=HTML)
    assert answer.status_code == 200
    from server.settings import today

    assert last_complete_quarter(today()).name in Page(answer.text).h1


@pytest.mark.parametrize("quarter", ["2099-Q1", "last", "2026-Q9"])
async def test_a_bad_quarter_is_shown_beside_the_field(client, quarter):
    await signed_in(client)
    answer = await client.get(f"/console/report?quarter={quarter}", headers=HTML)
    assert answer.status_code == 400
    assert len(Page(answer.text).errors) == 1
    assert 'id="quarter-error"' in answer.text
    assert "report-headline" not in answer.text


async def test_the_print_stylesheet_hides_the_menu_and_forms(client):
    css = (await client.get("/static/css/print.css")).text
    assert "@media print" in css
    assert ".console-nav" in css and "form" in css
