"""The audit log in the console (admins only): who, when in the council's time zone, what
and what changed; filters, pages, downloads, and no personal values."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from schema.tables import Account, AuditEvent
from tests.helpers import factories as f
from tests.helpers.console import add_event, post, rows, signed_in
from tests.helpers.html import HTML, Page
from tests.helpers.signin import sign_in


async def test_a_coordinator_cannot_read_the_audit_log(client):
    await signed_in(client, "coordinator")
    assert (await client.get("/console/audit", headers=HTML)).status_code == 403
    assert (await client.get("/console/audit?format=csv")).status_code == 403


async def test_who_when_and_what_changed_are_shown(client):
    me = await signed_in(client)
    mine = (await Account.select(Account.id).where(Account.email == me.email).first())["id"]
    jo = await f.person("Jo")
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time).
    await add_event(
        datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
        "person",
        jo,
        account=mine,
        changes={"name": "changed", "footprint": [None, 3]},
    )
    await add_event(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "programme", 5, "delete")
    page = await client.get(f"/console/audit?record_type=person&record_id={jo}", headers=HTML)
    assert page.status_code == 200
    [row] = rows(page.text)
    assert "2 July 2026, 00:30:00" in row
    assert me.email in row
    assert "name: changed" in row and "area: (blank) → 3" in row  # no such area
    assert "Changed Person: Jo (record" in row
    assert f"/console/people/{jo}" in Page(page.text).links
    deleted = rows((await client.get("/console/audit?action=delete", headers=HTML)).text)
    assert len(deleted) == 1 and "system" in deleted[0]
    # A deleted record has no page to link to.
    log = Page((await client.get("/console/audit?action=delete", headers=HTML)).text)
    assert "/console/admin/programmes/5" not in log.links


async def test_changes_made_in_the_console_appear_with_their_admin(client):
    me = await signed_in(client)
    await post(client, "/console/admin/footprints", {"name": "Leigh", "code": "LE"})
    log = rows((await client.get("/console/audit?record_type=footprint", headers=HTML)).text)
    assert len(log) == 1
    assert me.email in log[0] and "Added Area: Leigh" in log[0] and "code: LE" in log[0]


async def test_personal_values_show_only_as_changed(client):
    await signed_in(client)
    await post(
        client,
        "/console/admin/users",
        {
            "email": "secret.person@example.org",
            "role": "champion",
            "person": "new",
            "name": "Secretive Sam",
        },
    )
    page = await client.get("/console/audit", headers=HTML)
    text = Page(page.text).text
    assert "email: changed" in text and "name: changed" in text
    # The log keeps no personal value: the page names the records as they are now, for an
    # admin who may see them, but nothing of them is stored in the log.
    kept = str([e["changes"] for e in await AuditEvent.select(AuditEvent.changes)])
    assert "Secretive" not in kept and "secret.person" not in kept


async def test_records_and_ids_in_the_log_are_shown_by_name(client):
    me = await signed_in(client)
    mine = (await Account.select(Account.id).where(Account.email == me.email).first())["id"]
    area = await f.footprint("WC", "Wigan Central")
    jo = await f.person("Jo Bloggs")
    membership = await f.join(jo, "health-champions")
    at = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    await add_event(at, "person", jo, account=mine, changes={"footprint": [None, area]})
    await add_event(at, "membership", membership, "create", changes={"status": "active"})
    await add_event(at, "person", 999_999, "delete")
    await add_event(
        at, "activity", 5, "create", changes={"kind": "event", "review_status": "needs-review"}
    )
    page = await client.get("/console/audit", headers=HTML)
    found = rows(page.text)
    assert any(
        "Changed Person: Jo Bloggs" in r and "area: (blank) → Wigan Central" in r for r in found
    ), found
    assert any("Added Programme role: Jo Bloggs in Health Champions" in r for r in found)
    assert any("Deleted Person 999999" in r for r in found)  # gone: its kind and number
    assert any(
        "kind: An event or stall" in r and "review status: Waiting for review" in r for r in found
    )
    assert f"/console/people/{jo}" in Page(page.text).links


async def test_the_filters_narrow_the_list_and_pages_go_newest_first(client):
    await signed_in(client)
    kim = await f.user("coordinator", email="kim@example.org")
    kim_id = (await Account.select(Account.id).where(Account.email == kim.email).first())["id"]
    for day in range(1, 6):
        await add_event(
            datetime(2026, 3, day, 12, tzinfo=UTC), "activity", 100 + day, account=kim_id
        )
    await add_event(datetime(2026, 3, 3, 12, tzinfo=UTC), "story", 7, "create")

    async def ids(query: str) -> list[str]:
        answer = await client.get(f"/console/audit?{query}", headers=HTML)
        assert answer.status_code == 200, answer.text
        return [r.split("Activity ")[1].split()[0] for r in rows(answer.text) if "Activity " in r]

    assert await ids("record_type=activity&since=2026-03-02&until=2026-03-04") == [
        "104",
        "103",
        "102",
    ]
    assert await ids("account=KIM@example") == ["105", "104", "103", "102", "101"]
    assert await ids("record_id=103") == ["103"]
    assert (
        len(
            rows(
                (
                    await client.get(
                        "/console/audit?account=system&record_type=story", headers=HTML
                    )
                ).text
            )
        )
        == 1
    )
    first = await client.get("/console/audit?record_type=activity&per_page=2", headers=HTML)
    assert [r.split("Activity ")[1].split()[0] for r in rows(first.text)] == ["105", "104"]
    page = Page(first.text)
    nxt = next(link for link in page.links if "page=2" in link)
    assert "record_type=activity" in nxt
    second = await client.get(nxt, headers=HTML)
    assert [r.split("Activity ")[1].split()[0] for r in rows(second.text)] == ["103", "102"]


async def test_the_filtered_log_downloads_as_csv_and_xlsx(client):
    await signed_in(client)
    await add_event(
        datetime(2026, 3, 1, 12, tzinfo=UTC), "activity", 1, changes={"minutes": [5, 50]}
    )
    await add_event(datetime(2026, 3, 2, 12, tzinfo=UTC), "story", 2, "create")
    page = Page((await client.get("/console/audit?record_type=activity", headers=HTML)).text)
    assert "/console/audit?record_type=activity&format=csv" in page.links
    csv = await client.get("/console/audit?record_type=activity&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "When,Who,Action,Record type,Record id,What changed"
    assert len(lines) == 2 and "minutes: 5 → 50" in lines[1] and "1 Mar 2026, 12:00:00" in lines[1]
    xlsx = await client.get("/console/audit?record_type=story&format=xlsx")
    sheet = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert [row[3] for row in sheet[1:]] == ["story"]


async def test_odd_filters_say_what_to_fix(client):
    await signed_in(client)
    for query, message in [
        ("since=2026-13-45", "Enter the first date as a real date, like 2025-03-31."),
        ("record_id=abc", "Enter a record id as a whole number, like 12."),
        (
            "since=2026-03-05&until=2026-03-01",
            "The last date must be the same as or after the first date.",
        ),
        ("record_type=wizard", "Choose a kind of record"),
        ("format=pdf", "Choose CSV or XLSX."),
        ("page=0", "The page number must be from 1 to 100,000."),
    ]:
        answer = await client.get(f"/console/audit?{query}", headers=HTML)
        assert answer.status_code == 400, query
        errors = Page(answer.text).errors + [Page(answer.text).text]
        assert any(message in e for e in errors), (query, errors)


async def test_the_old_cookie_of_a_deactivated_admin_no_longer_reads_the_log(client, app):
    import httpx

    other = await f.user("admin")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as theirs:
        await sign_in(theirs, other.email)
        assert (await theirs.get("/console/audit", headers=HTML)).status_code == 200
        await signed_in(client)
        target = await Account.select(Account.id).where(Account.email == other.email).first()
        await post(client, f"/console/admin/users/{target['id']}/deactivate")
        answer = await theirs.get("/console/audit", headers=HTML)
        assert answer.status_code == 303 and answer.headers["location"] == "/sign-in"
