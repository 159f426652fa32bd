"""Proof, over HTTP as the public: no number the public can read lets anyone work out a
hidden one, or a small one, by any linear combination (tests/helpers/public_proof.py), in the demo
data and in random small movements with tiny areas (with settings, topics, postcodes and the
deprivation lookups, for the breakdowns of the open data)."""

from __future__ import annotations

import csv
import io
import random
import uuid
from datetime import date, timedelta

import pytest

from schema import tables as t
from server.db import note_write
from server.demo import load_demo
from server.totals import rollup
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.public_proof import (
    Published,
    Truth,
    breakdown_relations,
    derivable,
    people_terms,
    read_truth,
    read_widget,
    terms_for,
)

SMALL = 5
FAMILIES = ("M", "S", "A", "R")


def month_range(month: str) -> tuple[str, str]:
    first = date.fromisoformat(f"{month}-01")
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first.isoformat(), last.isoformat()


async def get_json(client, url: str, **kwargs) -> dict:
    answer = await client.get(url, **kwargs)
    assert answer.status_code == 200, (url, answer.text)
    return answer.json()


async def read_api(client, pub: Published, truth: Truth, champion) -> None:
    areas = truth.areas
    pub.totals(await get_json(client, "/api/totals"), areas, None, "borough")
    for slug, _kind in truth.programmes:
        answer = await get_json(client, f"/api/totals?programme={slug}")
        pub.totals(answer, areas, None, f"borough {slug}")
    for month in truth.months:
        since, until = month_range(month)
        answer = await get_json(client, f"/api/totals?since={since}&until={until}")
        pub.totals(answer, areas, [month], f"borough {month}")
        for slug, _kind in truth.programmes:  # one programme, one month: the finest there is
            query = f"programme={slug}&since={since}&until={until}"
            answer = await get_json(client, f"/api/totals?{query}")
            pub.totals(answer, areas, [month], f"borough {slug} {month}")
            # What a figure from elsewhere grew by in a month is not published (a figure is a
            # running total on the day it is reported, which the months cannot model).
            assert answer["programmes"][0]["friends_from_elsewhere"] is None, query
            assert answer["movement_total"] is None, query
    for code in areas[:-1]:
        answer = await get_json(client, f"/api/totals?footprint={code}")
        pub.totals(answer, [code], None, f"area {code}")
        as_champion = await get_json(
            client, f"/api/totals?footprint={code}", headers=champion.headers
        )
        assert {**as_champion, "as_at": None} == {**answer, "as_at": None}
        refused = await client.get(f"/api/totals?footprint={code}&since=2020-01-01")
        assert refused.status_code == 422  # each fits; with an area, not together


def widget_terms(truth: Truth, areas: list[str], slug: str | None) -> dict:
    if slug is None:
        return {
            **people_terms(truth, areas, None),
            **terms_for(
                truth, "movement_total", areas, truth.months, [s for s, _ in truth.programmes]
            ),
        }
    kind = dict(truth.programmes)[slug]
    name = "friends" if kind == "friend" else "members"
    return terms_for(truth, name, areas, truth.months, [slug])


async def read_widgets(client, pub: Published, truth: Truth, names: dict[str, str]) -> None:
    slugs = [s for s, _ in truth.programmes]
    rng = random.Random(5)
    subsets = [[], *([s] for s in slugs), rng.sample(slugs, 3)]
    for code in [None, *truth.areas[:-1]]:
        areas = truth.areas if code is None else [code]
        base = "" if code is None else f"footprint={code}&"
        queries = [f"{base}programmes={','.join(s)}" for s in subsets]
        queries += [f"{base}theme=dark&compact=1&story=1", f"{base}part=1"]
        for query in queries:
            answer = await client.get(f"/embed?{query}")
            assert answer.status_code == 200, answer.text
            shown = read_widget(answer.text, names)
            where = f"/embed?{query}"
            pub.add(widget_terms(truth, areas, None), shown["movement_total"], where)
            pub.add(
                terms_for(truth, "reach", areas, truth.months, slugs),
                shown["reach"],
                f"{where} reach",
            )
            for slug in slugs:
                if slug in shown:
                    pub.add(widget_terms(truth, areas, slug), shown[slug], f"{where} {slug}")
        for slug in [None, *slugs]:  # type: ignore[assignment]
            query = base + (f"programmes={slug}" if slug else "")
            svg = (await client.get(f"/totals.svg?{query}")).text
            label = names[slug] if slug else "citizens"
            value = svg.split("<title>")[1].split("</title>")[0].rpartition(": ")[2]
            if value == "not shown":
                pub.add(widget_terms(truth, areas, slug), None, f"/totals.svg?{query}")
            else:
                if value == "1 citizen":  # one citizen is said so
                    value = "1 citizens"
                number = value.removesuffix(f" {label}").replace(",", "")
                pub.add(widget_terms(truth, areas, slug), int(number), f"/totals.svg?{query}")


