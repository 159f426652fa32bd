"""In real Chromium: a champion answers the wellbeing questions on a 390 px phone (a
mistake first), another skips them, and a coordinator reads the figures at 1280 px; axe-core
on each page, nothing scrolls sideways, every box a big enough target. Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from schema import tables as t
from tests.helpers import factories as f
from tests.helpers.browser import ARTIFACTS, axe_violations, screenshot, signed_in_context
from tests.helpers.wellbeing import answers

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


async def _champion(email: str, name: str) -> f.User:
    user = await f.user("champion", email=email, name=name)
    await f.join(user.person_id, "health-champions")
    return user


async def _no_sideways_scroll(page, width: int) -> None:
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= width


async def test_a_champion_answers_on_a_phone_and_another_skips(chromium, live_server):
    asha = await _champion("asha@example.org", "Asha Patel")
    context = await signed_in_context(chromium, live_server, asha.email, viewport=PHONE_390)
    page = await context.new_page()
    await page.goto(f"{live_server}/")
    problems = {"home": await axe_violations(page)}
    await screenshot(page, "wellbeing-home-card-390")
    await page.get_by_role("link", name="Answer the questions").click()
    assert await page.locator("h1").inner_text() == "A few questions about how you feel"
    await _no_sideways_scroll(page, 390)
    problems["questions"] = await axe_violations(page)
    await screenshot(page, "wellbeing-questions-390")
    # Every box of every scale is a big target, six to a row on the phone.
    boxes = page.locator(".scale__label")
    assert await boxes.count() == 44
    sizes = [await boxes.nth(n).bounding_box() for n in (0, 5, 6, 10, 43)]
    assert all(b["width"] >= 44 and b["height"] >= 44 for b in sizes)
    assert sizes[0]["y"] == sizes[1]["y"] < sizes[2]["y"]  # 0 to 5, then 6 to 10

    # Saving with nothing chosen says what to do, beside the first question.
    await page.get_by_role("button", name="Save my answers").click()
    assert await page.locator(".error-summary").is_visible()
    assert (
        "Answer at least one question"
        in await page.locator("#life_satisfaction-error").inner_text()
    )
    problems["mistake"] = await axe_violations(page)

    # Taps on the boxes (the radios are under them): 7, 8, blank, 3.
    question = page.get_by_role(
        "group", name="1. Overall, how satisfied are you with your life nowadays?"
    )
    seven = question.locator("label[for=life_satisfaction-7]")
    await seven.scroll_into_view_if_needed()
    box = await seven.bounding_box()
    await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # a tap
    assert await page.locator("#life_satisfaction-7").is_checked()
    worthwhile = page.get_by_role("group", name=re.compile("worthwhile"))
    await worthwhile.get_by_role("radio", name="8", exact=True).click()
    await page.get_by_role("group", name=re.compile("happy")).get_by_role(
        "radio", name="Leave this one blank").click()  # fmt: skip
    await page.locator("#anxiety-2").focus()
    await page.keyboard.press("ArrowRight")  # the keyboard moves along the scale
    assert await page.locator("#anxiety-3").is_checked()
    await screenshot(page, "wellbeing-questions-390-answered")
    await page.get_by_role("button", name="Save my answers").click()
    assert await page.locator("h1").inner_text() == "Thank you"
    assert await page.get_by_text("Your answers are saved.").is_visible()
    problems["thanks"] = await axe_violations(page)
    await screenshot(page, "wellbeing-saved-390")
    await page.goto(f"{live_server}/")
    assert await page.get_by_role("link", name="Answer the questions").count() == 0
    row = await t.WellbeingAnswer.select().where(t.WellbeingAnswer.person == asha.person_id).first()
    assert (row["life_satisfaction"], row["worthwhile"], row["happiness"], row["anxiety"]) == (
        7, 8, None, 3)  # fmt: skip
    await context.close()

    bilal = await _champion("bilal@example.org", "Bilal Khan")
    context = await signed_in_context(chromium, live_server, bilal.email, viewport=PHONE_390)
    page = await context.new_page()
    await page.goto(f"{live_server}/wellbeing")
    await page.locator("#happiness-4").click()
    await page.get_by_role("button", name="Skip these questions").click()
    assert await page.locator("h1").inner_text() == "Questions skipped"
    problems["skipped"] = await axe_violations(page)
    await screenshot(page, "wellbeing-skipped-390")
    row = (
        await t.WellbeingAnswer.select().where(t.WellbeingAnswer.person == bilal.person_id).first()
    )
    assert row["skipped"] is True and row["happiness"] is None
    await context.close()
    assert problems == {k: [] for k in problems}


async def test_the_console_page_reads_well_at_a_desk(chromium, live_server, desk):
    health = await f.programme_id("health-champions")
    start = datetime.now(UTC) - timedelta(days=120)
    for n, (before, after) in enumerate(
        [((5, 7, 6, 6), (7, 8, 7, 4)), ((6, 7, 6, 5), (6, 8, 5, 5)), ((4, 7, 6, 7), (7, 8, 5, 3)),
         ((7, 7, 6, 3), (6, 8, 6, 4)), ((5, 7, 6, 4), (8, 8, 6, 2)), ((6, 7, 6, 5), (7, 8, 8, 4))]
    ):  # fmt: skip
        person = await f.person(f"Person {n}")
        await answers(person, health, 0, before, at=start)
        await answers(person, health, 3, after, at=start + timedelta(days=92))
    page = await desk("coordinator")
    await page.goto(f"{live_server}/console/wellbeing")
    assert await page.locator("h1").inner_text() == "Champions' wellbeing"
    assert await page.locator("#wellbeing-chart-3 svg").is_visible()
    cells = page.locator("#wellbeing-health-champions-3 tr[data-measure=life_satisfaction] td")
    assert await cells.all_inner_texts() == ["6", "5.50", "6.83", "+1.33", "−0.38 to +3.05", "67%"]
    await _no_sideways_scroll(page, 1280)
    await screenshot(page, "console-wellbeing-1280")
    assert await axe_violations(page) == []
    # The quarterly report's section, for this quarter so far.
    today = datetime.now(UTC).date()
    await page.goto(f"{live_server}/console/report?quarter={today.year}-Q{(today.month + 2) // 3}")
    section = page.locator("section[aria-labelledby=r-wellbeing]")
    assert await section.locator("h2").inner_text() == "Champions' wellbeing"
    cells = section.locator("#report-wellbeing-borough-3 tr[data-measure=anxiety] td")
    assert await cells.all_inner_texts() == ["6", "5.00", "3.67", "−1.33", "−3.17 to +0.50", "67%"]
    await _no_sideways_scroll(page, 1280)
    await section.screenshot(path=str(ARTIFACTS / "screenshots" / "report-wellbeing-1280.png"))
    assert await axe_violations(page) == []
