"""About the service: who runs it (every page's footer, the sign-in page, emails), its
accessibility statement, page descriptions, robots.txt, and emails that greet by name."""

from __future__ import annotations

import re
from urllib.robotparser import RobotFileParser

import pytest

from server.settings import SettingsError, get_settings
from tests.helpers import factories as f
from tests.helpers.browser import Inbox
from tests.helpers.html import Page
from tests.helpers.mail import confirm, link_in, read
from tests.helpers.signin import post_sign_in

HTML = {"accept": "text/html"}
OWNER = "Wigan Council"
HELP = "movement-help@wigan.example"


@pytest.fixture
def about(smtp, settings):
    """The service run by Wigan Council, with a help address, and email through a real
    SMTP server (aiosmtpd) that the tests read like an inbox."""
    settings(SERVICE_OWNER=OWNER, HELP_CONTACT=HELP)
    return smtp


PUBLIC_PAGES = ["/sign-in", "/how-we-count", "/open-data", "/privacy", "/accessibility"]


async def test_every_page_has_a_footer_that_says_who_runs_it_and_where_to_get_help(client, about):
    champion = await f.user("champion", name="Asha Patel")
    coordinator = await f.user("coordinator")
    pages = [(path, {}) for path in [*PUBLIC_PAGES, "/no-such-page"]]  # type: ignore[var-annotated]
    pages += [("/", champion.headers), ("/log", champion.headers)]
    pages += [("/console/", coordinator.headers)]
    for path, headers in pages:
        answer = await client.get(path, headers={**HTML, **headers})
        parts = Page(answer.text)
        assert f"Run by {OWNER}." in parts.footer, path
        assert f"For help, email {HELP}." in parts.footer, path
        assert parts.footer_named["Privacy notice"] == "/privacy", path
        assert parts.footer_named["Accessibility statement"] == "/accessibility", path
        assert parts.footer_named[HELP] == f"mailto:{HELP}", path


async def test_without_a_help_address_the_footer_says_ask_your_coordinator(client, settings):
    settings(HELP_CONTACT="01942 404040")
    phone = Page((await client.get("/privacy", headers=HTML)).text).footer
    settings(HELP_CONTACT=None, SERVICE_OWNER=None)
    plain = Page((await client.get("/privacy", headers=HTML)).text).footer
    assert "For help, contact 01942 404040." in phone
    assert "For help, ask your coordinator." in plain
    assert "Run by your local council." in plain


def test_a_service_owner_too_long_to_show_is_refused(settings):
    settings(SERVICE_OWNER="W" * 201)
    with pytest.raises(SettingsError, match="SERVICE_OWNER must be at most 200 characters"):
        get_settings()


async def test_the_accessibility_statement_follows_the_model_statement(client, about):
    answer = await client.get("/accessibility", headers=HTML)
    assert answer.status_code == 200
    page = Page(answer.text)
    assert page.h1 == "Accessibility statement for the Health Movement app"
    headings = re.findall(r"<h[2-4][^>]*>([^<]+)</h[2-4]>", answer.text)
    for heading in (
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "What we are doing to improve accessibility",
        "Preparation of this accessibility statement",
    ):
        assert heading in headings
    text = " ".join(page.text.split())
    assert f"This website is run by {OWNER}." in text
    assert "Equality and Human Rights Commission (EHRC)" in text
    assert "Equality Commission for Northern Ireland" in text
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in text
    assert "This statement was prepared on 30 November 2026." in text
    assert f"mailto:{HELP}" in page.links


async def test_pages_describe_themselves(client):
    seen = {}
    for path in PUBLIC_PAGES:
        description = Page((await client.get(path, headers=HTML)).text).description
        assert description and len(description) >= 40, path
        seen[path] = description
    assert len(set(seen.values())) == len(PUBLIC_PAGES)  # each its own
    coordinator = await f.user("coordinator")
    console = await client.get("/console/", headers={**HTML, **coordinator.headers})
    assert "console" in (Page(console.text).description or "")
    embed = Page((await client.get("/embed")).text)
    assert embed.description and "citizens" in embed.description


