"""/console/review: the activity queue (approve, correct, reject, with the totals following)
and stories waiting for approval (consent needed, spelling corrections, declines)."""

from __future__ import annotations

import csv
import io

import pytest

from schema.tables import Activity, AuditEvent, Service, Story
from tests.helpers import factories as f
from tests.helpers.console import market_stall
from tests.helpers.html import Page, date_boxes, typed
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


@pytest.fixture
async def champion():
    await f.footprint("WC", "Wigan Central")
    await f.footprint("LE", "Leigh")
    user = await f.user("champion", name="Dee Hart")
    await f.join(user.person_id, "health-champions")
    return user


@pytest.fixture
async def desk(client, champion):
    """A coordinator signed in to the console (the champion exists too)."""
    user = await f.user("coordinator")
    await sign_in(client, user.email)
    await client.get("/console/review", headers=HTML)
    return user


async def log(client, champion, reached: int, minutes: int = 30, **more) -> int:
    body = market_stall(reached, minutes, **more)
    answer = await client.post("/api/activities", json=body, headers=champion.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def csrf(client) -> dict[str, str]:
    return {"_csrf_token": client.cookies.get("movement_csrf")}


async def reach(client) -> int:
    return (await client.get("/api/totals")).json()["reach"]


async def queue(client) -> Page:
    answer = await client.get("/console/review", headers=HTML)
    assert answer.status_code == 200
    return Page(answer.text)


# The activity queue ----------------------------------------------------------------------


async def test_the_queue_lists_marked_activities_oldest_first_with_a_count(client, champion, desk):
    first = await log(client, champion, 900)
    await log(client, champion, 5)  # plausible: not in the queue
    second = await log(client, champion, 10, minutes=700)
    page = await queue(client)
    assert "2 waiting" in page.h1
    text = page.text
    assert "Dee Hart" in text and "Health Champions" in text and "Wigan Central" in text
    assert "Check this: it reached over 500 people." in text
    assert "Check this: it took over 10 hours." in text
    assert "Stall at the market" in text
    assert "Time spent 11 hours 40 minutes" in text and "Time spent 30 minutes" in text
    forms = [a for a in page.forms if "/review/activities/" in a]
    assert forms == [
        f"/console/review/activities/{first}/approve?page=1",
        f"/console/review/activities/{first}/reject?page=1",
        f"/console/review/activities/{second}/approve?page=1",
        f"/console/review/activities/{second}/reject?page=1",
    ]
    assert f"/console/review/activities/{first}/correct" in page.links


async def test_approving_keeps_it_counted_and_takes_it_off_the_queue(client, champion, desk):
    marked = await log(client, champion, 900)
    assert await reach(client) == 900  # waiting activities count until rejected
    answer = await client.post(f"/console/review/activities/{marked}/approve", data=csrf(client))
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/review?done=approved"
    assert (await Activity.select().where(Activity.id == marked).first())["review_status"] == (
        "approved"
    )
    assert await reach(client) == 900
    page = await queue(client)
    assert "0 waiting" in page.h1
    event = (
        await AuditEvent.select()
        .where(AuditEvent.record_id == marked)
        .order_by(AuditEvent.id, ascending=False)
        .output(load_json=True)
        .first()
    )
    assert event["action"] == "update"
    assert event["changes"]["review_status"] == ["needs-review", "approved"]
    # Approving again (a double tap) is fine and changes nothing.
    again = await client.post(f"/console/review/activities/{marked}/approve", data=csrf(client))
    assert again.status_code == 303


@pytest.mark.slow
async def test_a_rejected_activity_never_counts(client, champion, desk):
    marked = await log(client, champion, 900, minutes=700)
    await log(client, champion, 7)
    answer = await client.post(f"/console/review/activities/{marked}/reject", data=csrf(client))
    assert answer.status_code == 303
    totals = (await client.get("/api/totals")).json()
    assert (totals["reach"], totals["activities"]) == (7, 1)
    assert (await client.get("/api/totals?footprint=WC")).json()["reach"] == 7
    # A rejected activity cannot then be approved from an old page: it says so.
    late = await client.post(
        f"/console/review/activities/{marked}/approve", data=csrf(client), headers=HTML
    )
    assert late.status_code == 409
    assert "no longer waiting for review: it was rejected" in Page(late.text).text
    assert await reach(client) == 7


async def test_correcting_counts_the_corrected_numbers(client, champion, desk):
    marked = await log(client, champion, 9000)
    form = Page((await client.get(f"/console/review/activities/{marked}/correct")).text)
    assert form.inputs["people_reached"] == "9000"
    answer = await client.post(
        f"/console/review/activities/{marked}/correct",
        data={
            **csrf(client),
            "people_reached": "90",
            "time_minutes": "45",
            **typed("occurred_on", "1", "6", "2025"),
            "footprint": "LE",
            "kind": "conversation",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/review?done=corrected"
    row = await Activity.select().where(Activity.id == marked).first()
    assert (row["people_reached"], row["minutes"], row["kind"]) == (90, 45, "conversation")
    assert row["review_status"] == "approved"
    assert await reach(client) == 90
    assert (await client.get("/api/totals?footprint=LE")).json()["reach"] == 90
    assert (await client.get("/api/totals?footprint=WC")).json()["reach"] == 0
    assert (await client.get("/api/totals?since=2025-06-01&until=2025-06-01")).json()["reach"] == 90


async def test_a_correction_with_mistakes_is_shown_again(client, champion, desk):
    marked = await log(client, champion, 9000)
    answer = await client.post(
        f"/console/review/activities/{marked}/correct",
        data={
            **csrf(client),
            "people_reached": "-4",
            "time_hours": "",
            "time_minutes": "",
            **typed("occurred_on", "1", "1", "2099"),
            "footprint": "NOPE",
            "kind": "event",
        },
        headers=HTML,
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    assert set(page.errors) >= {
        "Enter the time spent.",
        "The number of people reached must be from 0 to 100,000.",
        "The date it happened must be today or in the past.",
    }
    assert page.inputs["people_reached"] == "-4"
    assert date_boxes(page, "occurred_on") == ("1", "1", "2099")
    row = await Activity.select().where(Activity.id == marked).first()
    assert (row["people_reached"], row["review_status"]) == (9000, "needs-review")


async def test_a_correction_checks_every_field(client, champion, desk):
    marked = await log(client, champion, 9000)
    answer = await client.post(
        f"/console/review/activities/{marked}/correct",
        data={
            **csrf(client),
            "people_reached": "-4",
            "minutes": "20",
            "occurred_on": "2099-01-01",
            "footprint": "NOPE",
            "kind": "event",
        },
        headers=HTML,
    )
    assert answer.status_code == 400
    errors = Page(answer.text).errors
    assert "The number of people reached must be from 0 to 100,000." in errors
    assert "The date it happened cannot be in the future." in errors
    assert any(e.startswith("Choose the area from") for e in errors)


@pytest.mark.parametrize(
    "path",
    [
        "/console/review/activities/999999/approve",
        "/console/review/activities/99999999999999999999/reject",
        "/console/review/activities/0/approve",
        "/console/review/stories/999999/approve",
        "/console/review/stories/99999999999/decline",
        "/console/review/activities/999999/correct",
        "/console/review/stories/999999/edit",
    ],
)
async def test_records_that_do_not_exist_are_404_pages(client, desk, path):
    answer = await client.post(path, data=csrf(client), headers=HTML)
    assert answer.status_code == 404
    assert Page(answer.text).h1 == "Page not found"


@pytest.mark.parametrize("query", ["?page=abc", "?page=-1", "?page=99999999999999"])
async def test_odd_page_numbers_are_a_clear_400(client, desk, query):
    for path in ("/console/review", "/console/review/stories", "/console/review/stories/decided"):
        answer = await client.get(path + query, headers=HTML)
        assert answer.status_code == 400, path
        assert "page number" in Page(answer.text).text


async def test_the_queue_downloads_as_csv_and_xlsx(client, champion, desk):
    await log(client, champion, 900, note="=cmd|' /C calc'!A0")
    await log(client, champion, 3)
    page = await queue(client)
    assert "/console/review?format=csv" in page.links
    answer = await client.get("/console/review?format=csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Logged by", "Programme"]
    assert len(rows) == 2
    assert rows[1][1:3] == ["Dee Hart", "Health Champions"]
    assert rows[1][8].startswith("'=")  # a formula stays text
    xlsx = await client.get("/console/review?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    bad = await client.get("/console/review?format=doc", headers=HTML)
    assert bad.status_code == 400 and "Choose CSV or XLSX." in Page(bad.text).text


@pytest.mark.slow
async def test_the_queue_pages(client, champion, desk):
    for _ in range(27):
        await log(client, champion, 600)
    first = await queue(client)
    assert "27 waiting" in first.h1
    assert "/console/review?page=2" in first.links
    second = Page((await client.get("/console/review?page=2", headers=HTML)).text)
    assert len([a for a in second.forms if a.endswith("/approve?page=2")]) == 2


# Stories ---------------------------------------------------------------------------------


async def share(
    client,
    champion,
    consent: bool,
    text: str = "I put bowel screening leaflets in the church toilets.",
) -> int:
    body = {"text": text, "consent_to_publish": consent, "programme": "health-champions"}
    answer = await client.post("/api/stories", json=body, headers=champion.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def test_a_story_with_consent_is_approved(client, champion, desk):
    story = await share(client, champion, True)
    page = Page((await client.get("/console/review/stories", headers=HTML)).text)
    assert "1 waiting" in page.h1
    assert "bowel screening leaflets" in page.text and "Dee Hart" in page.text
    assert f"/console/review/stories/{story}/approve" in page.forms
    answer = await client.post(f"/console/review/stories/{story}/approve", data=csrf(client))
    assert answer.status_code == 303
    row = await Story.select().where(Story.id == story).first()
    assert row["status"] == "approved" and row["reviewed_at"] is not None
    assert "0 waiting" in Page((await client.get("/console/review/stories")).text).h1


async def test_a_story_without_consent_cannot_be_approved(client, champion, desk):
    story = await share(client, champion, False)
    page = Page((await client.get("/console/review/stories", headers=HTML)).text)
    assert f"/console/review/stories/{story}/approve" not in page.forms
    assert f"/console/review/stories/{story}/decline" in page.forms
    assert "did not agree to publish" in page.text
    answer = await client.post(
        f"/console/review/stories/{story}/approve", data=csrf(client), headers=HTML
    )
    assert answer.status_code == 400
    assert "its author has not agreed to publish it" in Page(answer.text).text
    assert (await Story.select().where(Story.id == story).first())["status"] == "waiting"


async def test_a_declined_story_leaves_the_queue_and_is_listed_as_decided(client, champion, desk):
    declined = await share(client, champion, False, "This one was not for publishing at all.")
    approved = await share(client, champion, True, "This one went into the quarterly report.")
    await client.post(f"/console/review/stories/{declined}/decline", data=csrf(client))
    await client.post(f"/console/review/stories/{approved}/approve", data=csrf(client))
    assert (await Story.select().where(Story.id == declined).first())["status"] == "declined"
    waiting = Page((await client.get("/console/review/stories", headers=HTML)).text)
    assert "not for publishing" not in waiting.text
    decided = Page((await client.get("/console/review/stories/decided", headers=HTML)).text)
    assert "not for publishing" in decided.text and "quarterly report" in decided.text
    only = Page((await client.get("/console/review/stories/decided?status=declined")).text)
    assert "not for publishing" in only.text and "quarterly report" not in only.text
    other = Page(
        (await client.get("/console/review/stories/decided?programme=heart-champions")).text
    )
    assert "not for publishing" not in other.text and "quarterly report" not in other.text
    bad = await client.get("/console/review/stories/decided?status=maybe", headers=HTML)
    assert bad.status_code == 400
    wanted = "Choose approved, declined or withdrawn from: approved, declined, withdrawn."
    assert wanted in Page(bad.text).errors


async def test_decided_stories_download_with_their_filters(client, champion, desk):
    story = await share(client, champion, True, "=HYPERLINK('x') and then some more words")
    await client.post(f"/console/review/stories/{story}/approve", data=csrf(client))
    page = Page((await client.get("/console/review/stories/decided?status=approved")).text)
    assert "/console/review/stories/decided?status=approved&format=csv" in page.links
    answer = await client.get("/console/review/stories/decided?status=approved&format=csv")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Number", "Decision"]
    assert rows[1][1] == "approved" and rows[1][-1].startswith("'=HYPERLINK")
    xlsx = await client.get("/console/review/stories/decided?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    bad = await client.get("/console/review/stories/decided?format=pdf", headers=HTML)
    assert bad.status_code == 400


async def test_correcting_a_storys_spelling_keeps_the_text_out_of_the_audit_log(
    client, champion, desk
):
    story = await share(client, champion, True, "I go for a wlak each lunch time.")
    form = Page((await client.get(f"/console/review/stories/{story}/edit")).text)
    assert form.forms[-1] == f"/console/review/stories/{story}/edit"
    answer = await client.post(
        f"/console/review/stories/{story}/edit",
        data={**csrf(client), "text": "I go for a walk each lunch time."},
    )
    assert answer.status_code == 303
    row = await Story.select().where(Story.id == story).first()
    assert row["text"] == "I go for a walk each lunch time." and row["status"] == "waiting"
    event = (
        await AuditEvent.select()
        .where((AuditEvent.record_type == "story") & (AuditEvent.action == "update"))
        .output(load_json=True)
        .first()
    )
    assert event["changes"] == {"text": "changed"}


async def test_a_story_cut_too_short_is_shown_again(client, champion, desk):
    story = await share(client, champion, True)
    answer = await client.post(
        f"/console/review/stories/{story}/edit", data={**csrf(client), "text": "Too short"}
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.errors == ["Tell us a little more: at least 20 characters."]
    assert "Too short" in page.text


async def test_a_story_decided_through_the_api_is_dated_too(client):
    coordinator = await f.user("coordinator")
    champion = await f.user("champion")
    rows = await Story.insert(
        Story(
            person=champion.person_id,
            text="A long enough story to be shared.",
            consent_to_publish=True,
        )
    ).returning(Story.id)
    answer = await client.patch(
        f"/api/stories/{rows[0]['id']}", json={"status": "approved"}, headers=coordinator.headers
    )
    assert answer.status_code == 200, answer.text
    story = await Story.select(Story.reviewed_at).where(Story.id == rows[0]["id"]).first()
    assert story["reviewed_at"] is not None


async def test_the_queue_download_says_each_activitys_details_in_words(client, champion, desk):
    service = (await Service.insert(Service(name="Stop Smoking Wigan")).returning(Service.id))[0]
    await log(client, champion, 900, kind="signposting", setting="gp-practice",
              postcode="wn1 1aa", topics=["smoking", "alcohol"], service=service["id"])
    await log(client, champion, 700)
    answer = await client.get("/console/review?format=csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    heading = rows[0]
    details = ["Where it happened", "Topics", "Postcode of the place", "Signposted to",
               "Did they go"]
    first = {h: rows[1][heading.index(h)] for h in details}
    assert first == {
        "Where it happened": "GP practice",
        "Topics": "Smoking; Alcohol",
        "Postcode of the place": "WN1 1AA",
        "Signposted to": "Stop Smoking Wigan",
        "Did they go": "",
    }
    assert [rows[2][heading.index(h)] for h in details] == ["", "", "", "", ""]
