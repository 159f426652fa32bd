"""Everything held about a person, section by section (one per holding), for the JSON
and CSV downloads and the readable page. Secrets and their hashes are never in it."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from server.lib.cells import neutralise
from server.lib.validation import describe_minutes
from server.privacy.holdings import HOLDINGS
from server.privacy.registry import Holding, Row
from server.privacy.subject import Subject, subject_of
from server.settings import get_settings

# The order a person reads them in (erasure goes in another order); others follow.
READING_ORDER = ("person", "accounts", "memberships", "trainings", "activities",
                 "friends_sessions", "stories", "sessions", "sign_in_links", "api_tokens",
                 "emails", "import_rows", "audit_events")  # fmt: skip


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    headings: list[tuple[str, str]]  # (key, heading)
    rows: Sequence[Row]
    words: dict[str, Mapping[str, str]] = field(default_factory=dict)  # key -> code -> words


async def _rows(holding: Holding, subject: Subject) -> Sequence[Row]:
    if holding.fetch is not None:
        return await holding.fetch(subject)
    table = holding.table
    columns = [fl.column.as_alias(fl.key) for fl in holding.fields if fl.column is not None]
    order = holding.order or table._meta.primary_key
    query = (
        table.select(*columns)
        .where(holding.about(subject))
        .order_by(order, table._meta.primary_key)
    )
    return list(await query)


async def everything(person_id: int | None, account_id: int | None) -> list[Section]:
    """Each kind of record held about the person (and their accounts), the person first."""
    subject = await subject_of(person_id, account_id)
    place = {key: i for i, key in enumerate(READING_ORDER)}
    ordered = sorted(HOLDINGS, key=lambda h: place.get(h.key, len(place)))
    out = []
    for holding in ordered:
        headings = [(fl.key, fl.heading) for fl in holding.fields]
        words = {fl.key: fl.words for fl in holding.fields if fl.words}
        rows = await _rows(holding, subject)
        out.append(Section(holding.key, holding.title, holding.intro, headings, rows, words))
    return out


def as_json(sections: list[Section]) -> dict[str, object]:
    """Each section's rows by its key; the person's details as one object."""
    rows = {s.key: s.rows for s in sections}
    out: dict[str, object] = dict(rows)
    person = rows.get("person")
    out["person"] = person[0] if person else None
    return out


def readable(value: object, words: Mapping[str, str] | None = None) -> str:
    """A value as a person reads it: dates in words, times in the council's time zone,
    codes in words."""
    if value is None or value == "":
        return ""
    if words is not None and isinstance(value, str):
        return words.get(value, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo(get_settings().time_zone))
        return local.strftime("%-d %B %Y, %H:%M")
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    return str(value)


# Columns of minutes: shown as time in words, "1 hour 30 minutes" (the JSON keeps minutes).
TIME_SPENT = frozenset({"minutes"})


def _shown(section: Section, key: str, value: object) -> str:
    if key in TIME_SPENT and isinstance(value, int):
        return describe_minutes(value)
    return readable(value, section.words.get(key))


def readable_rows(section: Section) -> list[list[str]]:
    return [
        [_shown(section, key, row.get(key)) for key, _ in section.headings] for row in section.rows
    ]


def as_csv(sections: list[Section]) -> bytes:
    """One spreadsheet: each section's title, its headings, its rows, then a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for section in sections:
        writer.writerow([section.title])
        writer.writerow([heading for _, heading in section.headings])
        rows = readable_rows(section)
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
        if not rows:
            writer.writerow(["(none)"])
        writer.writerow([])
    return b"\xef\xbb\xbf" + out.getvalue().encode()