async def read_open_data(client, pub: Published, truth: Truth) -> None:
    rows = (await get_json(client, "/open-data/monthly.json"))["rows"]
    text = (await client.get("/open-data/monthly.csv")).text
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(rows)
    seen = set()
    columns = {
        "new_members": "M",
        "friends_from_sessions": "S",
        "activities": "A",
        "reach": "R",
        "hours": "N",
    }
    for row, line in zip(rows, table, strict=True):
        key = (row["area"], row["programme"], row["month"])
        seen.add(key)
        for column, family in columns.items():
            assert line[column] == ("" if row[column] is None else str(row[column]))
            pub.add(
                {(family, *key): 1}, row[column], f"open data {key} {column}", hours=family == "N"
            )
    for area in truth.areas:  # a row left out: nothing to count in it
        for slug, _kind in truth.programmes:
            for month in truth.months:
                if (area, slug, month) not in seen:
                    for family in columns.values():
                        pub.add({(family, area, slug, month): 1}, 0, "open data: row left out")


async def read_breakdowns(client, pub: Published, truth: Truth) -> None:
    """/open-data/breakdowns.json, its CSV and the tables of /open-data: each number a cell
    of its own, with the sums that always hold between them and the other cells."""
    rows = (await get_json(client, "/open-data/breakdowns.json"))["rows"]
    text = (await client.get("/open-data/breakdowns.csv")).text
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(rows)
    page = Page((await client.get("/open-data")).text).text
    groups: dict[str, list[str]] = {}
    for row, line in zip(rows, table, strict=True):
        key = ("part", row["breakdown"], row["group"], row["measure"])
        assert line["value"] == ("" if row["value"] is None else str(row["value"]))
        pub.add({key: 1}, row["value"], f"open data breakdown {key[1:]}")
        if row["value"] is None:  # the page hides it too
            assert f"{row['group_name']} not shown" in page or row["measure"] != "activities"
        groups.setdefault(row["breakdown"], [])
        if row["group"] not in groups[row["breakdown"]]:
            groups[row["breakdown"]].append(row["group"])
    for terms in breakdown_relations(truth, groups):
        assert truth.value(terms) == 0, terms  # every group that counts is published
        pub.relations.append(terms)
    for cell, value in truth.cells.items():  # a group left out must count nothing
        if cell[0] == "part" and cell[2] not in groups.get(cell[1], []):
            assert value == 0 or (cell[1], cell[2]) == ("topic", ""), cell


def small_cells(truth: Truth) -> list[tuple[dict, str]]:
    """Every true number about one area (or no area) that is small."""
    out = []
    for cell, value in truth.cells.items():
        if cell[0] in FAMILIES and 0 < value < SMALL:
            out.append(({cell: 1}, f"small cell {cell}"))
        if cell[0] == "P" and 0 < value < SMALL:
            out.append(({cell: 1}, f"small number of people {cell}"))
        if cell[0] == "part" and 0 < value < SMALL:
            out.append(({cell: 1}, f"small breakdown {cell}"))
    for area in truth.areas[:-1]:  # a figure from elsewhere for the whole borough is the borough's
        for slug in truth.friend_slugs:
            terms = {("E", area, slug, m): 1 for m in truth.months}
            if 0 < truth.value(terms) < SMALL:
                out.append((terms, f"small figure from elsewhere {area} {slug}"))
            for m in truth.months:  # what one area's figure grew by in one month
                if 0 < truth.cells.get(("E", area, slug, m), 0) < SMALL:
                    out.append(
                        (
                            {("E", area, slug, m): 1},
                            f"small growth from elsewhere {area} {slug} {m}",
                        )
                    )
    return out


async def prove(client) -> Published:
    """Read everything public and check that nothing hidden or small can be worked out."""
    truth = await read_truth()
    champion = await f.user("champion")
    borough = await get_json(client, "/api/totals")
    names = {p["slug"]: p["name"] for p in borough["programmes"]}
    pub = Published(truth)
    await read_api(client, pub, truth, champion)
    await read_widgets(client, pub, truth, names)
    await read_open_data(client, pub, truth)
    await read_breakdowns(client, pub, truth)
    assert not pub.wrong, pub.wrong[:5]
    # Nothing shown for one area (or no area) may be small.
    for terms, value, where in pub.shown:
        local = {k[1] for k in terms} != set(truth.areas)  # not the whole borough's
        if local and not where.endswith("hours"):  # hours are not a count of anyone
            assert not 0 < value < SMALL, where
    targets = [*pub.hidden, *small_cells(truth)]
    leaks = derivable(pub, targets)
    values = {where: truth.value(terms) for terms, where in targets}
    assert not leaks, [(where, values[where]) for where in leaks[:10]]
    return pub


