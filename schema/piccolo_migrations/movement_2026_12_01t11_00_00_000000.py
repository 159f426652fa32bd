"""Wellbeing (issue 16): champions' answers to the ONS personal wellbeing questions
("ONS4") when they join a programme and at each follow-up. One new table; on SQLite its id
is made AUTOINCREMENT (use_autoincrement, schema/sqlite_ids.py), as every table's is, and a
person answers once per programme and point (the unique index wellbeing_answer_key, made
by hand: piccolo's auto-migrations add a unique constraint over several columns with ALTER
TABLE ADD CONSTRAINT, which SQLite lacks).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import Boolean
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder
from piccolo.table import Table

from schema.sqlite_ids import use_autoincrement


class Person(Table, tablename="person", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


class Programme(Table, tablename="programme", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-01T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Wellbeing answers (ONS4)"

UNIQUE_INDEXES = {"wellbeing_answer_key": "wellbeing_answer (person, programme, months)"}


class ThenAutoincrement(MigrationManager):
    """Piccolo runs a migration's raw steps before its tables are made; the table must
    exist before its id can be made AUTOINCREMENT and its unique index made, so those
    steps come after run()."""

    async def run(self, backwards: bool = False) -> None:
        db = engine_finder()
        if backwards and not self.preview and db is not None:
            for name in UNIQUE_INDEXES:
                await db.run_ddl(f"DROP INDEX IF EXISTS {name}")
        await super().run(backwards=backwards)
        if backwards or self.preview or db is None:
            return
        await use_autoincrement(db)
        for name, target in UNIQUE_INDEXES.items():
            await db.run_ddl(f"CREATE UNIQUE INDEX {name} ON {target}")


async def forwards() -> MigrationManager:
    # No transaction around it: the SQLite rebuild turns foreign keys off, which SQLite
    # allows only outside a transaction, and makes its own transaction.
    manager = ThenAutoincrement(
        migration_id=ID, app_name="movement", description=DESCRIPTION, wrap_in_transaction=False
    )

    manager.add_table(
        class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        column_name="person",
        db_column_name="person",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Person,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
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

    manager.add_column(
        table_class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        column_name="programme",
        db_column_name="programme",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Programme,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        column_name="months",
        db_column_name="months",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
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

    manager.add_column(
        table_class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        column_name="life_satisfaction",
        db_column_name="life_satisfaction",
        column_class_name="Integer",
        column_class=Integer,
        params={
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

    manager.add_column(
        table_class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        column_name="worthwhile",
        db_column_name="worthwhile",
        column_class_name="Integer",
        column_class=Integer,
        params={
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

    manager.add_column(
        table_class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        column_name="happiness",
        db_column_name="happiness",
        column_class_name="Integer",
        column_class=Integer,
        params={
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

    manager.add_column(
        table_class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        column_name="anxiety",
        db_column_name="anxiety",
        column_class_name="Integer",
        column_class=Integer,
        params={
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

    manager.add_column(
        table_class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        column_name="skipped",
        db_column_name="skipped",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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

    manager.add_column(
        table_class_name="WellbeingAnswer",
        tablename="wellbeing_answer",
        column_name="answered_at",
        db_column_name="answered_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
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
