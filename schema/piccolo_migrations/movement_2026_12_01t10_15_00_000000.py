"""The facets of counted activities (issue 16): by day and by month, per programme and
area, for each setting, deprivation quintile, topic and signpost, kept in step with every
activity write like activity_daily and activity_monthly, so that the impact breakdowns read
small tables. Filled from the activities already there (server/totals/rollup.py
rebuild_facets) once the tables exist; new tables get AUTOINCREMENT ids on SQLite.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder

from schema.sqlite_ids import use_autoincrement

ID = "2026-12-01T10:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Facets of counted activities by day and by month"

UNIQUE_INDEXES = {
    "activity_facet_daily_key": "activity_facet_daily (day, programme, footprint, facet, value)",
    "activity_facet_monthly_key": (
        "activity_facet_monthly (month, programme, footprint, facet, value)"
    ),
}


# Each facet's value for an activity from before this migration, and which activities
# have it.
FILLED = (
    ("setting", "", ""),
    ("quintile", "", ""),
    ("topic", "", ""),
    ("signpost", ":", " AND kind = 'signposting'"),
)
MONTH = {
    "sqlite": "date(occurred_on, 'start of month')",
    "postgres": "CAST(date_trunc('month', occurred_on) AS date)",
}


class ThenAutoincrement(MigrationManager):
    """Piccolo runs a migration's raw steps before its tables are made; the tables must
    exist before their ids can be made AUTOINCREMENT and the unique indexes made, so those
    steps come after run(). Then the facets of the activities already there are filled:
    the setting, place, topics and service are all new, so each counted activity is
    "not given" in every facet (and a signpost of no service, take-up not asked)."""

    async def run(self, backwards: bool = False) -> None:
        if backwards and not self.preview:
            for name in UNIQUE_INDEXES:
                await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")
        await super().run(backwards=backwards)
        if backwards or self.preview:
            return
        engine = engine_finder()
        await use_autoincrement(engine)
        for name, target in UNIQUE_INDEXES.items():
            await engine.run_ddl(f"CREATE UNIQUE INDEX {name} ON {target}")
        for facet, value, where in FILLED:
            for table, period, source in (
                ("activity_facet_daily", "day", "occurred_on"),
                ("activity_facet_monthly", "month", MONTH[engine.engine_type]),
            ):
                await engine.run_ddl(
                    f"INSERT INTO {table} ({period}, programme, footprint, facet, value, "
                    "activities, people_reached, minutes) "
                    f"SELECT {source}, programme, COALESCE(footprint, 0), '{facet}', '{value}', "
                    "COUNT(*), SUM(people_reached), SUM(minutes) FROM activity "
                    f"WHERE review_status <> 'rejected'{where} "
                    f"GROUP BY {source}, programme, COALESCE(footprint, 0)"
                )


async def forwards() -> MigrationManager:
    # No transaction around it: the SQLite rebuild turns foreign keys off, which SQLite
    # allows only outside a transaction, and makes its own transaction.
    manager = ThenAutoincrement(
        migration_id=ID, app_name="movement", description=DESCRIPTION, wrap_in_transaction=False
    )

    manager.add_table(
        class_name="ActivityFacetDaily",
        tablename="activity_facet_daily",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="ActivityFacetMonthly",
        tablename="activity_facet_monthly",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="ActivityFacetDaily",
        tablename="activity_facet_daily",
        column_name="day",
        db_column_name="day",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
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
        table_class_name="ActivityFacetDaily",
        tablename="activity_facet_daily",
        column_name="programme",
        db_column_name="programme",
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
        table_class_name="ActivityFacetDaily",
        tablename="activity_facet_daily",
        column_name="footprint",
        db_column_name="footprint",
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
        table_class_name="ActivityFacetDaily",
        tablename="activity_facet_daily",
        column_name="facet",
        db_column_name="facet",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 10,
            "default": "",
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
        table_class_name="ActivityFacetDaily",
        tablename="activity_facet_daily",
        column_name="value",
        db_column_name="value",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 40,
            "default": "",
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
        table_class_name="ActivityFacetDaily",
        tablename="activity_facet_daily",
        column_name="activities",
        db_column_name="activities",
        column_class_name="BigInt",
        column_class=BigInt,
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
        table_class_name="ActivityFacetDaily",
        tablename="activity_facet_daily",
        column_name="people_reached",
        db_column_name="people_reached",
        column_class_name="BigInt",
        column_class=BigInt,
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
        table_class_name="ActivityFacetDaily",
        tablename="activity_facet_daily",
        column_name="minutes",
        db_column_name="minutes",
        column_class_name="BigInt",
        column_class=BigInt,
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
        table_class_name="ActivityFacetMonthly",
        tablename="activity_facet_monthly",
        column_name="month",
        db_column_name="month",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
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
        table_class_name="ActivityFacetMonthly",
        tablename="activity_facet_monthly",
        column_name="programme",
        db_column_name="programme",
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
        table_class_name="ActivityFacetMonthly",
        tablename="activity_facet_monthly",
        column_name="footprint",
        db_column_name="footprint",
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
        table_class_name="ActivityFacetMonthly",
        tablename="activity_facet_monthly",
        column_name="facet",
        db_column_name="facet",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 10,
            "default": "",
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
        table_class_name="ActivityFacetMonthly",
        tablename="activity_facet_monthly",
        column_name="value",
        db_column_name="value",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 40,
            "default": "",
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
        table_class_name="ActivityFacetMonthly",
        tablename="activity_facet_monthly",
        column_name="activities",
        db_column_name="activities",
        column_class_name="BigInt",
        column_class=BigInt,
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
        table_class_name="ActivityFacetMonthly",
        tablename="activity_facet_monthly",
        column_name="people_reached",
        db_column_name="people_reached",
        column_class_name="BigInt",
        column_class=BigInt,
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
        table_class_name="ActivityFacetMonthly",
        tablename="activity_facet_monthly",
        column_name="minutes",
        db_column_name="minutes",
        column_class_name="BigInt",
        column_class=BigInt,
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

    return manager
