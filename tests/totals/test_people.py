"""The people rollups kept in step by every write (server/totals/people.py) equal the same
rollups worked out afresh from the roles and people, and the people they count equal a
plain COUNT(DISTINCT) over the roles, whatever the writes: new roles, changes of status,
date and programme, a person's area and home postcode, deletes, erasure, a merge, an
import, and a join approved; through the services and through the API."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from schema import tables as t
from server.db import write_transaction
from server.imports import jobs
from server.imports import run as import_run
from server.imports.run import MEMBERSHIP_COLUMNS
from server.lib.auth import Actor
from server.lib.records import (
    Context,
    create_many,
    create_record,
    delete_record,
    update_many,
    update_record,
)
from server.people.merge import merge_people
from server.people.services import MEMBERSHIPS, PEOPLE
from server.privacy.erase import erase_person
from server.totals import people as people_rollup
from server.totals.dates import Filters
from tests.helpers import factories as f
from tests.helpers.imports import HEADINGS
from tests.helpers.join import send_application

POSTCODES = (None, "WN1 1AA", "wn11ab", "WN9 9ZZ", "WN4 4DD")
STATUSES = ("active", "active", "paused", "left")
DAY0 = date(2026, 3, 1)
TABLES = (
    (t.CountedRole, ("person", "programme", "footprint", "quintile", "joined_on"), None),
    (t.RoleDaily, ("day", "programme", "footprint", "quintile"), "roles"),
    (t.RoleMonthly, ("month", "programme", "footprint", "quintile"), "roles"),
    (t.RolePairDaily, ("footprint", "quintile", "first_day", "next_day"), "pairs"),
    (t.RolePairMonthly, ("footprint", "quintile", "first_month", "next_month"), "pairs"),
)

Rows = list[list[tuple[object, ...]]]


async def rollup_rows() -> Rows:
    """Every people rollup, leaving out keys that came back to nothing."""
    out: Rows = []
    for table, key, count in TABLES:
        rows = await table.select()
        out.append(
            sorted(
                tuple(str(r[k])[:10] for k in key) + ((r[count],) if count else ())
                for r in rows
                if count is None or r[count]
            )
        )
    return out


async def afresh() -> list[Rows]:
    """The people rollups as kept, and as worked out again from the roles."""
    kept = await rollup_rows()
    async with write_transaction():
        await people_rollup.rebuild()
    fresh = await rollup_rows()
    assert fresh[0], "nobody was counted: the test checks nothing"
    return [kept, fresh]


async def plain_count(flt: Filters, by_quintile: bool = False) -> dict[int, int]:
    """People counted straight from the roles, written independently of the rollups."""
    where, args = ["m.status = 'active'"], []
    for sql, value in (
        ("m.programme = {}", flt.programme),
        ("p.footprint = {}", flt.footprint),
        ("m.joined_on >= {}", flt.since),
        ("m.joined_on <= {}", flt.until),
    ):
        if value is not None:
            where.append(sql)
            args.append(value)
    key = "COALESCE((d.imd_decile + 1) / 2, 0)" if by_quintile else "0"
    sql = (
        f"SELECT {key} AS k, COUNT(DISTINCT m.person) AS n FROM membership m "  # noqa: S608
        "JOIN person p ON p.id = m.person "
        "LEFT JOIN postcode_area pa ON pa.postcode = REPLACE(UPPER(p.postcode), ' ', '') "
        "LEFT JOIN area_deprivation d ON d.lsoa = pa.lsoa "
        f"WHERE {' AND '.join(where)} GROUP BY {key if by_quintile else '1'}"
    )
    rows = await t.Membership.raw(sql, *args)
    return {int(r["k"]): int(r["n"]) for r in rows if r["n"]}


async def check(rng: random.Random, areas: list[int], programmes: list[int]) -> None:
    """The kept rollups equal a rebuild, and their people equal the plain count, for
    random filters (dates within and across months, areas, programmes)."""
    kept, fresh = await afresh()
    assert kept == fresh
    checked = 0
    for _ in range(40):
        since = DAY0 + timedelta(days=rng.randrange(-20, 120)) if rng.random() < 0.7 else None
        until = (
            (since or DAY0) + timedelta(days=rng.randrange(0, 100)) if rng.random() < 0.7 else None
        )
        flt = Filters(
            programme=rng.choice(programmes) if rng.random() < 0.3 else None,
            footprint=rng.choice(areas) if rng.random() < 0.4 else None,
            since=since,
            until=until,
        )
        by_quintile = dict(await people_rollup.people(flt, by="quintile"))
        assert by_quintile == await plain_count(flt, by_quintile=True), flt
        everyone = (await people_rollup.people(flt)).get(0, 0)
        assert everyone == (await plain_count(flt)).get(0, 0), flt
        checked += everyone > 0
    assert checked > 10  # most filters found somebody


async def lookups() -> None:
    """Quintile 1 and 4 homes; WN44DD's LSOA has no decile; WN99ZZ is in no lookup."""
    await t.PostcodeArea.insert(
        t.PostcodeArea(postcode="WN11AA", lsoa="E01000001"),
        t.PostcodeArea(postcode="WN11AB", lsoa="E01000002"),
        t.PostcodeArea(postcode="WN44DD", lsoa="E01000003"),
    )
    await t.AreaDeprivation.insert(
        t.AreaDeprivation(lsoa="E01000001", imd_decile=1),
        t.AreaDeprivation(lsoa="E01000002", imd_decile=7),
    )


