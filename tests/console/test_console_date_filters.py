"""The console's date filters are the form kit's day, month and year boxes (never the
browser's own date box, which shows mm/dd/yyyy in a US browser): read into the same
filters as the ISO `since=`/`until=` of older links, with the kit's plain messages for a
date typed wrong, and links and downloads that carry ISO."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from tests.helpers import factories as f
from tests.helpers.console import add_event, rows
from tests.helpers.html import HTML, Page, date_boxes, typed
from tests.helpers.sessions import add, add_figure
from tests.helpers.signin import sign_in

LISTS = ("/console/sessions", "/console/sessions/external", "/console/", "/console/audit")


def query(**boxes: tuple[str, str, str]) -> str:
    sent: dict[str, str] = {}
    for name, (day, month, year) in boxes.items():
        sent.update(typed(name, day, month, year))
    return "?" + urlencode(sent)


@pytest.fixture
async def admin(client):
    await f.footprint("WC", "Wigan Central")
    user = await f.user("admin")
    await sign_in(client, user.email)
    await client.get("/console/sessions", headers=HTML)
    return user


async def test_every_console_date_filter_is_day_month_and_year_boxes(client, admin):
    for path in LISTS:
        answer = await client.get(path, headers=HTML)
        assert answer.status_code == 200, path
        assert 'type="date"' not in answer.text, path
        page = Page(answer.text)
        assert date_boxes(page, "since") == ("", "", "") and date_boxes(page, "until") == (
            "",
            "",
            "",
        ), path


async def test_sessions_are_filtered_by_the_boxes_and_the_links_carry_iso(client, session_desk):
    await add(client, venue="Central Hall", held_on="2025-01-10")
    await add(client, venue="Leigh Library", held_on="2025-03-10")
    answer = await client.get(
        "/console/sessions" + query(since=("1", "2", "2025"), until=("01", "04", "2025")),
        headers=HTML,
    )
    assert answer.status_code == 200
    page = Page(answer.text)
    assert "Leigh Library" in page.text and "Central Hall" not in page.text
    assert date_boxes(page, "since") == ("1", "2", "2025")
    assert date_boxes(page, "until") == ("1", "4", "2025")
    csv = "/console/sessions?since=2025-02-01&until=2025-04-01&format=csv"
    assert csv in page.links
    download = await client.get(csv)
    assert "Leigh Library" in download.text and "Central Hall" not in download.text
    # An address made before the boxes still works.
    older = Page((await client.get("/console/sessions?since=2025-02-01", headers=HTML)).text)
    assert "Leigh Library" in older.text and date_boxes(older, "since") == ("1", "2", "2025")


async def test_figures_show_long_dates_and_are_filtered_by_the_boxes(client, session_desk):
    await add_figure(client, as_of="2025-03-31", source="Spring count")
    await add_figure(client, as_of="2024-12-31", source="Winter count")
    page = Page(
        (await client.get("/console/sessions/external" + query(since=("1", "1", "2025")))).text
    )
    assert "Spring count" in page.text and "Winter count" not in page.text
    assert "31 March 2025" in page.text and "2025-03-31" not in page.text


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        ({"since": ("31", "2", "2025")}, "The first date must be a real date."),
        ({"since": ("1", "", "2025")}, "The first date must include a month."),
        ({"until": ("1", "2", "25")}, "The last date must have a year with 4 numbers, like 2026."),
        ({"until": ("x", "2", "2025")}, "The last date must be a real date."),
    ],
)
async def test_a_date_typed_wrong_gets_the_kits_message_on_every_list(
    client, admin, boxes, message
):
    for path in LISTS:
        answer = await client.get(path + query(**boxes), headers=HTML)
        assert answer.status_code == 400, path
        page = Page(answer.text)
        assert message in page.errors, (path, page.errors)
        name = next(iter(boxes))
        assert date_boxes(page, name) == boxes[name], path  # as typed


async def test_the_last_date_before_the_first_is_refused(client, admin):
    bad = query(since=("1", "5", "2025"), until=("1", "1", "2025"))
    for path in ("/console/", "/console/audit"):
        answer = await client.get(path + bad, headers=HTML)
        assert answer.status_code == 400, path
        assert Page(answer.text).errors, path


async def test_blank_boxes_are_no_filter(client, session_desk):
    await add(client, venue="Central Hall", held_on="2025-01-10")
    answer = await client.get(
        "/console/sessions" + query(since=("", "", ""), until=("", "", "")), headers=HTML
    )
    assert answer.status_code == 200 and "Central Hall" in Page(answer.text).text


async def test_the_dashboard_reads_the_boxes_and_its_downloads_carry_iso(client, admin):
    answer = await client.get("/console/" + query(since=("5", "1", "2025")), headers=HTML)
    assert answer.status_code == 200
    page = Page(answer.text)
    assert "from 5 January 2025" in page.text
    downloads = [link for link in page.links if link.startswith("/console/export")]
    assert len(downloads) == 9  # XLSX, and CSV of each of the eight tables
    assert all("since=2025-01-05" in link and "since-day" not in link for link in downloads)
    assert date_boxes(page, "since") == ("5", "1", "2025")


async def test_the_audit_log_reads_the_boxes(client, admin):
    for day in range(1, 6):
        await add_event(datetime(2026, 3, day, 12, tzinfo=UTC), "activity", 100 + day)
    answer = await client.get(
        "/console/audit" + query(since=("2", "3", "2026"), until=("4", "3", "2026")),
        headers=HTML,
    )
    assert answer.status_code == 200
    found = [r.split("Activity ")[1].split()[0] for r in rows(answer.text) if "Activity " in r]
    assert found == ["104", "103", "102"]
    assert "since=2026-03-02" in answer.text.replace("&amp;", "&")
