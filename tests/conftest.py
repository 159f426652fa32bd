"""Test set-up. The environment is set before anything from the app is imported.

MOVEMENT_TEST_DB=sqlite (the default) runs the suite on a fresh SQLite file;
MOVEMENT_TEST_DB=postgres on a fresh database on the PostgreSQL server at
MOVEMENT_TEST_PG (default postgresql://postgres@127.0.0.1:5432), dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid

ENGINE = os.environ.get("MOVEMENT_TEST_DB", "sqlite")
PG_SERVER = os.environ.get("MOVEMENT_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
PG_NAME = f"movement_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
_tmp = tempfile.mkdtemp(prefix="movement-test-")
os.environ["DATA_DIR"] = _tmp
os.environ.pop("SECRET_KEY", None)
os.environ["DEBUG"] = "false"
if ENGINE == "postgres":
    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
elif ENGINE == "sqlite":
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/test.sqlite"
else:
    raise SystemExit(f"MOVEMENT_TEST_DB must be sqlite or postgres, not {ENGINE!r}")

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import pytest  # noqa: E402
import pytest_asyncio  # noqa: E402


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def pytest_report_header() -> str:
    return f"movement: database engine {ENGINE} ({os.environ['DATABASE_URL']})"


@pytest_asyncio.fixture(scope="session", loop_scope="session", autouse=True)
async def database():
    """A fresh, migrated database for the whole run."""
    if ENGINE == "postgres":
        await _pg_admin(f'CREATE DATABASE "{PG_NAME}"')
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from server import db

    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    assert result.success, result.message
    await db.start()
    yield
    await db.stop()
    if ENGINE == "postgres":
        await asyncio.sleep(0)
        await _pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def seeded_ids(database):
    from schema.tables import Course, Programme

    return {
        "programme": max(r["id"] for r in await Programme.select(Programme.id)),
        "course": max(r["id"] for r in await Course.select(Course.id)),
    }


@pytest_asyncio.fixture(autouse=True)
async def clean_tables(seeded_ids):
    """Every test starts with only the seeded programmes and courses."""
    yield
    from schema import tables as t
    from server.totals.services import invalidate
    from tests.factories import empty_tables

    await empty_tables()
    await t.Course.delete().where(t.Course.id > seeded_ids["course"])
    await t.Programme.delete().where(t.Programme.id > seeded_ids["programme"])
    await t.Programme.update({t.Programme.target: None, t.Programme.target_date: None}, force=True)
    invalidate()


@pytest.fixture(scope="session")
def app(database):
    from server.app import create_app

    return create_app()


@pytest_asyncio.fixture
async def client(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


# Browser tests: a live server, a real SMTP server and headless Chromium --------------


@pytest.fixture(scope="session")
def smtp_inbox():
    from aiosmtpd.controller import Controller

    from tests.browser import Inbox, free_port

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="session")
def live_server(database, smtp_inbox):
    from tests.browser import ARTIFACTS, start_server

    ARTIFACTS.mkdir(exist_ok=True)
    server, base = start_server(smtp_inbox[1])
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium():
    from playwright.async_api import async_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, WatchedBrowser

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield WatchedBrowser(browser)
        await browser.close()


@pytest.fixture(autouse=True)
def console_errors():
    """Fails a browser test that saw a console error, a page error or a CSP violation in
    any of its tabs. A test that goes offline on purpose calls
    `console_errors.allow_offline()` (its failed loads are expected, nothing else)."""
    from tests.browser import CONSOLE

    CONSOLE.reset()
    yield CONSOLE
    found = CONSOLE.unexpected()
    CONSOLE.reset()
    if found:
        pytest.fail("Errors in the browser's console:\n" + "\n".join(found))


@pytest_asyncio.fixture
async def phone(chromium):
    """A new phone-sized browser tab with nothing remembered."""
    from tests.browser import PHONE

    context = await chromium.new_context(viewport=PHONE, device_scale_factor=2, locale="en-GB")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    yield page
    await context.close()


@pytest_asyncio.fixture
async def desk(chromium, live_server):
    """A desktop-sized browser tab, and a way to sign it in: `page = await desk("admin")`
    makes an account with that role (coordinator by default) and signs the tab in."""
    from tests import factories
    from tests.browser import DESK, session_cookie_for

    # The pages' Content-Security-Policy applies, as in any browser (axe-core runs anyway).
    context = await chromium.new_context(viewport=DESK, locale="en-GB")
    context.set_default_timeout(10_000)
    page = await context.new_page()

    async def sign_in_as(role: str = "coordinator", email: str | None = None, **person):
        user = await factories.user(role, email=email, **person)
        token = await session_cookie_for(user.email)
        await context.add_cookies(
            [{"name": "movement_session", "value": token, "url": live_server}]
        )
        page.user = user
        return page

    yield sign_in_as
    await context.close()
