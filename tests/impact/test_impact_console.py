"""What a coordinator sees of the impact breakdowns (issue 16): the dashboard's sections, the
quarterly report's, the CSV and XLSX downloads, and the social value estimate with its
rate setting. Every number is worked out by hand from tests/helpers/impact.py."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from schema import tables as t
from tests.helpers import factories as f
from tests.helpers.html import HTML, Page, Tables, send_form
from tests.helpers.impact import QUARTER, SINCE, UNTIL, impact_movement
from tests.helpers.signin import sign_in

QUARTER_QUERY = f"?since={SINCE}&until={UNTIL}"
SOURCE = "ONS Annual Survey of Hours and Earnings (test figure)"


async def signed_in(client, role: str = "coordinator"):
    user = await f.user(role)
    await sign_in(client, user.email)
    return user


async def dashboard(client, query: str = "") -> Tables:
    answer = await client.get(f"/console/{query}", headers=HTML)
    assert answer.status_code == 200
    return Tables(answer.text)


def zero(name: str) -> list[str]:
    return [name, "0", "0", "0"]


# The dashboard ---------------------------------------------------------------------------


async def test_the_dashboard_shows_where_activities_happened(client):
    await impact_movement()
    await signed_in(client)
    tables = await dashboard(client, QUARTER_QUERY)
    assert tables.rows("settings-table") == {
        "home": ["At home", "2", "2", "6"],
        "gp-practice": ["GP practice", "2", "2", "6"],
        "school-college": ["School or college", "2", "15", "20"],  # 19.5 hours
        "workplace": zero("Workplace"),
        "community-venue": zero("Community venue"),  # the rejected one never counts
        "online": zero("Online"),
        "street-event": zero("Street or event"),
        "other": zero("Somewhere else"),
        "": ["Not given", "2", "2", "6"],
    }
    assert tables.tables["settings-table"][-1] == ["All activities", "8", "21", "38"]  # 37.5
    # At any date the June event (a workplace) counts too.
    every = await dashboard(client)
    assert every.rows("settings-table")["workplace"] == ["Workplace", "1", "20", "2"]
    assert every.tables["settings-table"][-1] == ["All activities", "9", "41", "40"]  # 39.5


async def test_the_dashboard_counts_an_activity_under_each_of_its_topics(client):
    await impact_movement()
    await signed_in(client)
    rows = (await dashboard(client, QUARTER_QUERY)).rows("topics-table")
    assert len(rows) == 12  # the 11 topics the app ships with, then "No topic given"
    assert rows["smoking"] == ["Smoking", "2", "15", "20"]
    assert rows["alcohol"] == ["Alcohol", "1", "10", "10"]
    assert rows["dementia"] == zero("Dementia")
    assert rows[""] == ["No topic given", "6", "6", "18"]


async def test_the_dashboard_shows_people_and_places_by_deprivation_quintile(client):
    await impact_movement()
    await signed_in(client)
    answer = await client.get(f"/console/{QUARTER_QUERY}", headers=HTML)
    rows = Tables(answer.text).rows("deprivation-table")
    # People who joined in the quarter: Ann (q1), Bob (q5), Cat (postcode not in the lookup).
    # Places: #1 in q1 (10 reached), #2 in q2 (5), six with no postcode. Shares of the known.
    assert rows == {
        "1": ["1 (most deprived)", "1", "50%", "1", "10", "67%", "10"],
        "2": ["2", "0", "0%", "1", "5", "33%", "10"],  # 9.5 hours
        "3": ["3", "0", "0%", "0", "0", "0%", "0"],
        "4": ["4", "0", "0%", "0", "0", "0%", "0"],
        "5": ["5 (least deprived)", "1", "50%", "0", "0", "0%", "0"],
        "": ["Not known", "1", "–", "6", "6", "–", "18"],
    }
    assert Page(answer.text).by_id["lookups"]  # the line about the lookups is there
    assert (
        "The council's lookups place 3 postcodes in a deprivation decile (3 postcodes and 3 "
        "small areas (LSOAs) loaded)." in Page(answer.text).text
    )
    # At any date: Dan (no postcode) is a person not known; the June event is in q5.
    every = (await dashboard(client)).rows("deprivation-table")
    assert every["1"] == ["1 (most deprived)", "1", "50%", "1", "10", "29%", "10"]  # 10 of 35
    assert every["2"] == ["2", "0", "0%", "1", "5", "14%", "10"]  # 5 of 35
    assert every["5"] == ["5 (least deprived)", "1", "50%", "1", "20", "57%", "2"]  # 20 of 35
    assert every[""] == ["Not known", "2", "–", "6", "6", "–", "18"]


async def test_without_lookups_every_quintile_is_not_known_and_it_says_where_to_upload(client):
    await impact_movement(lookups=False)
    await signed_in(client)
    answer = await client.get(f"/console/{QUARTER_QUERY}", headers=HTML)
    rows = Tables(answer.text).rows("deprivation-table")
    assert rows[""] == ["Not known", "3", "–", "8", "21", "–", "38"]
    assert rows["1"] == ["1 (most deprived)", "0", "–", "0", "0", "–", "0"]
    page = Page(answer.text)
    assert 'No deprivation lookups are loaded, so every quintile is "Not known".' in page.text
    assert "/console/import" in page.links
    assert "Nothing to show for these filters." in page.text  # the quintile charts


async def test_the_dashboard_shows_signposts_by_service_and_the_take_up_rate(client):
    ids = await impact_movement()
    await signed_in(client)
    tables = await dashboard(client, QUARTER_QUERY)
    assert tables.rows("signposting-table") == {
        # 2 took it up of the 3 whose answer is known (2 yes, 1 no; "don't know" left out)
        str(ids["smoking"]): ["Stop Smoking Wigan (Stop smoking)", "4", "2", "1", "1", "0",
                              "67% of 3"],
        str(ids["check"]): ["NHS Health Check (Health check)", "1", "0", "0", "0", "1", "–"],
        "": ["No service named", "1", "0", "0", "0", "1", "–"],
    }  # fmt: skip
    assert tables.tables["signposting-table"][-1] == [
        "All signposts", "6", "2", "1", "1", "2", "67% of 3",
    ]  # fmt: skip
    # A quarter with no signposts says so instead of an empty table.
    none = await client.get("/console/?since=2026-01-01&until=2026-03-31", headers=HTML)
    assert "No signposting activities for these filters." in Page(none.text).text


async def test_the_dashboards_charts_say_their_numbers(client):
    await impact_movement()
    await signed_in(client)
    page = Page((await client.get(f"/console/{QUARTER_QUERY}", headers=HTML)).text)
    summary = page.by_id["chart-settings-title"]
    assert summary["tag"] == "title"
    text = page.text
    assert (
        "Activities in each kind of place: At home 2; GP practice 2; School or college 2; "
        "Workplace 0; Community venue 0; Online 0; Street or event 0; Somewhere else 0; "
        "Not given 2." in text
    )
    assert (
        "People reached, by the deprivation of the place: 1 (most deprived) 10; 2 5; 3 0; 4 0; "
        "5 (least deprived) 0." in text
    )


# Downloads -------------------------------------------------------------------------------


async def _csv(client, table: str, query: str = QUARTER_QUERY) -> list[dict[str, str]]:
    answer = await client.get(f"/console/export?format=csv&table={table}&{query.lstrip('?')}")
    assert answer.status_code == 200
    assert f"dashboard-{table}-" in answer.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))


async def test_the_csv_downloads_hold_the_impact_tables(client):
    await impact_movement()
    await signed_in(client)
    settings = await _csv(client, "settings")
    assert settings[2] == {
        "Where it happened": "School or college", "Setting code": "school-college",
        "Activities": "2", "People reached": "15", "Hours": "19.5",
    }  # fmt: skip
    assert settings[-1] == {
        "Where it happened": "Not given", "Setting code": "",
        "Activities": "2", "People reached": "2", "Hours": "6.0",
    }  # fmt: skip
    topics = {row["Topic code"]: row for row in await _csv(client, "topics")}
    assert topics["smoking"] == {
        "Topic": "Smoking", "Topic code": "smoking", "Activities": "2", "People reached": "15",
        "Hours": "19.5",
    }  # fmt: skip
    assert topics[""]["Topic"] == "No topic given" and topics[""]["Hours"] == "18.0"
    quintiles = await _csv(client, "deprivation")
    assert [list(row.values()) for row in quintiles] == [
        ["1 (most deprived)", "1", "1", "1", "10", "10.0"],
        ["2", "2", "0", "1", "5", "9.5"],
        ["3", "3", "0", "0", "0", "0.0"],
        ["4", "4", "0", "0", "0", "0.0"],
        ["5 (least deprived)", "5", "1", "0", "0", "0.0"],
        ["Not known", "", "1", "6", "6", "18.0"],
    ]
    assert list(quintiles[0]) == [
        "Deprivation quintile", "Quintile (1 is the most deprived)",
        "People with a role (by home)", "Activities (by place)", "People reached", "Hours",
    ]  # fmt: skip
    signposts = await _csv(client, "signposting")
    assert [
        (r["Service"], r["Signposts"], r["Took it up"], r["Did not"], r["Don't know"],
         r["Not asked yet"], r["Take-up rate % (took it up, of those known)"])
        for r in signposts
    ] == [
        ("Stop Smoking Wigan", "4", "2", "1", "1", "0", "66.7"),
        ("NHS Health Check", "1", "0", "0", "0", "1", ""),
        ("No service named", "1", "0", "0", "0", "1", ""),
        ("All signposts", "6", "2", "1", "1", "2", "66.7"),
    ]  # fmt: skip
    assert signposts[0]["Kind of service"] == "Stop smoking"


async def test_the_xlsx_download_has_a_sheet_for_each_impact_table(client):
    await impact_movement()
    await signed_in(client)
    answer = await client.get(f"/console/export?format=xlsx&since={SINCE}&until={UNTIL}")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.content))

    def rows(sheet: str) -> list[tuple]:
        return list(book[sheet].iter_rows(values_only=True))

    settings = rows("settings")
    assert settings[0] == ("Where it happened", "Setting code", "Activities", "People reached",
                           "Hours")  # fmt: skip
    assert settings[3] == ("School or college", "school-college", 2, 15, 19.5)
    assert settings[-1] == ("Not given", None, 2, 2, 6.0)
    topics = {r[1]: r for r in rows("topics")[1:]}
    assert topics["alcohol"] == ("Alcohol", "alcohol", 1, 10, 10.0)
    assert rows("deprivation")[1:] == [
        ("1 (most deprived)", 1, 1, 1, 10, 10.0),
        ("2", 2, 0, 1, 5, 9.5),
        ("3", 3, 0, 0, 0, 0.0),
        ("4", 4, 0, 0, 0, 0.0),
        ("5 (least deprived)", 5, 1, 0, 0, 0.0),
        ("Not known", None, 1, 6, 6, 18.0),
    ]
    assert rows("signposting")[1:] == [
        ("Stop Smoking Wigan", "Stop smoking", 4, 4, 2, 1, 1, 0, 66.7),
        ("NHS Health Check", "Health check", 1, 1, 0, 0, 0, 1, None),
        ("No service named", None, 1, 1, 0, 0, 0, 1, None),
        ("All signposts", None, 6, 6, 2, 1, 1, 2, 66.7),
    ]


# The quarterly report --------------------------------------------------------------------


async def report(client) -> str:
    answer = await client.get(f"/console/report?quarter={QUARTER}", headers=HTML)
    assert answer.status_code == 200
    return answer.text


async def test_the_report_shows_the_quarters_impact_sections(client):
    ids = await impact_movement()
    await signed_in(client)
    tables = Tables(await report(client))
    settings = tables.rows("report-settings-table")
    assert settings["school-college"] == ["School or college", "2", "15", "20"]
    assert settings["workplace"] == zero("Workplace")  # June: before the quarter
    assert tables.tables["report-settings-table"][-1] == ["All activities", "8", "21", "38"]
    topics = tables.rows("report-topics-table")
    assert (topics["smoking"], topics[""]) == (
        ["Smoking", "2", "15", "20"],
        ["No topic given", "6", "6", "18"],
    )
    quintiles = tables.rows("report-deprivation-table")
    assert quintiles["1"] == ["1 (most deprived)", "1", "50%", "1", "10", "67%", "10"]
    assert quintiles[""] == ["Not known", "1", "–", "6", "6", "–", "18"]
    signposts = tables.rows("report-signposting-table")
    assert signposts[str(ids["smoking"])][1:] == ["4", "2", "1", "1", "0", "67% of 3"]
    assert tables.tables["report-signposting-table"][-1][-1] == "67% of 3"


async def test_without_a_rate_the_report_gives_no_estimate_and_says_how_to_set_one(client):
    await impact_movement()
    await signed_in(client)
    page = Page(await report(client))
    assert "social-value-about" not in page.by_id
    assert page.text.count("£") == 0
    assert (
        "No rate is set, so this report gives no estimate of the social value of the time "
        "champions gave." in page.text
    )
    assert "/console/admin/social-value" in page.links


async def set_rate(client, rate: str, source: str):
    return await send_form(client, "/console/admin/social-value", {"rate": rate, "source": source})


async def test_the_report_estimates_social_value_as_hours_times_the_rate(client):
    await impact_movement()
    await signed_in(client, "admin")
    saved = await set_rate(client, "12.50", SOURCE)
    assert saved.status_code == 303
    page = Page(await report(client))
    # 37.5 hours in the quarter x £12.50 = £468.75, about £469.
    assert page.by_id["social-value-about"]
    assert (
        "An estimate of the social value of the time champions gave in July to September "
        "2026: about £469" in page.text
    )
    assert "37.5 hours × £12.50 an hour = £468.75." in page.text
    assert f"Where the rate comes from: {SOURCE}" in page.text
    assert "This is not money anyone paid or saved" in page.text


# The rate setting ------------------------------------------------------------------------


async def test_an_admin_sets_the_rate_sees_it_again_and_the_change_is_audited(client):
    await signed_in(client, "admin")
    saved = await set_rate(client, " £12.5 ", SOURCE)
    assert saved.headers["location"] == "/console/admin/social-value?saved=1"
    page = Page((await client.get(saved.headers["location"], headers=HTML)).text)
    assert (page.inputs["rate"], page.labels["rate"]) == ("12.50", "Rate in pounds for each hour")
    assert "Saved. The quarterly report uses it now." in page.text
    assert "Annual Survey of Hours and Earnings (ASHE)" in page.text  # the help names sources
    audit = Page(
        (await client.get("/console/audit?record_type=social_value", headers=HTML)).text
    ).text
    assert "Social value" in audit and "12.50" in audit
    # Both emptied: no rate again.
    assert (await set_rate(client, "", "")).status_code == 303
    page = Page((await client.get("/console/admin/social-value", headers=HTML)).text)
    assert page.inputs["rate"] == ""


@pytest.mark.parametrize(
    ("rate", "source", "field", "message"),
    [
        ("twelve", SOURCE, "rate",
         "Enter the rate as an amount of money for each hour, like 12.50."),
        ("12,50", SOURCE, "rate",
         "Enter the rate as an amount of money for each hour, like 12.50."),
        ("0", SOURCE, "rate", "The rate must be more than £0."),
        ("-3", SOURCE, "rate", "The rate must be more than £0."),
        ("12.505", SOURCE, "rate", "Give the rate to the nearest penny, like 12.50."),
        ("100.01", SOURCE, "rate", "The rate must be £100.00 an hour or less."),
        ("12.50", "  ", "source",
         "Enter where the rate comes from, so that readers of the report can check it."),
        ("", SOURCE, "rate", "Enter the rate, or empty the source as well to set no rate."),
        ("12.50", "x" * 301, "source",
         "Where the rate comes from must be 300 characters or fewer."),
    ],
)  # fmt: skip
async def test_a_wrong_rate_is_shown_again_beside_its_field(client, rate, source, field, message):
    await signed_in(client, "admin")
    answer = await set_rate(client, rate, source)
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.errors == [message]
    assert f'id="{field}-error"' in answer.text
    assert page.inputs["rate"] == rate  # what was typed is kept
    assert await t.SiteText.count() == 0  # nothing saved


# Who may see them ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/console/",
        f"/console/report?quarter={QUARTER}",
        "/console/export?format=csv&table=signposting",
        "/console/export?format=csv&table=deprivation",
        "/console/export?format=xlsx",
        "/console/admin/social-value",
    ],
)
async def test_a_champion_sees_none_of_it(client, path):
    await impact_movement()
    await signed_in(client, "champion")
    answer = await client.get(path, headers=HTML)
    assert answer.status_code == 403
    assert "Stop Smoking" not in answer.text


async def test_only_admins_set_the_rate(client):
    await signed_in(client, "coordinator")
    assert (await client.get("/console/admin/social-value", headers=HTML)).status_code == 403
    token = client.cookies.get("movement_csrf")
    answer = await client.post(
        "/console/admin/social-value",
        data={"_csrf_token": token, "rate": "99", "source": "mine"},
        headers=HTML,
    )
    assert answer.status_code == 403
    assert await t.SiteText.count() == 0
