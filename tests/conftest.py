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


SCHEMATHESIS = "test_schemathesis.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The Schemathesis tests last: their runs go on in the background meanwhile.
    items.sort(key=lambda item: item.path.name == SCHEMATHESIS)
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if ENGINE == "postgres":
            item.add_marker(pytest.mark.postgres)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the Schemathesis runs this session will check, in the background."""
    from tests.helpers.schemathesis import start_in_background

    roles = [
        item.callspec.params["role"]
        for item in session.items
        if item.path.name == SCHEMATHESIS and hasattr(item, "callspec")
    ]
    start_in_background(roles)
