"""Reading input field by field, with a message for each field that says what to fix.

The same readers serve the JSON API and, later, the HTML forms: values may arrive as JSON
types or as the strings a form sends.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email

from server.settings import today

EARLIEST = date(2010, 1, 1)
LATEST = date(2100, 12, 31)  # for dates that may be in the future (targets, expiry)
MAX_ID = 2**31 - 1  # the highest id: ids are 32-bit on PostgreSQL
# Control characters other than tab and new line, the C1 ones (U+0080 to U+009F) included:
# PostgreSQL refuses NUL, and none of them belongs in a name or a note.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Marks that change the direction of the text around them (embeddings, overrides, isolates
# and the direction marks). In a name they can make it read as someone else's, or reorder
# what is shown next to it, so names refuse them.
DIRECTION = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Characters that show as nothing at all (zero-width space, word joiners, the byte order
# mark, line and paragraph separators, fillers): a name made of them, or with them inside,
# looks like another name or like none. The joiners some alphabets need (U+200C, U+200D)
# are allowed.
INVISIBLE = re.compile(
    r"[\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2028\u2029\u2060-\u2064\u3164\uffa0\ufeff]"
)
# 12, -3 or 1,250 (a thousands comma, as people type in forms and spreadsheets).
WHOLE = re.compile(r"-?(?:[0-9]{1,12}|[0-9]{1,3}(?:,[0-9]{3}){1,3})")
# A UK postcode as people type it (any case, with or without its space): people's homes,
# applicants' and the places of activities are all read with it.
POSTCODE = re.compile(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}")
# Fields that clients may send back unchanged from a record they read; never written.
READ_ONLY = frozenset({"id", "created_at", "updated_at"})

# How the values were sent: a page's form (text, read leniently: "1,250", "yes"), a JSON
# body (JSON types only, exactly as the API's document describes them) or an API query
# (text in the document's shapes: 12, true, 2025-03-31).
FORM, JSON, QUERY = "form", "json", "query"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INTEGER = re.compile(r"-?[0-9]+")
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")

T = TypeVar("T")
PARTS = ("day", "month", "year")
Day = date  # the type, for annotations inside Form (whose method date() hides it)


class Invalid(Exception):
    """Input that cannot be used, with one message per field (the key "" for the whole)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class Unprocessable(Invalid):
    """Input that fits the API's document, field by field, but breaks a rule that depends
    on other fields or on the records already there: a record it names is not there, a
    date before another, a programme the person is not in (HTTP 422 in the API; a page
    shows it like any other mistake)."""


class Limited(Invalid):
    """Asked too often: the messages say when to try again, and `retry_after` in how many
    seconds (HTTP 429 with Retry-After in the API; a page shows it like any mistake)."""

    def __init__(self, errors: Mapping[str, str], retry_after: int) -> None:
        super().__init__(errors)
        self.retry_after = retry_after


class Listed(dict[str, int]):
    """The choices of a field that names a record of one of the council's lists (a
    programme by its slug, an area by its code), which change as coordinators add to
    them: a value of the right shape that is not there now is Unprocessable, not Invalid
    (the API's document gives the shape; GET `where` gives the values)."""

    def __init__(
        self, choices: Mapping[str, int], *, shape: re.Pattern[str], max_length: int, where: str
    ) -> None:
        super().__init__(choices)
        self.shape, self.max_length, self.where = shape, max_length, where

    def well_formed(self, key: str) -> bool:
        return len(key) <= self.max_length and self.shape.fullmatch(key) is not None


class Clash(Invalid):
    """Input that fits, but would leave the records in a state the app does not allow
    (no active admin left): HTTP 409 in the API; a page shows it like any mistake."""


class Conflict(Exception):
    """Input that clashes with a record already there (HTTP 409)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def given_twice(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """A query's keys given more than once, each with its message: which of the values
    would count depends on who reads it (the framework keeps the last, a dict the first),
    so such a query is refused."""
    counts = Counter(key for key, _ in pairs)
    return {
        key[:40]: f"Give {key[:40]!r} once only (it was given {count} times)."
        for key, count in counts.items()
        if count > 1
    }


def left_blank(value: object) -> bool:
    """Nothing given: no value, blank text, or a page's date or time boxes all empty."""
    if isinstance(value, DateParts):
        return value.blank()
    if isinstance(value, TimeParts):
        return not (value.hours.strip() or value.minutes.strip())
    return _blank(value)


def after_today(value: date) -> bool:
    """Whether a date is after today where the council is. No time zone is a whole day
    behind UTC, so a date before yesterday in UTC never is: most dates need no zone worked
    out (a phone's batch checks 500 of them)."""
    return value >= datetime.now(UTC).date() - timedelta(days=1) and value > today()


