"""The form kit over HTTP, as a champion with JavaScript off would use it: dates typed into
day, month and year boxes, time spent into hours and minutes boxes, mistakes shown again
with every other value kept and the wrong boxes marked, and dates and times shown in words.
The API keeps ISO dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schema.tables import Activity, Person
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.html import Page, date_boxes, typed
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


@pytest.fixture
async def champion(client):
    leigh = await f.footprint("LE", "Leigh")
    user = await f.user("champion", name="Jo Bell")
    await Person.update({Person.footprint: leigh}).where(Person.id == user.person_id)
    await f.join(user.person_id, "heart-champions")
    await sign_in(client, user.email)
    return user


async def _log(client, **fields: str):
    page = Page((await client.get("/log", headers=HTML)).text)
    form = {**page.inputs, "kind": "event", "people_reached": "12", "note": "At the market"}
    return await client.post("/log", data={**form, **fields}, headers=HTML)


async def test_the_log_form_has_date_boxes_filled_with_today_and_empty_time_boxes(client, champion):
    page = Page((await client.get("/log", headers=HTML)).text)
    now = today()
    assert date_boxes(page, "occurred_on") == (str(now.day), str(now.month), str(now.year))
    assert page.inputs["time_hours"] == page.inputs["time_minutes"] == ""
    assert "For example, 27 3 2026" in page.text
    assert page.by_id["occurred_on"]["tag"] == "fieldset"
    assert page.by_id["occurred_on-day"]["inputmode"] == "numeric"
    assert "occurred_on" not in page.inputs and "minutes" not in page.inputs


async def test_a_typed_date_and_time_are_saved_and_shown_in_words(client, champion):
    answer = await _log(
        client, **typed("occurred_on", "27", "3", "2026"), time_hours="1", time_minutes="30"
    )
    assert answer.status_code == 303
    row = await Activity.select(Activity.occurred_on, Activity.minutes).first()
    assert row == {"occurred_on": date(2026, 3, 27), "minutes": 90}
    listing = Page((await client.get("/activities", headers=HTML)).text)
    assert "27 March 2026" in listing.text
    assert "1 hour 30 minutes" in listing.text
    assert "90 minutes" not in listing.text and "1.5" not in listing.text


@pytest.mark.parametrize(
    ("hours", "minutes", "kept"),
    [("", "45", 45), ("2", "", 120), ("", "", 0), ("0", "5", 5), (" 3 ", "05", 185)],
)
async def test_time_spent_in_hours_and_minutes_is_kept_as_minutes(
    client, champion, hours, minutes, kept
):
    answer = await _log(client, time_hours=hours, time_minutes=minutes)
    assert answer.status_code == 303
    assert (await Activity.select(Activity.minutes).first())["minutes"] == kept


async def test_time_spent_is_shown_as_people_say_it_on_the_home_page(client, champion):
    await _log(client, time_minutes="45")
    home = Page((await client.get("/", headers=HTML)).text)
    assert "45 minutes" in home.text
    await _log(client, time_hours="2")
    home = Page((await client.get("/", headers=HTML)).text)
    assert "2 hours 45 minutes" in home.text


WRONG_DATES = [
    (("27", "", "2026"), "The date it happened must include a month.", ("month",)),
    (("", "", "2026"), "The date it happened must include a day and month.", ("day", "month")),
    (("31", "2", "2026"), "The date it happened must be a real date.", ("day",)),
    (("3", "13", "2026"), "The date it happened must be a real date.", ("month",)),
    (("x", "3", "2026"), "The date it happened must be a real date.", ("day",)),
    (
        ("1", "3", "26"),
        "The date it happened must have a year with 4 numbers, like 2026.",
        ("year",),
    ),
    (
        ("1", "1", "2009"),
        "The date it happened must be the same as or after 1 January 2010.",
        ("day", "month", "year"),
    ),
]


@pytest.mark.parametrize(("boxes", "message", "marked"), WRONG_DATES)
async def test_a_wrong_date_says_what_to_fix_marks_its_boxes_and_keeps_everything(
    client, champion, boxes, message, marked
):
    answer = await _log(client, **typed("occurred_on", *boxes), time_hours="1")
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.errors == [message]
    assert date_boxes(page, "occurred_on") == boxes
    invalid = {
        p
        for p in ("day", "month", "year")
        if page.by_id[f"occurred_on-{p}"].get("aria-invalid") == "true"
    }
    assert invalid == set(marked)
    assert page.by_id["occurred_on"]["aria-describedby"] == "occurred_on-hint occurred_on-error"
    # Every other value is kept.
    assert page.inputs["kind"] == "event" and page.inputs["people_reached"] == "12"
    assert page.inputs["time_hours"] == "1" and "At the market" in page.text
    assert await Activity.count() == 0


async def test_a_date_in_the_future_is_refused_in_the_patterns_words(client, champion):
    tomorrow = today() + timedelta(days=1)
    answer = await _log(
        client, **typed("occurred_on", str(tomorrow.day), str(tomorrow.month), str(tomorrow.year))
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.errors == ["The date it happened must be today or in the past."]
    assert all(
        page.by_id[f"occurred_on-{p}"].get("aria-invalid") == "true"
        for p in ("day", "month", "year")
    )


async def test_blank_date_boxes_mean_today(client, champion):
    answer = await _log(client, **typed("occurred_on", "", "", ""))
    assert answer.status_code == 303
    assert (await Activity.select(Activity.occurred_on).first())["occurred_on"] == today()


@pytest.mark.parametrize(
    ("hours", "minutes", "message", "marked"),
    [
        (
            "one",
            "",
            "Enter the time spent as whole hours and minutes, like 1 hour 30 minutes.",
            {"time_hours"},
        ),
        (
            "1",
            "1.5",
            "Enter the time spent as whole hours and minutes, like 1 hour 30 minutes.",
            {"time_minutes"},
        ),
        ("25", "", "The time spent must be 24 hours or less.", {"time_hours", "time_minutes"}),
    ],
)
async def test_wrong_time_says_what_to_fix_and_keeps_what_was_typed(
    client, champion, hours, minutes, message, marked
):
    answer = await _log(client, time_hours=hours, time_minutes=minutes)
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.errors == [message]
    assert (page.inputs["time_hours"], page.inputs["time_minutes"]) == (hours, minutes)
    invalid = {i for i in ("time_hours", "time_minutes") if page.by_id[i].get("aria-invalid")}
    assert invalid == marked
    assert page.by_id["minutes"]["aria-describedby"] == "minutes-hint minutes-error"


async def test_the_error_summary_links_point_at_elements_that_exist(client, champion):
    answer = await _log(client, kind="", people_reached="", **typed("occurred_on", "1", "", ""))
    page = Page(answer.text)
    targets = [link[1:] for link in page.links if link.startswith("#") and link != "#main"]
    assert sorted(targets) == ["kind", "occurred_on", "people_reached"]
    assert all(target in page.by_id for target in targets)
    assert page.by_id["kind"]["tag"] == "fieldset"
    assert page.by_id["kind"]["aria-describedby"] == "kind-error"
    assert page.by_id["people_reached"]["aria-invalid"] == "true"
    assert page.by_id["people_reached"]["aria-describedby"] == "people_reached-error"
    assert page.by_id["error-summary-title"]["tag"] == "h2"


async def test_changing_an_activity_shows_its_date_and_time_in_the_boxes(client, champion):
    await _log(client, **typed("occurred_on", "5", "11", "2026"), time_hours="2", time_minutes="15")
    row = await Activity.select(Activity.id).first()
    form = Page((await client.get(f"/activities/{row['id']}/edit", headers=HTML)).text)
    assert date_boxes(form, "occurred_on") == ("5", "11", "2026")
    assert (form.inputs["time_hours"], form.inputs["time_minutes"]) == ("2", "15")


async def test_the_api_keeps_iso_dates_and_minutes(client, champion):
    sent = {"programme": "heart-champions", "kind": "event", "people_reached": 3}
    boxes = await client.post(
        "/api/activities",
        json={**sent, **typed("occurred_on", "1", "3", "2026"), "time_hours": "1"},
        headers=champion.headers,
    )
    assert boxes.status_code == 400
    assert set(boxes.json()["errors"]) == {
        "occurred_on-day",
        "occurred_on-month",
        "occurred_on-year",
        "time_hours",
    }
    iso = await client.post(
        "/api/activities",
        json={**sent, "occurred_on": "2026-03-01", "minutes": 75},
        headers=champion.headers,
    )
    assert iso.status_code == 201
    assert (iso.json()["occurred_on"], iso.json()["minutes"]) == ("2026-03-01", 75)
    wrong = await client.post(
        "/api/activities", json={**sent, "occurred_on": "1/3/2026"}, headers=champion.headers
    )
    assert wrong.json()["errors"]["occurred_on"] == (
        "Enter the date it happened as a real date, like 2025-03-31."
    )


async def test_a_training_date_is_typed_in_boxes_too(client, champion):
    page = Page((await client.get("/training", headers=HTML)).text)
    answer = await client.post(
        "/training",
        data={
            "_csrf_token": page.inputs["_csrf_token"],
            "course": "heart-champions-training",
            **typed("completed_on", "1", "6", "2025"),
        },
        headers=HTML,
    )
    assert answer.status_code == 303
    listing = Page((await client.get("/training", headers=HTML)).text)
    assert "Completed 1 June 2025" in listing.text
    wrong = await client.post(
        "/training",
        data={
            "_csrf_token": page.inputs["_csrf_token"],
            "course": "heart-champions-training",
            **typed("completed_on", "1", "6", ""),
            "certificate_number": "HC-9",
        },
        headers=HTML,
    )
    again = Page(wrong.text)
    assert again.errors == ["The date it was completed must include a year."]
    assert again.inputs["certificate_number"] == "HC-9"
    assert date_boxes(again, "completed_on") == ("1", "6", "")


async def test_the_console_shows_dates_and_time_spent_in_words(client):
    await f.footprint("LE", "Leigh")
    champion = await f.user("champion", name="Jo Bell")
    await f.join(champion.person_id, "heart-champions")
    sent = await client.post(
        "/api/activities",
        json={
            "programme": "heart-champions",
            "kind": "event",
            "people_reached": 600,  # marked for a check: it shows in the review queue
            "minutes": 90,
            "occurred_on": "2026-03-27",
        },
        headers=champion.headers,
    )
    assert sent.status_code == 201
    coordinator = await f.user("coordinator")
    await sign_in(client, coordinator.email)
    for path in ("/console/review", f"/console/people/{champion.person_id}"):
        page = Page((await client.get(path, headers=HTML)).text)
        assert "27 March 2026" in page.text and "1 hour 30 minutes" in page.text, path
        assert "2026-03-27" not in page.text


async def test_the_dashboards_headline_hours_are_whole(client):
    champion = await f.user("champion", name="Jo Bell")
    await f.join(champion.person_id, "heart-champions")
    for minutes in (50, 50):  # 1 hour 40 minutes in all: about 2 hours, never "1.7"
        await client.post(
            "/api/activities",
            json={
                "programme": "heart-champions",
                "kind": "event",
                "people_reached": 2,
                "minutes": minutes,
            },
            headers=champion.headers,
        )
    coordinator = await f.user("coordinator")
    await sign_in(client, coordinator.email)
    html = (await client.get("/console/", headers=HTML)).text
    assert '<span class="value">2</span> Hours' in html
    assert "1.7" not in Page(html).text.split("The movement")[1].split("Programmes")[0]
