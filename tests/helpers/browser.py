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

ROOT = Path(__file__).resolve().parents[2]
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
    return _start(smtp_port, log_name, overrides, measured=True)


def start_unmeasured_server(
    smtp_port: int, log_name: str = "server.log", **overrides: str
) -> tuple[subprocess.Popen[bytes], str]:
    """start_server, with coverage not following it: for a server that only answers a
    test tool's thousands of requests, which coverage would slow several times over."""
    return _start(smtp_port, log_name, overrides, measured=False)


def _start(
    smtp_port: int, log_name: str, overrides: dict[str, str], measured: bool
) -> tuple[subprocess.Popen[bytes], str]:
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
    if not measured:
        env.pop("COVERAGE_PROCESS_CONFIG", None)
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
    """Run axe-core on the page; the violations of WCAG 2.x A and AA rules.

    axe is evaluated by the browser's own tools, which the page's Content-Security-Policy
    does not govern: an injected <script> would be refused (and logged as an error)."""
    await page.evaluate(AXE.read_text())
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


async def add_session(context: Any, base: str, email: str) -> None:
    """Signs a browser context in as this account, with a session made directly."""
    token = await session_cookie_for(email)
    await context.add_cookies([{"name": "movement_session", "value": token, "url": base}])


async def signed_in_context(chromium: Any, base: str, email: str, **options: Any) -> Any:
    """A new browser context (British English, 10-second waits), signed in as this account;
    options as Playwright's new_context takes them (viewport, bypass_csp ...)."""
    context = await chromium.new_context(locale="en-GB", **options)
    context.set_default_timeout(10_000)
    await add_session(context, base, email)
    return context


# Console errors ----------------------------------------------------------------------
# Every page a browser test opens is watched: an error in its console (a script's error, a
# refused style or script, a failed load), an uncaught exception, or a Content-Security-
# Policy violation fails the test when it ends (the `console_errors` fixture in conftest).

# Seen in the page before any of its own scripts run: a CSP violation, even one the
# browser does not log (a report-only policy, a refused frame).
REPORT_CSP = """document.addEventListener('securitypolicyviolation', (e) => {
  const where = e.target && e.target.outerHTML ? ' in ' + e.target.outerHTML.slice(0, 160) : '';
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
    + ' at ' + e.documentURI + where);
}, true);"""
# What a test that goes offline on purpose expects to see, and only that.
OFFLINE_ERRORS = (
    "Failed to load resource: net::ERR_INTERNET_DISCONNECTED",
    # a load the service worker passed on to the network, which failed without signal
    "Failed to load resource: net::ERR_FAILED",
)


class ConsoleErrors:
    """The console errors and page errors of the running test's browser tabs."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: tuple[str, ...] = ()
        # Pages opened whose status was 4xx on purpose (a form shown again with its errors
        # is a 400, an unknown address a 404), and htmx's 400 answers with a form's
        # messages: the browser logs their status as an error; the test checks it itself.
        # A 4xx of anything else (an image, a script, a fetch) still fails.
        self.error_pages: set[str] = set()
        self.failed_loads: list[tuple[str, str]] = []

    def allow_offline(self) -> None:
        """For a test that takes the browser offline on purpose: its failed loads are
        expected (and nothing else is)."""
        self.allowed = OFFLINE_ERRORS

    def allow(self, *messages: str) -> None:
        """For a test whose server refuses a request on purpose: exactly these messages."""
        self.allowed = (*self.allowed, *messages)

    def reset(self) -> None:
        self.seen, self.allowed, self.error_pages, self.failed_loads = [], (), set(), []

    def unexpected(self) -> list[str]:
        pages = [
            f"{where}: {text}" for where, text in self.failed_loads if where not in self.error_pages
        ]
        found = [*pages, *self.seen]
        return [text for text in found if text.partition(": ")[2].strip() not in self.allowed]

    def _console(self, page: Any, message: Any) -> None:
        if message.type != "error":
            return
        loaded = message.location.get("url", "")
        if message.text.startswith(
            "Failed to load resource: the server responded with a status of 4"
        ):
            self.failed_loads.append((loaded, message.text))
        else:
            self.seen.append(f"{page.url}: {message.text}")

    def _response(self, page: Any, response: Any) -> None:
        request = response.request
        opened = response.frame == page.main_frame and request.is_navigation_request()
        # htmx's request for a form's answer: a 400 carries the messages, which it shows.
        answered = response.status == 400 and request.headers.get("hx-request") == "true"
        if (400 <= response.status < 500 and opened) or answered:
            self.error_pages.add(response.url)

    def watch_page(self, page: Any) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("response", lambda response: self._response(page, response))
        page.on("pageerror", lambda error: self.seen.append(f"{page.url}: uncaught {error}"))

    async def watch(self, context: Any) -> Any:
        await context.add_init_script(REPORT_CSP)
        context.on("page", self.watch_page)
        for page in context.pages:
            self.watch_page(page)
        return context


CONSOLE = ConsoleErrors()


class WatchedBrowser:
    """The browser, whose every new context (and so every page) is watched."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    async def new_context(self, **options: Any) -> Any:
        return await CONSOLE.watch(await self._browser.new_context(**options))
