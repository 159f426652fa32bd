"""The tests' environment, set on import, before anything from the app is imported.

MOVEMENT_TEST_DB=sqlite (the default) runs the suite on a fresh SQLite file;
MOVEMENT_TEST_DB=postgres on a fresh database on the PostgreSQL server at
MOVEMENT_TEST_PG (default postgresql://postgres@127.0.0.1:5432), dropped afterwards.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid

ENGINE = os.environ.get("MOVEMENT_TEST_DB", "sqlite")
PG_SERVER = os.environ.get("MOVEMENT_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
PG_NAME = f"movement_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
# The database and data files go to memory when the machine offers it (/dev/shm): on a disk,
# waiting for every commit to be written made the quick tests a third slower.
_SHM = "/dev/shm"  # noqa: S108 - a directory of our own is made inside it
_tmp = tempfile.mkdtemp(prefix="movement-test-", dir=_SHM if os.access(_SHM, os.W_OK) else None)
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)  # memory, not disk: give it back
os.environ["DATA_DIR"] = _tmp
os.environ.pop("SECRET_KEY", None)
os.environ["DEBUG"] = "false"
if ENGINE == "postgres":
    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
elif ENGINE == "sqlite":
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/test.sqlite"
else:
    raise SystemExit(f"MOVEMENT_TEST_DB must be sqlite or postgres, not {ENGINE!r}")


async def pg_admin(sql: str) -> None:
    """Run one statement on the PostgreSQL server's `postgres` database."""
    import asyncpg

    conn = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
