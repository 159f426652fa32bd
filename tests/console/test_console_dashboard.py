"""The dashboard: its breakdowns agree with the totals, its filters, and its downloads."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest

from schema.tables import Programme
from server.db import note_write
from server.lib.reference import load_reference
from server.settings import today
from server.totals.breakdown import footprint_rows, month_rows, new_this_month
from server.totals.dashboard import target_progress
from server.totals.services import Filters, compute_totals, read_filters
from tests.helpers import factories as f
from tests.helpers.dashboard import movement, num
from tests.helpers.html import Page, Tables
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}
AREA_KEYS = ("people", "roles", "friends", "anonymous_friends", "movement_total")
ACTIVITY_KEYS = ("activities", "reach", "hours")


FILTER_SETS = [
    {},
    {"programme": "dementia-friends"},
    {"programme": "health-champions", "since": "2025-01-20"},
    {"since": "2025-02-01", "until": "2025-06-30"},
    {"until": "2025-12-31"},
]


# The services --------------------------------------------------------------------------


@pytest.mark.parametrize("params", FILTER_SETS)
async def test_each_area_row_is_what_the_totals_say_for_that_area(params):
    areas = await movement()
    ref = await load_reference()
    filters = read_filters(params, ref)
    rows = {row["code"]: row for row in await footprint_rows(filters, ref)}
    for code in ("WC", "LE"):
        expected = await compute_totals(read_filters({**params, "footprint": code}, ref), ref)
        for key in AREA_KEYS + ACTIVITY_KEYS:
            assert rows[code][key] == expected[key], (params, code, key)
        only = await footprint_rows(read_filters({**params, "footprint": code}, ref), ref)
        assert only == [rows[code]]  # filtered to one area: that row alone, no "no area"
    # The rows, "No area given" included, add up to the whole.
    whole = await compute_totals(filters, ref)
    for key in ("people", "roles", "friends", "movement_total", "activities", "reach"):
        assert sum(row[key] for row in rows.values()) == whole[key], (params, key)
    assert set(areas) <= set(rows)


async def test_the_no_area_row_holds_what_has_no_area():
    await movement()
    ref = await load_reference()
    rows = {row["code"]: row for row in await footprint_rows(Filters(), ref)}
    none = rows[""]
    assert none["name"] == "No area given"
    # Cat (no area); 15 at a session with no area and 50 counted borough-wide; 7 reached.
    assert (none["people"], none["anonymous_friends"], none["reach"]) == (1, 65, 7)
    assert none["friends"] == 1 + 65


@pytest.mark.parametrize(
    "params",
    [{}, {"footprint": "WC"}, {"programme": "health-champions"}, {"since": "2025-02-15"}],
)
async def test_each_month_row_is_what_the_totals_say_for_that_month(params):
    await movement()
    ref = await load_reference()
    filters = read_filters(params, ref)
    rows = await month_rows(filters, today())
    assert 1 <= len(rows) <= 24
    assert rows[-1]["month"] == today().replace(day=1)
    for row in rows:
        whole = await compute_totals(
            read_filters({**params, "since": str(row["since"]), "until": str(row["until"])}, ref),
            ref,
        )
        got = (row["activities"], row["reach"], row["hours"], row["new_roles"])
        assert got == (whole["activities"], whole["reach"], whole["hours"], whole["roles"])
    if "since" in params:  # the series starts at the first date, part of a month
        assert (rows[0]["since"], rows[0]["whole"]) == (date(2025, 2, 15), False)


async def test_rejected_activities_never_count_anywhere():
    await movement()
    ref = await load_reference()
    month_ago = today() - timedelta(days=31)
    wc = {r["code"]: r for r in await footprint_rows(Filters(), ref)}["WC"]
    assert (wc["activities"], wc["reach"]) == (2, 50)  # not the rejected 5,000
    months = {r["month"]: r for r in await month_rows(Filters(), today())}
    assert months[month_ago.replace(day=1)]["reach"] == 40 + (
        7 if month_ago.month == today().month else 0
    )


async def test_new_this_month_counts_active_roles_joined_this_month():
    await movement()
    ref = await load_reference()
    ids = ref.programme_ids()
    new = await new_this_month(Filters(), today())
    assert new == {ids["dementia-friends"]: 1, ids["health-champions"]: 1}  # Dee left
    only_le = await new_this_month(Filters(footprint=ref.footprint_ids()["LE"]), today())
    assert only_le == {ids["health-champions"]: 1}
    # The filters' dates do not change it: it is always this month.
    assert await new_this_month(Filters(until=date(2025, 1, 1)), today()) == new


def test_target_progress_counts_friends_or_members():
    friends = {
        "kind": "friend",
        "friends": 412,
        "members": 12,
        "target": 500,
        "target_date": date(2027, 3, 31),
    }
    assert target_progress(friends) == {
        "done": 412,
        "target": 500,
        "percent": 82,
        "by": date(2027, 3, 31),
    }
    champions = {"kind": "champion", "friends": 0, "members": 30, "target": 20, "target_date": None}
    assert target_progress(champions)["percent"] == 150
    assert target_progress({**champions, "target": None}) is None


# The page ------------------------------------------------------------------------------


async def signed_in(client):
    user = await f.user("coordinator")
    await sign_in(client, user.email)
    return user


async def page(client, query: str = "", **headers):
    return await client.get(f"/console/{query}", headers={**HTML, **headers})


def whole_hours(cell: str, api_hours: float) -> bool:
    """A table shows the API's hours as whole hours (with a thousands separator): the
    nearest one, never a decimal."""
    return re.fullmatch(r"\d{1,3}(,\d{3})*", cell) is not None and abs(num(cell) - api_hours) <= 0.5


async def test_the_page_shows_exactly_what_the_totals_api_says(client):
    await movement()
    await signed_in(client)
    for params in FILTER_SETS + [{"footprint": "LE", "since": "2025-01-01"}]:
        query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
        await _page_agrees_with_the_api(client, query)


async def _page_agrees_with_the_api(client, query: str) -> None:
    answer = await page(client, query)
    assert answer.status_code == 200
    api = (await client.get(f"/api/totals{query}")).json()
    tables = Tables(answer.text)
    programmes = tables.rows("programmes-table")
    assert list(programmes) == [p["slug"] for p in api["programmes"]]
    for p in api["programmes"]:
        row = programmes[p["slug"]]
        assert [num(row[1]), num(row[4]), num(row[5])] == [
            p["members"],
            p["activities"],
            p["reach"],
        ]
        assert whole_hours(row[6], p["hours"])
        assert num(row[3]) == p["friends"]
    figures = Page(answer.text).text
    for key in ("movement_total", "people", "roles", "friends", "reach", "activities"):
        assert f"{api[key]:,}" in figures


async def test_each_area_row_on_the_page_equals_the_api_for_that_area(client):
    await movement()
    await signed_in(client)
    areas = Tables((await page(client, "?since=2025-01-01")).text).rows("areas-table")
    for code in ("WC", "LE"):
        api = (await client.get(f"/api/totals?since=2025-01-01&footprint={code}")).json()
        row = [num(cell) for cell in areas[code][1:7]]
        assert row == [
            api["people"],
            api["roles"],
            api["friends"],
            api["movement_total"],
            api["activities"],
            api["reach"],
        ]
        assert whole_hours(areas[code][7], api["hours"])


WIDGET_LINE = re.compile(r"<li><b>([\d,]+)</b> ([^<]+)</li>")  # a hidden one: "Name: not shown"


async def test_the_public_widget_shows_the_dashboards_numbers(client):
    """/embed for the borough and for one area: every number it shows is the dashboard's
    for the same filter (an area's small ones are hidden, never different)."""
    wc = (await movement())["WC"]
    for i in range(12):  # enough in one area for its numbers to be shown
        person = await f.person(f"Wigan {i}", footprint=wc)
        await f.join(person, "health-champions" if i % 2 else "dementia-friends")
    note_write()
    await signed_in(client)
    for query, area in (("", None), ("?footprint=WC", "Wigan Central")):
        board = await page(client, query)
        programmes = Tables(board.text).rows("programmes-table")
        by_name = {row[0]: row for row in programmes.values()}
        api = (await client.get("/api/totals")).json()
        friends = {p["name"] for p in api["programmes"] if p["kind"] == "friend"}
        widget = (await client.get(f"/embed{query}")).text
        headline = Page(widget).h1
        total = Tables(board.text).rows("areas-table")
        shown = 0
        for count, name in WIDGET_LINE.findall(widget):
            row = by_name[name]
            if not count.startswith("Fewer"):
                expected = num(row[3]) if name in friends else num(row[1])
                assert num(count) == expected, (query, name)
                shown += 1
        assert shown >= 2, query  # the check above was not empty
        movement_total = num(headline.split(" citizens")[0])
        if area is None:
            assert f"{int(movement_total):,}" in Page(board.text).text
        else:
            assert headline.endswith(f"in {area}")
            assert movement_total == num(total["WC"][4])


async def test_the_filters_change_the_numbers_and_stay_in_the_form(client):
    await movement()
    await signed_in(client)
    everything = await page(client)
    leigh = await page(client, "?programme=&footprint=LE&since=&until=")
    assert Tables(leigh.text).selected == {"programme": "", "footprint": "LE"}
    whole = Tables(everything.text).rows("areas-table")
    only = Tables(leigh.text).rows("areas-table")
    assert list(only) == ["LE"] and len(whole) == 3  # WC, LE and "no area"
    assert "Showing all programmes, in Leigh, at any date." in Page(leigh.text).text
    new = Tables(everything.text).rows("programmes-table")["dementia-friends"][2]
    assert new == "1"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?programme=nope", "programme", "Choose a programme from the list."),
        ("?footprint=ZZ", "footprint", "Choose an area from the list."),
        ("?since=yesterday", "since", "Enter the first date as a real date, like 2025-03-31."),
        (
            "?since=2025-05-01&until=2025-01-01",
            "until",
            "The last date must be on or after the first date.",
        ),
        ("?until=99999-01-01", "until", "Enter the last date as a real date, like 2025-03-31."),
    ],
)
async def test_bad_filters_say_what_to_fix_beside_the_field(client, query, field, message):
    await signed_in(client)
    answer = await page(client, query)
    assert answer.status_code == 400
    assert Page(answer.text).errors == [message]
    assert f'id="{field}-error"' in answer.text
    assert "programmes-table" not in answer.text