@lru_cache(maxsize=32_768)
def _checked_email(text: str) -> str | None:
    """An email address as saved (normalised, lower case), or None if it is not one. The
    check takes about 0.1 ms and depends on nothing but the text, so it is remembered: an
    import checks each address of the file at the preview and again when it runs."""
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


class Form:
    """Reads fields from one submitted mapping and collects what is wrong with them.

    With partial=True (an update), fields that were not sent are left alone: they are
    neither checked nor written. `sent_as` says how the values came (FORM, JSON or QUERY):
    the API takes only what its document describes, a page what people type.
    """

    def __init__(
        self, data: Mapping[str, object], *, partial: bool = False, sent_as: str = FORM
    ) -> None:
        if not isinstance(data, Mapping):
            raise Invalid({"": "Send a JSON object with the record's fields."})
        self.data = data
        self.partial = partial
        self.json = sent_as == JSON
        self.query = sent_as == QUERY
        self.errors: dict[str, str] = {}
        # Mistakes the API's document cannot show (a slug of the right shape not in the
        # lists now, an address of the right form that cannot get email): Unprocessable,
        # when there is no other.
        self.unprocessable: dict[str, str] = {}
        self.clean: dict[str, object] = {}
        self._known: set[str] = set(READ_ONLY)

    def _none(self, raw: object) -> bool:
        """Nothing given, for a field that is not text: in a JSON body null (the
        document's none), in an API query an empty value, on a page a blank box."""
        if self.json:
            return raw is None
        if self.query:
            return raw is None or raw == ""
        return left_blank(raw)

    def _take(self, name: str) -> tuple[bool, object]:
        """Whether to read the field at all, and its raw value."""
        self._known.add(name)
        if self.partial and name not in self.data:
            return False, None
        return True, self.data.get(name)

    def _missing(self, name: str, required: bool, default: object, message: str) -> None:
        if required:
            self.errors[name] = message
        else:
            self.clean[name] = default

    def text(
        self,
        name: str,
        label: str,
        *,
        max_length: int,
        required: bool = False,
        default: str | None = "",
        pattern: re.Pattern[str] | None = None,
        pattern_hint: str = "",
    ) -> None:
        present, raw = self._take(name)
        if not present:
            return
        if (self.json or self.query) and isinstance(raw, str) and len(raw) > max_length:
            self.errors[name] = f"{label.capitalize()} must be {max_length} characters or fewer."
            return
        if (self.json or self.query) and isinstance(raw, str) and CONTROL.search(raw):
            # Refused even among spaces (some controls count as spaces): as the document says.
            self.errors[name] = f"Remove the unusual hidden characters from {label}."
            return
        if _blank(raw):
            self._missing(name, required, default, f"Enter {label}.")
            return
        text = isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool))
        if not text or (self.json and not isinstance(raw, str)):
            self.errors[name] = f"Enter {label} as text."
            return
        # The API's document gives the limits of the value as sent; a page's box, trimmed.
        value = str(raw) if self.json or self.query else str(raw).strip()
        if CONTROL.search(value):
            self.errors[name] = f"Remove the unusual hidden characters from {label}."
        elif len(value) > max_length:
            self.errors[name] = f"{label.capitalize()} must be {max_length} characters or fewer."
        elif pattern is not None and not pattern.fullmatch(value):
            self.errors[name] = pattern_hint or f"Check {label}."
        else:
            self.clean[name] = value.strip()

    def name(self, name: str, label: str, *, max_length: int, required: bool = False) -> None:
        """A name (of a person, organisation, area, programme or course): text as above,
        without the marks that change the direction of the text."""
        self.text(name, label, max_length=max_length, required=required)
        if name in self.errors:
            return
        # The API checks the value as sent (the marks may stand beside spaces, or for
        # them); a page, the value as trimmed.
        value = self.data.get(name) if self.json or self.query else self.clean.get(name)
        if isinstance(value, str) and DIRECTION.search(value):
            self.clean.pop(name, None)
            self.errors[name] = (
                f"Remove the hidden characters that change the direction of the text from {label}."
            )
        elif isinstance(value, str) and INVISIBLE.search(value):
            self.clean.pop(name, None)
            self.errors[name] = (
                f"Remove the hidden characters (such as zero-width spaces) from {label}."
            )

    def integer(
        self,
        name: str,
        label: str,
        *,
        low: int,
        high: int,
        required: bool = False,
        default: int | None = None,
    ) -> None:
        present, raw = self._take(name)
        if not present:
            return
        if self._none(raw):
            self._missing(name, required, default, f"Enter {label}.")
            return
        value: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        elif isinstance(raw, str) and self.json:
            pass  # a number in quotes: the API's document asks for a number
        elif isinstance(raw, str) and self.query and INTEGER.fullmatch(raw):
            value = int(raw)
        elif isinstance(raw, str) and not self.query and WHOLE.fullmatch(raw.strip()):
            value = int(raw.strip().replace(",", ""))
        if value is None and self.json:
            self.errors[name] = f"Send {label} as a whole number, like 12, not in quotes."
        elif value is None:
            self.errors[name] = f"Enter {label} as a whole number, like 12."
        elif not low <= value <= high:
            self.errors[name] = f"{label.capitalize()} must be from {low:,} to {high:,}."
        else:
            self.clean[name] = value

    def date(
        self,
        name: str,
        label: str,
        *,
        required: bool = False,
        default: date | None = None,
        allow_future: bool = False,
        earliest: date = EARLIEST,
    ) -> None:
        """A date: ISO text (the API, a filter) or a page's day, month and year boxes
        (DateParts), whose messages follow the GOV.UK date input pattern."""
        present, raw = self._take(name)
        if not present:
            return
        if isinstance(raw, DateParts):
            self._date_from_parts(name, label, raw, required, default, allow_future, earliest)
            return
        if self._none(raw):
            self._missing(name, required, default, f"Enter {label}.")
            return
        try:
            if (self.json or self.query) and not (isinstance(raw, str) and ISO_DATE.fullmatch(raw)):
                raise ValueError(raw)  # the API takes only the document's YYYY-MM-DD
            value = raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
        except ValueError:
            self.errors[name] = f"Enter {label} as a real date, like 2025-03-31."
            return
        if value < earliest:
            self.errors[name] = f"{label.capitalize()} must be on or after {earliest:%-d %B %Y}."
        elif value > LATEST:
            self.errors[name] = f"{label.capitalize()} must be before {LATEST.year + 1}."
        elif not allow_future and after_today(value):
            self.errors[name] = f"{label.capitalize()} cannot be in the future."
        else:
            self.clean[name] = value

    def _date_from_parts(
        self,
        name: str,
        label: str,
        parts: DateParts,
        required: bool,
        default: Day | None,
        allow_future: bool,
        earliest: Day,
    ) -> None:
        if parts.blank():
            self._missing(name, required, default, f"Enter {label}.")
            return
        problem, value = parts.read()
        if value is None:
            self.errors[name] = f"{label.capitalize()} {problem}."
        elif value < earliest:
            parts.wrong = PARTS
            self.errors[name] = (
                f"{label.capitalize()} must be the same as or after {earliest:%-d %B %Y}."
            )
        elif value > LATEST:
            parts.wrong = PARTS
            self.errors[name] = f"{label.capitalize()} must be before {LATEST.year + 1}."
        elif not allow_future and after_today(value):
            parts.wrong = PARTS
            self.errors[name] = f"{label.capitalize()} must be today or in the past."
        else:
            self.clean[name] = value

    def duration(self, name: str, label: str, *, high: int, default: int = 0) -> None:
        """Minutes: a whole number (the API), or a page's hours and minutes boxes."""
        present, raw = self._take(name)
        if not present:
            return
        if not isinstance(raw, TimeParts):
            self.integer(name, f"{label} in minutes", low=0, high=high, default=default)
            return
        problem, value = raw.read()
        if value is None:
            self.errors[name] = problem
        elif value > high:
            raw.wrong = ("hours", "minutes")
            self.errors[name] = f"{label.capitalize()} must be {describe_minutes(high)} or less."
        else:
            self.clean[name] = value

    def choice(
        self,
        name: str,
        label: str,
        choices: Mapping[str, T],
        *,
        required: bool = False,
        default: T | None = None,
    ) -> None:
        """A value from a fixed list; clean holds the mapped value (for example an id)."""
        present, raw = self._take(name)
        if not present:
            return
        if self._none(raw):
            self._missing(name, required, default, f"Choose {label}.")
            return
        key = str(raw) if self.json or self.query else str(raw).strip()
        if key not in choices or (self.json and not isinstance(raw, str)):
            listed = ", ".join(list(choices)[:12])
            more = ", ..." if len(choices) > 12 else ""
            message = (
                f"Choose {label} from: {listed}{more}."
                if listed
                else (f"There is no {label} to choose from yet.")
            )
            if isinstance(choices, Listed) and isinstance(raw, str) and choices.well_formed(key):
                self.unprocessable[name] = message
            else:
                self.errors[name] = message
        else:
            self.clean[name] = choices[key]

    def slugs(
        self, name: str, label: str, *, shape: re.Pattern[str], max_length: int, most: int
    ) -> None:
        """Short names of records in one of the council's lists (an activity's topics): a
        JSON list of them, or a page's ticked boxes (one value, or a list when several are
        ticked). Nothing (null, no box ticked) is an empty list; a name given twice counts
        once. Whether each is in the list now is for the caller to say (Unprocessable)."""
        present, raw = self._take(name)
        if not present:
            return
        if raw is None or (not self.json and _blank(raw)):
            self.clean[name] = []
            return
        values = raw if isinstance(raw, list) else None
        if values is None and not self.json and isinstance(raw, str):
            values = [raw]
        if values is None:
            self.errors[name] = f'Send {label} as a list of short names, like ["smoking"].'
            return
        if len(values) > most:
            self.errors[name] = f"Choose at most {most} of {label}."
            return
        out: list[str] = []
        for value in values:
            key = value if self.json or not isinstance(value, str) else value.strip()
            if not isinstance(key, str) or len(key) > max_length or not shape.fullmatch(key):
                self.errors[name] = (
                    f"Each of {label} must be a short name in lower-case letters, numbers "
                    'and dashes, like "smoking".'
                )
                return
            if key not in out:
                out.append(key)
        self.clean[name] = out

    def email(self, name: str, *, required: bool = False) -> None:
        present, raw = self._take(name)
        if not present:
            return
        if self._none(raw):
            self._missing(name, required, None, "Enter an email address.")
            return
        if self.json and not isinstance(raw, str):
            self.errors[name] = "Send the email address as text."
            return
        checked = _checked_email(raw if self.json else str(raw).strip())
        if checked is None and self.json and isinstance(raw, str) and "@" in raw:
            # The document's format (RFC 5322) allows what cannot get email here, such as
            # an address at a domain kept for testing (.test, .local, .invalid).
            self.unprocessable[name] = "Enter an email address that can get email."
            return
        if checked is None:
            self.errors[name] = "Enter an email address like name@example.com."
            return
        self.clean[name] = checked

    def boolean(self, name: str, label: str, *, default: bool = False) -> None:
        present, raw = self._take(name)
        if not present:
            return
        if raw is None or (raw == "" and not self.json):
            self.clean[name] = default
        elif isinstance(raw, bool):
            self.clean[name] = raw
        elif self.json:
            self.errors[name] = f"Say yes or no for {label}: send true or false."
        elif self.query and raw in ("true", "false"):
            self.clean[name] = raw == "true"
        elif self.query:
            self.errors[name] = f"Say true or false for {label}."
        elif str(raw).lower() in {"true", "on", "yes", "1"}:
            self.clean[name] = True
        elif str(raw).lower() in {"false", "off", "no", "0"}:
            self.clean[name] = False
        else:
            self.errors[name] = f"Say yes or no for {label} (true or false)."

    def uuid(self, name: str, label: str, *, required: bool = False) -> None:
        present, raw = self._take(name)
        if not present:
            return
        if self._none(raw):
            self._missing(name, required, None, f"Send {label}.")
            return
        try:
            if (self.json or self.query) and not (
                isinstance(raw, str) and UUID_TEXT.fullmatch(raw)
            ):
                raise ValueError(raw)  # the document's form: 8-4-4-4-12 hexadecimal digits
            self.clean[name] = uuid.UUID(str(raw).strip())
        except ValueError:
            self.errors[name] = f"{label.capitalize()} must be a UUID, like {uuid.uuid4()}."

    def reference(self, name: str, label: str, *, required: bool = False) -> None:
        """The id of another record; whether it exists is checked by the caller."""
        self.integer(name, label, low=1, high=MAX_ID, required=required)

    def check_unknown(self) -> None:
        for key in self.data:
            if key not in self._known:
                self.errors[str(key)[:60]] = (
                    "This field is not known: remove it or check its spelling."
                )

    def result(self) -> dict[str, object]:
        """The clean values, or Invalid with every message at once (Unprocessable when
        the only mistakes are records named that are not in the lists now)."""
        self.check_unknown()
        if self.errors:
            raise Invalid({**self.errors, **self.unprocessable})
        if self.unprocessable:
            raise Unprocessable(self.unprocessable)
        return self.clean

    def got(self, name: str, kind: type[T]) -> T | None:
        """A clean value, as the type its reader gives (an integer's int, a date's date, a
        text's str, a choice's id): None when it was not given."""
        value = self.clean.get(name)
        if value is None:
            return None
        if not isinstance(value, kind):  # a reader and its caller disagree
            raise TypeError(f"{name} is {type(value).__name__}, not {kind.__name__}")
        return value

    def needed(self, name: str, kind: type[T]) -> T:
        """A clean value that is always there once result() has not refused the form (a
        required field, or one with a default)."""
        value = self.got(name, kind)
        if value is None:  # a reader and its caller disagree
            raise TypeError(f"{name} has no value")
        return value


