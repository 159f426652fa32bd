"""The migrations and schema/tables.py describe the same tables."""

from __future__ import annotations

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder


@pytest.mark.slow
async def test_the_migrations_are_in_step_with_the_tables():
    """A table or column changed without a migration fails here, not in production."""
    app_config = Finder().get_app_config("movement")
    statements = await AutoMigrationManager(auto_input="n").get_alter_statements(
        app_config=app_config
    )
    pending = [s for group in statements for s in group.statements]
    assert pending == [], "Run: piccolo migrations new movement --auto"


async def test_the_eight_programmes_and_the_courses_exist_after_migrating(client):
    programmes = (await client.get("/api/programmes")).json()["items"]
    assert len(programmes) == 8
    courses = (await client.get("/api/courses")).json()["items"]
    assert "rsph-l2-understanding-health-improvement" in {c["slug"] for c in courses}
