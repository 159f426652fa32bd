"""Sending email: through SMTP when SMTP_HOST is set, otherwise to the development outbox
(printed to the console, kept in the database, and listed at /dev/outbox when DEBUG is on)."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from schema.tables import OutboxMessage
from server.settings import Settings, get_settings

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


async def send_email(to: str, subject: str, body: str) -> None:
    """Send a plain-text email, or put it in the development outbox."""
    settings = get_settings()
    if not settings.smtp_host:
        await OutboxMessage.insert(OutboxMessage(to=to, subject=subject, body=body))
        print(f"\n--- email to {to}: {subject}\n{body}\n---", flush=True)
        return
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    await asyncio.to_thread(_send_smtp, settings, message)


async def outbox(limit: int = 50) -> list[dict[str, Any]]:
    """The newest emails in the development outbox."""
    rows = await OutboxMessage.select().order_by(OutboxMessage.id, ascending=False).limit(limit)
    return list(rows)
