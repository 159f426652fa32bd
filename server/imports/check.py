"""Checking one row of a spreadsheet: the same rules as the API, a plain message for each
problem, naming the row as the spreadsheet numbers it.

The person's fields go through the people's own reading and rules (records.validate);
memberships and training records through the same Form readers and rules as their API
checks (the young
champions' age rule is applied once we know who the person is: see match.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict, TypeVar

from schema.rows import CourseRow, MembershipRow, PersonRow, ProgrammeRow, TrainingRecordRow
from schema.tables import Organisation
from server.imports.dates import NotADate, parse_date
from server.imports.fields import BY_KEY
from server.lib.normal import simple
from server.lib.records import Context, validate
from server.lib.validation import Form, Invalid
from server.people.services import PEOPLE, STATUSES
from server.settings import today
from server.trainings.services import add_months

YES = {"yes", "y", "true", "1", "x", "✓", "✔", "agreed", "given", "consented", "ok"}
NO = {"no", "n", "false", "0", "not given", "declined", "refused"}
STATUS_WORDS = {"inactive": "left", "ended": "left", "on hold": "paused", "current": "active"}
PERSON_FIELDS = ("name", "email", "phone", "postcode", "year_of_birth", "footprint")
VALUE_SHOWN = 60
T = TypeVar("T")


class ProblemJSON(TypedDict):
    """A problem or a note as the preview and the summary keep it."""

    row: int
    field: str
    message: str


@dataclass(frozen=True)
class Problem:
    row: int
    field: str  # the field's label, or "" for the whole row
    message: str

    def as_json(self) -> ProblemJSON:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class RowPlan:
    """What one good row says: the person's checked fields, and a membership and a training
    record if the row has them."""

    row: int
    # The fields PEOPLE reads, as its rules leave them (consent_to_contact only when the
    # file gives it); {} when the person has problems.
    person: PersonRow
    # programme, joined_on, status, left_on (the person is added when it is written)
    membership: MembershipRow | None = None
    # course, completed_on, certificate_number, expires_on (the person: as above)
    training: TrainingRecordRow | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Lookups:
    """Programmes, courses, areas and organisations by every name a file may use."""

    ctx: Context
    footprints: dict[str, str]  # name or code -> code
    organisations: dict[str, int]
    programmes: dict[str, int]
    courses: dict[str, int]

    @classmethod
    async def load(cls, ctx: Context) -> Lookups:
        ref = ctx.ref
        organisations = await Organisation.select(Organisation.id, Organisation.name)
        return cls(
            ctx=ctx,
            footprints={
                simple(key): f["code"]
                for f in ref.footprints.values()
                for key in (f["name"], f["code"])
            },
            organisations={simple(o["name"]): o["id"] for o in organisations},
            programmes=_names_and_slugs(ref.programmes.values()),
            courses=_names_and_slugs(ref.courses.values()),
        )


def _names_and_slugs(rows: Iterable[ProgrammeRow | CourseRow]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        for key in (row["slug"], row["name"], row["name"].removesuffix("s")):
            out.setdefault(simple(key), row["id"])
            out.setdefault(simple(key.replace("-", " ")), row["id"])
    return out


def shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


class Row:
    """One row's cells by field, and the problems found in it so far."""

    def __init__(self, number: int, cells: Sequence[object], mapping: Mapping[str, str]) -> None:
        self.number = number
        self.values: dict[str, object] = {}  # the cells as the file has them, not yet checked
        for index, key in mapping.items():
            i = int(index)
            value = cells[i] if i < len(cells) else ""
            self.values[key] = value.strip() if isinstance(value, str) else value
        self.problems: list[Problem] = []

    def get(self, key: str) -> object:
        value = self.values.get(key, "")
        return None if value == "" or value is None else value

    def problem(self, key: str, message: str) -> None:
        label = BY_KEY[key].label if key in BY_KEY else ""
        self.problems.append(Problem(self.number, label, f"Row {self.number}: {message}"))

    def bad_value(self, key: str, advice: str) -> None:
        noun = BY_KEY[key].noun
        value = self.get(key)
        if value is None:
            self.problem(key, f"{noun} is missing. {advice}")
        else:
            self.problem(key, f"{noun} '{shown(value)}' cannot be used. {advice}")

    def date(self, key: str) -> date | None:
        value = self.get(key)
        if value is None:
            return None
        try:
            return parse_date(value)
        except NotADate as exc:
            noun = BY_KEY[key].noun
            if exc.readable:
                self.problem(key, f"{noun} '{shown(value)}' is not a real date.")
            else:
                self.problem(
                    key,
                    f"{noun} '{shown(value)}' is not a date we can read: write it like 31/03/2024.",
                )
            return None


def _postcode(value: object) -> str | None:
    """WN11AA and wn1  1aa are WN1 1AA: the space goes before the last three characters."""
    if value is None:
        return None
    text = "".join(str(value).split()).upper()
    return f"{text[:-3]} {text[-3:]}" if 5 <= len(text) <= 8 else str(value)


