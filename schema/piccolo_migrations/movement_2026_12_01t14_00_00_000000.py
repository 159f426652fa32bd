"""No "not known" rows for the setting and the quintile in the facet rollups (issue 17).

An activity has one setting and one place at most, so the activities with no setting, or
no place the lookups can put in a quintile, are the totals (activity_daily and
activity_monthly) less the known values: server/impact/figures.py works them out so, and
server/totals/rollup.py no longer writes them (a batch of activities with neither wrote two
rows of them for each day it touched). Forwards deletes the rows kept until now. Backwards
puts them back, worked out from the activities by the rule used until now (counted
activities: not rejected; the quintile not known when the postcode is missing, not in the
postcode lookup, or in an LSOA with no decile), for the code of before to read.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "No not-known rows for the setting and quintile facets"

TABLES = ("activity_facet_daily", "activity_facet_monthly")
NOT_KNOWN = "facet IN ('setting', 'quintile') AND value = ''"

# The counted activities with no value for each facet (the activity is "a").
WITHOUT = {
    "setting": ("activity a", "a.setting = ''"),
    "quintile": (
        "activity a LEFT JOIN postcode_area pa "
        "ON pa.postcode = REPLACE(UPPER(a.postcode), ' ', '') "
        "LEFT JOIN area_deprivation d ON d.lsoa = pa.lsoa",
        "d.imd_decile IS NULL",
    ),
}
MONTH = {
    "sqlite": "date(day, 'start of month')",
    "postgres": "CAST(date_trunc('month', day) AS date)",
}


async def drop_not_known() -> None:
    db = engine_finder()
    assert db is not None
    for table in TABLES:
        await db.run_ddl(f"DELETE FROM {table} WHERE {NOT_KNOWN}")


async def put_back_not_known() -> None:
    db = engine_finder()
    assert db is not None
    await drop_not_known()  # none should be there; never twice
    for facet, (source, where) in WITHOUT.items():
        await db.run_ddl(
            "INSERT INTO activity_facet_daily (day, programme, footprint, facet, value, "
            "activities, people_reached, minutes) "
            f"SELECT a.occurred_on, a.programme, COALESCE(a.footprint, 0), '{facet}', '', "
            "COUNT(*), SUM(a.people_reached), SUM(a.minutes) "
            f"FROM {source} WHERE a.review_status <> 'rejected' AND {where} "
            "GROUP BY a.occurred_on, a.programme, COALESCE(a.footprint, 0)"
        )
    month = MONTH[db.engine_type]
    await db.run_ddl(
        "INSERT INTO activity_facet_monthly (month, programme, footprint, facet, value, "
        "activities, people_reached, minutes) "
        f"SELECT {month}, programme, footprint, facet, value, SUM(activities), "
        f"SUM(people_reached), SUM(minutes) FROM activity_facet_daily WHERE {NOT_KNOWN} "
        f"GROUP BY {month}, programme, footprint, facet, value"
    )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="movement", description=DESCRIPTION)
    manager.add_raw(drop_not_known)
    manager.add_raw_backwards(put_back_not_known)
    return manager
