"""Every console page in real headless Chromium, with demo data, on a phone (390 px) and at a
desk (1280 px): nothing scrolls the page sideways (a wide table scrolls inside its own
labelled box), and every action of every row of the review queue can be seen at 1280 px.

Pages are found from the app's own routes, as in test_console_access.py, so a page added
later is walked too."""

from __future__ import annotations

import re
import uuid

import httpx

from schema import tables as t
from server.demo import load_demo
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.browser import axe_violations, screenshot

PHONE_390 = {"width": 390, "height": 844}
DESK_1280 = {"width": 1280, "height": 900}
SKIP = (
    "/console/export",
    "/console/import/{job_id:int}/problems",
    "/console/people/download",
    "/console/trainings/download",
)
# Which record fills each kind of id in a console address.
IDS = [
    (r"^/console/people/", t.Person),
    (r"^/console/memberships/", t.Membership),
    (r"^/console/trainings/\{", t.TrainingRecord),
    (r"^/console/sessions/external/", t.ExternalCount),
    (r"^/console/sessions/", t.FriendsSession),
    (r"^/console/review/activities/", t.Activity),
    (r"^/console/review/stories/", t.Story),
    (r"^/console/import/", t.ImportJob),
    (r"^/console/admin/users/", t.Account),
    (r"^/console/admin/footprints/", t.Footprint),
    (r"^/console/admin/programmes/", t.Programme),
    (r"^/console/admin/courses/", t.Course),
    (r"^/console/admin/organisations/", t.Organisation),
    (r"^/console/applicants/", t.Application),  # Joining (issue 15)
    (r"^/console/upcoming/", t.UpcomingSession),  # Upcoming sessions (issue 15)
    (r"^/console/activities/", t.Activity),  # Impact (issue 16)
    (r"^/console/topics/", t.Topic),
    (r"^/console/services/", t.Service),
]
# Pages whose screenshots are looked at (test-artifacts/screenshots/layout-*.png).
SHOTS = (
    r"/console|/console/(review.*|audit|sessions.*|people|people/\d+|trainings.*"
    r"|import/\d+.*|admin/users)"
)
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !el.closest('.scroll');
  }).slice(0, 5).map(el => el.tagName + ': ' + (el.textContent || '').slice(0, 40));
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide};
}"""


async def _first_id(table: t._Table, path: str) -> int:
    query = table.select(table.id).order_by(table.id)  # type: ignore[arg-type]
    if table is t.Activity:  # type: ignore[comparison-overlap]
        query = query.where(t.Activity.review_status == "needs-review")
    if table is t.Person:  # type: ignore[comparison-overlap]  # someone with activities, so that their page shows some
        query = query.where(t.Person.id.is_in(t.Activity.select(t.Activity.person)))
    row = await query.first()
    assert row is not None, f"no {table.__name__} for {path}"  # type: ignore[attr-defined]
    return int(row["id"])


async def console_pages(app) -> list[str]:
    """Every console page a browser can open, with real ids in it."""
    out = set()
    for route in app.routes:
        if not route.path.startswith("/console") or route.path in SKIP:
            continue
        if not any("GET" in h.http_methods for h in route.route_handlers):
            continue
        path = route.path
        if "{" in path:
            table = next(table for pattern, table in IDS if re.search(pattern, path))
            path = re.sub(r"\{[^}]+\}", str(await _first_id(table, path)), path)  # type: ignore[arg-type]
        out.add(path)
    return sorted(out)


async def _demo_like_data(base: str) -> None:
    """The demo data, a long name, a story, an activity and a big session to review."""
    await load_demo(0.02)
    if not await t.Service.count():  # Impact (issue 16): a service to change or delete
        await t.Service.insert(t.Service(name="Stop Smoking Wigan", kind="Stop smoking"))
    champion = await f.user("champion", name="Bartholomew Featherstonehaugh-Montgomery")
    await f.join(champion.person_id, "health-champions")
    await f.join(champion.person_id, "dementia-friends")
    activity = {
        "client_id": str(uuid.uuid4()),
        "programme": "health-champions",
        "kind": "event",
        "occurred_on": today().isoformat(),
        "people_reached": 1200,
        "minutes": 60,
        "note": "Stall at https://example.org/a-very-long-address-without-any-spaces-in-it",
    }
    session = {"programme": "dementia-friends", "held_on": today().isoformat(), "attendees": 140}
    async with httpx.AsyncClient(base_url=base, headers=champion.headers) as api:
        assert (await api.post("/api/activities", json=activity)).status_code == 201
        assert (await api.post("/api/friends-sessions", json=session)).status_code == 201
        story = {"text": "I put leaflets in the church toilets.", "consent_to_publish": True}
        assert (await api.post("/api/stories", json=story)).status_code == 201
    # Joining (issue 15): a young applicant, whose page shows every part.
    await t.Application.insert(
        t.Application(
            name="Bartholomew Featherstonehaugh-Montgomery Junior", email="bfm@example.org",
            postcode="WN1 1AA", year_of_birth=today().year - 15, consent_to_contact=True,
            parent_name="Bartholomew Featherstonehaugh-Montgomery", parent_consent=True,
            parent_email="bartholomew.featherstonehaugh-montgomery@example.org",
        )
    )  # fmt: skip
    # Upcoming sessions (issue 15): one with a long title and a booking, for its pages.
    from tests.helpers.events import publish_upcoming

    upcoming = await publish_upcoming(
        organiser=champion.person_id,
        title="Dementia Friends Information Session for the Featherstonehaugh-Montgomery family",
    )
    await t.Booking.insert(
        t.Booking(session=upcoming, name="Bartholomew Featherstonehaugh-Montgomery",
                  email="bfm2@example.org")
    )  # fmt: skip


async def _upload(page, base: str) -> None:
    """An import job, so that the import's pages have one to show."""
    from tests.helpers.imports import FILES

    await page.goto(f"{base}/console/import")
    await page.get_by_label("Spreadsheet file").set_input_files(
        str(FILES / "champions-register.csv")
    )
    await page.get_by_role("button", name="Upload and choose columns").click()
    await page.get_by_role("heading", name="Choose what each column holds").wait_for()