@pytest.mark.slow
async def test_nothing_hidden_can_be_worked_out_in_the_demo_data(client):
    await load_demo(0.1)
    note_write()
    pub = await prove(client)
    assert pub.hidden  # there is something to protect


async def random_movement(seed: int) -> None:
    """A tiny movement: three areas (one nearly empty), people in several programmes,
    sessions, figures from elsewhere and activities, over four months."""
    rng = random.Random(seed)
    codes = ["AA", "BB", "CC"][: rng.randint(2, 3)]
    ids = [await f.footprint(c, f"Area {c}") for c in codes] + [None]
    programmes = {
        r["slug"]: r["id"] for r in await t.Programme.select(t.Programme.slug, t.Programme.id)
    }
    months = [date(2026, m, rng.randint(1, 28)) for m in (6, 7, 8, 9)]
    for i in range(rng.randint(5, 40)):
        person = await f.person(f"Person {i}", footprint=rng.choice(ids))
        for slug in rng.sample(sorted(programmes), rng.randint(1, 3)):
            await f.join(
                person,
                slug,
                status=rng.choice(["active"] * 5 + ["left"]),
                joined_on=rng.choice(months),
            )
    for _ in range(rng.randint(0, 6)):
        await t.FriendsSession.insert(
            t.FriendsSession(
                programme=programmes[rng.choice(["dementia-friends", "autism-friends"])],
                held_on=rng.choice(months),
                footprint=rng.choice(ids),
                attendees=rng.choice([1, 2, 3, 8, 30]),
            )
        )
    figure = 0
    for day in sorted(rng.sample(months, rng.randint(0, 2))):
        figure += rng.choice([2, 20])
        await t.ExternalCount.insert(
            t.ExternalCount(
                programme=programmes["dementia-friends"],
                footprint=rng.choice(ids),
                friends=figure,
                as_of=day,
                source="National",
            )
        )
    rows = [
        t.Activity(
            client_id=uuid.uuid4(),
            programme=programmes[rng.choice(sorted(programmes))],
            kind="event",
            occurred_on=rng.choice(months),
            footprint=rng.choice(ids),
            people_reached=rng.choice([0, 1, 3, 10, 40]),
            minutes=rng.choice([15, 60]),
            review_status=rng.choice(["not-needed"] * 6 + ["rejected"]),
        )
        for _ in range(rng.randint(0, 60))
    ]
    await lookups_and_places(seed, rows)
    await rollup.rebuild()
    note_write()


POSTCODES = [None, "WN1 1AA", "wn2 2bb", "WN3 3CC", "WN4 4DD", "WN9 9ZZ"]
SETTINGS = ["", "home", "gp-practice", "school-college", "online", "street-event"]


async def lookups_and_places(seed: int, rows: list) -> None:
    """The deprivation lookups, and a setting, a place's postcode and topics for each
    activity and a postcode for each person, drawn from a generator of their own (so the
    movement is the one each seed always made). WN44DD's LSOA has no decile; WN99ZZ is in
    no lookup."""
    rng = random.Random(seed + 1000)
    await t.PostcodeArea.insert(
        *[t.PostcodeArea(postcode=p, lsoa=f"E0100000{i}")
          for i, p in enumerate(["WN11AA", "WN22BB", "WN33CC", "WN44DD"], start=1)]
    )  # fmt: skip
    await t.AreaDeprivation.insert(
        *[t.AreaDeprivation(lsoa=f"E0100000{i}", imd_decile=d)
          for i, d in ((1, 1), (2, rng.randint(1, 10)), (3, 9))]
    )  # fmt: skip
    for row in rows:
        row.setting = rng.choice(SETTINGS)
        row.postcode = rng.choice(POSTCODES)
    if not rows:
        return
    ids = [r["id"] for r in await t.Activity.insert(*rows).returning(t.Activity.id)]
    topics = [r["id"] for r in await t.Topic.select(t.Topic.id)][:4]
    links = {(a, topic) for a in ids for topic in rng.sample(topics, rng.choice([0, 0, 1, 2]))}
    if links:
        await t.ActivityTopic.insert(*[t.ActivityTopic(activity=a, topic=b) for a, b in links])
    for person in await t.Person.select(t.Person.id):
        await t.Person.update({t.Person.postcode: rng.choice(POSTCODES)}).where(
            t.Person.id == person["id"]
        )


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
async def test_nothing_hidden_can_be_worked_out_in_random_small_movements(client, seed):
    await random_movement(seed)
    await prove(client)
