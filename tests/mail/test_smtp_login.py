"""Email through an SMTP server that asks for a user name and password (SMTP_USER,
SMTP_PASSWORD): the app signs in before sending, with the password it was given."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from server.mail.services import send_email
from tests.helpers.browser import Inbox, free_port


class Accounts:
    """The server's one account, and who has signed in."""

    def __init__(self) -> None:
        self.signed_in: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        good = isinstance(auth_data, LoginPassword) and auth_data.password == b"right horse"
        if good:
            self.signed_in.append(auth_data.login.decode())
        return AuthResult(success=good)


# Signing in without TLS is what a test server on this machine may do, and aiosmtpd says so.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def mail_server(settings):
    """An SMTP server that accepts mail only after signing in (over plain SMTP: a test)."""
    inbox, accounts = Inbox(), Accounts()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=accounts,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    settings(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(controller.port),
        SMTP_TLS="none",
        SMTP_USER="movement",
        SMTP_PASSWORD="right horse",
    )
    yield inbox, accounts
    controller.stop()


async def test_the_app_signs_in_to_the_smtp_server_before_sending(mail_server):
    inbox, accounts = mail_server
    await send_email("someone@example.org", "Your session on Monday", "See you there.")
    assert accounts.signed_in == ["movement"]  # with the right password, or no sign-in
    assert len(inbox.for_address("someone@example.org")) == 1
