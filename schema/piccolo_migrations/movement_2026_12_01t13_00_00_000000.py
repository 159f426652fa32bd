"""The Friends sessions that count, by date, in an index of their own (issue 17).

The totals and the dashboard's areas add up the attendees of the counted sessions of a
programme and area within dates (server/totals/services.py session_where). With only the
index on held_on, SQLite read the table row by row for every session since a date (about
45,000 at demo scale 100: 90 to 290 ms, where reading the whole table takes 25 ms). This
index holds every column those sums read, so the sessions within the dates are read from the
index alone, on either engine.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "An index of the Friends sessions with what the totals add up"

INDEX = (
    "CREATE INDEX friends_session_counting ON friends_session "
    "(held_on, programme, footprint, review_status, attendees)"
)


async def add_index() -> None:
    db = engine_finder()
    assert db is not None
    await db.run_ddl(INDEX)


async def drop_index() -> None:
    db = engine_finder()
    assert db is not None
    await db.run_ddl("DROP INDEX IF EXISTS friends_session_counting")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="movement", description=DESCRIPTION)
    manager.add_raw(add_index)
    manager.add_raw_backwards(drop_index)
    return manager
