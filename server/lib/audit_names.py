"""The audit log in words: each event's record by its name or a short description ("Asha
Patel in Health Champions") instead of its number, and ids in what changed (an area, a
programme, a person) by their names. Looked up as the records are now, for admins, who may
see every record; nothing here is stored in the log, so an erased or deleted record shows
only its kind and number."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TypedDict, TypeVar

from piccolo.columns import Column
from piccolo.table import Table

from schema.tables import (
    Account,
    Activity,
    Course,
    Footprint,
    FriendsSession,
    Membership,
    Organisation,
    Person,
    Programme,
    Service,
    Story,
    Topic,
    TrainingRecord,
)
from server.lib.audit import CHANGED, describe_value
from server.lib.rows import rows_as

T = TypeVar("T")

# Each kind of record, as people call it.
RECORD_WORDS = {
    "person": "Person",
    "account": "Account",
    "membership": "Programme role",
    "training": "Training",
    "activity": "Activity",
    "friends session": "Friends session",
    "external figure": "Figure from elsewhere",
    "story": "Story",
    "programme": "Programme",
    "footprint": "Area",
    "course": "Course",
    "organisation": "Organisation",
    "import_job": "Import",
    "privacy_notice": "Privacy notice",
    "email_change": "Email change",
    "api_token": "App key",
    "web_session": "Signed-in session",
    "topic": "Topic",  # Impact (issue 16)
    "service": "Service",
    "social_value": "Social value rate",
    "wellbeing_answer": "Wellbeing answers",
}
ACTION_WORDS = {
    "create": "Added",
    "update": "Changed",
    "delete": "Deleted",
    "erase": "Erased",
}
# Fields whose words differ from their names in the database.
FIELD_WORDS = {
    "footprint": "area",
    "run_by": "run by",
    "occurred_on": "date",
    "as_of": "as of",
    "setting": "kind of place",
    "take_up": "did they go",
    "take_up_at": "said when",
}
# The tables whose records are called by their name column.
Named = Footprint | Programme | Course | Organisation | Person | Service
# Fields that hold the id of another record, and the table that names it.
REFERENCES: dict[str, type[Named]] = {
    "footprint": Footprint,
    "programme": Programme,
    "course": Course,
    "organisation": Organisation,
    "person": Person,
    "run_by": Person,
    "service": Service,
}
IN_CHUNK = 500


def record_word(record_type: str) -> str:
    return RECORD_WORDS.get(record_type, record_type.replace("_", " ").capitalize())


def action_word(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


def field_word(field: str) -> str:
    return FIELD_WORDS.get(field, field.replace("_", " "))


class _NameRow(TypedDict):
    id: int
    name: str


async def _names(table: type[Table], column: Column, ids: Iterable[int]) -> dict[int, str]:
    """{id: the column's value} for those ids that still exist."""
    wanted = sorted({i for i in ids if isinstance(i, int)})
    key = table._meta.primary_key  # the id
    out: dict[int, str] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        query = table.select(key, column.as_alias("name")).where(key.is_in(chunk))
        rows = rows_as(_NameRow, await query)
        out.update({r["id"]: str(r["name"] or "") for r in rows})
    return out


def _day(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if isinstance(value, date) else ""


async def _described(
    shape: type[T], table: type[Table], ids: set[int], columns: tuple[Column, ...]
) -> list[T]:
    """The rows of these ids, with their id and `columns`, as the TypedDict `shape`."""
    if not ids:
        return []
    key = table._meta.primary_key  # the id
    return rows_as(shape, await table.select(key, *columns).where(key.is_in(sorted(ids))))


# The columns each kind of record is described by; "who" is the person's name (None where
# the record has no person).
_Membership = TypedDict("_Membership", {"id": int, "who": str, "programme.name": str})
_Training = TypedDict("_Training", {"id": int, "who": str, "course.name": str})
_Session = TypedDict("_Session", {"id": int, "programme.name": str, "held_on": date})


class _Activity(TypedDict):
    id: int
    who: str | None
    occurred_on: date


class _Story(TypedDict):
    id: int
    who: str | None


async def _memberships(ids: set[int]) -> dict[int, str]:
    columns = (Membership.person.name.as_alias("who"), Membership.programme.name)
    rows = await _described(_Membership, Membership, ids, columns)
    return {r["id"]: f"{r['who'] or 'Someone'} in {r['programme.name']}" for r in rows}


async def _trainings(ids: set[int]) -> dict[int, str]:
    columns = (TrainingRecord.person.name.as_alias("who"), TrainingRecord.course.name)
    rows = await _described(_Training, TrainingRecord, ids, columns)
    return {r["id"]: f"{r['who'] or 'Someone'}: {r['course.name']}" for r in rows}


async def _activities(ids: set[int]) -> dict[int, str]:
    columns = (Activity.person.name.as_alias("who"), Activity.occurred_on)
    rows = await _described(_Activity, Activity, ids, columns)
    return {r["id"]: f"by {r['who'] or 'someone'}, {_day(r['occurred_on'])}" for r in rows}


async def _sessions(ids: set[int]) -> dict[int, str]:
    columns = (FriendsSession.programme.name, FriendsSession.held_on)
    rows = await _described(_Session, FriendsSession, ids, columns)
    return {r["id"]: f"{r['programme.name']}, {_day(r['held_on'])}" for r in rows}


async def _stories(ids: set[int]) -> dict[int, str]:
    rows = await _described(_Story, Story, ids, (Story.person.name.as_alias("who"),))
    return {r["id"]: f"by {r['who'] or 'someone'}" for r in rows}


def _about(event: Mapping[str, object]) -> tuple[str, int, str]:
    """The kind and id of the record an event is about, and the action: every event from
    the log has them (its record_type, record_id and action are never null)."""
    kind, record_id, action = event["record_type"], event["record_id"], event["action"]
    if not (isinstance(kind, str) and isinstance(record_id, int) and isinstance(action, str)):
        raise TypeError("An audit event has a record_type, a record_id and an action.")
    return kind, record_id, action


def _raw_changes(event: Mapping[str, object]) -> Mapping[str, object]:
    """What changed as the log holds it: {field: value, or [old, new]}."""
    raw = event.get("raw_changes")
    return raw if isinstance(raw, Mapping) else {}


async def record_names(events: Iterable[Mapping[str, object]]) -> dict[tuple[str, int], str]:
    """{(record type, id): what to call it} for the events' records that still exist."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        kind, record_id, _ = _about(event)
        wanted.setdefault(kind, set()).add(record_id)
    simple: dict[str, tuple[type[Table], Column]] = {
        "person": (Person, Person.name),
        "account": (Account, Account.email),
        "programme": (Programme, Programme.name),
        "footprint": (Footprint, Footprint.name),
        "course": (Course, Course.name),
        "organisation": (Organisation, Organisation.name),
        "topic": (Topic, Topic.name),
        "service": (Service, Service.name),
    }
    described: dict[str, Callable[[set[int]], Awaitable[dict[int, str]]]] = {
        "membership": _memberships,
        "training": _trainings,
        "activity": _activities,
        "friends session": _sessions,
        "story": _stories,
    }
    out: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        if kind in simple:
            found = await _names(*simple[kind], ids)
        elif kind in described:
            found = await described[kind](ids)
        else:
            continue
        out.update({(kind, i): name for i, name in found.items()})
    return out


# A field and a value in what changed: an id of another record, or a code.
FieldValue = tuple[str, int | str]


async def value_names(events: Iterable[Mapping[str, object]]) -> dict[FieldValue, str]:
    """{(field, id): name} for the ids in what changed that refer to another record."""
    wanted: dict[type[Named], set[int]] = {}
    for event in events:
        for field, value in _raw_changes(event).items():
            table = REFERENCES.get(field)
            values = value if isinstance(value, list) else [value]
            if table is not None:
                wanted.setdefault(table, set()).update(v for v in values if isinstance(v, int))
    names: dict[type[Table], dict[int, str]] = {}
    for table, ids in wanted.items():
        names[table] = await _names(table, table.name, ids)
    return {
        (field, i): name
        for field, table in REFERENCES.items()
        for i, name in names.get(table, {}).items()
    }


def _value(field: str, value: object, names: Mapping[FieldValue, str]) -> str:
    """A value in words: the name of the record an id refers to, or a code's words."""
    if isinstance(value, int | str) and not isinstance(value, bool) and (field, value) in names:
        return names[(field, value)]
    return describe_value(value)


def _changes(event: Mapping[str, object], names: Mapping[FieldValue, str]) -> list[tuple[str, str]]:
    """(field, "old → new") in words, with names for the ids of other records."""
    out = []
    for field, value in _raw_changes(event).items():
        if value == CHANGED:
            text = CHANGED
        elif isinstance(value, list) and len(value) == 2:
            text = f"{_value(field, value[0], names)} → {_value(field, value[1], names)}"
        else:
            text = _value(field, value, names)
        out.append((field_word(str(field)), text))
    return out


async def in_words(
    events: Sequence[Mapping[str, object]], codes: Mapping[str, Mapping[str, str]] | None = None
) -> list[dict[str, object]]:
    """The events as people read them: the kind of record and the action in words, the
    record by its name where it still exists, and names for ids in what changed; codes
    gives the words of coded values by field ({"kind": {"event": "An event or stall"}})."""
    records = await record_names(events)
    values = await value_names(events)
    for field, words in (codes or {}).items():
        values.update({(field, code): word for code, word in words.items()})
    return [_worded(event, records, values) for event in events]


def _worded(
    event: Mapping[str, object],
    records: Mapping[tuple[str, int], str],
    values: Mapping[FieldValue, str],
) -> dict[str, object]:
    """One event as in_words gives it."""
    kind, record_id, action = _about(event)
    return {
        **event,
        "record_word": record_word(kind),
        "record_name": records.get((kind, record_id), ""),
        "action_word": action_word(action),
        "changes": _changes(event, values),
    }
