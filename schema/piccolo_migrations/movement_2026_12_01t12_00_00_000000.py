"""People kept in step (issue 17): the active roles as counted (counted_role), the roles by
the day and month they joined (role_daily, role_monthly) and each person's consecutive
roles in the order they joined (role_pair_daily, role_pair_monthly), by the person's area
and the deprivation quintile of their home, so that the distinct people of any dates are
two sums of small tables instead of a COUNT(DISTINCT) over every role. Filled from the
roles already there once the tables exist (the same statements as
server/totals/people.py rebuild); new tables get AUTOINCREMENT ids on SQLite.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import Integer
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder

from schema.sqlite_ids import use_autoincrement

ID = "2026-12-01T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "People rollups: counted roles, roles and pairs of roles by day and month"

UNIQUE_INDEXES = {
    "counted_role_key": "counted_role (person, programme)",
    "role_daily_key": "role_daily (day, programme, footprint, quintile)",
    "role_monthly_key": "role_monthly (month, programme, footprint, quintile)",
    "role_pair_daily_key": "role_pair_daily (footprint, quintile, first_day, next_day)",
    "role_pair_monthly_key": "role_pair_monthly (footprint, quintile, first_month, next_month)",
}
MONTH = {
    "sqlite": "date({}, 'start of month')",
    "postgres": "CAST(date_trunc('month', {}) AS date)",
}
FILL = (
    "INSERT INTO counted_role (person, programme, footprint, quintile, joined_on) "
    "SELECT m.person, m.programme, COALESCE(p.footprint, 0), "
    "COALESCE((d.imd_decile + 1) / 2, 0), m.joined_on "
    "FROM membership m JOIN person p ON p.id = m.person "
    "LEFT JOIN postcode_area pa ON pa.postcode = REPLACE(UPPER(p.postcode), ' ', '') "
    "LEFT JOIN area_deprivation d ON d.lsoa = pa.lsoa WHERE m.status = 'active'",
    "INSERT INTO role_daily (day, programme, footprint, quintile, roles) "
    "SELECT joined_on, programme, footprint, quintile, COUNT(*) FROM counted_role "
    "GROUP BY joined_on, programme, footprint, quintile",
    "INSERT INTO role_monthly (month, programme, footprint, quintile, roles) "
    "SELECT {month_day}, programme, footprint, quintile, SUM(roles) FROM role_daily "
    "GROUP BY {month_day}, programme, footprint, quintile",
    "INSERT INTO role_pair_daily (footprint, quintile, first_day, next_day, pairs) "
    "SELECT footprint, quintile, joined_on, next_day, COUNT(*) FROM ("
    "SELECT footprint, quintile, joined_on, LEAD(joined_on) OVER "
    "(PARTITION BY person ORDER BY joined_on, programme) AS next_day FROM counted_role) r "
    "WHERE next_day IS NOT NULL GROUP BY footprint, quintile, joined_on, next_day",
    "INSERT INTO role_pair_monthly (footprint, quintile, first_month, next_month, pairs) "
    "SELECT footprint, quintile, {month_first}, {month_next}, SUM(pairs) FROM role_pair_daily "
    "GROUP BY footprint, quintile, {month_first}, {month_next}",
)


class ThenFill(MigrationManager):
    """Piccolo runs a migration's raw steps before its tables are made; the tables must
    exist before their ids can be made AUTOINCREMENT, their unique indexes made and the
    roles already there counted into them, so those steps come after run()."""

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
        month = MONTH[engine.engine_type]
        for statement in FILL:
            await engine.run_ddl(
                statement.format(
                    month_day=month.format("day"),
                    month_first=month.format("first_day"),
                    month_next=month.format("next_day"),
                )
            )


async def forwards() -> MigrationManager:
    # No transaction around it: the SQLite rebuild turns foreign keys off, which SQLite
    # allows only outside a transaction, and makes its own transaction.
    manager = ThenFill(
        migration_id=ID, app_name="movement", description=DESCRIPTION, wrap_in_transaction=False
    )

    manager.add_table(
        class_name="RoleMonthly",
        tablename="role_monthly",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="RolePairMonthly",
        tablename="role_pair_monthly",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="CountedRole",
        tablename="counted_role",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="RoleDaily", tablename="role_daily", schema=None, columns=None
    )

    manager.add_table(
        class_name="RolePairDaily",
        tablename="role_pair_daily",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="RoleMonthly",
        tablename="role_monthly",
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
        table_class_name="RoleMonthly",
        tablename="role_monthly",
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
        table_class_name="RoleMonthly",
        tablename="role_monthly",
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
        table_class_name="RoleMonthly",
        tablename="role_monthly",
        column_name="quintile",
        db_column_name="quintile",
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
        table_class_name="RoleMonthly",
        tablename="role_monthly",
        column_name="roles",
        db_column_name="roles",
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
        table_class_name="RolePairMonthly",
        tablename="role_pair_monthly",
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
        table_class_name="RolePairMonthly",
        tablename="role_pair_monthly",
        column_name="quintile",
        db_column_name="quintile",
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
        table_class_name="RolePairMonthly",
        tablename="role_pair_monthly",
        column_name="first_month",
        db_column_name="first_month",
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
        table_class_name="RolePairMonthly",
        tablename="role_pair_monthly",
        column_name="next_month",
        db_column_name="next_month",
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
        table_class_name="RolePairMonthly",
        tablename="role_pair_monthly",
        column_name="pairs",
        db_column_name="pairs",
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
        table_class_name="CountedRole",
        tablename="counted_role",
        column_name="person",
        db_column_name="person",
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
        table_class_name="CountedRole",
        tablename="counted_role",
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
        table_class_name="CountedRole",
        tablename="counted_role",
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
        table_class_name="CountedRole",
        tablename="counted_role",
        column_name="quintile",
        db_column_name="quintile",
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
        table_class_name="CountedRole",
        tablename="counted_role",
        column_name="joined_on",
        db_column_name="joined_on",
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
        table_class_name="RoleDaily",
        tablename="role_daily",
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
        table_class_name="RoleDaily",
        tablename="role_daily",
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
        table_class_name="RoleDaily",
        tablename="role_daily",
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
        table_class_name="RoleDaily",
        tablename="role_daily",
        column_name="quintile",
        db_column_name="quintile",
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
        table_class_name="RoleDaily",
        tablename="role_daily",
        column_name="roles",
        db_column_name="roles",
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
        table_class_name="RolePairDaily",
        tablename="role_pair_daily",
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
        table_class_name="RolePairDaily",
        tablename="role_pair_daily",
        column_name="quintile",
        db_column_name="quintile",
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
        table_class_name="RolePairDaily",
        tablename="role_pair_daily",
        column_name="first_day",
        db_column_name="first_day",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
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
        table_class_name="RolePairDaily",
        tablename="role_pair_daily",
        column_name="next_day",
        db_column_name="next_day",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
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
        table_class_name="RolePairDaily",
        tablename="role_pair_daily",
        column_name="pairs",
        db_column_name="pairs",
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

    return manager
