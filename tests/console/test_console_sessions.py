"""/console/sessions: Friends sessions and figures from elsewhere, as a coordinator with
JavaScript off would use them, and how they feed the Friends totals."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from schema.tables import AuditEvent, ExternalCount, FriendsSession, TrainingRecord
from tests.helpers import factories as f
from tests.helpers.html import Page, date_boxes, typed
from tests.helpers.sessions import add, add_figure, csrf, figure, session
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


async def friends(client, query: str = "") -> dict:
    totals = (await client.get(f"/api/totals{query}")).json()
    return {p["slug"]: p for p in totals["programmes"]}["dementia-friends"]


# Friends sessions ------------------------------------------------------------------------


async def test_a_coordinator_adds_a_session_and_it_counts(client, session_desk):
    runner = await f.person("Ruth Runner")
    await f.join(runner, "dementia-friends")
    form = Page((await client.get("/console/sessions/new", headers=HTML)).text)
    assert form.forms[-1] == "/console/sessions/new"
    answer = await add(client, run_by=f"Ruth Runner (#{runner})", attendees="350")
    assert answer.status_code == 303  # coordinators are not held to the 200 limit
    assert answer.headers["location"] == "/console/sessions?done=added"
    row = await FriendsSession.select().first()
    assert (row["run_by"], row["attendees"], row["venue"]) == (runner, 350, "Whelley Library")
    assert (await friends(client))["friends_from_sessions"] == 350
    listing = Page((await client.get("/console/sessions?done=added", headers=HTML)).text)
    assert "Saved." in listing.text
    assert "Ruth Runner" in listing.text and "Whelley Library" in listing.text
    assert "350" in listing.text


async def test_run_by_is_chosen_by_name_or_left_blank(client, session_desk):
    trained = await f.person("Tom Trained")
    course = await _course_id("dementia-friends-champion")
    await TrainingRecord.insert(
        TrainingRecord(person=trained, course=course, completed_on=date(2024, 1, 1))
    )
    assert (await add(client, run_by="tom trained")).status_code == 303
    assert (await add(client, run_by="")).status_code == 303
    rows = await FriendsSession.select(FriendsSession.run_by).order_by(FriendsSession.id)
    assert [r["run_by"] for r in rows] == [trained, None]


async def _course_id(slug: str) -> int:
    from schema.tables import Course

    row = await Course.select(Course.id).where(Course.slug == slug).first()
    return row["id"]


@pytest.mark.parametrize(
    "typed",
    ["Nobody Known", "#999999", "99999999999999999999", "Health Only"],
)
async def test_run_by_must_be_someone_who_runs_friends_sessions(client, session_desk, typed):
    await f.join(await f.person("Health Only"), "health-champions")
    answer = await add(client, run_by_q=typed, attendees="-3")
    assert answer.status_code == 400
    page = Page(answer.text)
    assert any("run Friends sessions" in e for e in page.errors), page.errors
    assert "The number of people who came must be from 0 to 10,000." in page.errors
    assert page.inputs["run_by_q"] == typed  # everything typed is kept
    assert page.inputs["venue"] == "Whelley Library"
    assert await FriendsSession.count() == 0


async def test_run_by_is_a_search_that_finds_at_most_twenty_runners(client, session_desk):
    for n in range(25):
        await f.join(await f.person(f"Rita Runner {n:02}"), "dementia-friends")
    await f.join(await f.person("Rita Healthonly"), "health-champions")
    form = await client.get("/console/sessions/new", headers=HTML)
    assert "Rita" not in Page(form.text).text  # nobody is listed until searched for
    answer = await client.get(
        "/console/sessions/runners?run_by_q=rita", headers={**HTML, "HX-Request": "true"}
    )
    assert answer.status_code == 200
    found = Page(answer.text).radios("run_by")
    runners = [label for value, label in found.items() if value]
    assert len(runners) == 20 and all(label.startswith("Rita Runner") for label in runners)
    assert found[""] == "Nobody chosen"
    assert "More than 20 people match “rita”" in Page(answer.text).text
    assert "Healthonly" not in answer.text  # not someone who runs Friends sessions
    few = Page((await client.get("/console/sessions/runners?run_by_q=runner+07")).text).radios(
        "run_by"
    )
    assert [label for value, label in few.items() if value][0].startswith("Rita Runner 07")


async def test_run_by_search_ignores_case_in_any_alphabet(client, session_desk):
    zoe = await f.person("ZOË ÅSTRÖM")
    await f.join(zoe, "dementia-friends")
    answer = await client.get("/console/sessions/runners?run_by_q=zoë åström")
    assert Page(answer.text).radios("run_by")[str(zoe)] == f"ZOË ÅSTRÖM (#{zoe})"
    assert (await add(client, run_by_q="Zoë Åström")).status_code == 303
    assert (await FriendsSession.select().first())["run_by"] == zoe


async def test_find_without_javascript_shows_the_form_again_with_what_was_typed(
    client, session_desk
):
    ruth = await f.person("Ruth Runner")
    await f.join(ruth, "dementia-friends")
    other = await f.person("Ruth Other")
    await f.join(other, "autism-friends")
    found = await add(client, run_by_q="ruth", venue="Hindley Hall", attendees="31", find="1")
    assert found.status_code == 200
    page = Page(found.text)
    assert (page.inputs["venue"], page.inputs["attendees"]) == ("Hindley Hall", "31")
    assert page.inputs["run_by_q"] == "ruth" and page.inputs["run_by"] == ""
    assert set(Page(found.text).radios("run_by")) == {str(ruth), str(other), ""}
    assert await FriendsSession.count() == 0  # Find saves nothing
    chosen = await add(client, run_by_q="ruth", run_by=str(ruth), venue="Hindley Hall")
    assert chosen.status_code == 303
    assert (await FriendsSession.select().first())["run_by"] == ruth
    both = await add(client, run_by_q="Ruth Runner (#999)", run_by=str(other), attendees="-2")
    assert both.status_code == 400  # the choice is kept when the form comes back
    assert Page(both.text).inputs["run_by"] == str(other)


async def test_champions_cannot_search_people(client):
    champion = await f.user("champion")
    await f.join(champion.person_id, "dementia-friends")
    await sign_in(client, champion.email)
    answer = await client.get("/console/sessions/runners?run_by_q=a", headers=HTML)
    assert answer.status_code == 403


async def test_session_mistakes_are_shown_again_with_what_was_typed(client, session_desk):
    answer = await add(
        client,
        programme="health-champions",
        **typed("held_on", "31", "2", "2025"),
        attendees="lots",
        venue="Hall",
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    assert set(page.errors) == {
        "Choose a Friends programme from: dementia-friends, autism-friends.",
        "The date it was held must be a real date.",
        "Enter the number of people who came as a whole number, like 12.",
    }
    assert date_boxes(page, "held_on") == ("31", "2", "2025")
    assert page.inputs["attendees"] == "lots"
    assert page.inputs["venue"] == "Hall"
    huge = await add(client, attendees="99999999999999999999")
    assert huge.status_code == 400
    assert await FriendsSession.count() == 0


async def test_a_coordinator_changes_and_deletes_a_session(client, session_desk):
    runner = await f.person("Ruth Runner")
    await f.join(runner, "autism-friends")
    await add(client, run_by=str(runner))
    session_id = (await FriendsSession.select().first())["id"]
    form = Page((await client.get(f"/console/sessions/{session_id}/edit", headers=HTML)).text)
    assert form.inputs["run_by"] == str(runner)  # chosen, and shown by name
    assert f"Ruth Runner (#{runner})" in form.text
    assert form.inputs["attendees"] == "25"
    changed = await client.post(
        f"/console/sessions/{session_id}/edit",
        data={**csrf(client), **session(attendees="30", run_by=form.inputs["run_by"])},
    )
    assert changed.status_code == 303
    assert (await friends(client))["friends_from_sessions"] == 30
    wrong = await client.post(
        f"/console/sessions/{session_id}/edit",
        data={**csrf(client), **session(attendees="-1")},
        headers=HTML,
    )
    assert wrong.status_code == 400
    assert Page(wrong.text).inputs["attendees"] == "-1"
    gone = await client.post(f"/console/sessions/{session_id}/delete", data=csrf(client))
    assert gone.status_code == 303
    assert await FriendsSession.count() == 0
    assert (await friends(client))["friends_from_sessions"] == 0
    actions = [e["action"] for e in await AuditEvent.select().order_by(AuditEvent.id)]
    assert actions[-3:] == ["create", "update", "delete"]


async def test_a_runner_who_left_stays_on_their_old_sessions(client, session_desk):
    runner = await f.person("Ola Left")
    membership = await f.join(runner, "dementia-friends")
    await add(client, run_by=str(runner))
    from schema.tables import Membership

    await Membership.update({Membership.status: "left"}).where(Membership.id == membership)
    session_id = (await FriendsSession.select().first())["id"]
    form = Page((await client.get(f"/console/sessions/{session_id}/edit")).text)
    assert form.inputs["run_by"] == str(runner)
    assert f"Ola Left (#{runner})" in form.text
    again = await client.post(
        f"/console/sessions/{session_id}/edit",
        data={**csrf(client), **session(attendees="26", run_by=form.inputs["run_by"])},
    )
    assert again.status_code == 303
    refused = await add(client, run_by=f"Ola Left (#{runner})")
    assert refused.status_code == 400


async def test_sessions_are_filtered_and_downloaded_with_the_filters(client, session_desk):
    await add(client, venue="Central Hall", held_on="2025-01-10")
    await add(client, venue="Leigh Library", footprint="LE", held_on="2025-03-10")
    await add(client, venue="Autism Cafe", programme="autism-friends", held_on="2025-06-10")
    by_area = Page((await client.get("/console/sessions?footprint=LE", headers=HTML)).text)
    assert "Leigh Library" in by_area.text and "Central Hall" not in by_area.text
    by_programme = Page((await client.get("/console/sessions?programme=autism-friends")).text)
    assert "Autism Cafe" in by_programme.text and "Central Hall" not in by_programme.text
    dates = Page((await client.get("/console/sessions?since=2025-02-01&until=2025-04-01")).text)
    assert "Leigh Library" in dates.text and "Autism Cafe" not in dates.text
    assert "/console/sessions?footprint=LE&format=csv" in by_area.links
    answer = await client.get("/console/sessions?footprint=LE&format=csv")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Date", "Programme", "Area", "Venue", "Attendees", "Run by", "Note"]
    assert rows[1:] == [["2025-03-10", "Dementia Friends", "Leigh", "Leigh Library", "25", "", ""]]
    xlsx = await client.get("/console/sessions?programme=autism-friends&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][3] == "Autism Cafe"
    assert sheet.max_row == 2


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=0",
        "?page=99999999999999999",
        "?since=yesterday",
        "?programme=nope",
        "?format=pdf",
    ],
)
async def test_odd_filters_are_a_clear_400(client, session_desk, query):
    for path in ("/console/sessions", "/console/sessions/external"):
        answer = await client.get(path + query, headers=HTML)
        assert answer.status_code == 400, (path, query)
        assert "There is a problem" in Page(answer.text).text
    answer = await client.get("/console/sessions?footprint=%00", headers=HTML)
    assert answer.status_code == 400


async def test_the_sessions_list_pages_and_ignores_unknown_parameters(client, session_desk):
    await FriendsSession.insert(
        *[
            FriendsSession(
                programme=await _programme("dementia-friends"),
                held_on=date(2025, 1, 1),
                attendees=i,
            )
            for i in range(55)
        ]
    )
    first = Page((await client.get("/console/sessions?utm_source=x", headers=HTML)).text)
    assert "55 sessions" in first.text
    assert "/console/sessions?page=2" in first.links
    second = await client.get("/console/sessions?page=2", headers=HTML)
    assert second.status_code == 200
    assert len([a for a in Page(second.text).links if a.endswith("/edit")]) == 5


async def _programme(slug: str) -> int:
    return await f.programme_id(slug)


@pytest.mark.parametrize(
    "path",
    [
        "/console/sessions/999999/edit",
        "/console/sessions/99999999999999999999/edit",
        "/console/sessions/999999/delete",
        "/console/sessions/external/999999/edit",
        "/console/sessions/external/999999/delete",
    ],
)
async def test_records_that_do_not_exist_are_404_pages(client, session_desk, path):
    answer = await client.post(path, data={**csrf(client), **session()}, headers=HTML)
    assert answer.status_code == 404
    if path.endswith("/edit"):
        assert (await client.get(path, headers=HTML)).status_code == 404


# Figures from elsewhere ------------------------------------------------------------------


async def test_a_newer_figure_from_the_same_source_replaces_the_older(client, session_desk):
    assert (await add_figure(client)).status_code == 303
    assert (await friends(client))["friends_from_elsewhere"] == 1800
    # The same source, spelt with other capitals and spaces, a year later.
    newer = await add_figure(
        client, friends="2600", as_of="2026-03-31", source=" dementia friends (National programme)"
    )
    assert newer.status_code == 303
    assert (await friends(client))["friends_from_elsewhere"] == 2600  # not 4,400
    assert (await friends(client, "?since=2025-04-01"))["friends_from_elsewhere"] == 800
    page = Page((await client.get("/console/sessions/external", headers=HTML)).text)
    assert "No: replaced by a newer figure" in page.text
    assert "only the newest figure from each source" in page.text.lower()
    # Another source adds to it.
    await add_figure(client, friends="100", source="Wigan Athletic community trust")
    assert (await friends(client))["friends_from_elsewhere"] == 2700


async def test_figures_are_changed_and_deleted(client, session_desk):
    await add_figure(client, footprint="WC", note="From the regional lead")
    figure_id = (await ExternalCount.select().first())["id"]
    form = Page((await client.get(f"/console/sessions/external/{figure_id}/edit")).text)
    assert form.inputs["friends"] == "1800" and form.inputs["source"].startswith("Dementia")
    changed = await client.post(
        f"/console/sessions/external/{figure_id}/edit",
        data={**csrf(client), **figure(footprint="WC", friends="1900")},
    )
    assert changed.status_code == 303
    assert (await friends(client, "?footprint=WC"))["friends_from_elsewhere"] == 1900
    gone = await client.post(f"/console/sessions/external/{figure_id}/delete", data=csrf(client))
    assert gone.status_code == 303
    assert (await friends(client))["friends_from_elsewhere"] == 0


async def test_figure_mistakes_are_shown_again_with_what_was_typed(client, session_desk):
    answer = await add_figure(client, friends="-5", as_of="2099-01-01", source="", note="Keep me")
    assert answer.status_code == 400
    page = Page(answer.text)
    assert set(page.errors) == {
        # (Form.integer capitalises the label, which lowers "Friends".)
        "The number of friends must be from 0 to 10,000,000.",
        "The date the figure is for cannot be in the future.",
        "Enter where the figure comes from.",
    }
    assert page.inputs["friends"] == "-5"
    assert "Keep me" in page.text
    assert await ExternalCount.count() == 0


async def test_figures_are_filtered_and_downloaded(client, session_desk):
    await add_figure(client)
    await add_figure(client, programme="autism-friends", friends="40", source="Autism team")
    page = Page((await client.get("/console/sessions/external?programme=autism-friends")).text)
    assert "Autism team" in page.text and "national programme" not in page.text
    answer = await client.get("/console/sessions/external?programme=autism-friends&format=csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["As of", "Programme", "Area", "Friends", "Source", "Counts now", "Note"]
    assert rows[1:] == [["2025-03-31", "Autism Friends", "", "40", "Autism team", "yes", ""]]


@pytest.mark.parametrize("typed", ["%00", "a%00b", "%25", "_", "%5C", "x" * 3000, "%ED%A0%80"])
async def test_odd_searches_find_nothing_and_never_fail(client, session_desk, typed):
    for address in (
        "/console/sessions/runners?run_by=99999999999999999999&run_by_q=",
        "/console/people/organisations?organisation=99999999999999999999&organisation_q=",
    ):
        answer = await client.get(address + typed, headers=HTML)
        assert answer.status_code == 200, (address, answer.text[:300])
        assert "Nobody chosen" in answer.text or "None" in answer.text
    found = await add(client, run_by_q=typed.replace("%00", "\x00"), find="1")
    assert found.status_code == 200
