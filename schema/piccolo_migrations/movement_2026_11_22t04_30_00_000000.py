"""An index that lets the totals count memberships without reading the table itself."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-22T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Index for counting memberships"


class Membership(Table, tablename="membership"):
    pass


async def add_index() -> None:
    await Membership.raw(
        "CREATE INDEX membership_counting ON membership (status, joined_on, programme, person)"
    )


async def drop_index() -> None:
    await Membership.raw("DROP INDEX membership_counting")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="movement", description=DESCRIPTION)
    manager.add_raw(add_index)
    manager.add_raw_backwards(drop_index)
    return manager
