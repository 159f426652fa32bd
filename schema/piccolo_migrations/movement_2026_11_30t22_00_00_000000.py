"""An email change remembers the address it replaced (EmailChange.old_email), so that
erasure and the download still find the emails and sign-in links under a person's old
address. Changes used before this migration did not keep it: their old_email is empty.

Adding a column keeps SQLite's AUTOINCREMENT (ALTER TABLE ADD COLUMN leaves the rest of the
table as it is); no table is created, so use_autoincrement() has nothing to do here.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Email changes keep the address they replaced"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="movement", description=DESCRIPTION)

    manager.add_column(
        table_class_name="EmailChange",
        tablename="email_change",
        column_name="old_email",
        db_column_name="old_email",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 254,
            "default": None,
            "null": True,
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
