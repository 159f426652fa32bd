"""A live server and real headless Chromium for the browser tests (fixtures in conftest.py).

The server is `movement serve` in its own process, on the test database, sending email to a
real local SMTP server (aiosmtpd) that the tests read.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# Without these Chromium tries the network at every start; this machine has none.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 780}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 OK"

    def for_address(self, address: str) -> list[str]:
        return [content for to, content in self.messages if address in to]


def start_server(
    smtp_port: int, log_name: str = "server.log", **overrides: str
) -> tuple[subprocess.Popen[bytes], str]:
    """`movement serve` on a free port, with the test process's database; overrides are
    settings (SMTP_HOST="" for a server without email)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "BASE_URL": base,
        "WORKERS": "1",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_TLS": "none",
        "TOTALS_CACHE_SECONDS": "0",
        **overrides,
    }
    log = open(ARTIFACTS / log_name, "wb")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "movement"), "serve"], env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"The server did not start: see {ARTIFACTS / log_name}")


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page; the violations of WCAG 2.x A and AA rules."""
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


async def screenshot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


DESK = {"width": 1280, "height": 900}


async def session_cookie_for(email: str) -> str:
    """A signed-in session for this account, made directly (the sign-in itself is tested
    through real email in test_browser.py)."""
    import secrets
    from datetime import UTC, datetime, timedelta

    from schema.tables import Account, WebSession
    from server.accounts.services import hash_token

    account = await Account.select(Account.id).where(Account.email == email).first()
    assert account is not None, email
    token = secrets.token_urlsafe(32)
    await WebSession.insert(
        WebSession(
            account=account["id"],
            token_hash=hash_token(token),
            expires_at=datetime.now(UTC) + timedelta(hours=2),
        )
    )
    return token
