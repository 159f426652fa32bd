"""A Friends session has a review status, like an activity: one that a champion recorded
with more people than is plausible waits for a coordinator and counts in no total until
approved. Sessions recorded before this migration count as they did ("not-needed").

Adding a column keeps SQLite's AUTOINCREMENT (ALTER TABLE ADD COLUMN leaves the rest of the
table as it is); no table is created, so use_autoincrement() has nothing to do here.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T23:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Friends sessions have a review status"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="movement", description=DESCRIPTION)

    manager.add_column(
        table_class_name="FriendsSession",
        tablename="friends_session",
        column_name="review_status",
        db_column_name="review_status",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 20,
            "default": "not-needed",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
