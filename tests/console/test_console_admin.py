"""Console settings: accounts and roles, areas, programmes, courses and organisations.
Admins only; every change audited with who did it, and no personal values in the log."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from schema.tables import Account, ApiToken, AuditEvent, Footprint, Person, Programme, WebSession
from tests.helpers import factories as f
from tests.helpers.console import console_routes, post, signed_in
from tests.helpers.html import HTML, Page, date_boxes
from tests.helpers.signin import sign_in

MINE = ("/console/admin", "/console/audit")


async def account_of(email: str) -> dict:
    row = await Account.select().where(Account.email == email).first()
    assert row is not None, email
    return row


async def events(record_type: str | None = None) -> list[dict]:
    query = AuditEvent.select().order_by(AuditEvent.id).output(load_json=True)
    if record_type:
        query = query.where(AuditEvent.record_type == record_type)
    return await query


def my_routes(app):
    return [r for r in console_routes(app) if r[1].startswith(MINE)]


# Who gets in --------------------------------------------------------------------------


def test_every_settings_and_audit_route_is_for_admins_only(app):
    routes = my_routes(app)
    assert len(routes) > 30
    assert all(admin_only for _, _, admin_only in routes), [r for r in routes if not r[2]]


async def test_a_coordinator_gets_403_on_every_settings_page(client, app):
    await signed_in(client, "coordinator")
    for method, path, _ in my_routes(app):
        answer = await (
            client.get(path, headers=HTML) if method == "GET" else post(client, path, {"x": "1"})
        )
        assert answer.status_code == 403, f"{method} {path}"
    assert await Programme.count() > 0  # nothing was deleted on the way


async def test_the_settings_page_links_to_every_list(client):
    await signed_in(client)
    page = Page((await client.get("/console/admin", headers=HTML)).text)
    assert page.h1 == "Settings"
    for path in ("users", "footprints", "programmes", "courses", "organisations"):
        assert f"/console/admin/{path}" in page.links
        answer = await client.get(f"/console/admin/{path}", headers=HTML)
        assert answer.status_code == 200, path
    assert "/console/audit" in page.links


ODD_QUERIES = [
    "?page=abc&role=wizard&action=fly",
    "?page=0&status=maybe&per_page=100000",
    "?format=pdf&q=%00",
    "?footprint=NOPE&kind=castle&since=2026-13-45&until=1&record_id=abc",
    "?page=99999999999999999999&account=" + "x" * 300,
]


@pytest.mark.slow
async def test_odd_input_never_gives_a_500(client, app):
    await signed_in(client)
    for method, path, _ in my_routes(app):
        if method == "GET":
            for odd in ["", *ODD_QUERIES]:
                answer = await client.get(path + odd, headers=HTML)
                assert answer.status_code < 500, f"GET {path}{odd}"
            continue
        for data in ({}, {"role": "x" * 5000, "email": "\x00", "person": "99999999999999"}):
            answer = await post(client, path, data)
            assert answer.status_code < 500, f"POST {path} {data}: {answer.text[:300]}"
    for path in ("/console/admin/programmes/99999999999", "/console/admin/users/0"):
        assert (await client.get(path, headers=HTML)).status_code == 404
    assert (await post(client, "/console/admin/users/99999999999/deactivate")).status_code == 404
    assert await Programme.count() > 0  # the empty delete forms deleted nothing


# Accounts -----------------------------------------------------------------------------


async def test_an_admin_adds_an_account_for_a_new_person(client):
    me = await signed_in(client)
    answer = await post(
        client,
        "/console/admin/users",
        {
            "email": "Zed.Quux@Example.org",
            "role": "coordinator",
            "person": "new",
            "name": "Zebedee Quux",
            "action": "add",
        },
    )
    assert answer.status_code == 303
    account = await account_of("zed.quux@example.org")
    assert answer.headers["location"] == f"/console/admin/users/{account['id']}?done=added"
    assert account["role"] == "coordinator"
    person = await Person.select().where(Person.id == account["person"]).first()
    assert person["name"] == "Zebedee Quux"
    admin_id = (await account_of(me.email))["id"]
    created = [e for e in await events("account") if e["record_id"] == account["id"]]
    assert created[0]["account"] == admin_id and created[0]["action"] == "create"
    assert created[0]["changes"]["role"] == "coordinator"
    log = json.dumps([e["changes"] for e in await events()]).lower()
    assert "zed.quux" not in log and "zebedee" not in log and "quux" not in log
    listed = Page((await client.get("/console/admin/users?q=quux", headers=HTML)).text)
    assert "zed.quux@example.org" in listed.text and "Zebedee Quux" in listed.text


async def test_an_account_can_be_for_someone_already_recorded_found_by_search(client):
    await signed_in(client)
    asha = await f.person("Asha Patel", email="asha@example.org")
    found = await post(
        client,
        "/console/admin/users",
        {
            "email": "asha.work@example.org",
            "role": "champion",
            "search": "patel",
            "action": "search",
        },
    )
    assert found.status_code == 200
    page = Page(found.text)
    assert "Asha Patel" in page.text
    assert page.inputs["email"] == "asha.work@example.org"  # what was typed is kept
    answer = await post(
        client,
        "/console/admin/users",
        {"email": "asha.work@example.org", "role": "champion", "person": str(asha)},
    )
    assert answer.status_code == 303
    assert (await account_of("asha.work@example.org"))["person"] == asha
    again = await post(
        client,
        "/console/admin/users",
        {"email": "asha.other@example.org", "role": "champion", "person": str(asha)},
    )
    assert again.status_code == 400
    assert "already has an account: asha.work@example.org" in Page(again.text).text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email": "not an email", "role": "champion", "name": "Jo"},
            "email",
            "Enter an email address like name@example.com.",
        ),
        ({"email": "jo@example.org", "role": "", "name": "Jo"}, "role", "Choose a role"),
        ({"email": "jo@example.org", "role": "wizard", "name": "Jo"}, "role", "Choose a role"),
        (
            {"email": "jo@example.org", "role": "champion", "name": ""},
            "name",
            "Enter the person's name.",
        ),
        (
            {"email": "jo@example.org", "role": "champion", "person": "77777777"},
            "person",
            "Choose someone from the list, or a new person.",
        ),
    ],
)
async def test_a_wrong_account_form_is_shown_again_with_its_errors(client, data, field, message):
    await signed_in(client)
    answer = await post(client, "/console/admin/users", {"person": "new", **data})
    assert answer.status_code == 400
    page = Page(answer.text)
    assert any(e.startswith(message) for e in page.errors), page.errors
    assert f'id="{field}-error"' in answer.text  # beside its field
    assert page.inputs["email"] == data["email"]
    assert await Account.count().where(Account.email == "jo@example.org") == 0


async def test_an_email_that_already_has_an_account_is_refused(client):
    me = await signed_in(client)
    answer = await post(
        client,
        "/console/admin/users",
        {"email": me.email.upper(), "role": "champion", "person": "new", "name": "X"},
    )
    assert answer.status_code == 400
    assert f"There is already an account for {me.email}." in Page(answer.text).errors


async def test_an_admin_changes_a_role_and_it_is_audited(client):
    me = await signed_in(client)
    champion = await f.user("champion")
    target = await account_of(champion.email)
    answer = await post(
        client, f"/console/admin/users/{target['id']}/role", {"role": "coordinator"}
    )
    assert answer.status_code == 303
    assert (await account_of(champion.email))["role"] == "coordinator"
    event = [e for e in await events("account") if e["record_id"] == target["id"]][-1]
    assert event["changes"] == {"role": ["champion", "coordinator"]}
    assert event["account"] == (await account_of(me.email))["id"]
    # The new role counts at once: the account now gets into the console.
    client.cookies.clear()
    await sign_in(client, champion.email)
    assert (await client.get("/console/", headers=HTML)).status_code == 200


async def test_an_admin_cannot_demote_or_deactivate_themselves(client):
    me = await signed_in(client)
    mine = await account_of(me.email)
    page = Page((await client.get(f"/console/admin/users/{mine['id']}", headers=HTML)).text)
    assert "You cannot remove your own admin role or deactivate yourself" in page.text
    demote = await post(client, f"/console/admin/users/{mine['id']}/role", {"role": "coordinator"})
    assert demote.status_code == 400
    assert "You cannot remove your own admin role" in Page(demote.text).errors[0]
    leave = await post(client, f"/console/admin/users/{mine['id']}/deactivate")
    assert leave.status_code == 400
    assert "You cannot deactivate your own account" in Page(leave.text).text
    still = await account_of(me.email)
    assert still["role"] == "admin" and still["active"] is True
    assert (await client.get("/console/admin", headers=HTML)).status_code == 200


async def test_deactivating_ends_sessions_and_tokens_for_good(client, app):
    import httpx

    champion = await f.user("champion", name="Kim")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as theirs:
        await sign_in(theirs, champion.email)
        assert (await theirs.get("/", headers=HTML)).status_code == 200
        assert (await client.get("/api/me", headers=champion.headers)).status_code == 200
        await signed_in(client)
        target = await account_of(champion.email)
        answer = await post(client, f"/console/admin/users/{target['id']}/deactivate")
        assert answer.status_code == 303
        assert (await theirs.get("/", headers=HTML)).headers.get("location") == "/sign-in"
        assert (await client.get("/api/me", headers=champion.headers)).status_code == 401
        # Reactivated, the account may sign in again, but the old cookie and token stay dead.
        assert (
            await post(client, f"/console/admin/users/{target['id']}/reactivate")
        ).status_code == 303
        assert (await account_of(champion.email))["active"] is True
        assert (await theirs.get("/", headers=HTML)).headers.get("location") == "/sign-in"
        assert (await client.get("/api/me", headers=champion.headers)).status_code == 401
    assert (
        await WebSession.count().where(
            (WebSession.account == target["id"]) & WebSession.revoked_at.is_null()
        )
        == 0
    )
    assert (
        await ApiToken.count().where(
            (ApiToken.account == target["id"]) & ApiToken.revoked_at.is_null()
        )
        == 0
    )
    changes = [e["changes"] for e in await events("account") if e["record_id"] == target["id"]]
    assert {"active": [True, False]} in changes and {"active": [False, True]} in changes
    assert await AuditEvent.count().where(AuditEvent.record_type == "web_session") >= 2


async def test_accounts_are_filtered_and_downloaded(client):
    await signed_in(client)
    await f.user("coordinator", email="coord.one@example.org", name="Cora One")
    await f.user("champion", email="champ.one@example.org")
    page = Page((await client.get("/console/admin/users?role=coordinator", headers=HTML)).text)
    assert "coord.one@example.org" in page.text and "champ.one@example.org" not in page.text
    assert "/console/admin/users?role=coordinator&format=csv" in page.links
    csv = await client.get("/console/admin/users?role=coordinator&format=csv")
    text = csv.content.decode("utf-8-sig")
    assert "coord.one@example.org" in text and "champ.one@example.org" not in text
    xlsx = await client.get("/console/admin/users?q=one&format=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][0] == "Email" and {r[0] for r in rows[1:]} == {
        "coord.one@example.org",
        "champ.one@example.org",
    }


async def test_a_sign_in_link_can_be_sent_from_the_console(client):
    from tests.helpers.signin import smtp_server, smtp_set_up

    await signed_in(client)
    kim = await f.user("champion", email="kim@example.org")
    target = await account_of(kim.email)
    inbox, port = smtp_server()
    inbox.messages.clear()
    with smtp_set_up(port):
        answer = await post(client, f"/console/admin/users/{target['id']}/sign-in-link")
    assert answer.status_code == 303
    assert len(inbox.for_address("kim@example.org")) == 1


# Reference records --------------------------------------------------------------------


async def test_a_programme_target_set_here_shows_in_the_totals(client):
    me = await signed_in(client)
    answer = await post(
        client,
        "/console/admin/programmes",
        {
            "name": "Sight Champions",
            "kind": "champion",
            "target": "1,500",
            "target_date": "2027-03-31",
            "sort_order": "5",
            "description": "",
            "slug": "",
        },
    )
    assert answer.status_code == 303
    row = await Programme.select().where(Programme.slug == "sight-champions").first()
    totals = {p["slug"]: p for p in (await client.get("/api/totals")).json()["programmes"]}
    assert totals["sight-champions"]["target"] == 1500
    assert totals["sight-champions"]["target_date"] == "2027-03-31"
    edit = Page((await client.get(f"/console/admin/programmes/{row['id']}", headers=HTML)).text)
    assert edit.inputs["target"] == "1500"
    assert date_boxes(edit, "target_date") == ("31", "3", "2027")
    changed = await post(
        client,
        f"/console/admin/programmes/{row['id']}",
        {**edit.inputs, "kind": "champion", "description": "", "target": "2000"},
    )
    assert changed.status_code == 303
    totals = {p["slug"]: p for p in (await client.get("/api/totals")).json()["programmes"]}
    assert totals["sight-champions"]["target"] == 2000
    audit = [e for e in await events("programme") if e["record_id"] == row["id"]]
    assert [e["action"] for e in audit] == ["create", "update"]
    assert audit[1]["changes"] == {"target": [1500, 2000]}
    assert {e["account"] for e in audit} == {(await account_of(me.email))["id"]}


async def test_a_wrong_programme_form_is_shown_again_with_values_kept(client):
    await signed_in(client)
    answer = await post(
        client,
        "/console/admin/programmes",
        {
            "name": "Health Champions",
            "kind": "champion",
            "target": "lots",
            "target_date": "31/3/2027",
            "sort_order": "1",
            "description": "Kept text",
        },
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    assert "Enter the target as a whole number, like 12." in page.errors
    assert "Enter the target date as a real date, like 2025-03-31." in page.errors
    assert page.inputs["target"] == "lots" and page.inputs["name"] == "Health Champions"
    assert "Kept text" in page.text
    clash = await post(
        client,
        "/console/admin/programmes",
        {"name": "Health Champions", "kind": "champion", "sort_order": "1"},
    )
    assert clash.status_code == 400  # a name already used is said, not swallowed
    assert "Another programme" in Page(clash.text).text


async def test_an_area_in_use_cannot_be_deleted_and_says_why(client):
    await signed_in(client)
    wc = await f.footprint("WC", "Wigan Central")
    await f.person("Jo", footprint=wc)
    unconfirmed = await post(client, f"/console/admin/footprints/{wc}/delete")
    assert unconfirmed.status_code == 400
    answer = await post(client, f"/console/admin/footprints/{wc}/delete", {"confirm": "yes"})
    assert answer.status_code == 409
    assert "move them to another area first" in Page(answer.text).text
    assert await Footprint.count().where(Footprint.id == wc) == 1
    spare = await f.footprint("SP", "Spare")
    gone = await post(client, f"/console/admin/footprints/{spare}/delete", {"confirm": "yes"})
    assert gone.status_code == 303
    assert await Footprint.count().where(Footprint.id == spare) == 0
    assert [e["action"] for e in await events("footprint") if e["record_id"] == spare] == ["delete"]


async def test_courses_and_organisations_are_added_changed_and_listed(client):
    await signed_in(client)
    wc = await f.footprint("WC", "Wigan Central")
    answer = await post(
        client,
        "/console/admin/courses",
        {
            "name": "Sight Awareness",
            "provider": "RNIB",
            "guided_learning_hours": "3",
            "programme": "health-champions",
            "valid_for_months": "24",
            "slug": "",
        },
    )
    assert answer.status_code == 303
    listed = Page((await client.get("/console/admin/courses", headers=HTML)).text)
    assert "Sight Awareness" in listed.text and "RNIB" in listed.text
    bad = await post(client, "/console/admin/courses", {"name": "", "valid_for_months": "0"})
    assert bad.status_code == 400
    assert "Enter the course's name." in Page(bad.text).errors
    for name, kind in (("Hindley GP", "gp-practice"), ("Wigan College", "college")):
        made = await post(
            client,
            "/console/admin/organisations",
            {"name": name, "kind": kind, "sector": "public", "footprint": "WC"},
        )
        assert made.status_code == 303
    page = Page((await client.get("/console/admin/organisations?kind=college", headers=HTML)).text)
    assert "Wigan College" in page.text and "Hindley GP" not in page.text
    assert "Wigan Central" in page.text
    csv = (await client.get("/console/admin/organisations?q=gp&format=csv")).content.decode()
    assert "Hindley GP" in csv and "Wigan College" not in csv
    assert wc


async def test_an_edit_form_of_a_missing_record_is_404(client):
    await signed_in(client)
    for kind in ("footprints", "programmes", "courses", "organisations"):
        assert (await client.get(f"/console/admin/{kind}/999999", headers=HTML)).status_code == 404
        changed = await post(client, f"/console/admin/{kind}/999999", {"name": "X"})
        assert changed.status_code == 404


async def test_two_admins_demoting_each_other_at_once_leave_one_admin():
    """B's request passed the guard while B was still an admin; A's change landed first."""
    from server.accounts.services import NoLongerAdmin, change_role, set_active
    from server.lib.auth import Actor

    a, b = await f.user("admin"), await f.user("admin")
    a_row, b_row = await account_of(a.email), await account_of(b.email)
    as_a = Actor(account_id=a_row["id"], role="admin", person_id=a.person_id)
    as_b = Actor(account_id=b_row["id"], role="admin", person_id=b.person_id)
    await change_role(b_row["id"], "coordinator", as_a)
    with pytest.raises(NoLongerAdmin):
        await change_role(a_row["id"], "coordinator", as_b)
    with pytest.raises(NoLongerAdmin):
        await set_active(a_row["id"], False, as_b)
    assert (await account_of(a.email))["role"] == "admin"
    assert (await account_of(a.email))["active"] is True


async def test_admins_closing_each_others_accounts_at_once_wait_rather_than_fail():
    """Four admins each deactivating another at the same moment: on PostgreSQL the row
    locks are taken in one order, so no request ends in a deadlock (a server error), and
    an active admin is always left."""
    import asyncio

    from server.accounts.services import LastAdmin, NoLongerAdmin, set_active
    from server.lib.auth import Actor

    for _ in range(3):
        users = [await f.user("admin") for _ in range(4)]
        rows = [await account_of(u.email) for u in users]
        actors = [
            Actor(account_id=r["id"], role="admin", person_id=u.person_id)
            for u, r in zip(users, rows, strict=True)
        ]
        pairs = [(0, 2), (1, 3), (2, 0), (3, 1)]
        outcomes = await asyncio.gather(
            *(set_active(rows[target]["id"], False, actors[by]) for by, target in pairs),
            return_exceptions=True,
        )
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        assert all(isinstance(o, NoLongerAdmin | LastAdmin) for o in failures), failures
        assert any([(await account_of(u.email))["active"] for u in users])