def _number(text: str, digits: int) -> int | None:
    """A box's whole number (up to `digits` digits), or None."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


@dataclass
class DateParts:
    """A date as a page's three boxes sent it (`<name>-day`, `-month`, `-year`), kept as
    typed so the form can be shown again; `wrong` names the boxes to mark after a read."""

    day: str
    month: str
    year: str
    wrong: tuple[str, ...] = ()

    def blank(self) -> bool:
        return not (self.day.strip() or self.month.strip() or self.year.strip())

    def read(self) -> tuple[str, date | None]:
        """The date, or what is wrong with it in the GOV.UK pattern's words (after the
        field's label: "must include a month")."""
        typed = {"day": self.day, "month": self.month, "year": self.year}
        missing = tuple(p for p in PARTS if not typed[p].strip())
        if missing:
            self.wrong = missing
            return "must include a " + " and ".join(missing), None
        day, month, year = _number(self.day, 2), _number(self.month, 2), _number(self.year, 4)
        if year is not None and len(self.year.strip()) != 4:
            self.wrong = ("year",)
            return "must have a year with 4 numbers, like 2026", None
        if day is None or month is None or year is None:
            numbers = {"day": day, "month": month, "year": year}
            self.wrong = tuple(p for p in PARTS if numbers[p] is None)
            return "must be a real date", None
        try:
            return "", date(year, month, day)
        except ValueError:
            self.wrong = ("month",) if not 1 <= month <= 12 else ("day",)
            return "must be a real date", None

    def iso(self) -> str:
        """The date as ISO text when it is one, else ""."""
        value = self.read()[1]
        return value.isoformat() if value else ""