def _year_of_birth(row: Row) -> object:
    """The year to check: the file's year of birth as it is, or the year of its date."""
    if row.get("year_of_birth") is not None:
        return row.get("year_of_birth")
    value = row.get("date_of_birth")
    if value is None:
        return None
    if isinstance(value, int | str) and re.fullmatch(r"\d{4}", str(value)):
        return int(value)  # only the year is kept, and some sheets hold only the year
    born = row.date("date_of_birth")
    if born is None:
        return None
    if born > today():
        row.bad_value("date_of_birth", "A date of birth cannot be in the future.")
        return None
    return born.year


def _choose(row: Row, key: str, table: Mapping[str, T], advice: str) -> T | None:
    value = row.get(key)
    if value is None:
        return None
    found = table.get(simple(str(value)))
    if found is None:
        row.bad_value(key, advice)
    return found


def _consent(row: Row) -> bool | None:
    value = row.get("consent")
    if value is None:
        return None
    word = simple(str(value))
    if word in YES or word in NO:
        return word in YES
    row.bad_value("consent", "Write yes or no.")
    return None


def _name(row: Row) -> object:
    if "name" in row.values:
        return row.get("name")
    parts = [str(row.get(k) or "").strip() for k in ("first_name", "last_name")]
    return " ".join(p for p in parts if p) or None


async def _person(row: Row, look: Lookups) -> PersonRow:
    names = ", ".join(sorted({f["name"] for f in look.ctx.ref.footprints.values()}))
    data: dict[str, object] = {
        "name": _name(row),
        "email": row.get("email"),
        "phone": row.get("phone"),
        "postcode": _postcode(row.get("postcode")),
        "year_of_birth": _year_of_birth(row),
        "footprint": _choose(row, "footprint", look.footprints, f"Use one of: {names}."),
    }
    data = {k: (str(v) if k in ("name", "email", "phone") and v is not None else v)
            for k, v in data.items()}  # fmt: skip
    consent = _consent(row)
    if consent is not None:
        data["consent_to_contact"] = consent
    organisation = _choose(
        row, "organisation", look.organisations,
        "It is not one we know: add it in Settings first, or leave the cell empty.",
    )  # fmt: skip
    try:
        clean = await validate(PEOPLE, data, look.ctx, None)
    except Invalid as exc:
        for key, message in exc.errors.items():
            if key == "year_of_birth" and "date_of_birth" in row.values:
                key = "date_of_birth"
            elif key == "name" and "name" not in row.values:
                key = "first_name" if "first_name" in row.values else "last_name"
            row.bad_value(key if key in BY_KEY else "name", message)
        return PersonRow()
    if consent is None:
        clean.pop("consent_to_contact", None)  # not in the file: not "no"
    if organisation is not None:
        clean["organisation"] = organisation
    return clean


def _dated(row: Row, key: str, label: str, when: date | None, default: date | None) -> date | None:
    """A date through the API's own rules (not in the future, not before 2010)."""
    if when is None and row.get(key) is not None:
        return None  # could not be read: already reported
    form = Form({key: when})
    form.date(key, label, required=default is None, default=default)
    if form.errors:
        row.bad_value(key, form.errors[key])
        return None
    return form.needed(key, date)


def _membership(row: Row, look: Lookups) -> MembershipRow | None:
    joined = row.date("joined_on")
    if row.get("programme") is None:
        if row.get("joined_on") is not None or row.get("status") is not None:
            row.problem("programme", "there is a date joined or a status, but no programme.")
        return None
    names = ", ".join(p["name"] for p in look.ctx.ref.programmes.values())
    programme = _choose(row, "programme", look.programmes, f"Use one of: {names}.")
    word = simple(str(row.get("status") or "active"))
    status = STATUS_WORDS.get(word, word)
    if status not in STATUSES:
        row.bad_value("status", "Write active, paused or left.")
    joined_on = _dated(row, "joined_on", "the date they joined", joined, today())
    if programme is None or status not in STATUSES or joined_on is None:
        return None
    left_on = today() if status == "left" else None
    return {"programme": programme, "joined_on": joined_on, "status": status, "left_on": left_on}


def _training(row: Row, look: Lookups) -> TrainingRecordRow | None:
    completed = row.date("completed_on")
    certificate = row.get("certificate_number")
    if row.get("course") is None:
        if row.get("completed_on") is not None or certificate is not None:
            row.problem("course", "there is a training date or certificate, but no course.")
        return None
    names = ", ".join(c["name"] for c in look.ctx.ref.courses.values())
    course = _choose(row, "course", look.courses, f"Use one of: {names}.")
    completed_on = _dated(row, "completed_on", "the date it was completed", completed, None)
    form = Form({"certificate_number": None if certificate is None else str(certificate)})
    form.text("certificate_number", "the certificate number", max_length=60, default=None)
    if form.errors:
        row.bad_value("certificate_number", form.errors["certificate_number"])
    if course is None or completed_on is None or form.errors:
        return None
    months = look.ctx.ref.courses[course]["valid_for_months"]
    return {
        "course": course,
        "completed_on": completed_on,
        "certificate_number": form.got("certificate_number", str),
        "expires_on": add_months(completed_on, months) if months else None,
    }


async def check_row(
    number: int, cells: Sequence[object], mapping: Mapping[str, str], look: Lookups
) -> RowPlan:
    """One row's person, membership and training record, or its problems."""
    row = Row(number, cells, mapping)
    person = await _person(row, look)
    membership = _membership(row, look)
    training = _training(row, look)
    return RowPlan(number, person, membership, training, row.problems)
