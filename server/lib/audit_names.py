"""The audit log in words: each event's record by its name or a short description ("Asha
Patel in Health Champions") instead of its number, and ids in what changed (an area, a
programme, a person) by their names. Looked up as the records are now, for admins, who may
see every record; nothing here is stored in the log, so an erased or deleted record shows
only its kind and number."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

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
    Story,
    TrainingRecord,
)
from server.lib.audit import CHANGED, describe_value

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
}
ACTION_WORDS = {
    "create": "Added",
    "update": "Changed",
    "delete": "Deleted",
    "erase": "Erased",
}
# Fields whose words differ from their names in the database.
FIELD_WORDS = {"footprint": "area", "run_by": "run by", "occurred_on": "date", "as_of": "as of"}
# Fields that hold the id of another record, and the table that names it.
REFERENCES = {
    "footprint": Footprint,
    "programme": Programme,
    "course": Course,
    "organisation": Organisation,
    "person": Person,
    "run_by": Person,
}
IN_CHUNK = 500


def record_word(record_type: str) -> str:
    return RECORD_WORDS.get(record_type, record_type.replace("_", " ").capitalize())


def action_word(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())


def field_word(field: str) -> str:
    return FIELD_WORDS.get(field, field.replace("_", " "))


async def _names(table: Any, column: Any, ids: Iterable[int]) -> dict[int, str]:
    """{id: the column's value} for those ids that still exist."""
    wanted = sorted({i for i in ids if isinstance(i, int)})
    out: dict[int, str] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        rows = await table.select(table.id, column.as_alias("name")).where(table.id.is_in(chunk))
        out.update({r["id"]: str(r["name"] or "") for r in rows})
    return out


def _day(value: Any) -> str:
    return value.strftime("%-d %B %Y") if isinstance(value, date) else ""


async def _described(table: Any, ids: set[int], columns: tuple[Any, ...]) -> list[dict[str, Any]]:
    if not ids:
        return []
    return list(await table.select(table.id, *columns).where(table.id.is_in(sorted(ids))))


async def _memberships(ids: set[int]) -> dict[int, str]:
    rows = await _described(
        Membership, ids, (Membership.person.name.as_alias("who"), Membership.programme.name)
    )
    return {r["id"]: f"{r['who'] or 'Someone'} in {r['programme.name']}" for r in rows}


async def _trainings(ids: set[int]) -> dict[int, str]:
    columns = (TrainingRecord.person.name.as_alias("who"), TrainingRecord.course.name)
    rows = await _described(TrainingRecord, ids, columns)
    return {r["id"]: f"{r['who'] or 'Someone'}: {r['course.name']}" for r in rows}


async def _activities(ids: set[int]) -> dict[int, str]:
    columns = (Activity.person.name.as_alias("who"), Activity.occurred_on)
    rows = await _described(Activity, ids, columns)
    return {r["id"]: f"by {r['who'] or 'someone'}, {_day(r['occurred_on'])}" for r in rows}


async def _sessions(ids: set[int]) -> dict[int, str]:
    columns = (FriendsSession.programme.name, FriendsSession.held_on)
    rows = await _described(FriendsSession, ids, columns)
    return {r["id"]: f"{r['programme.name']}, {_day(r['held_on'])}" for r in rows}


async def _stories(ids: set[int]) -> dict[int, str]:
    rows = await _described(Story, ids, (Story.person.name.as_alias("who"),))
    return {r["id"]: f"by {r['who'] or 'someone'}" for r in rows}


async def record_names(events: Iterable[Mapping[str, Any]]) -> dict[tuple[str, int], str]:
    """{(record type, id): what to call it} for the events' records that still exist."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        wanted.setdefault(event["record_type"], set()).add(event["record_id"])
    simple = {
        "person": (Person, Person.name),
        "account": (Account, Account.email),
        "programme": (Programme, Programme.name),
        "footprint": (Footprint, Footprint.name),
        "course": (Course, Course.name),
        "organisation": (Organisation, Organisation.name),
    }
    described = {
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


async def value_names(events: Iterable[Mapping[str, Any]]) -> dict[tuple[str, Any], str]:
    """{(field, id): name} for the ids in what changed that refer to another record."""
    wanted: dict[Any, set[int]] = {}
    for event in events:
        for field, value in (event.get("raw_changes") or {}).items():
            table = REFERENCES.get(field)
            values = value if isinstance(value, list) else [value]
            if table is not None:
                wanted.setdefault(table, set()).update(v for v in values if isinstance(v, int))
    names: dict[Any, dict[int, str]] = {}
    for table, ids in wanted.items():
        names[table] = await _names(table, table.name, ids)
    return {
        (field, i): name
        for field, table in REFERENCES.items()
        for i, name in names.get(table, {}).items()
    }


def _value(field: str, value: Any, names: Mapping[tuple[str, Any], str]) -> str:
    """A value in words: the name of the record an id refers to, or a code's words."""
    if isinstance(value, int | str) and not isinstance(value, bool) and (field, value) in names:
        return names[(field, value)]
    return describe_value(value)


def _changes(event: Mapping[str, Any], names: Mapping[tuple[str, Any], str]) -> list[Any]:
    """(field, "old → new") in words, with names for the ids of other records."""
    out = []
    for field, value in (event.get("raw_changes") or {}).items():
        if value == CHANGED:
            text = CHANGED
        elif isinstance(value, list) and len(value) == 2:
            text = f"{_value(field, value[0], names)} → {_value(field, value[1], names)}"
        else:
            text = _value(field, value, names)
        out.append((field_word(str(field)), text))
    return out


async def in_words(
    events: list[dict[str, Any]], codes: Mapping[str, Mapping[str, str]] | None = None
) -> list[dict[str, Any]]:
    """The events as people read them: the kind of record and the action in words, the
    record by its name where it still exists, and names for ids in what changed; codes
    gives the words of coded values by field ({"kind": {"event": "An event or stall"}})."""
    records = await record_names(events)
    values = await value_names(events)
    for field, words in (codes or {}).items():
        values.update({(field, code): word for code, word in words.items()})
    return [
        {
            **event,
            "record_word": record_word(event["record_type"]),
            "record_name": records.get((event["record_type"], event["record_id"]), ""),
            "action_word": action_word(event["action"]),
            "changes": _changes(event, values),
        }
        for event in events
    ]
