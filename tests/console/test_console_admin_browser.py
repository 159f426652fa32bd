"""The settings pages and the audit log in real headless Chromium, checked with axe-core."""

from __future__ import annotations

from tests.helpers.browser import axe_violations, screenshot


async def test_an_admin_adds_an_account_and_sees_it_listed_and_in_the_log(desk, live_server):
    page = await desk("admin")
    await page.goto(f"{live_server}/console/admin")
    await screenshot(page, "console-admin-settings")
    assert await axe_violations(page) == []

    await page.get_by_role("link", name="Accounts and roles").click()
    await page.get_by_role("link", name="Add an account").click()
    await page.get_by_label("Email address").fill("new.coordinator@example.org")
    await page.get_by_label("Role").select_option("coordinator")
    # Forgot the name: the form comes back with the error beside the field, typed values kept.
    await page.get_by_role("button", name="Add the account").click()
    await page.get_by_role("heading", name="There is a problem").wait_for()
    assert await page.get_by_label("Email address").input_value() == "new.coordinator@example.org"
    await screenshot(page, "console-admin-new-account-error")
    assert await axe_violations(page) == []

    await page.get_by_label("Their name (for a new person)").fill("Nia Coordinator")
    await page.get_by_role("button", name="Add the account").click()
    await page.get_by_text("The account was added.").wait_for()
    assert await axe_violations(page) == []  # the account's own page, with its forms
    await page.get_by_role("link", name="Back to accounts").click()
    table = page.get_by_role("table")
    await table.get_by_role("link", name="new.coordinator@example.org").wait_for()
    assert await table.get_by_text("Nia Coordinator").count() == 1
    await screenshot(page, "console-admin-accounts")
    assert await axe_violations(page) == []

    await (
        page.get_by_role("navigation", name="Console").get_by_role("link", name="Audit log").click()
    )
    await page.get_by_label("Record type").select_option("account")
    await page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row").filter(has_text="role: coordinator")
    await row.wait_for()
    assert page.user.email in await row.inner_text()
    # The log keeps no personal value; the page names the account's person as they are now
    # (admins may see them), looked up, not stored.
    assert "person: Nia Coordinator" in await row.inner_text()
    from schema.tables import AuditEvent

    kept = str([e["changes"] for e in await AuditEvent.select(AuditEvent.changes)])
    assert "Nia" not in kept
    await screenshot(page, "console-audit-log")
    assert await axe_violations(page) == []


async def test_every_settings_list_passes_axe(desk, live_server):
    from schema.tables import Organisation
    from tests.helpers import factories

    wc = await factories.footprint("WC", "Wigan Central")
    await Organisation.insert(
        Organisation(name="Hindley GP", kind="gp-practice", sector="public", footprint=wc)
    )
    page = await desk("admin")
    for kind in ("footprints", "programmes", "courses", "organisations"):
        await page.goto(f"{live_server}/console/admin/{kind}")
        await page.get_by_role("heading", level=1).wait_for()
        assert await page.get_by_role("table").count() == 1, kind
        assert await axe_violations(page) == [], kind
