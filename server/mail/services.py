"""Sending email: through SMTP when SMTP_HOST is set, otherwise to the development outbox
(kept in the database and listed at /dev/outbox when DEBUG is on).

Without SMTP, an email that carries a secret (a sign-in link, a confirmation link: send it
with secret=True) is kept and printed only when DEBUG is on, for development. Otherwise it
is not kept anywhere: a warning says that email is not set up, without the secret or the
address. Other emails are kept in the outbox either way, and printed only with DEBUG."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from schema.tables import OutboxMessage
from server.settings import Settings, get_settings
from server.site.context import email_footer

log = logging.getLogger("movement")


def _send_smtp(settings: Settings, message: EmailMessage) -> None:
    """Blocking: run it in a thread."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_tls == "ssl":
        smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, context=context, timeout=30)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
    with smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


NOT_SET_UP = (
    "Email is not set up (SMTP_HOST is empty), so an email was not sent: %r. Set SMTP_HOST "
    "to send email, or DEBUG=true on a development machine to see it at /dev/outbox."
)


async def send_email(to: str, subject: str, body: str, secret: bool = False) -> None:
    """Send a plain-text email, or put it in the development outbox.

    secret=True for an email whose body lets its reader act as the addressee (a sign-in
    or confirmation link): without SMTP it is kept and printed only when DEBUG is on.
    Every email ends saying who runs the service and where to get help."""
    settings = get_settings()
    body = body + email_footer()
    if not settings.smtp_host:
        await _not_sent(settings, to, subject, body, secret)
        return
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    await asyncio.to_thread(_send_smtp, settings, message)


async def _not_sent(settings: Settings, to: str, subject: str, body: str, secret: bool) -> None:
    """No SMTP server: the development outbox, within the rule above."""
    if secret and not settings.debug:
        log.warning(NOT_SET_UP, subject)  # never the link, nor whom it was for
        return
    await OutboxMessage.insert(OutboxMessage(to=to, subject=subject, body=body))
    if settings.debug:
        print(f"\n--- email to {to}: {subject}\n{body}\n---", flush=True)
    else:
        log.warning(NOT_SET_UP + " It is in the development outbox.", subject)


async def outbox(limit: int = 50) -> list[dict[str, Any]]:
    """The newest emails in the development outbox."""
    rows = await OutboxMessage.select().order_by(OutboxMessage.id, ascending=False).limit(limit)
    return list(rows)
