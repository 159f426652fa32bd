"""Test set-up. The environment is set (tests/environment.py) before anything from the app
is imported; the fixtures live in tests/fixtures/, one module per subject, loaded below.

Markers (pyproject.toml): `browser` is put on every test that uses headless Chromium, and
`postgres` on every test of a run on PostgreSQL (MOVEMENT_TEST_DB=postgres), here, so that
nobody has to remember them; `slow` is written on the tests themselves.
"""

from __future__ import annotations

import os

import pytest

from tests.environment import ENGINE

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.settings",
    "tests.fixtures.accounts",
    "tests.fixtures.mail",
    "tests.fixtures.console",
    "tests.fixtures.browser",
]

BROWSER_FIXTURES = {"chromium"}  # phone, desk, tab and the rest all ask for it


def pytest_report_header() -> str:
    return f"movement: database engine {ENGINE} ({os.environ['DATABASE_URL']})"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if ENGINE == "postgres":
            item.add_marker(pytest.mark.postgres)
