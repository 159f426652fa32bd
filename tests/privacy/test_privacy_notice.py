"""The privacy notice: public at /privacy, linked from every page's footer (not the widget),
written by the council in the console (admins only; escaped; audited), with a default that
names what is held and people's rights."""

from __future__ import annotations

from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import sign_in

HTML = {"accept": "text/html"}


async def test_the_default_notice_says_what_is_held_and_peoples_rights(client):
    page = await client.get("/privacy", headers=HTML)
    assert page.status_code == 200
    text = Page(page.text).text
    assert Page(page.text).h1 == "How we use your information"
    for words in ("What we hold about you", "internet address (IP address)", "Your rights",
                  "See it", "Delete it", "Correct it", "Information Commissioner's Office",
                  "[the council's name]", "[how to contact the council's data protection officer]",
                  "30 days", "7 days"):  # fmt: skip
        assert words in text, words
    assert "/my-data" in Page(page.text).links
    assert "https://ico.org.uk/make-a-complaint/" in Page(page.text).links


async def test_every_page_links_to_it_but_the_widget_does_not(client):
    for path in ("/sign-in", "/how-we-count", "/open-data", "/privacy"):
        page = await client.get(path, headers=HTML)
        assert Page(page.text).footer_hrefs[0] == "/privacy", path
    coordinator = await f.user("coordinator")
    await sign_in(client, coordinator.email)
    for path in ("/", "/console/", "/my-data"):
        page = await client.get(path, headers=HTML)
        assert Page(page.text).footer_hrefs[0] == "/privacy", path
    assert "/privacy" not in Page((await client.get("/embed")).text).links


async def test_an_admin_writes_the_notice_and_nothing_typed_can_run(client):
    admin = await f.user("admin")
    await sign_in(client, admin.email)
    form = Page((await client.get("/console/admin/privacy", headers=HTML)).text)
    assert "/console/admin/privacy" in form.forms
    notice = (
        "## Who we are\n{council} looks after your information.\n\n"
        "<script>alert('x')</script> **Bold words**\n\n"
        "- [Bad link](javascript:alert(1))\n- [The ICO](https://ico.org.uk)\n"
        "- [Elsewhere](//evil.example)\n- [Sneaky](/\\evil.example)\n\n"
        "## Contact\n{contact}"
    )
    saved = await client.post("/console/admin/privacy", data={
        "_csrf_token": form.inputs["_csrf_token"], "council_name": "Wigan Council",
        "contact": "dpo@wigan.gov.uk\nTown Hall, Wigan WN1 1YN", "notice": notice})  # fmt: skip
    assert saved.status_code == 303
    page = await client.get("/privacy", headers=HTML)
    parsed, text = Page(page.text), Page(page.text).text
    assert "Wigan Council looks after your information." in text
    assert "<script>alert('x')</script>" in text  # shown as text, never run
    assert parsed.inline_scripts == 0 and "<strong>Bold words</strong>" in page.text
    assert "https://ico.org.uk" in parsed.links
    assert not any(h.startswith(("javascript", "//", "/\\")) for h in parsed.links)
    assert "Town Hall, Wigan WN1 1YN" in text and "[the council" not in text
    events = (await client.get("/api/audit?record_type=privacy_notice",
                               headers=admin.headers)).json()["items"]  # fmt: skip
    assert events[0]["changes"] == {"council_name": ["", "Wigan Council"], "contact": "changed",
                                    "notice": "changed"}  # fmt: skip

    # Left empty, the notice goes back to the default text.
    form = Page((await client.get("/console/admin/privacy", headers=HTML)).text)
    await client.post("/console/admin/privacy", data={
        "_csrf_token": form.inputs["_csrf_token"], "council_name": "Wigan Council",
        "contact": "dpo@wigan.gov.uk", "notice": ""})  # fmt: skip
    text = Page((await client.get("/privacy", headers=HTML)).text).text
    assert "Your rights" in text and "Wigan Council runs this app" in text


async def test_a_mistake_is_shown_beside_its_field_with_everything_typed_kept(client):
    admin = await f.user("admin")
    await sign_in(client, admin.email)
    form = Page((await client.get("/console/admin/privacy", headers=HTML)).text)
    answer = await client.post("/console/admin/privacy", data={
        "_csrf_token": form.inputs["_csrf_token"], "council_name": "W" * 201,
        "contact": "dpo@example.org", "notice": "## Kept\nMy words"})  # fmt: skip
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.errors == ["The council's name must be 200 characters or fewer."]
    assert "My words" in answer.text and "dpo@example.org" in answer.text


async def test_only_admins_change_it(client):
    for role in ("coordinator", "champion"):
        user = await f.user(role)
        await sign_in(client, user.email)
        assert (await client.get("/console/admin/privacy", headers=HTML)).status_code == 403
        form = Page((await client.get("/my-data", headers=HTML)).text)
        sent = await client.post("/console/admin/privacy", data={
            "_csrf_token": form.inputs["_csrf_token"], "council_name": "Hacked"})  # fmt: skip
        assert sent.status_code == 403
        await client.post("/sign-out", data={"_csrf_token": form.inputs["_csrf_token"]})
    assert "Hacked" not in (await client.get("/privacy", headers=HTML)).text
