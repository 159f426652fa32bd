"""Indexes for the console at a hundred times Wigan (issue 17).

- The people search (server/people/search.py). PostgreSQL: the extension pg_trgm, and a
  trigram index on the folded name and on the folded email (the very expression of
  server.db.contains, so the planner uses them for its LIKE). Where pg_trgm is not
  installed (it comes with PostgreSQL's contrib package, as on Debian's), the indexes are
  left out and the search is as before, only slower. SQLite: the FTS5 trigram table
  person_search over the name and email, with triggers that keep it in step with every
  write to person, and a small index of the people whose name or email has any character
  beyond ASCII (the search always tries those: see search.py).
- The dashboard's people by area (server/totals/breakdown.py members_by_area): an index of
  active memberships by person, with their programme and date, so that a person's roles
  are counted without reading the table.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T12:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for the people search and the dashboard's people by area"

MEMBERSHIP_INDEX = (
    "CREATE INDEX membership_by_person ON membership (status, person, programme, joined_on)"
)

# SQLite: length() counts characters, a BLOB's length its bytes: the same only in ASCII (a
# NUL, which length() stops at, counts as beyond ASCII: tried, never missed).
NOT_ASCII = (
    "length(CAST(name AS BLOB)) != length(name) OR length(CAST(email AS BLOB)) != length(email)"
)
SQLITE_UP = (
    "CREATE VIRTUAL TABLE person_search USING fts5(name, email, content='person', "
    "content_rowid='id', tokenize='trigram case_sensitive 0')",
    "CREATE TRIGGER person_search_insert AFTER INSERT ON person BEGIN "
    "INSERT INTO person_search (rowid, name, email) VALUES (new.id, new.name, new.email); END",
    "CREATE TRIGGER person_search_delete AFTER DELETE ON person BEGIN "
    "INSERT INTO person_search (person_search, rowid, name, email) "
    "VALUES ('delete', old.id, old.name, old.email); END",
    "CREATE TRIGGER person_search_update AFTER UPDATE OF name, email ON person BEGIN "
    "INSERT INTO person_search (person_search, rowid, name, email) "
    "VALUES ('delete', old.id, old.name, old.email); "
    "INSERT INTO person_search (rowid, name, email) VALUES (new.id, new.name, new.email); END",
    "INSERT INTO person_search (person_search) VALUES ('rebuild')",
    f"CREATE INDEX person_not_ascii ON person (id) WHERE {NOT_ASCII}",
)
SQLITE_DOWN = (
    "DROP INDEX IF EXISTS person_not_ascii",
    "DROP TRIGGER IF EXISTS person_search_update",
    "DROP TRIGGER IF EXISTS person_search_delete",
    "DROP TRIGGER IF EXISTS person_search_insert",
    "DROP TABLE IF EXISTS person_search",
)
POSTGRES_INDEXES = {"person_name_trigrams": "name", "person_email_trigrams": "email"}


async def _postgres_up() -> list[str]:
    from server.db import postgres_fold_sql  # the search's own expression, as it is today

    db = engine_finder()
    assert db is not None
    found = await db.run_ddl(
        "SELECT 1 AS there FROM pg_available_extensions WHERE name = 'pg_trgm'"
    )
    if not found:
        return []
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        *(
            f"CREATE INDEX {name} ON person USING gin "
            f"(({postgres_fold_sql().replace('{col}', column)}) gin_trgm_ops)"
            for name, column in POSTGRES_INDEXES.items()
        ),
    ]


async def add_indexes() -> None:
    db = engine_finder()
    assert db is not None
    postgres = db.engine_type == "postgres"
    steps = [MEMBERSHIP_INDEX, *(await _postgres_up() if postgres else SQLITE_UP)]
    for sql in steps:
        await db.run_ddl(sql)


async def drop_indexes() -> None:
    db = engine_finder()
    assert db is not None
    steps = ["DROP INDEX IF EXISTS membership_by_person"]
    if db.engine_type == "postgres":
        # The extension stays: something else may use it.
        steps += [f"DROP INDEX IF EXISTS {name}" for name in POSTGRES_INDEXES]
    else:
        steps += SQLITE_DOWN
    for sql in steps:
        await db.run_ddl(sql)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="movement", description=DESCRIPTION)
    manager.add_raw(add_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