async def test_htmx_gets_the_figures_alone_and_the_messages_too(client):
    await movement()
    await signed_in(client)
    partial = await page(client, "?footprint=WC", **{"hx-request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and "areas-table" in partial.text
    bad = await page(client, "?footprint=ZZ", **{"hx-request": "true"})
    assert bad.status_code == 400 and "<html" not in bad.text
    assert Page(bad.text).errors == ["Choose an area from the list."]
    # Going back in history asks for the whole page.
    restore = await page(
        client, "?footprint=WC", **{"hx-request": "true", "hx-history-restore-request": "true"}
    )
    assert "<html" in restore.text


# Downloads -----------------------------------------------------------------------------


async def test_the_download_links_carry_the_filters(client):
    await movement()
    await signed_in(client)
    links = [
        link
        for link in Page((await page(client, "?footprint=WC&since=2025-01-01")).text).links
        if link.startswith("/console/export")
    ]
    tables = [re.search(r"table=(\w+)", link) for link in links]
    assert [m.group(1) if m else "xlsx" for m in tables] == [
        "xlsx", "programmes", "areas", "months", "headline",
        "settings", "topics", "deprivation", "signposting",
    ]  # fmt: skip
    assert all("footprint=WC" in link and "since=2025-01-01" in link for link in links)


async def test_csv_downloads_hold_the_dashboard_numbers(client):
    await movement()
    await signed_in(client)
    api = (await client.get("/api/totals?since=2025-01-01")).json()
    answer = await client.get("/console/export?format=csv&table=programmes&since=2025-01-01")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "dashboard-programmes-" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r["Programme code"] for r in rows] == [p["slug"] for p in api["programmes"]]
    for row, p in zip(rows, api["programmes"], strict=True):
        assert (int(row["Members"]), int(row["People reached"]), float(row["Hours"])) == (
            p["members"],
            p["reach"],
            p["hours"],
        )
    areas = await client.get("/console/export?format=csv&table=areas&since=2025-01-01")
    by_code = {r["Area code"]: r for r in csv.DictReader(io.StringIO(areas.text.lstrip("\ufeff")))}
    le = (await client.get("/api/totals?since=2025-01-01&footprint=LE")).json()
    assert int(by_code["LE"]["People reached"]) == le["reach"]
    assert int(by_code["LE"]["Citizens in the movement"]) == le["movement_total"]


async def test_the_xlsx_download_has_a_sheet_for_each_table(client):
    await movement()
    await signed_in(client)
    answer = await client.get("/console/export?format=xlsx&programme=health-champions")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == [
        "headline", "programmes", "areas", "months",
        "settings", "topics", "deprivation", "signposting",
    ]  # fmt: skip
    api = (await client.get("/api/totals?programme=health-champions")).json()
    headline = {row[0]: row[1] for row in book["headline"].iter_rows(min_row=2, values_only=True)}
    assert headline["People reached"] == api["reach"]
    assert headline["Citizens in the movement"] == api["movement_total"]
    assert headline["Filter: programme"] == "health-champions"
    programmes = list(book["programmes"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[6]) for r in programmes] == [("health-champions", 2, 77)]
    months = list(book["months"].iter_rows(min_row=2, values_only=True))
    assert len(months) == 24 and sum(r[4] for r in months) == sum(
        r["reach"]
        for r in (
            await month_rows(Filters(programme=await f.programme_id("health-champions")), today())
        )
    )
    areas = {r[1]: r for r in book["areas"].iter_rows(min_row=2, values_only=True)}
    assert areas["WC"][7] == 50


@pytest.mark.parametrize("query", ["format=pdf", "format=csv&table=people", "format=csv&since=x"])
async def test_bad_download_requests_say_what_to_fix(client, query):
    await signed_in(client)
    answer = await client.get(f"/console/export?{query}", headers=HTML)
    assert answer.status_code == 400
    assert "There is a problem" in Page(answer.text).text


async def test_targets_show_progress_on_the_page(client):
    await movement()
    await Programme.update({Programme.target: 4, Programme.target_date: date(2027, 3, 31)}).where(
        Programme.slug == "health-champions"
    )
    note_write()
    await signed_in(client)
    rows = Tables((await page(client)).text).rows("programmes-table")
    assert rows["health-champions"][7] == "2 of 4 (50%) by 31 March 2027"
    assert rows["heart-champions"][7] == "No target set"


async def test_figures_for_chosen_dates_say_they_count_who_joined_then(client):
    await movement()
    await signed_in(client)
    everything = Page((await page(client)).text).text
    assert "Citizens in the movement" in everything
    dated = Page((await page(client, "?since=2025-01-01&until=2025-06-30")).text).text
    assert "Citizens in the movement" not in dated
    assert "Citizens who joined the movement" in dated
    assert "from 1 January 2025 to 30 June 2025: people who took a role" in dated
    assert "People who took a role" in dated and "Citizens who joined" in dated
    until = Page((await page(client, "?until=2025-06-30")).text).text
    assert "Citizens in the movement" in until and "by 30 June 2025" in until


async def test_hours_in_the_tables_are_whole_hours_with_a_thousands_separator(client):
    """1,234 hours 30 minutes of activities show as "1,235" in every table (a half rounds
    up), under "Hours"; the API and the CSV keep 1234.5."""
    wc = await f.footprint("WC", "Wigan Central")
    ann = await f.person("Ann", footprint=wc)
    health = await f.programme_id("health-champions")
    await f.activities(
        *[
            {
                "person": ann,
                "programme": health,
                "kind": "event",
                "occurred_on": date(2025, 1, day),
                "footprint": wc,
                "people_reached": 1,
                "minutes": minutes,
                "review_status": "not-needed",
            }
            for day, minutes in ((2, 60_000), (3, 14_070))  # 1,000 h + 234 h 30 min
        ],
        counted=True,
    )
    note_write()
    await signed_in(client)
    answer = await page(client, "?since=2025-01-01&until=2025-01-31")
    tables = Tables(answer.text)
    assert tables.rows("programmes-table")["health-champions"][6] == "1,235"
    assert tables.rows("areas-table")["WC"][7] == "1,235"
    assert ">Hours</th>" in answer.text
    assert (await client.get("/api/totals?since=2025-01-01")).json()["hours"] == 1234.5
    report = await client.get("/console/export?format=csv&table=programmes&since=2025-01-01")
    assert "1234.5" in report.text