@dataclass
class TimeParts:
    """Time spent as a page's two boxes sent it (`time_hours`, `time_minutes`)."""

    hours: str
    minutes: str
    wrong: tuple[str, ...] = ()

    def read(self) -> tuple[str, int | None]:
        """Minutes in all (both boxes blank is 0), or what to fix."""
        hours = _number(self.hours, 2) if self.hours.strip() else 0
        minutes = _number(self.minutes, 4) if self.minutes.strip() else 0
        self.wrong = tuple(p for p, v in (("hours", hours), ("minutes", minutes)) if v is None)
        if hours is None or minutes is None:
            return "Enter the time spent as whole hours and minutes, like 1 hour 30 minutes.", None
        return "", hours * 60 + minutes


def describe_minutes(total: int) -> str:
    """Minutes in words, as people say them: "1 hour 30 minutes", "45 minutes"."""
    hours, minutes = divmod(total, 60)
    said = []
    if hours:
        said.append(f"{hours:,} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        said.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(said)


TIME_BOXES = {"minutes": ("time_hours", "time_minutes")}


def form_value(data: Mapping[str, object], name: str) -> object:
    """One field of a page's form: the date boxes or the hours-and-minutes boxes read as
    one value when the page sent them, else the field as sent (ISO text, a number)."""
    boxes = [f"{name}-{p}" for p in PARTS]
    if any(box in data for box in boxes):
        day, month, year = (str(data.get(box) or "") for box in boxes)
        return DateParts(day, month, year)
    hours, minutes = TIME_BOXES.get(name, ("", ""))
    if hours and (hours in data or minutes in data):
        return TimeParts(str(data.get(hours) or ""), str(data.get(minutes) or ""))
    return data.get(name, "")


def read_date_filters(
    params: Mapping[str, str], names: tuple[str, ...] = ("since", "until")
) -> dict[str, str | DateParts]:
    """A list's query parameters with each date filter's day, month and year boxes read as
    one value. A real date becomes ISO text, so the page's links and downloads carry ISO
    (and older links with ISO `since=` keep working); a date typed wrong stays as the
    boxes, so the filter's Form.date gives the GOV.UK message and the page shows the boxes
    again as typed; blank boxes are no filter."""
    out: dict[str, str | DateParts] = dict(params)
    for name in names:
        boxes = [f"{name}-{p}" for p in PARTS]
        if not any(box in out for box in boxes):
            continue
        day, month, year = (str(out.pop(box, None) or "") for box in boxes)
        parts = DateParts(day, month, year)
        if parts.blank():
            out[name] = ""
            continue
        value = parts.read()[1]
        out[name] = value.isoformat() if value else parts
    return out