async def staff_context() -> Context:
    user = await f.user("coordinator")
    account = await t.Account.select(t.Account.id).where(t.Account.email == user.email).first()
    assert account is not None
    return await Context.load(Actor(account["id"], "admin", user.person_id))


async def test_every_kind_of_write_keeps_the_people_as_they_would_be_counted_afresh(client):
    rng = random.Random(17)
    await lookups()
    areas = [await f.footprint("N"), await f.footprint("S"), await f.footprint("E")]
    ctx = await staff_context()
    programmes = list(ctx.ref.programmes)
    slugs = {p: ctx.ref.slug(p) for p in programmes}

    def day() -> date:
        return DAY0 + timedelta(days=rng.randrange(0, 90))

    people = []
    for n in range(30):
        people.append(
            await f.person(f"P{n}", footprint=rng.choice([None, *areas]),
                           postcode=rng.choice(POSTCODES), year_of_birth=1980)
        )  # fmt: skip

    # New roles one at a time, as the API and console make them (some the same day)
    roles: list[int] = []
    for person in people:
        for programme in rng.sample(programmes, rng.randrange(0, 4)):
            sent = {"person": person, "programme": slugs[programme], "joined_on": day(),
                    "status": rng.choice(STATUSES)}  # fmt: skip
            if slugs[programme] == "young-health-champions":
                continue  # an age rule of its own
            roles.append((await create_record(MEMBERSHIPS, ctx, sent)).id)
    await check(rng, areas, programmes)

    # Changes of status and date; and of the person's area and home
    for role in rng.sample(roles, 25):
        change: dict[str, Any] = rng.choice(
            [{"status": rng.choice(STATUSES)}, {"joined_on": day()},
             {"status": "active", "joined_on": day()}]
        )  # fmt: skip
        if change.get("status") == "left":
            change["left_on"] = DAY0 + timedelta(days=100)
        await update_record(MEMBERSHIPS, ctx, role, change)
    for person in rng.sample(people, 10):
        change = rng.choice(
            [{"footprint": rng.choice(["", *[ctx.ref.code(a) for a in areas]])},
             {"postcode": rng.choice(["", "WN1 1AA", "WN11AB", "WN9 9ZZ"])}]
        )  # fmt: skip
        await update_record(PEOPLE, ctx, person, change)
    await check(rng, areas, programmes)

    # Deletes of roles; a person deleted by staff, another erased
    for role in rng.sample(roles, 6):
        if await t.Membership.exists().where(t.Membership.id == role):
            await delete_record(MEMBERSHIPS, ctx, role)
    counted = {r["person"] for r in await t.CountedRole.select(t.CountedRole.person)}
    deleted, erased = [p for p in people if p in counted][:2]
    await delete_record(PEOPLE, ctx, deleted)
    await erase_person(erased, None)
    people = [p for p in people if p not in (deleted, erased)]
    await check(rng, areas, programmes)

    # An import's bulk writes: new roles, and people's areas filled in
    async with write_transaction():
        fresh_people = [await f.person(f"New {n}", postcode="WN1 1AA") for n in range(6)]
        await create_many(
            MEMBERSHIPS.kind,
            None,
            [
                {
                    "person": p,
                    "programme": rng.choice(programmes[:2]),
                    "joined_on": day(),
                    "status": "active",
                    "left_on": None,
                }
                for p in fresh_people
            ],  # fmt: skip
            columns=MEMBERSHIP_COLUMNS[:5],
        )
        await update_many(PEOPLE.kind, None, [(p, {"footprint": areas[0]}, None)
                                             for p in fresh_people[:3]])  # fmt: skip
    await check(rng, areas, programmes)

    # Two records of one person merged (both with roles)
    counted = {r["person"] for r in await t.CountedRole.select(t.CountedRole.person)}
    keep, other = [p for p in people if p in counted][:2]
    await merge_people(ctx, keep, other, {})
    await check(rng, areas, programmes)

    # A join approved through the API: a new person with two roles today
    coordinator = await f.user("coordinator")
    await send_application(client)
    application = await t.Application.select(t.Application.id).first()
    assert application is not None
    approved = await client.post(
        f"/api/applications/{application['id']}/approve", json={}, headers=coordinator.headers
    )
    assert approved.status_code == 200, approved.text
    kept, fresh = await afresh()
    assert kept == fresh
    joined = Filters(since=date.today(), until=date.today())
    assert (await people_rollup.people(joined)).get(0, 0) == (await plain_count(joined))[0] >= 1


