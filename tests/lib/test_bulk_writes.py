"""One write path: write transactions make every cached number stale when they commit
(never on a rollback), so each way of writing is seen by the next totals read in the same
worker; and bulk writes (create_many, update_many) are all or nothing."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date

import pytest

from schema.tables import Account, Activity, AuditEvent, Course, Membership, Organisation
from server import db
from server.activities.services import ACTIVITIES, log_batch
from server.imports import jobs
from server.lib.auth import Actor
from server.lib.records import Context, create_many
from server.mydata.services import erase_me
from server.people.merge import merge_people
from server.totals.services import CACHE, TotalsCache, totals
from server.trainings.services import record_cohort
from tests.helpers import factories as f


async def staff_context() -> Context:
    user = await f.user("coordinator")
    account = await Account.select(Account.id).where(Account.email == user.email).first()
    assert account is not None
    return await Context.load(Actor(account["id"], "coordinator", user.person_id))


def item(**values: object) -> dict[str, object]:
    return {
        "client_id": str(uuid.uuid4()),
        "programme": "health-champions",
        "kind": "conversation",
        "people_reached": 4,
        "minutes": 30,
        **values,
    }


# The write generation ------------------------------------------------------------------


async def test_the_generation_grows_when_a_write_commits_and_not_on_a_rollback():
    before = db.generation()
    async with db.write_transaction():
        async with db.write_transaction():  # joins the outer one
            await f.footprint("WC")
        assert db.generation() == before  # not yet: nothing is committed
    assert db.generation() == before + 1
    with pytest.raises(RuntimeError):
        async with db.write_transaction():
            await f.footprint("WN")
            raise RuntimeError("changed my mind")
    assert db.generation() == before + 1


async def test_a_total_worked_out_while_a_write_commits_is_not_kept_as_fresh():
    cache = TotalsCache()
    calls = []

    async def compute_during_a_write() -> dict[str, object]:
        calls.append(1)
        if len(calls) == 1:
            db.note_write()  # a write commits while the numbers are being read
        return {"n": len(calls)}

    first = await cache.get("k", compute_during_a_write)
    second = await cache.get("k", compute_during_a_write)
    assert (first.data, second.data) == ({"n": 1}, {"n": 2})
    assert await cache.get("k", compute_during_a_write) is second  # now it is kept


async def test_a_read_after_a_write_does_not_join_a_computation_begun_before_it():
    cache = TotalsCache()
    started, release = asyncio.Event(), asyncio.Event()
    calls = []

    async def slow() -> dict[str, object]:
        calls.append(1)
        n = len(calls)
        if n == 1:
            started.set()
            await release.wait()
        return {"n": n}

    early = asyncio.create_task(cache.get("k", slow))
    await started.wait()
    db.note_write()
    late = asyncio.create_task(cache.get("k", slow))
    await asyncio.sleep(0)
    release.set()
    assert (await early).data == {"n": 1}
    assert (await late).data == {"n": 2}  # worked out again, after the write


# Every way of writing is seen at once ------------------------------------------------


async def test_records_written_through_the_api_are_counted_at_once(client):
    coordinator = await f.user("coordinator")
    assert (await totals({})).data["reach"] == 0
    made = await client.post(
        "/api/activities", json=item(people_reached=12), headers=coordinator.headers
    )
    assert made.status_code == 201
    assert (await totals({})).data["reach"] == 12
    changed = await client.patch(
        f"/api/activities/{made.json()['id']}",
        json={"people_reached": 20},
        headers=coordinator.headers,
    )
    assert changed.status_code == 200
    assert (await totals({})).data["reach"] == 20
    gone = await client.delete(f"/api/activities/{made.json()['id']}", headers=coordinator.headers)
    assert gone.status_code == 204
    assert (await totals({})).data["reach"] == 0


async def test_a_batch_of_activities_is_counted_at_once():
    ctx = await staff_context()
    assert (await totals({})).data["activities"] == 0
    results = await log_batch(ctx, [item() for _ in range(3)])
    assert [r.status for r in results] == ["created"] * 3
    assert (await totals({})).data["activities"] == 3


async def test_a_training_cohort_makes_the_cached_numbers_stale():
    ctx = await staff_context()
    ann = await f.person("Ann Cohort")
    kept = await totals({})
    course = await Course.select(Course.slug).first()
    assert course is not None
    await record_cohort(
        ctx, {"course": course["slug"], "completed_on": "2025-01-10", "person": [str(ann)]}
    )
    assert await totals({}) is not kept  # worked out again


async def test_an_import_is_counted_at_once():
    ctx = await staff_context()
    assert (await totals({})).data["roles"] == 0
    content = (
        b"Full name,Email,Programme,Date joined\n"
        b"Ann Import,ann@example.org,Health Champions,01/02/2024\n"
    )
    job_id = await jobs.create_job(ctx, "register.csv", content)
    mapping = (await jobs.get_job(job_id))["mapping"]
    await jobs.preview(job_id, ctx, {f"column-{i}": key for i, key in mapping.items()})
    assert await jobs.claim(job_id)
    await jobs.run_job(job_id, ctx)
    assert (await jobs.get_job(job_id))["status"] == "done"
    assert (await totals({})).data["roles"] == 1


async def test_a_merge_is_counted_at_once():
    ctx = await staff_context()
    keep, other = await f.person("Jo Bloggs"), await f.person("J. Bloggs")
    await f.join(keep, "health-champions")
    await f.join(other, "cancer-champions")
    assert (await totals({})).data["people"] == 2
    await merge_people(ctx, keep, other, {})
    assert (await totals({})).data["people"] == 1


async def test_deleting_my_data_is_counted_at_once():
    champion = await f.user("champion")
    await f.join(champion.person_id, "health-champions")
    account = await Account.select(Account.id).where(Account.email == champion.email).first()
    assert account is not None
    assert (await totals({})).data["people"] == 1
    await erase_me(Actor(account["id"], "champion", champion.person_id))
    assert (await totals({})).data["people"] == 0


# Bulk writes are all or nothing -------------------------------------------------------


async def test_a_failure_mid_batch_leaves_nothing_written_and_the_numbers_kept(monkeypatch):
    ctx = await staff_context()
    await log_batch(ctx, [item()])
    events = await AuditEvent.count()
    kept = await totals({})
    generation = db.generation()
    rows = [
        {**(await _row(ctx)), "client_id": uuid.uuid4()},
        {**(await _row(ctx)), "client_id": uuid.uuid4(), "programme": 999_999},  # no such
    ]
    with pytest.raises(Exception):  # noqa: B017 - the driver's own integrity error
        await create_many(
            ACTIVITIES.kind,
            ctx.actor.account_id if ctx.actor else None,
            rows,
            columns=(
                "client_id",
                "person",
                "programme",
                "kind",
                "occurred_on",
                "people_reached",
                "minutes",
            ),  # fmt: skip
        )
    assert await Activity.count() == 1
    assert await AuditEvent.count() == events
    assert db.generation() == generation
    assert await totals({}) is kept


async def test_when_the_rollups_fail_the_rows_and_their_audit_go_too(monkeypatch):
    from server.totals import rollup

    ctx = await staff_context()
    events = await AuditEvent.count()
    generation = db.generation()

    async def broken(changes: object) -> None:
        raise RuntimeError("the rollups could not be written")

    monkeypatch.setattr(rollup, "apply", broken)
    with pytest.raises(RuntimeError):
        await log_batch(ctx, [item() for _ in range(5)])
    assert await Activity.count() == 0
    assert await AuditEvent.count() == events
    assert db.generation() == generation


async def test_a_batch_is_audited_as_one_record_at_a_time_would_be():
    ctx = await staff_context()
    sent = item(note="Met Ann at the market", occurred_on="2025-03-04")
    await log_batch(ctx, [sent, sent])  # the same one twice: saved and audited once
    events = await AuditEvent.select().where(AuditEvent.record_type == "activity")
    assert len(events) == 1
    what = events[0]["changes"]
    what = json.loads(what) if isinstance(what, str) else what
    saved = await Activity.select().first()
    assert saved is not None
    assert (events[0]["action"], events[0]["record_id"]) == ("create", saved["id"])
    assert what["note"] == "changed"  # named, never copied
    assert what["client_id"] == sent["client_id"]
    assert what["occurred_on"] == "2025-03-04"
    assert what["person"] == ctx.actor.person_id if ctx.actor else None
    assert list(what) == [
        "client_id", "person", "programme", "kind", "occurred_on", "footprint",
        "people_reached", "minutes", "note", "review_status", "setting", "postcode", "service",
    ]  # fmt: skip


async def test_new_ids_follow_the_rows_whatever_was_already_there():
    ctx = await staff_context()
    first = [item() for _ in range(3)]
    await log_batch(ctx, first[1:2])
    results = await log_batch(ctx, [*first, item()])
    assert [r.status for r in results] == ["created", "duplicate", "created", "created"]
    by_client = {str(r["client_id"]): r["id"] for r in await Activity.select()}
    events = await AuditEvent.select().where(AuditEvent.record_type == "activity")
    for event in events:
        what = event["changes"]
        what = json.loads(what) if isinstance(what, str) else what
        assert by_client[what["client_id"]] == event["record_id"]
    assert len(events) == len(by_client) == 4


async def _row(ctx: Context) -> dict[str, object]:
    hc = await f.programme_id("health-champions")
    return {
        "person": ctx.actor.person_id if ctx.actor else None,
        "programme": hc,
        "kind": "event",
        "occurred_on": date(2025, 1, 2),
        "people_reached": 3,
        "minutes": 10,
    }


async def test_a_membership_written_outside_a_transaction_is_seen_after_note_write():
    from server.db import note_write

    ann = await f.person("Ann Direct")
    kept = await totals({})
    await Membership.insert(
        Membership(person=ann, programme=await f.programme_id("health-champions"),
                   joined_on=date(2025, 1, 1))
    )  # fmt: skip
    await f.keep_people([ann])  # as any writer of roles must (in its own transaction here)
    assert await totals({}) is kept  # nothing said it changed: the cache stands
    note_write()
    assert (await totals({})).data["roles"] == 1
    assert CACHE.generation == db.generation()


# The quick reading of a batch item ------------------------------------------------------


def _form_reading(value: object, choices: object) -> dict[str, object] | None:
    from server.activities.services import read_activity
    from server.lib.validation import Form, Invalid

    form = Form(value)  # type: ignore[arg-type]
    read_activity(form, None, staff=False, batch=True, choices=choices)  # type: ignore[arg-type]
    try:
        return form.result()
    except Invalid:
        return None


ODD_VALUES: dict[str, list[object]] = {
    "client_id": ["", "  ", None, 12, "not-a-uuid", f" {uuid.uuid4()} ", str(uuid.uuid4()).upper(),
                  f"{{{uuid.uuid4()}}}", True],
    "programme": ["health-champions", " health-champions ", "", None, "nope", 1,
                  "HEALTH-champions"],
    "kind": ["conversation", " event ", "", None, "chat", 3],
    "occurred_on": [None, "", "  ", "2025-03-31", " 2025-03-31 ", "2009-12-31", "2010-01-01",
                    "20250331", "31/03/2025", "2999-01-01", "2101-01-01", 20250331, "2025-02-30"],
    "footprint": [None, "", " ", "WC", " WC ", "XX", 7, False],
    "people_reached": [0, 4, 100_000, 100_001, -1, "4", 4.0, 4.5, True, None, "", "1,250"],
    "minutes": [0, 30, 1440, 1441, -5, "30", None, "", 30.0, False],
    "note": [None, "", "   ", "kind words", " padded ", "x" * 500, "x" * 501, "bad\x00char",
             "tab\tand\nline", 12, True, ["a"]],
    # Impact (issue 16): the details, blank (quick) or given (through Form).
    "setting": [None, "", " ", "home", " home ", "church"],
    "postcode": [None, "", "WN1 1AA", "nope"],
    "topics": [None, "", [], ["smoking"], "smoking"],
    "service": [None, "", "3", 3],
}  # fmt: skip


def test_the_quick_reading_of_a_batch_item_is_form_s_reading_or_none():
    """_plainly_valid takes the usual items without Form: it must give exactly Form's
    values (and order) for them, and leave to Form every item Form would refuse."""
    from server.activities.services import Choices, _plainly_valid

    choices = Choices({"health-champions": 1, "young-health-champions": 2}, {"WC": 5},
                      date.today())  # fmt: skip
    base = {"client_id": str(uuid.uuid4()), "programme": "health-champions",
            "kind": "conversation", "people_reached": 4}  # fmt: skip
    items: list[object] = [dict(base), {**base, "id": 3, "created_at": "x"},
                           {**base, "person": 1}, {**base, "review_status": "approved"},
                           {**base, "extra": 1}, [], "x"]  # fmt: skip
    for key, values in ODD_VALUES.items():
        for value in values:
            items.append({**base, key: value})
        items.append({k: v for k, v in base.items() if k != key})
    quick_ones = 0
    for one in items:
        quick = _plainly_valid(one, choices)
        if quick is None:
            continue
        quick_ones += 1
        read = _form_reading(one, choices)
        assert read is not None, one
        assert list(quick.items()) == list(read.items()), one
    assert quick_ones > 30


async def test_an_import_uses_the_rows_its_preview_checked_unless_the_lists_changed(monkeypatch):
    from server.imports import check, match

    ctx = await staff_context()
    content = (
        b"Full name,Email,Programme,Date joined\n"
        b"Bea Import,bea@example.org,Health Champions,01/02/2024\n"
    )
    job_id = await jobs.create_job(ctx, "register.csv", content)
    mapping = (await jobs.get_job(job_id))["mapping"]
    await jobs.preview(job_id, ctx, {f"column-{i}": key for i, key in mapping.items()})
    checks = []
    real = check.check_row

    async def counted(*args, **kwargs):
        checks.append(args[0])
        return await real(*args, **kwargs)

    monkeypatch.setattr(match, "check_row", counted)
    assert await jobs.claim(job_id)
    await jobs.run_job(job_id, ctx)
    job = await jobs.get_job(job_id)
    assert job["status"] == "done" and job["summary"]["counts"]["new_people"] == 1
    assert checks == []  # the preview's checks, used again
    # A new organisation changes the lists the rows are checked against: checked again.
    job_id = await jobs.create_job(ctx, "register.csv", content.replace(b"Bea", b"Cal"))
    await jobs.preview(job_id, ctx, {f"column-{i}": key for i, key in mapping.items()})
    await Organisation.insert(Organisation(name="Wigan Youth Zone", kind="other", sector="public"))
    assert await jobs.claim(job_id)
    await jobs.run_job(job_id, ctx)
    assert (await jobs.get_job(job_id))["status"] == "done"
    assert checks == [2, 2]  # at the preview, and again by the import
