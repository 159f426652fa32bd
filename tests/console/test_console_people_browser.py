"""People and training in the console, in real headless Chromium: find a person, open
them, add a role; and axe-core on each of these pages."""

from __future__ import annotations

from datetime import timedelta

from schema.tables import Course, Membership, Organisation, TrainingRecord
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, screenshot


async def test_find_a_person_open_them_and_add_a_role(desk, live_server):
    await f.footprint("WC", "Wigan Central")
    pid = await f.person("Asha Patel", email="asha@example.org", year_of_birth=1984)
    await f.join(pid, "health-champions")
    other = await f.person("A. Patel", email="apatel@example.org")
    course = (
        await Course.insert(
            Course(slug="first-aid", name="First aid at work", valid_for_months=36)
        ).returning(Course.id)
    )[0]["id"]
    await TrainingRecord.insert(
        TrainingRecord(
            person=pid,
            course=course,
            completed_on=today() - timedelta(days=1000),
            expires_on=today() + timedelta(days=20),
        )
    )
    await Organisation.insert(Organisation(name="Leigh Library", kind="other", sector="public"))
    page = await desk("coordinator")

    await page.goto(f"{live_server}/console/people")
    await page.get_by_label("Name or email").fill("asha")
    await page.get_by_role("button", name="Find people").click()
    await page.get_by_role("link", name="Asha Patel").click()
    await page.get_by_role("heading", level=1, name="Asha Patel").wait_for()
    await page.get_by_role("link", name="Add to a programme").click()
    await page.get_by_label("Programme").select_option("cancer-champions")
    await page.get_by_role("button", name="Add to the programme").click()
    await page.get_by_text("The role is saved.").wait_for()
    assert await Membership.count().where(Membership.person == pid) == 2
    await screenshot(page, "console-person")
    assert await axe_violations(page) == []

    await page.goto(f"{live_server}/console/people?q=patel")
    assert await axe_violations(page) == []

    await page.goto(f"{live_server}/console/people/{pid}/edit")
    await page.get_by_label("Year of birth (optional)").fill("nineteen")
    # The organisation is a search that answers as you type (htmx), not a list of all.
    await page.get_by_label("Find the organisation").press_sequentially("leigh", delay=30)
    await page.get_by_role("radio", name="Leigh Library").check()
    await page.get_by_role("button", name="Save changes").click()
    await page.get_by_role("heading", name="There is a problem").wait_for()
    assert await page.get_by_role("radio", name="Leigh Library").is_checked()  # kept
    await screenshot(page, "console-person-edit-error")
    assert await axe_violations(page) == []
    await page.get_by_label("Year of birth (optional)").fill("1984")
    await page.get_by_label("Year of birth (optional)").press("Enter")  # Enter saves
    await page.get_by_role("heading", level=1, name="Asha Patel").wait_for()
    assert await page.get_by_text("Leigh Library").is_visible()

    await page.goto(f"{live_server}/console/people/{pid}/merge?q=patel&other={other}")
    await page.get_by_role("heading", name="Choose what to keep").wait_for()
    await screenshot(page, "console-merge")
    assert await axe_violations(page) == []

    await page.goto(f"{live_server}/console/trainings/cohort?q=patel")
    await page.get_by_label("Asha Patel (asha@example.org)").wait_for()
    assert await axe_violations(page) == []

    await page.goto(f"{live_server}/console/trainings")
    await page.get_by_role("link", name="Asha Patel").wait_for()
    await screenshot(page, "console-expiring")
    assert await axe_violations(page) == []
