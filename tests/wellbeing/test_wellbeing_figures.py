"""The wellbeing figures against a hand-worked example (on both engines, through the
database), the t quantile against published tables, small-group suppression, the borough
counting each person once, and the quarterly report as at a quarter's end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from server.wellbeing.figures import t_above, t_quantile
from server.wellbeing.services import wellbeing_figures
from tests.helpers import factories as f
from tests.helpers.html import HTML, Tables
from tests.helpers.signin import sign_in
from tests.helpers.wellbeing import answers


@pytest.mark.parametrize(
    "df, published",
    # Two-sided 95% critical values of Student's t, from the printed tables.
    [(1, 12.706), (2, 4.303), (4, 2.776), (5, 2.571), (9, 2.262), (29, 2.045), (120, 1.980)],
)
def test_the_t_quantile_matches_the_published_tables(df, published):
    assert round(t_quantile(0.975, df), 3) == published


def _full_bisection(p: float, df: int) -> float:
    """The quantile by 200 halvings, none skipped (as before issue 17 stopped early)."""
    tail, low, high = 1.0 - p, 0.0, 1.0
    while t_above(high, df) > tail:
        high *= 2.0
    for _ in range(200):
        middle = (low + high) / 2.0
        low, high = (middle, high) if t_above(middle, df) > tail else (low, middle)
    return (low + high) / 2.0


@pytest.mark.parametrize("df", [1, 2, 3, 7, 30, 99, 1000, 40000])
def test_the_t_quantile_stops_early_at_exactly_the_same_number(df):
    assert t_quantile(0.975, df) == _full_bisection(0.975, df)
    assert t_quantile(0.9, df) == _full_bisection(0.9, df)


def test_the_t_quantile_refuses_what_has_no_answer():
    with pytest.raises(ValueError):
        t_quantile(0.975, 0)
    with pytest.raises(ValueError):
        t_quantile(0.4, 5)


# The hand-worked example: six people (A to F) in Health Champions answered on joining and
# 3 months later; G answered only on joining; H chose to skip on joining.
#
# Life satisfaction, before -> after (difference):
#   A 5->7 (+2), B 6->6 (0), C 4->7 (+3), D 7->6 (-1), E 5->8 (+3), F 6->7 (+1)
#   mean before 33/6 = 5.50; mean after 41/6 = 6.83; mean change 8/6 = +1.33
#   sum of d^2 = 24, so the sum of squares about the mean = 24 - 6 x (4/3)^2 = 40/3,
#   variance 40/3 / 5 = 8/3, sd/sqrt(n) = sqrt(8/3 / 6) = 2/3 exactly;
#   t(0.975, 5) = 2.5706, margin 2.5706 x 2/3 = 1.7137:
#   95% CI from 1.3333 - 1.7137 = -0.38 to 1.3333 + 1.7137 = +3.05.
#   Improved (went up): A, C, E, F = 4 of 6 = 67%.
# Worthwhile: everyone 7 -> 8: mean change +1.00, no spread, CI +1.00 to +1.00, 100%.
# Happiness: left blank at 3 months by B and D: only 4 pairs, fewer than 5: not shown.
# Anxiety (lower is better), before -> after (difference):
#   A 6->4 (-2), B 5->5 (0), C 7->3 (-4), D 3->4 (+1), E 4->2 (-2), F 5->4 (-1)
#   mean before 30/6 = 5.00; after 22/6 = 3.67; mean change -8/6 = -1.33
#   sum of d^2 = 26; sum of squares 26 - 6 x 16/9 = 46/3; variance 46/15 = 3.0667;
#   sd/sqrt(n) = sqrt(3.0667 / 6) = 0.71492; margin 2.5706 x 0.71492 = 1.83776:
#   95% CI from -3.17 to +0.50. Improved (went down): A, C, E, F = 4 of 6 = 67%.
PEOPLE = {  # person: (on joining, at 3 months), each (life, worthwhile, happiness, anxiety)
    "A": ((5, 7, 6, 6), (7, 8, 7, 4)),
    "B": ((6, 7, 6, 5), (6, 8, None, 5)),
    "C": ((4, 7, 6, 7), (7, 8, 5, 3)),
    "D": ((7, 7, 6, 3), (6, 8, None, 4)),
    "E": ((5, 7, 6, 4), (8, 8, 6, 2)),
    "F": ((6, 7, 6, 5), (7, 8, 8, 4)),
}


async def _the_example(start: datetime) -> dict[str, int]:
    health = await f.programme_id("health-champions")
    ids = {}
    for n, (name, (before, after)) in enumerate(PEOPLE.items()):
        ids[name] = await f.person(name)
        await answers(ids[name], health, 0, before, at=start + timedelta(minutes=n))
        await answers(ids[name], health, 3, after, at=start + timedelta(days=92))
    ids["G"] = await f.person("G")
    await answers(ids["G"], health, 0, (8, 8, 8, 2), at=start)
    ids["H"] = await f.person("H")
    await answers(ids["H"], health, 0, None, at=start)
    return ids


def two(value: float | None) -> float:
    """A figure to two decimal places, as the page shows it (and there to be shown)."""
    assert value is not None
    return round(value, 2)


def _rows(page: Tables, table: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in page.tables[table][1:]}


async def test_the_paired_figures_are_the_hand_worked_ones(client):
    start = datetime.now(UTC) - timedelta(days=120)
    await _the_example(start)
    figures = await wellbeing_figures()
    group = next(g for g in figures.programmes if g.key == "health-champions")
    assert group.answered == {0: 7, 3: 6, 12: 0} and group.skipped == {0: 1, 3: 0, 12: 0}
    life, worthwhile, happiness, anxiety = group.follow_ups[0].changes
    assert (life.people, two(life.before), two(life.after)) == (6, 5.50, 6.83)
    assert (two(life.change), two(life.low), two(life.high)) == (1.33, -0.38, 3.05)
    assert two(life.improved) == 0.67
    assert (worthwhile.change, worthwhile.low, worthwhile.high, worthwhile.improved) == (
        1.0, 1.0, 1.0, 1.0)  # fmt: skip
    assert (happiness.people, happiness.shown, happiness.change) == (4, False, None)
    assert (two(anxiety.before), two(anxiety.after)) == (5.00, 3.67)
    assert (two(anxiety.change), two(anxiety.low), two(anxiety.high)) == (
        -1.33, -3.17, 0.50)  # fmt: skip
    assert two(anxiety.improved) == 0.67
    # Nobody has reached 12 months: every measure there is hidden.
    assert not group.follow_ups[1].any_shown


async def test_the_console_page_shows_them_in_words_with_a_chart_and_a_download(client):
    await _the_example(datetime.now(UTC) - timedelta(days=120))
    await sign_in(client, (await f.user("coordinator")).email)
    page = (await client.get("/console/wellbeing", headers=HTML)).text
    tables = Tables(page)
    three = _rows(tables, "wellbeing-health-champions-3")
    assert three["Life satisfaction"] == ["6", "5.50", "6.83", "+1.33", "−0.38 to +3.05", "67%"]
    assert three["Worthwhile"] == ["6", "7.00", "8.00", "+1.00", "+1.00 to +1.00", "100%"]
    assert three["Happiness"] == ["Fewer than 5 people: not shown"]
    assert three["Anxiety (lower is better)"] == [
        "6", "5.00", "3.67", "−1.33", "−3.17 to +0.50", "67%"]  # fmt: skip
    counts = _rows(tables, "wellbeing-health-champions-counts")
    assert counts == {"On joining": ["7", "1"], "3 months after joining": ["6", "0"],
                      "12 months after joining": ["0", "0"]}  # fmt: skip
    assert _rows(tables, "wellbeing-borough-3")["Life satisfaction"][3] == "+1.33"
    assert 'id="wellbeing-chart-3"' in page and "Life satisfaction: joining 5.5" in page
    assert "No answers yet." in page  # the programmes nobody answered for
    sheet = await client.get("/console/wellbeing/download?format=csv")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    lines = sheet.content.decode("utf-8-sig").splitlines()
    assert "Health Champions,3,Life satisfaction,7,6,6,5.5,6.83,1.33,-0.38,3.05,67," in lines
    assert "Health Champions,3,Happiness,7,6,4,,,,,,,Fewer than 5 people: not shown" in lines
    refused = await client.get("/console/wellbeing/download?format=pdf", headers=HTML)
    assert refused.status_code == 400 and "Choose CSV or XLSX." in refused.text


async def test_the_borough_counts_each_person_once_with_their_first_programme(client):
    start = datetime.now(UTC) - timedelta(days=120)
    ids = await _the_example(start)
    cancer = await f.programme_id("cancer-champions")
    # A also answered for Cancer Champions, later: the borough keeps A's first pair.
    await answers(ids["A"], cancer, 0, (0, 0, 0, 10), at=start + timedelta(days=10))
    await answers(ids["A"], cancer, 3, (10, 10, 10, 0), at=start + timedelta(days=100))
    figures = await wellbeing_figures()
    borough = figures.borough
    assert borough.answered == {0: 7, 3: 6, 12: 0} and borough.skipped == {0: 1, 3: 0, 12: 0}
    life = borough.follow_ups[0].changes[0]
    assert (life.people, two(life.change), two(life.low)) == (6, 1.33, -0.38)
    group = next(g for g in figures.programmes if g.key == "cancer-champions")
    assert group.answered == {0: 1, 3: 1, 12: 0}
    assert [c.shown for c in group.follow_ups[0].changes] == [False] * 4


async def test_a_small_number_set_lower_shows_a_smaller_group(client, settings):
    settings(SMALL_NUMBER="4")
    await _the_example(datetime.now(UTC) - timedelta(days=120))
    figures = await wellbeing_figures()
    group = next(g for g in figures.programmes if g.key == "health-champions")
    happiness = group.follow_ups[0].changes[2]
    # B and D left it blank: A 6->7, C 6->5, E 6->6, F 6->8: change (1 - 1 + 0 + 2) / 4 = +0.50
    assert (happiness.shown, happiness.people, happiness.change) == (True, 4, 0.5)
    assert happiness.improved == 0.5  # A and F


async def test_the_report_counts_only_what_was_answered_by_the_quarters_end(client):
    today = date.today()
    start = datetime(today.year - 1, 1, 10, 12, tzinfo=UTC)  # in Q1 of last year
    await _the_example(start)  # the follow-ups in April (Q2) of last year
    await sign_in(client, (await f.user("coordinator")).email)
    q1 = Tables((await client.get(f"/console/report?quarter={today.year - 1}-Q1",
                                  headers=HTML)).text)  # fmt: skip
    assert _rows(q1, "report-wellbeing-health-champions-counts")["3 months after joining"] == [
        "0", "0"]  # fmt: skip
    assert _rows(q1, "report-wellbeing-health-champions-3")["Life satisfaction"] == [
        "Fewer than 5 people: not shown"]  # fmt: skip
    q2 = Tables((await client.get(f"/console/report?quarter={today.year - 1}-Q2",
                                  headers=HTML)).text)  # fmt: skip
    life = _rows(q2, "report-wellbeing-health-champions-3")["Life satisfaction"]
    assert life == ["6", "5.50", "6.83", "+1.33", "−0.38 to +3.05", "67%"]
