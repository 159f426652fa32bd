"""Unique indexes over several columns, the eight programmes and the first courses.

The tables are declared here as they were at this migration, so that later changes to
schema/tables.py cannot change what this migration does.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, Integer, Text, Varchar
from piccolo.table import Table

ID = "2026-11-22T03:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique indexes; the programmes and courses"


class Programme(Table, tablename="programme"):
    slug = Varchar(length=60)
    name = Varchar(length=100)
    kind = Varchar(length=20)
    description = Text()
    sort_order = Integer()


class Course(Table, tablename="course"):
    slug = Varchar(length=80)
    name = Varchar(length=200)
    provider = Varchar(length=200)
    guided_learning_hours = Integer(null=True)
    programme = ForeignKey(references=Programme, null=True)


PROGRAMMES = [
    ("health-champions", "Health Champions", "champion",
     "Community health champions: residents, frontline staff and volunteers trained to "
     "help others live healthier lives."),
    ("heart-champions", "Heart Champions", "champion",
     "Trained to prevent heart disease and to use community defibrillators."),
    ("cancer-champions", "Cancer Champions", "champion",
     "Trained to encourage cancer screening and spotting the signs early."),
    ("young-health-champions", "Young Health Champions", "champion",
     "Young people aged 14 to 24 with the RSPH Level 2 Award for Young Health Champions."),
    ("in-mind-champions", "In Mind Champions", "champion",
     "Trained in mental health awareness."),
    ("communities-in-charge-of-alcohol", "Communities in Charge of Alcohol", "champion",
     "Residents leading their neighbourhood's response to alcohol harm."),
    ("dementia-friends", "Dementia Friends", "friend",
     "People who went to a Dementia Friends Information Session, in person or online."),
    ("autism-friends", "Autism Friends", "friend",
     "People who went to an Autism Friends awareness session."),
]

COURSES = [
    ("rsph-l2-understanding-health-improvement",
     "RSPH Level 2 Award in Understanding Health Improvement",
     "Royal Society for Public Health", 8, "health-champions"),
    ("rsph-l2-young-health-champions", "RSPH Level 2 Award for Young Health Champions",
     "Royal Society for Public Health", 22, "young-health-champions"),
    ("heart-champions-training",
     "Heart Champions training: preventing heart disease and using a defibrillator",
     "", None, "heart-champions"),
    ("cancer-champions-training", "Cancer Champions training: screening and early signs",
     "", None, "cancer-champions"),
    ("in-mind-champions-training", "In Mind Champions mental health awareness training",
     "", None, "in-mind-champions"),
    ("dementia-friends-champion", "Dementia Friends Champion training",
     "Alzheimer's Society", None, "dementia-friends"),
    ("autism-friends-awareness", "Autism Friends awareness session",
     "", None, "autism-friends"),
]


UNIQUE_INDEXES = {
    "membership_person_programme": "membership (person, programme)",
    "activity_daily_key": "activity_daily (day, programme, footprint)",
    "activity_monthly_key": "activity_monthly (month, programme, footprint)",
}


async def add_indexes() -> None:
    for name, target in UNIQUE_INDEXES.items():
        await Programme.raw(f"CREATE UNIQUE INDEX {name} ON {target}")


async def drop_indexes() -> None:
    for name in UNIQUE_INDEXES:
        await Programme.raw(f"DROP INDEX {name}")


async def seed() -> None:
    await Programme.insert(
        *[
            Programme(slug=slug, name=name, kind=kind, description=text, sort_order=order)
            for order, (slug, name, kind, text) in enumerate(PROGRAMMES, start=1)
        ]
    )
    rows = await Programme.select(Programme.slug, Programme.id)
    ids = {row["slug"]: row["id"] for row in rows}
    await Course.insert(
        *[
            Course(slug=slug, name=name, provider=provider, guided_learning_hours=hours,
                   programme=ids[programme])
            for slug, name, provider, hours, programme in COURSES
        ]
    )


async def unseed() -> None:
    await Course.delete().where(Course.slug.is_in([c[0] for c in COURSES]))
    await Programme.delete().where(Programme.slug.is_in([p[0] for p in PROGRAMMES]))


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="movement", description=DESCRIPTION)
    manager.add_raw(add_indexes)
    manager.add_raw(seed)
    manager.add_raw_backwards(unseed)
    manager.add_raw_backwards(drop_indexes)
    return manager
