"""The dashboard's people and roles by area, and its new roles by programme and by month,
read from the people rollups (server/totals/breakdown.py, issue 17), equal the same numbers
counted straight from the roles with COUNT(DISTINCT) and COUNT(*), for random filters."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from schema import tables as t
from server.lib.reference import load_reference
from server.totals import breakdown
from server.totals.dates import Filters
from tests.helpers import factories as f

DAY0 = date(2025, 11, 10)
STATUSES = ("active", "active", "active", "paused", "left")


def _where(flt: Filters) -> tuple[str, list[object]]:
    where: list[str] = ["m.status = 'active'"]
    args: list[object] = []
    for sql, value in (
        ("m.programme = {}", flt.programme),
        ("p.footprint = {}", flt.footprint),
        ("m.joined_on >= {}", flt.since),
        ("m.joined_on <= {}", flt.until),
    ):
        if value is not None:
            where.append(sql)
            args.append(value)
    return " AND ".join(where), args


async def plain_by_area(flt: Filters, friends: frozenset[int]) -> dict[int, dict[str, int]]:
    """People, roles and Friends roles by the person's area, straight from the roles."""
    where, args = _where(flt)
    friend = ", ".join(str(int(p)) for p in sorted(friends)) or "NULL"
    rows = await t.Membership.raw(
        "SELECT COALESCE(p.footprint, 0) AS k, COUNT(DISTINCT m.person) AS people, "  # noqa: S608
        f"COUNT(*) AS roles, SUM(CASE WHEN m.programme IN ({friend}) THEN 1 ELSE 0 END) AS fr "
        f"FROM membership m JOIN person p ON p.id = m.person WHERE {where} "
        "GROUP BY COALESCE(p.footprint, 0)",
        *args,
    )
    return {
        int(r["k"]): {"people": int(r["people"]), "roles": int(r["roles"]),
                      "friend_roles": int(r["fr"])}
        for r in rows
    }  # fmt: skip


async def plain_joined(flt: Filters) -> tuple[dict[int, int], dict[date, int]]:
    """Active roles that joined within the filters, by programme and by month."""
    where, args = _where(flt)
    rows = await t.Membership.raw(
        "SELECT m.programme AS programme, m.joined_on AS joined_on FROM membership m "  # noqa: S608
        f"JOIN person p ON p.id = m.person WHERE {where}",
        *args,
    )
    by_programme: defaultdict[int, int] = defaultdict(int)
    by_month: defaultdict[date, int] = defaultdict(int)
    for r in rows:
        joined = r["joined_on"]
        joined = date.fromisoformat(joined[:10]) if isinstance(joined, str) else joined
        by_programme[int(r["programme"])] += 1
        by_month[joined.replace(day=1)] += 1
    return dict(by_programme), dict(by_month)


async def test_people_and_new_roles_by_area_and_month_equal_a_plain_count():
    rng = random.Random(23)
    areas = [await f.footprint("N"), await f.footprint("S"), await f.footprint("E")]
    ref = await load_reference()
    slugs = [p["slug"] for p in ref.programmes.values()]
    friends = breakdown._friend_kind(ref)
    assert friends, "no Friends programme: the friend roles are not checked"
    for n in range(60):
        person = await f.person(f"P{n}", footprint=rng.choice([None, *areas]))
        for slug in rng.sample(slugs, rng.randrange(0, 4)):
            day = DAY0 + timedelta(days=rng.randrange(0, 150))
            await f.join(person, slug, status=rng.choice(STATUSES), joined_on=day)
    programmes = list(ref.programmes)
    found = 0
    for _ in range(60):
        since = DAY0 + timedelta(days=rng.randrange(-10, 140)) if rng.random() < 0.7 else None
        until = (
            (since or DAY0) + timedelta(days=rng.randrange(0, 120)) if rng.random() < 0.7 else None
        )
        flt = Filters(
            programme=rng.choice(programmes) if rng.random() < 0.3 else None,
            footprint=rng.choice(areas) if rng.random() < 0.4 else None,
            since=since,
            until=until,
        )
        by_area = await breakdown.members_by_area(flt, friends)
        assert by_area == await plain_by_area(flt, friends), flt
        by_programme, by_month = await plain_joined(flt)
        assert await breakdown.new_roles_by(flt, "programme") == by_programme, flt
        assert await breakdown.new_roles_by(flt, "month") == by_month, flt
        found += sum(a["people"] for a in by_area.values()) > 0
    assert found > 20  # most filters found somebody
