"""Retention: personal data is kept no longer than the README's Privacy table says, by a
clean-up that runs by itself (once an hour, on one worker at a time, whatever the number of
workers: the last run is a database row) and by `movement cleanup`."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schema import tables as t
from server.imports import jobs
from server.lib.records import Context
from server.privacy.retention import claim, run_cleanup
from tests.helpers import factories as f
from tests.helpers.html import Page

HTML = {"accept": "text/html"}

NOW = datetime.now(UTC)
BIN = Path(sys.executable).parent / "movement"
README = Path(__file__).resolve().parents[2] / "README.md"
UPLOAD = b"Full name,Email\nAda Lovelace,ada@example.org\n"


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


async def link(email: str, days: float) -> None:
    await t.SignInLink.insert(t.SignInLink(
        email=email, token_hash=f"{email}{days}".ljust(64, "x")[:64], requested_from="198.51.100.9",
        created_at=ago(days), expires_at=ago(days) + timedelta(minutes=15)))  # fmt: skip


async def session(account: int, days: float, name: str) -> None:
    await t.WebSession.insert(t.WebSession(
        account=account, token_hash=name.ljust(64, "s"), created_at=ago(days + 30),
        expires_at=ago(days)))  # fmt: skip


async def upload(status: str, days: float) -> int:
    job_id = await jobs.create_job(await Context.load(None), "a.csv", UPLOAD)
    summary = {
        "counts": {"rows": 1},
        "message": "Imported 1 row.",
        "problems": [{"row": 2, "field": "", "message": "Row 2: Ada Lovelace ..."}],
    }
    await t.ImportJob.update({t.ImportJob.status: status, t.ImportJob.updated_at: ago(days),
                              t.ImportJob.summary: summary if status == "done" else {}}).where(
        t.ImportJob.id == job_id)  # fmt: skip
    return job_id


async def test_each_rule_deletes_what_is_too_old_and_keeps_the_rest():
    user = await f.user("champion")
    account = (await t.Account.select(t.Account.id).first())["id"]
    await link("old@example.org", 31)
    await link("new@example.org", 2)
    await session(account, 100, "ended-long-ago")
    await session(account, 95, "ended-long-ago-too")
    await session(account, 91, "newest-ended")  # kept: the account's last sign-in
    await t.OutboxMessage.insert(
        t.OutboxMessage(to="a@example.org", subject="Old", body="x", created_at=ago(8)),
        t.OutboxMessage(to="a@example.org", subject="New", body="x", created_at=ago(1)),
    )
    await t.AuditEvent.insert(
        t.AuditEvent(at=ago(3 * 365), action="update", record_type="membership", record_id=1,
                     changes={"status": ["active", "left"]}),
        t.AuditEvent(at=ago(7 * 365), action="create", record_type="person", record_id=1,
                     changes={"name": "changed"}),
    )  # fmt: skip
    await t.ImportJob.delete(force=True)
    waiting = await upload("ready", 8)
    failed = await upload("failed", 9)
    recent = await upload("mapping", 1)
    finished = await upload("done", 8)

    done = await run_cleanup(NOW)

    assert [r["email"] for r in await t.SignInLink.select()] == ["new@example.org"]
    hashes = sorted(r["token_hash"][:12] for r in await t.WebSession.select())
    assert all(not h.startswith("ended-long") for h in hashes) and "newest-ended" in hashes
    assert [r["subject"] for r in await t.OutboxMessage.select()] == ["New"]
    old = await t.AuditEvent.select().where(t.AuditEvent.at < ago(365)).output(load_json=True)
    assert [(e["record_type"], e["changes"]) for e in old] == [("membership", {})]
    for job_id in (waiting, failed):
        job = await jobs.get_job(job_id, with_sheet=True)
        assert job["shown_status"] == "expired" and job["sheet"] == {}
        assert "not imported within 7 days" in job["error"]
    assert (await jobs.get_job(recent, with_sheet=True))["sheet"]["rows"]
    summary = (await jobs.get_job(finished))["summary"]
    assert summary == {"counts": {"rows": 1}, "message": "Imported 1 row."}
    assert done["sign-in links"] == 1 and done["import uploads"] == 3
    assert await run_cleanup(NOW) == dict.fromkeys(done, 0)  # nothing more the second time
    del user


async def test_an_expired_upload_cannot_be_previewed_or_imported(client):
    job_id = await upload("ready", 8)
    await run_cleanup(NOW)
    assert await jobs.claim(job_id) is False
    coordinator = await f.user("coordinator")
    from tests.helpers.signin import sign_in

    await sign_in(client, coordinator.email)
    page = await client.get(f"/console/import/{job_id}/columns", headers={"accept": "text/html"})
    assert page.headers["location"] == f"/console/import/{job_id}"
    text = (await client.get(f"/console/import/{job_id}", headers={"accept": "text/html"})).text
    assert "Deleted after 7 days" in text and "Upload the file again" in text


async def test_only_one_of_many_workers_runs_the_clean_up_each_hour():
    await t.Chore.delete(force=True)
    results = await asyncio.gather(*(claim(NOW) for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]
    assert await claim(NOW + timedelta(minutes=30)) is False
    assert await claim(NOW + timedelta(minutes=61)) is True


async def test_movement_cleanup_runs_it_at_once():
    await link("old@example.org", 40)
    answer = await asyncio.to_thread(
        subprocess.run, [str(BIN), "cleanup"], env=dict(os.environ), capture_output=True,
        text=True, timeout=120)  # fmt: skip
    assert answer.returncode == 0, answer.stderr
    assert "sign-in links: 1" in answer.stdout
    assert await t.SignInLink.count() == 0


async def test_a_coordinator_discards_an_upload_and_its_rows_go_at_once(client):
    from tests.helpers.imports import signed_in, token
    from tests.helpers.imports import upload as send

    await signed_in(client)
    sent = await send(client, UPLOAD)
    job_id = int(sent.headers["location"].split("/")[3])
    columns = Page((await client.get(sent.headers["location"], headers=HTML)).text)
    assert f"/console/import/{job_id}/discard" in columns.forms
    answer = await client.post(f"/console/import/{job_id}/discard", data=token(client))
    assert answer.headers["location"] == f"/console/import/{job_id}"
    job = await jobs.get_job(job_id, with_sheet=True)
    assert job["sheet"] == {} and job["shown_status"] == "discarded"
    page = Page((await client.get(f"/console/import/{job_id}", headers=HTML)).text).text
    assert "Discarded" in page and "its rows deleted" in page
    again = await client.get(f"/console/import/{job_id}/columns", headers=HTML)
    assert again.headers["location"] == f"/console/import/{job_id}"
    assert await jobs.claim(job_id) is False
    events = await t.AuditEvent.select().where(t.AuditEvent.record_type == "import_job")
    assert len(events) == 1


async def change(person: int, address: str, expired_days_ago: float, used_days_ago: float | None):
    await t.EmailChange.insert(t.EmailChange(
        person=person, new_email=address, token_hash=address.ljust(64, "e")[:64],
        created_at=ago(expired_days_ago + 1), expires_at=ago(expired_days_ago),
        used_at=None if used_days_ago is None else ago(used_days_ago),
        old_email=None if used_days_ago is None else "was@example.org"))  # fmt: skip


async def test_email_changes_go_30_days_after_their_link_was_used_or_ran_out():
    user = await f.user("champion")
    await change(user.person_id, "used-long-ago@example.org", 32, 31)
    await change(user.person_id, "used-lately@example.org", 3, 2)
    await change(user.person_id, "ran-out-long-ago@example.org", 31, None)
    await change(user.person_id, "ran-out-lately@example.org", 2, None)
    await change(user.person_id, "waiting@example.org", -1, None)  # its link still works

    done = await run_cleanup(NOW)

    kept = sorted(r["new_email"] for r in await t.EmailChange.select())
    assert kept == ["ran-out-lately@example.org", "used-lately@example.org",
                    "waiting@example.org"]  # fmt: skip
    assert done["email changes"] == 2
    readme = README.read_text()
    assert "| email changes (" in readme and "30 days after the link was used or ran out" in readme
