"""Piccolo's configuration: the engine comes from DATABASE_URL (see server/settings.py)."""

import logging

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from server.db import SQLiteConnection, SQLitePool
from server.settings import get_settings


def make_engine() -> Engine:
    settings = get_settings()
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": settings.database_url})
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    # timeout: how long a writer waits for the lock before "database is locked".
    # factory: how every connection is set up (server/db.py: SQLiteConnection).
    # SQLitePool: piccolo's SQLiteEngine, using its connections again (server/db.py).
    return SQLitePool(path=str(path), timeout=30, factory=SQLiteConnection)


logging.getLogger("piccolo").setLevel(logging.WARNING)  # not its chatter on every start
DB = make_engine()

APP_REGISTRY = AppRegistry(apps=["schema.piccolo_app"])