async def test_robots_txt_lets_search_engines_index_public_pages_only(client):
    answer = await client.get("/robots.txt")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    robots = RobotFileParser()
    robots.parse(answer.text.splitlines())
    for path in ["/", *PUBLIC_PAGES, "/embed", "/totals.svg", "/open-data/monthly.csv"]:
        assert robots.can_fetch("*", f"http://test{path}"), path
    for path in (
        "/console/",
        "/console/people",
        "/log",
        "/activities",
        "/my-data",
        "/api/totals",
        "/sign-in/a-link-token",
        "/email/confirm/a-link-token",
        "/stories",
        "/dev/outbox",
        "/more",
    ):
        assert not robots.can_fetch("*", f"http://test{path}"), path


async def test_robots_txt_keeps_out_every_page_that_needs_signing_in(app, client):
    """Each page of the app that sends someone signed out to sign in (or refuses them) is
    kept from search engines; only home ("/"), which is also the way in, is not."""
    robots = RobotFileParser()
    robots.parse((await client.get("/robots.txt")).text.splitlines())
    signed_in_pages = []
    for route in app.routes:
        if "GET" not in getattr(route, "methods", ()) or route.path == "/":
            continue
        path = re.sub(r"\{[^}]*\}", "1", route.path)
        answer = await client.get(path, headers=HTML)
        if answer.status_code in (401, 403) or (
            answer.status_code in (302, 303) and answer.headers["location"] == "/sign-in"
        ):
            signed_in_pages.append(path)
    assert {"/more", "/log", "/my-data"} <= set(signed_in_pages)
    assert [p for p in signed_in_pages if robots.can_fetch("*", f"http://test{p}")] == []


async def test_favicon_is_not_a_404(client):
    answer = await client.get("/favicon.ico", follow_redirects=True)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"


# The sign-in page and emails ----------------------------------------------------------


def one_email(inbox: Inbox, address: str) -> tuple[str, str]:
    (content,) = inbox.for_address(address)
    return read(content)


async def test_the_sign_in_email_greets_by_name_and_says_who_runs_the_service(client, about):
    await f.user("champion", email="asha@example.org", name="Asha Patel")
    page = await client.get("/sign-in", headers=HTML)
    assert f"The Health Movement app is run by {OWNER}." in Page(page.text).text
    answer = await post_sign_in(client, "asha@example.org")
    assert answer.status_code == 200
    # The page that asked never shows whose address it is.
    assert "Asha" not in answer.text
    subject, text = one_email(about, "asha@example.org")
    assert text.splitlines()[0] == "Hello Asha,"
    assert f"The Health Movement app is run by {OWNER}. For help, contact {HELP}." in text


async def test_an_account_without_a_name_gets_a_plain_greeting(client, about):
    from schema.tables import Account

    await Account.insert(Account(email="nobody@example.org", role="admin", person=None))
    await post_sign_in(client, "nobody@example.org")
    _, text = one_email(about, "nobody@example.org")
    assert text.splitlines()[0] == "Hello,"
    assert re.search(r"Hello \w", text) is None


async def test_the_old_address_is_told_of_a_change_by_name(client, about):
    champion = await f.user("champion", email="chris@example.org", name="Chris Champion")
    answer = await client.patch(
        f"/api/people/{champion.person_id}",
        json={"email": "chris.new@example.org"},
        headers=champion.headers,
    )
    assert answer.status_code == 200
    _, to_new = one_email(about, "chris.new@example.org")
    # The new address may be a stranger's (a mistyped address): no name there.
    assert to_new.splitlines()[0] == "Hello,"
    assert (await confirm(client, link_in(about, "chris.new@example.org"))).status_code == 200
    subject, to_old = one_email(about, "chris@example.org")
    assert subject == "Your email address was changed"
    assert to_old.splitlines()[0] == "Hello Chris,"
    assert f"run by {OWNER}" in to_old
