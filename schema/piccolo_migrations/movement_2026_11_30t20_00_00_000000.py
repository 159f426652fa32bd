"""Ids that are never used twice on SQLite: every table's id becomes AUTOINCREMENT.

Without it SQLite hands the id of the newest deleted row to the next one, so an old audit
event could point at a new person. The tables are rebuilt with their rows, indexes and
foreign keys (see schema/sqlite_ids.py). PostgreSQL's sequences never reuse an id: nothing
to do there. A later migration that creates a table calls use_autoincrement() again.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from schema.sqlite_ids import use_autoincrement

ID = "2026-11-30T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "SQLite ids are never used twice (AUTOINCREMENT)"


async def rebuild() -> None:
    await use_autoincrement(engine_finder())


async def forwards() -> MigrationManager:
    # No transaction around it: the rebuild turns foreign keys off, which SQLite allows only
    # outside a transaction, and makes its own transaction.
    manager = MigrationManager(
        migration_id=ID,
        app_name="movement",
        description=DESCRIPTION,
        wrap_in_transaction=False,
    )
    manager.add_raw(rebuild)
    # Backwards: nothing to undo; AUTOINCREMENT tables work as before.
    return manager