async def test_the_apis_writes_keep_the_people_and_the_totals_count_them_once(client):
    """Through the API as a coordinator: roles added, changed and deleted, a person's area
    changed; the totals' people equal the plain count for each set of filters."""
    await lookups()
    await f.footprint("WC")
    await f.footprint("WE")
    staff = await f.user("coordinator")
    ann = await f.person("Ann", footprint=(await t.Footprint.select().first())["id"])
    bob = await f.person("Bob", postcode="WN1 1AA")

    async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = await client.post(path, json=body, headers=staff.headers)
        assert answer.status_code == 201, answer.text
        return answer.json()

    one = await post("/api/memberships", {"person": ann, "programme": "health-champions",
                                          "joined_on": "2026-03-05"})  # fmt: skip
    await post("/api/memberships", {"person": ann, "programme": "dementia-friends",
                                    "joined_on": "2026-05-20"})  # fmt: skip
    await post("/api/memberships", {"person": bob, "programme": "dementia-friends",
                                    "joined_on": "2026-03-31"})  # fmt: skip

    async def totals(**filters: str) -> int:
        answer = await client.get("/api/totals", params=filters, headers=staff.headers)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["people"])

    # Worked out by hand: Ann (5 March and 20 May) and Bob (31 March)
    assert await totals() == 2
    assert await totals(since="2026-03-06") == 2  # Ann's second role, Bob
    assert await totals(since="2026-04-01") == 1  # Ann's second role
    assert await totals(until="2026-03-31") == 2
    assert await totals(since="2026-04-01", until="2026-05-19") == 0
    assert await totals(footprint="WC") == 1
    changed = await client.patch(f"/api/memberships/{one['id']}", json={"status": "paused"},
                                 headers=staff.headers)  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert await totals(until="2026-04-30") == 1  # Bob alone now
    moved = await client.patch(f"/api/people/{ann}", json={"footprint": "WE"},
                               headers=staff.headers)  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert await totals(footprint="WC") == 0 and await totals(footprint="WE") == 1
    gone = await client.delete(f"/api/memberships/{one['id']}", headers=staff.headers)
    assert gone.status_code == 204
    kept, fresh = await afresh()
    assert kept == fresh


