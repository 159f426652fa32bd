"""Signing in with an emailed link: through a real SMTP server, and the development outbox.

A sign-in link is a secret: without DEBUG it is never kept in the outbox nor printed, so the
tests read their links from a real SMTP server (aiosmtpd) like a person's inbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schema.tables import OutboxMessage, SignInLink, WebSession
from tests.helpers import factories as f
from tests.helpers.html import Page
from tests.helpers.signin import (
    LINK,
    ask_for_link,
    newest_link_token,
    post_sign_in,
    sign_in,
    smtp_server,
    use_link,
)


def emails_sent() -> int:
    return len(smtp_server()[0].messages)


async def test_a_champion_signs_in_with_a_link_and_stays_signed_in(client):
    champion = await f.user("champion", name="Asha Patel")
    answer = await ask_for_link(client, champion.email.upper())
    assert answer.status_code == 200
    assert Page(answer.text).h1 == "Check your email"
    signed = await use_link(client, await newest_link_token())
    assert signed.status_code in (302, 303)
    cookie = signed.headers["set-cookie"]
    assert "movement_session=" in cookie and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Max-Age=2592000" in cookie  # 30 days
    home = await client.get("/", headers={"accept": "text/html"})
    assert home.status_code == 200
    assert Page(home.text).h1 == "Hello, Asha"


async def test_a_link_works_once(client):
    champion = await f.user("champion")
    await ask_for_link(client, champion.email)
    token = await newest_link_token()
    assert (await use_link(client, token)).status_code in (302, 303)
    client.cookies.clear()
    again = await use_link(client, token)
    assert again.status_code == 400
    assert Page(again.text).h1 == "This link does not work any more"


async def test_a_link_runs_out_after_15_minutes(client):
    champion = await f.user("champion")
    await ask_for_link(client, champion.email)
    token = await newest_link_token()
    await SignInLink.update(
        {SignInLink.expires_at: datetime.now(UTC) - timedelta(seconds=1)}, force=True
    )
    assert (await use_link(client, token)).status_code == 400
    assert await WebSession.count() == 0


async def test_the_same_answer_whether_the_email_is_known_or_not(client):
    await f.user("champion", email="known@example.org")
    known = await ask_for_link(client, "known@example.org")
    unknown = await ask_for_link(client, "stranger@example.org")
    assert known.status_code == unknown.status_code == 200
    assert Page(known.text).h1 == Page(unknown.text).h1
    inbox, _ = smtp_server()
    assert inbox.for_address("stranger@example.org") == []  # only the known address got an email


async def test_links_are_limited_per_email(client):
    await f.user("champion", email="busy@example.org")
    statuses, sent = [], 0
    for _ in range(4):
        statuses.append((await ask_for_link(client, "busy@example.org")).status_code)
        sent += emails_sent()
    assert statuses == [200, 200, 200, 429]
    assert sent == 3


async def test_links_are_limited_per_address(client):
    statuses = [
        (await ask_for_link(client, f"person{n}@example.org")).status_code for n in range(21)
    ]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


async def test_a_bad_email_is_shown_again_with_the_error(client):
    answer = await ask_for_link(client, "not an email")
    assert answer.status_code == 400
    page = Page(answer.text)
    assert page.inputs["email"] == "not an email"
    assert page.errors == ["Enter an email address like name@example.com."]
    assert "There is a problem" in page.text


async def test_forms_need_their_csrf_token(client):
    await client.get("/sign-in")
    answer = await client.post("/sign-in", data={"email": "a@example.org"})
    assert answer.status_code == 403
    assert await SignInLink.count() == 0


async def test_signing_out_and_signing_out_everywhere(client, app):
    import httpx

    champion = await f.user("champion")
    await sign_in(client, champion.email)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as phone:
        await sign_in(phone, champion.email)
        assert (await phone.get("/")).status_code == 200
        form = Page((await client.get("/my-data", headers={"accept": "text/html"})).text)
        assert form.inputs["everywhere"] == "yes"
        out = await client.post(
            "/sign-out", data={"_csrf_token": form.inputs["_csrf_token"], "everywhere": "yes"}
        )
        assert out.status_code in (302, 303)
        assert (await client.get("/")).headers["location"] == "/sign-in"
        assert (await phone.get("/")).headers["location"] == "/sign-in"


async def test_api_writes_with_the_session_cookie_need_the_csrf_header(client):
    await f.footprint("WC")
    champion = await f.user("champion")
    await f.join(champion.person_id, "health-champions")
    await sign_in(client, champion.email)
    body = {"programme": "health-champions", "kind": "conversation", "people_reached": 2}
    refused = await client.post("/api/activities", json=body)
    assert refused.status_code == 403
    token = client.cookies.get("movement_csrf")
    accepted = await client.post("/api/activities", json=body, headers={"x-movement-csrf": token})
    assert accepted.status_code == 201, accepted.text
    mine = await client.get("/api/activities")
    assert mine.json()["total"] == 1


async def test_the_outbox_page_is_only_there_in_debug(client, debug, settings):
    await f.user("champion", email="outbox@example.org")
    await post_sign_in(client, "outbox@example.org")
    page = Page((await client.get("/dev/outbox")).text)
    assert "Your sign-in link" in page.text and "outbox@example.org" in page.text
    settings(DEBUG="false")
    assert (await client.get("/dev/outbox")).status_code == 404


async def test_without_email_set_up_a_sign_in_link_is_neither_kept_nor_printed(
    client, capsys, caplog
):
    """No SMTP_HOST and no DEBUG (a live server set up wrongly): the link is a secret, so
    it goes nowhere; the log says that email is not set up, without the link or address."""
    await f.user("champion", email="quiet@example.org")
    with caplog.at_level("WARNING", logger="movement"):
        answer = await post_sign_in(client, "quiet@example.org")
    assert Page(answer.text).h1 == "Check your email"  # the same answer as ever
    assert await SignInLink.count() == 1
    assert await OutboxMessage.count() == 0
    printed = capsys.readouterr()
    logged = caplog.text
    assert "/sign-in/" not in printed.out + printed.err + logged
    assert "quiet@example.org" not in printed.out + printed.err + logged
    assert "Email is not set up (SMTP_HOST is empty)" in logged


async def test_in_debug_without_email_the_link_is_printed_and_kept_for_development(
    client, debug, capsys
):
    champion = await f.user("champion", name="Dev Eloper", email="dev@example.org")
    await post_sign_in(client, champion.email)
    printed = capsys.readouterr().out
    kept = await OutboxMessage.select().first()
    assert kept["to"] == "dev@example.org" and kept["subject"] == "Your sign-in link"
    token = LINK.search(kept["body"]).group(1)
    assert f"/sign-in/{token}" in printed
    assert (await use_link(client, token)).status_code in (302, 303)
    assert Page((await client.get("/", headers={"accept": "text/html"})).text).h1 == "Hello, Dev"


async def test_an_email_with_no_secret_is_still_kept_without_debug(capsys):
    from server.mail.services import send_email

    await send_email("someone@example.org", "Your session on Monday", "See you there.")
    kept = await OutboxMessage.select(OutboxMessage.to, OutboxMessage.body).first()
    assert kept["to"] == "someone@example.org"
    # Every email ends saying who runs the service and where to get help.
    assert kept["body"].startswith("See you there.\n--\nThe Health Movement app is run by ")
    assert "See you there" not in capsys.readouterr().out


async def test_the_link_goes_through_a_realsmtp_server(client, smtp):
    champion = await f.user("champion", name="Sam Okafor")
    await post_sign_in(client, champion.email)
    assert len(smtp.messages) == 1
    recipients, content = smtp.messages[0]
    assert recipients == [champion.email]
    assert "Subject: Your sign-in link" in content
    assert "From: Health Movement <movement@example.org>" in content
    assert await OutboxMessage.count() == 0
    token = LINK.search(content).group(1)
    assert (await use_link(client, token)).status_code in (302, 303)
    assert Page((await client.get("/", headers={"accept": "text/html"})).text).h1 == "Hello, Sam"
