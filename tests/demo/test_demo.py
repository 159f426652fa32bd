"""The demo data: proportions, the activity rules, determinism, refusal and the rollups."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schema import tables as t
from server.activities.services import review_for
from server.demo import DemoRefused, data, load_demo
from server.demo.plan import scaled
from server.impact import words
from server.lib import normal
from tests.helpers.factories import empty_tables

SCALE = 0.02  # about 60 people and 1,200 activities: quick, and every kind of record


async def _memberships_by_programme() -> dict[str, int]:
    rows = await t.Membership.select(t.Membership.programme.slug)
    out: dict[str, int] = {}
    for row in rows:
        out[row["programme.slug"]] = out.get(row["programme.slug"], 0) + 1
    return out


async def _table_counts() -> dict[str, int]:
    tables = (t.Footprint, t.Organisation, t.Person, t.Membership, t.TrainingRecord)
    tables += (t.FriendsSession, t.ExternalCount, t.Activity, t.ActivityDaily)  # type: ignore[assignment]
    return {table._meta.tablename: await table.count() for table in tables}


async def test_loads_roles_in_the_reported_proportions() -> None:
    counts = await load_demo(SCALE)
    by_programme = await _memberships_by_programme()
    for slug, at_scale_1, _share in data.ROLES:
        assert by_programme[slug] == scaled(at_scale_1, SCALE), slug
    order = ["health-champions", "cancer-champions", "heart-champions", "young-health-champions"]
    assert [by_programme[s] for s in order] == sorted(
        (by_programme[s] for s in order), reverse=True
    )
    assert by_programme["dementia-friends"] > by_programme["autism-friends"]
    # Some people hold more than one role, so there are fewer people than memberships.
    assert counts["people"] < counts["memberships"] == sum(by_programme.values())
    assert counts["people"] == await t.Person.count()
    assert await t.Footprint.count() == 7
    assert counts["activities"] == await t.Activity.count() == scaled(60_000, SCALE)


async def test_people_look_real_but_are_made_up() -> None:
    await load_demo(SCALE)
    people = await t.Person.select(t.Person.email, t.Person.footprint)
    emails = [p["email"] for p in people]
    assert len(set(emails)) == len(emails)
    assert all(e.endswith("@example.org") for e in emails)
    assert all(p["footprint"] is not None for p in people)
    young = await t.Membership.select(
        t.Membership.joined_on, t.Membership.person.year_of_birth
    ).where(t.Membership.programme.slug == "young-health-champions")
    for row in young:
        age = row["joined_on"].year - row["person.year_of_birth"]
        assert 15 <= age <= 24  # 14 to 24 on the day they joined, whatever their birthday
    statuses = {r["status"] for r in await t.Membership.select(t.Membership.status)}
    assert statuses <= {"active", "paused", "left"}


async def test_activities_follow_the_rules() -> None:
    await load_demo(SCALE)
    rows = await t.Activity.select()
    today = date.today()
    kinds = {k[0] for k in data.KINDS}
    for a in rows:
        assert 0 <= a["people_reached"] <= 100_000
        assert 0 <= a["minutes"] <= 1440
        assert today - timedelta(days=365 * 3 + 1) <= a["occurred_on"] <= today
        assert a["kind"] in kinds
        status, reason = review_for(a["people_reached"], a["minutes"])
        assert a["review_status"] in {status, "rejected"}, a
        if a["review_status"] == "needs-review":
            assert a["review_reason"] == reason
    statuses = [a["review_status"] for a in rows]
    assert statuses.count("not-needed") > 0.95 * len(rows)
    assert "needs-review" in statuses
    assert len({a["client_id"] for a in rows}) == len(rows)


async def test_activities_belong_to_the_champions_programmes() -> None:
    await load_demo(SCALE)
    held = {
        (m["person"], m["programme"])
        for m in await t.Membership.select(t.Membership.person, t.Membership.programme)
    }
    friends = {
        p["id"]
        for p in await t.Programme.select(t.Programme.id).where(t.Programme.kind == "friend")
    }
    for a in await t.Activity.select(t.Activity.person, t.Activity.programme):
        assert (a["person"], a["programme"]) in held
        assert a["programme"] not in friends


async def test_sessions_make_friends() -> None:
    counts = await load_demo(SCALE)
    sessions = await t.FriendsSession.select()
    assert len(sessions) == counts["sessions"]
    assert sum(s["attendees"] for s in sessions) == counts["friends_from_sessions"]
    assert all(5 <= s["attendees"] <= 40 for s in sessions)
    runners = {s["run_by"] for s in sessions if s["run_by"] is not None}
    assert runners
    external = await t.ExternalCount.select()
    assert external and all(e["source"] == data.EXTERNAL_SOURCE for e in external)


async def test_the_same_scale_and_day_give_the_same_data() -> None:
    first = await load_demo(SCALE)
    first_ids = await _first_client_ids()
    first_people = await t.Person.select(t.Person.name, t.Person.email).order_by(t.Person.id)
    await empty_tables()
    second = await load_demo(SCALE)
    assert second == first
    assert await _first_client_ids() == first_ids
    assert await t.Person.select(t.Person.name, t.Person.email).order_by(t.Person.id) == (
        first_people
    )


async def _first_client_ids() -> list[str]:
    rows = await t.Activity.select(t.Activity.client_id).order_by(t.Activity.id).limit(20)
    return [str(r["client_id"]) for r in rows]


async def test_a_second_load_is_refused_and_adds_nothing() -> None:
    await load_demo(SCALE)
    before = await _table_counts()
    with pytest.raises(DemoRefused, match="already has .* people in it"):
        await load_demo(SCALE)
    assert await _table_counts() == before


async def test_refused_when_there_is_one_real_person() -> None:
    await t.Person.insert(t.Person(name="Real Person", email="real@example.com"))
    with pytest.raises(DemoRefused, match="already has 1 person in it"):
        await load_demo(SCALE)
    assert await t.Activity.count() == 0


async def test_existing_footprints_are_kept_not_doubled() -> None:
    await t.Footprint.insert(t.Footprint(code="WC", name="Wigan Central"))
    counts = await load_demo(SCALE)
    assert counts["footprints"] == 6
    assert await t.Footprint.count() == 7


async def test_rollups_match_the_activities() -> None:
    await load_demo(SCALE)
    counted = await t.Activity.select(t.Activity.people_reached, t.Activity.minutes).where(
        t.Activity.review_status != "rejected"
    )
    for table in (t.ActivityDaily, t.ActivityMonthly):
        rows = await table.select(table.activities, table.people_reached, table.minutes)
        assert sum(r["activities"] for r in rows) == len(counted)
        assert sum(r["people_reached"] for r in rows) == sum(a["people_reached"] for a in counted)
        assert sum(r["minutes"] for r in rows) == sum(a["minutes"] for a in counted)


@pytest.mark.parametrize("scale", [0, -1, 1000])
async def test_a_scale_out_of_range_is_refused(scale: float) -> None:
    with pytest.raises(ValueError, match="scale"):
        await load_demo(scale)
    assert await t.Person.count() == 0


async def test_the_impact_fields_look_real_and_are_made_up() -> None:
    """Issue 16: settings on most activities, topics and places on many, signposts naming
    the made-up services with take-up on some, a small fake lookup, and a demo rate."""
    counts = await load_demo(SCALE)
    rows = await t.Activity.select(
        t.Activity.kind, t.Activity.setting, t.Activity.postcode, t.Activity.service,
        t.Activity.take_up, t.Activity.take_up_at, t.Activity.occurred_on,
    )  # fmt: skip
    total = len(rows)
    assert sum(1 for a in rows if a["setting"]) > 0.8 * total
    assert {a["setting"] for a in rows} <= set(words.SETTINGS) | {""}
    posts = [a["setting"] for a in rows if a["kind"] == "social-media"]
    assert set(posts) == {"online", ""}
    assert 0.4 * total < sum(1 for a in rows if a["postcode"]) < 0.8 * total
    assert await t.ActivityTopic.count() > 0.5 * total
    signposts = [a for a in rows if a["kind"] == "signposting"]
    named = [a for a in signposts if a["service"] is not None]
    assert len(named) > 0.7 * len(signposts)
    assert all(a["service"] is None for a in rows if a["kind"] != "signposting")
    answers = [a["take_up"] for a in named]
    yes, no = answers.count("yes"), answers.count("no")
    assert 0.4 < yes / (yes + no) < 0.7  # about 55%
    assert all((a["take_up_at"] is None) == (a["take_up"] == "") for a in rows)
    services = await t.Service.select(t.Service.name)
    assert counts["services"] == len(services) == len(data.SERVICES)
    assert all(s["name"].endswith("(demo)") for s in services)
    # The lookups: fake LSOA codes that fit the column, and most homes placed.
    lsoas = await t.AreaDeprivation.select()
    assert counts["lookup_areas"] == len(lsoas) == 42
    assert all(r["lsoa"].startswith("E01DEMO") and len(r["lsoa"]) <= 12 for r in lsoas)
    assert {r["imd_decile"] for r in lsoas} <= set(range(1, 11))
    homes = {
        normal.postcode(p["postcode"])
        for p in await t.Person.select(t.Person.postcode)
        if p["postcode"]
    }
    known = {r["postcode"] for r in await t.PostcodeArea.select(t.PostcodeArea.postcode)}
    assert 0.85 * len(homes) < len(homes & known) < len(homes)
    rate = {r["key"]: r["value"] for r in await t.SiteText.select()}
    assert rate["social_value_rate"] == data.DEMO_RATE
    assert rate["social_value_source"].startswith("Demo figure, made up")


async def test_the_impact_fields_are_the_same_each_time() -> None:
    async def impact() -> list[tuple]:
        rows = (
            await t.Activity.select(
                t.Activity.setting, t.Activity.postcode, t.Activity.service.name, t.Activity.take_up
            )
            .order_by(t.Activity.id)
            .limit(200)
        )
        topics = await t.ActivityTopic.select(t.ActivityTopic.topic).order_by(t.ActivityTopic.id)
        return [tuple(r.values()) for r in rows] + [tuple(r.values()) for r in topics[:200]]

    await load_demo(SCALE)
    first = await impact()
    await empty_tables()
    await load_demo(SCALE)
    assert await impact() == first


async def test_the_demo_keeps_the_councils_own_lookups_and_rate() -> None:
    await t.PostcodeArea.insert(t.PostcodeArea(postcode="WN11AA", lsoa="E01000001"))
    await t.SiteText.insert(
        t.SiteText(key="social_value_rate", value="11.00"),
        t.SiteText(key="social_value_source", value="Our own"),
    )
    counts = await load_demo(SCALE)
    assert counts["lookup_postcodes"] == counts["lookup_areas"] == 0
    assert await t.PostcodeArea.count() == 1 and await t.AreaDeprivation.count() == 0
    rate = {r["key"]: r["value"] for r in await t.SiteText.select()}
    assert rate == {"social_value_rate": "11.00", "social_value_source": "Our own"}
