"""The rollups' sums are 64-bit (BIGINT): activities, people reached and minutes of a day
or a month. As 32-bit integers on PostgreSQL a month's bucket overflowed with allowed values
(500 activities of 100,000 people a batch), and from then on every write to that programme,
area and month failed.

PostgreSQL: ALTER COLUMN ... TYPE BIGINT (the rows are kept). SQLite's integers are 64-bit
whatever a column's declared type, so there is nothing to change in the file there; the
columns are still recorded as BigInt so that the migrations and schema/tables.py agree. No
table is created, so use_autoincrement() has nothing to do here.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Integer
from piccolo.engine import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-11-30T23:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The rollups' sums are 64-bit"

ROLLUPS = (("ActivityDaily", "activity_daily"), ("ActivityMonthly", "activity_monthly"))
SUMS = ("activities", "people_reached", "minutes")


class _Manager(MigrationManager):
    """Piccolo's manager, which on SQLite skips the ALTER COLUMN ... TYPE that SQLite lacks
    (and does not need: see above)."""

    async def _run_alter_columns(self, backwards: bool = False) -> None:
        if isinstance(engine_finder(), SQLiteEngine):
            return
        await super()._run_alter_columns(backwards=backwards)


async def forwards() -> MigrationManager:
    manager = _Manager(migration_id=ID, app_name="movement", description=DESCRIPTION)
    for class_name, tablename in ROLLUPS:
        for column in SUMS:
            manager.alter_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=column,
                db_column_name=column,
                params={},
                old_params={},
                column_class=BigInt,
                old_column_class=Integer,
                schema=None,
            )
    return manager