async def test_no_console_page_scrolls_sideways_on_a_phone_or_a_desk(desk, live_server, app):
    await _demo_like_data(live_server)
    page = await desk("admin")
    await _upload(page, live_server)
    problems = []
    for path in await console_pages(app):
        for size in (PHONE_390, DESK_1280):
            await page.set_viewport_size(size)
            answer = await page.goto(f"{live_server}{path}", timeout=30_000)
            assert answer is not None and answer.status < 500, path
            found = await page.evaluate(OVERFLOW)
            if found["scroll"] > found["inner"]:
                problems.append(f"{path} at {size['width']} px: {found}")
            if re.fullmatch(SHOTS, path):
                name = re.sub(r"\W+", "-", path.strip("/"))
                await screenshot(page, f"layout-{name}-{size['width']}")
    assert problems == [], "\n".join(problems)


async def test_every_review_action_is_in_view_at_a_desk(desk, live_server):
    await _demo_like_data(live_server)
    page = await desk("coordinator")
    await page.set_viewport_size(DESK_1280)
    await page.goto(f"{live_server}/console/review")
    waiting = await t.Activity.count().where(t.Activity.review_status == "needs-review")
    assert waiting > 1
    checked = 0
    for word in ("Approve", "Correct", "Reject"):
        for action in (
            await page.get_by_role("main")
            .locator(f"button:has-text('{word}'), a:has-text('{word}')")
            .all()
        ):
            box = await action.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280, word
            checked += 1
    # Every activity on the page has its three actions, and the session its two.
    shown = min(waiting, 25)
    assert checked == 3 * shown + 2
    assert await axe_violations(page) == []
    await screenshot(page, "console-review-1280")
    await page.set_viewport_size(PHONE_390)
    await screenshot(page, "console-review-390")