async def test_an_import_chunk_by_chunk_keeps_the_people_as_they_would_be_counted_afresh(
    monkeypatch,
):
    """An import writes a chunk of rows at a time, and brings the rollups in step once for
    each chunk's new people, people filled in and roles: after a chunk that failed (the
    chunks before it are kept) and once the import has finished, the rollups equal a
    rebuild and their people the plain count. The file has new people with one role or two
    (rows about the same person), and recorded people, some counted already, whose area and
    home the file fills in and who gain a role."""
    rng = random.Random(20)
    await lookups()
    areas = [await f.footprint("WC"), await f.footprint("WN")]
    ctx = await staff_context()
    slugs = {p: ctx.ref.slug(p) for p in ctx.ref.programmes}
    programmes = [p for p in slugs if slugs[p] != "young-health-champions"]  # an age rule
    recorded = []
    for n in range(8):
        email = f"recorded{n}@example.org"
        person = await f.person(f"Rec {n}", email=email, email_confirmed=True)
        recorded.append(email)
        if n % 2:  # counted already, with no area and no known home
            sent = {"person": person, "programme": slugs[programmes[0]],
                    "joined_on": DAY0 + timedelta(days=n), "status": "active"}  # fmt: skip
            await create_record(MEMBERSHIPS, ctx, sent)

    def line(name: str, email: str, programme: int) -> str:
        joined = DAY0 + timedelta(days=rng.randrange(0, 90))
        postcode = rng.choice(["WN1 1AA", "WN1 1AB", "WN9 9ZZ", "WN4 4DD", ""])
        return (f"{name},{email},01/02/1980,{rng.choice(['WC', 'WN', ''])},{postcode},"
                f"{slugs[programme]},{joined:%d/%m/%Y},,")  # fmt: skip

    rows = [line(f"Rec {n}", email, programmes[1]) for n, email in enumerate(recorded)]
    for n in range(40):
        picked = rng.sample(programmes, rng.choice([1, 2]))
        rows += [line(f"New {n}", f"new{n}@example.org", p) for p in picked]
    rng.shuffle(rows)
    content = ("\n".join([HEADINGS, *rows]) + "\n").encode()
    job_id = await jobs.create_job(ctx, "people.csv", content)
    mapping = (await jobs.get_job(job_id))["mapping"]
    await jobs.preview(job_id, ctx, {f"column-{i}": key for i, key in mapping.items()})

    monkeypatch.setattr(import_run, "CHUNK", 7)  # many chunks, each its own transaction
    calls = 0
    link = import_run._link

    async def fails_in_the_fourth_chunk(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1  # two a chunk: its roles, then its training
        if calls == 7:
            raise RuntimeError("the disk is full")
        return await link(*args, **kwargs)

    monkeypatch.setattr(import_run, "_link", fails_in_the_fourth_chunk)
    assert await jobs.claim(job_id)
    await jobs.run_job(job_id, ctx)
    job = await jobs.get_job(job_id)
    assert job["shown_status"] == "failed"
    assert "after 21 of" in job["error"]  # three chunks of 7 rows were saved
    assert 0 < await t.Membership.count() < len(rows) + 4
    await check(rng, areas, programmes)

    monkeypatch.setattr(import_run, "_link", link)
    assert await jobs.claim(job_id)
    await jobs.run_job(job_id, ctx)
    job = await jobs.get_job(job_id)
    assert job["shown_status"] == "done", job["error"]
    filled = await t.Person.select().where(t.Person.email.is_in(recorded))
    assert [p["year_of_birth"] for p in filled] == [1980] * 8  # from the file, in either run
    assert any(p["footprint"] for p in filled) and any(p["postcode"] for p in filled)
    assert await t.Membership.count() == len(rows) + 4  # 4 recorded roles before
    await check(rng, areas, programmes)
