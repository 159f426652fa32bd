"""The wellbeing questions in the champions' app and the API: when they are due, answering,
skipping, mistakes shown beside the question, several programmes at once; nobody reads
anyone else's answers; the download and erasure; the settings."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from schema import tables as t
from server.settings import SettingsError, get_settings
from server.wellbeing.services import due_points
from tests.helpers import factories as f
from tests.helpers.html import HTML, Page, send_form
from tests.helpers.signin import sign_in
from tests.helpers.wellbeing import answers

QUESTIONS = [
    "1. Overall, how satisfied are you with your life nowadays?",
    "2. Overall, to what extent do you feel that the things you do in your life are worthwhile?",
    "3. Overall, how happy did you feel yesterday?",
    "4. Overall, how anxious did you feel yesterday?",
]


async def _rows(person_id: int) -> list[dict]:
    return await t.WellbeingAnswer.select(
        t.WellbeingAnswer.programme.slug, t.WellbeingAnswer.months,
        t.WellbeingAnswer.life_satisfaction, t.WellbeingAnswer.worthwhile,
        t.WellbeingAnswer.happiness, t.WellbeingAnswer.anxiety, t.WellbeingAnswer.skipped,
    ).where(t.WellbeingAnswer.person == person_id).order_by(t.WellbeingAnswer.id)  # fmt: skip


def _card(html: str) -> bool:
    return "wellbeing-link" in Page(html).by_id


async def test_a_champion_answers_and_the_card_goes_until_the_next_point(client, champion):
    await sign_in(client, champion.email)
    home = (await client.get("/", headers=HTML)).text
    assert _card(home) and "A few questions about how you feel" in Page(home).text
    page = Page((await client.get("/wellbeing", headers=HTML)).text)
    assert page.h1 == "A few questions about how you feel"
    assert all(q in page.text for q in QUESTIONS)
    scale = page.radios("life_satisfaction")
    assert list(scale) == [str(n) for n in range(11)] + [""]
    assert scale["0"] == "0, not at all" and scale["10"] == "10, completely"
    assert "never your own answers" in page.text and "at least 5 people" in page.text
    assert "Health Champions (on joining)" in page.text and "Dementia" not in page.text

    sent = await send_form(client, "/wellbeing", {
        "life_satisfaction": "7", "worthwhile": "8", "happiness": "", "anxiety": "3",
        "action": "save"}, page)  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"] == "/wellbeing?done=saved"
    done = Page((await client.get(sent.headers["location"], headers=HTML)).text)
    assert done.h1 == "Thank you" and "Your answers are saved." in done.text
    assert await _rows(champion.person_id) == [{
        "programme.slug": "health-champions", "months": 0, "life_satisfaction": 7,
        "worthwhile": 8, "happiness": None, "anxiety": 3, "skipped": False}]  # fmt: skip
    assert not _card((await client.get("/", headers=HTML)).text)
    # The audit log names the fields, never the answers.
    event = await t.AuditEvent.select().where(
        t.AuditEvent.record_type == "wellbeing_answer").output(load_json=True).first()  # fmt: skip
    assert event["action"] == "create" and event["changes"]["months"] == 0
    assert {event["changes"][k] for k in ("life_satisfaction", "worthwhile", "happiness",
                                          "anxiety", "skipped")} == {"changed"}  # fmt: skip
    # A second tap of the button saves nothing more, and goes on as if saved.
    again = await send_form(client, "/wellbeing", {"life_satisfaction": "2", "action": "save"})
    assert again.status_code == 303 and len(await _rows(champion.person_id)) == 1


async def test_skipping_records_the_choice_and_keeps_nothing_ticked(client, champion):
    await sign_in(client, champion.email)
    sent = await send_form(client, "/wellbeing", {"life_satisfaction": "4", "action": "skip"})
    assert sent.headers["location"] == "/wellbeing?done=skipped"
    done = Page((await client.get(sent.headers["location"], headers=HTML)).text)
    assert done.h1 == "Questions skipped" and "We will ask again next time." in done.text
    assert await _rows(champion.person_id) == [{
        "programme.slug": "health-champions", "months": 0, "life_satisfaction": None,
        "worthwhile": None, "happiness": None, "anxiety": None, "skipped": True}]  # fmt: skip
    assert not _card((await client.get("/", headers=HTML)).text)


async def test_mistakes_are_shown_beside_the_question_with_the_answers_kept(client, champion):
    await sign_in(client, champion.email)
    blank = await send_form(client, "/wellbeing", {"happiness": "", "action": "save"})
    assert blank.status_code == 400
    page = Page(blank.text)
    assert "Answer at least one question, or choose Skip these questions." in page.text
    assert "life_satisfaction-error" in page.by_id
    odd = await send_form(client, "/wellbeing", {
        "life_satisfaction": "11", "worthwhile": "8", "action": "save"})  # fmt: skip
    assert odd.status_code == 400
    page = Page(odd.text)
    assert "Your answer to question 1 (life satisfaction) must be from 0 to 10." in page.text
    assert page.inputs["worthwhile"] == "8"  # the ticked radio is still ticked
    assert await _rows(champion.person_id) == []


async def test_points_due_in_several_programmes_are_asked_once(client, champion):
    await f.join(champion.person_id, "cancer-champions")
    await sign_in(client, champion.email)
    page = Page((await client.get("/wellbeing", headers=HTML)).text)
    assert "Health Champions (on joining) and Cancer Champions (on joining)" in page.text
    await send_form(client, "/wellbeing", {"happiness": "6", "action": "save"}, page)
    rows = await _rows(champion.person_id)
    assert [(r["programme.slug"], r["happiness"]) for r in rows] == [
        ("health-champions", 6), ("cancer-champions", 6)]  # fmt: skip


async def test_each_point_is_open_for_six_weeks_from_its_date():
    someone = await f.person("Kit")
    joined = date(2026, 1, 31)
    await f.join(someone, "health-champions", joined_on=joined)
    await f.join(someone, "heart-champions", status="paused", joined_on=joined)
    await f.join(someone, "dementia-friends", joined_on=joined)  # Friends are not asked

    async def due(day: date) -> list[tuple[str, int]]:
        return [(p.slug, p.months) for p in await due_points(someone, on=day)]

    assert await due(joined - timedelta(days=1)) == []
    assert await due(joined) == [("health-champions", 0)]
    assert await due(date(2026, 3, 13)) == [("health-champions", 0)]  # 6 weeks less a day
    assert await due(date(2026, 3, 14)) == []
    assert await due(date(2026, 4, 29)) == []
    assert await due(date(2026, 4, 30)) == [("health-champions", 3)]  # 31 April is 30 April
    assert await due(date(2026, 6, 10)) == [("health-champions", 3)]
    assert await due(date(2026, 6, 11)) == []
    assert await due(date(2027, 1, 31)) == [("health-champions", 12)]
    point = (await due_points(someone, on=date(2027, 1, 31)))[0]
    assert (point.due_on, point.closes_on) == (date(2027, 1, 31), date(2027, 3, 13))
    health = await f.programme_id("health-champions")
    await answers(someone, health, 12, None)
    assert await due(date(2027, 1, 31)) == []


async def test_the_api_answers_and_skips_only_for_the_person_signed_in(client, champion):
    mine = (await client.get("/api/me/wellbeing", headers=champion.headers)).json()
    assert [(d["programme"], d["months"]) for d in mine["due"]] == [("health-champions", 0)]
    assert [q["key"] for q in mine["questions"]] == [
        "life_satisfaction", "worthwhile", "happiness", "anxiety"]  # fmt: skip
    assert mine["answers"] == [] and mine["small_number"] == 5
    wrong = [({"life_satisfaction": 11}, "life_satisfaction", 400),
             ({"worthwhile": "7"}, "worthwhile", 400), ({"mood": 3}, "mood", 400),
             ({}, "life_satisfaction", 422),
             ({"skip": True, "happiness": 3}, "skip", 422)]  # fmt: skip
    for body, field, status in wrong:
        refused = await client.post("/api/me/wellbeing", headers=champion.headers, json=body)
        assert refused.status_code == status and field in refused.json()["errors"], body
    sent = await client.post("/api/me/wellbeing", headers=champion.headers,
                             json={"life_satisfaction": 9, "anxiety": None})  # fmt: skip
    assert sent.status_code == 200 and sent.json()["due"] == []
    [answer] = sent.json()["answers"]
    assert (answer["programme"], answer["life_satisfaction"], answer["anxiety"]) == (
        "health-champions", 9, None)  # fmt: skip
    again = await client.post("/api/me/wellbeing", headers=champion.headers, json={"skip": True})
    assert again.status_code == 409 and "no wellbeing questions" in again.json()["errors"][""]
    assert (await client.get("/api/me/wellbeing")).status_code == 401

    # Another champion, and a coordinator, get only their own (nothing), never Asha's.
    bob = await f.user("champion", name="Bob")
    await f.join(bob.person_id, "heart-champions")
    coordinator = await f.user("coordinator")
    for who in (bob, coordinator):
        theirs = (await client.get("/api/me/wellbeing", headers=who.headers)).json()
        assert theirs["answers"] == [], who.role
        assert (await client.get(f"/api/me/wellbeing/{champion.person_id}",
                                 headers=who.headers)).status_code in (404, 405)  # fmt: skip
    skipped = await client.post("/api/me/wellbeing", headers=bob.headers, json={"skip": True})
    assert skipped.json()["answers"][0]["skipped"] is True


async def test_no_one_else_sees_a_persons_answers_anywhere(client, champion):
    await client.post("/api/me/wellbeing", headers=champion.headers,
                      json={"life_satisfaction": 3, "worthwhile": 4, "happiness": 2,
                            "anxiety": 9})  # fmt: skip
    coordinator = await f.user("coordinator")
    person = (await client.get(f"/api/people/{champion.person_id}",
                               headers=coordinator.headers)).json()  # fmt: skip
    assert not {"life_satisfaction", "anxiety", "wellbeing"} & set(person)
    await sign_in(client, coordinator.email)
    page = Page((await client.get(f"/console/people/{champion.person_id}", headers=HTML)).text)
    assert "satisfied" not in page.text and "anxious" not in page.text.lower()
    # Fewer than 5 people answered: the console's figures show nothing of hers.
    console = Page((await client.get("/console/wellbeing", headers=HTML)).text).text
    assert "Fewer than 5 people: not shown" in console and "9.00" not in console
    for public in ("/api/totals", "/embed", "/open-data/monthly.csv", "/open-data/monthly.json"):
        text = (await client.get(public)).text.lower()
        assert "wellbeing" not in text and "anxiety" not in text, public


async def test_the_download_has_them_and_erasure_deletes_them(client, champion):
    await client.post("/api/me/wellbeing", headers=champion.headers,
                      json={"life_satisfaction": 6, "anxiety": 2})  # fmt: skip
    await sign_in(client, champion.email)
    data = json.loads((await client.get("/my-data/download")).content)
    [row] = data["wellbeing_answers"]
    assert (row["programme"], row["months"], row["life_satisfaction"], row["anxiety"]) == (
        "Health Champions", 0, 6, 2)  # fmt: skip
    sheet = (await client.get("/my-data/download.csv")).content.decode("utf-8-sig")
    assert "Your answers about how you feel" in sheet
    assert "How satisfied you are with your life" in sheet
    readable = Page((await client.get("/my-data/all", headers=HTML)).text).text
    assert "How anxious you felt the day before" in readable

    form = Page((await client.get("/my-data", headers=HTML)).text)
    gone = await client.post(
        "/my-data/delete", data={"_csrf_token": form.inputs["_csrf_token"], "confirm": "yes"}
    )
    assert gone.status_code == 303
    assert await t.WellbeingAnswer.count() == 0


@pytest.mark.parametrize(
    "values, message",
    [
        ({"WELLBEING_FOLLOW_UP_MONTHS": "3,six"}, "WELLBEING_FOLLOW_UP_MONTHS must be whole "
         "numbers of months separated by commas, like 3,12, not '3,six'"),
        ({"WELLBEING_FOLLOW_UP_MONTHS": "12,3"}, "WELLBEING_FOLLOW_UP_MONTHS must list each "
         "follow-up once, the earliest first, like 3,12, not '12,3'"),
        ({"WELLBEING_FOLLOW_UP_MONTHS": "0,12"}, "WELLBEING_FOLLOW_UP_MONTHS: each follow-up "
         "must be from 1 to 120 months after joining (0 is the question set on joining, "
         "always asked), not '0,12'"),
        ({"WELLBEING_OPEN_WEEKS": "13"}, "WELLBEING_OPEN_WEEKS must be at most 12 weeks, so "
         "that the questions close before the next ones are due (3 months apart in "
         "WELLBEING_FOLLOW_UP_MONTHS), not 13"),
        ({"WELLBEING_OPEN_WEEKS": "0"}, "WELLBEING_OPEN_WEEKS must be between 1 and 52, not 0"),
    ],
)  # fmt: skip
def test_a_wrong_wellbeing_setting_says_what_it_takes(settings, values, message):
    settings(**values)
    with pytest.raises(SettingsError) as refused:
        get_settings()
    assert str(refused.value) == message


def test_the_wellbeing_settings_are_read_as_meant(settings):
    assert get_settings().wellbeing_follow_up_months == (3, 12)
    assert get_settings().wellbeing_open_weeks == 6
    settings(WELLBEING_FOLLOW_UP_MONTHS=" 6, 12 ,24", WELLBEING_OPEN_WEEKS="20")
    assert get_settings().wellbeing_follow_up_months == (6, 12, 24)
    assert get_settings().wellbeing_open_weeks == 20
