"""Everything held about a person, table by table: which rows are about them, what the
download shows of them, and what erasure does to them.

This is the one definition of "everything about a person". Erasure (erase.py) and the
download (download.py) both walk HOLDINGS, and tests/test_privacy_registry.py walks every
table in schema/tables.py and fails when a column that can hold personal data is neither
in a holding's `personal` nor in NOT_PERSONAL with a reason: a new table cannot be
forgotten. A table linked to a person by a `person` column is one `Holding` in
holdings.py (see EmailChange there); a column named token_hash needs nothing, since a
column of that name is known to be a hash (HASH_COLUMNS).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from piccolo.columns import Column
from piccolo.custom_types import Combinable
from piccolo.table import Table

from server.privacy.subject import Subject

# A row of the download: its fields by key, with whatever values the columns hold (the
# download only shows them as text or JSON).
Row = Mapping[str, object]
Fetch = Callable[[Subject], Awaitable[Sequence[Row]]]
Erase = Callable[[Subject, int | None], Awaitable[int]]

# How erasure treats a holding's rows.
DELETE = "delete"  # the rows go (audited as `audit_as` when set)
DETACH = "detach"  # the rows stay, with `detach` values: no link to the person, no free text
KEEP = "keep"  # the rows stay as they are (`kept_because` says why that is safe)
CUSTOM = "custom"  # `erase` does it


@dataclass(frozen=True)
class Field:
    """One column of a holding as the download shows it."""

    key: str  # in the JSON download
    heading: str  # on the page and in the CSV
    column: Column | None = None  # None: the holding's own fetch fills it
    # Plain words for a column of codes, on the page and in the CSV (the JSON keeps the
    # codes, which programs rely on).
    words: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Holding:
    """One table's personal data about a person."""

    table: type[Table]
    key: str  # the section of the download
    title: str  # its heading on the readable page
    intro: str  # one sentence under the heading: what it is, in plain English
    about: Callable[[Subject], Combinable]  # the rows about the person
    fields: tuple[Field, ...]
    personal: tuple[str, ...]  # every column that can hold personal data
    action: str = DELETE
    audit_as: str = ""  # record type of the audit events for rows erased
    detach: dict[str, object] = field(default_factory=dict)  # values set by DETACH
    kept_because: str = ""  # for KEEP
    fetch: Fetch | None = None  # rows for the download, when not a plain select
    erase: Erase | None = None  # for CUSTOM
    order: Column | None = None  # the download's order (default: id)


def f(
    key: str, heading: str, column: Column | None = None, words: Mapping[str, str] | None = None
) -> Field:
    return Field(key, heading, column, words)


def by_person(column: Column) -> Callable[[Subject], Combinable]:
    return lambda s: column == s.person_id


def by_account(column: Column) -> Callable[[Subject], Combinable]:
    return lambda s: column.is_in(list(s.account_ids) or [0])


def by_email(column: Column) -> Callable[[Subject], Combinable]:
    return lambda s: column.is_in(list(s.emails) or [""])


def owned(
    table: type[Table],
    key: str,
    title: str,
    shown: tuple[str, ...],
    personal: tuple[str, ...] = (),
    intro: str = "",
) -> Holding:
    """A table whose rows belong to a person through a `person` column: downloaded with
    the columns named in `shown`, deleted on erasure."""
    cols = {c._meta.name: c for c in table._meta.columns}
    fields = tuple(Field(n, n.replace("_", " ").capitalize(), cols[n]) for n in shown)
    return Holding(
        table, key, title, intro, by_person(cols["person"]), fields, ("person", *personal)
    )


# Columns the registry test would flag (text, JSON, links to a person or an account) that
# hold nothing about a person, and why. Keys are "table.column".
REFERENCE = "reference data the council writes (names of areas, programmes, courses)"
CODE = "a code from a fixed list, never typed by a person"
HASH = "only a SHA-256 hash of a random secret: it says nothing about anyone"
HASH_COLUMNS = frozenset({"token_hash"})  # in any table: HASH
NOT_PERSONAL: dict[str, str] = {
    **{f"footprint.{c}": REFERENCE for c in ("name", "code")},
    **{f"organisation.{c}": REFERENCE + "; an organisation, not a person"
       for c in ("name", "kind", "sector")},
    **{f"programme.{c}": REFERENCE for c in ("slug", "name", "kind", "description")},
    **{f"course.{c}": REFERENCE for c in ("slug", "name", "provider")},
    "membership.status": CODE,
    "activity.kind": CODE,
    "activity.setting": CODE,
    **{f"activity_facet_{period}.{c}": "counts of activities by a code from a fixed list "
       "(a setting, a quintile, a topic's or service's id)"
       for period in ("daily", "monthly") for c in ("facet", "value")},
    "activity.take_up": CODE + " (whether a signposted person went: yes, no, not known)",
    **{f"service.{c}": REFERENCE + "; a service, not a person" for c in ("name", "kind")},
    **{f"topic.{c}": REFERENCE for c in ("slug", "name")},
    "postcode_area.postcode": "the council's lookup of every postcode in the borough, "
    "not anyone's address",
    "postcode_area.lsoa": REFERENCE + "; a national small-area code",
    "area_deprivation.lsoa": REFERENCE + "; a national small-area code",
    "activity.review_status": CODE,
    "activity.review_reason": "made by the app from the numbers (over 500 people reached)",
    "external_count.source": "a national programme's name, not a person",
    "external_count.note": "about a figure from a national programme, not a person",
    "friends_session.venue": "a public place where a session was held",
    "friends_session.review_status": CODE,
    "account.role": CODE,
    "audit_event.action": CODE,
    "audit_event.record_type": CODE,
    "story.status": CODE,
    "import_job.status": CODE,
    "import_job.mapping": "which column holds which field: headings, no values",
    "import_job.error": "a message made by the app, with row counts only",
    "site_text.key": CODE,
    "site_text.value": "the council's own public text (privacy notice, name, contact)",
    "chore.name": CODE,
    # Joining (issue 15)
    "application.status": CODE,
    # Upcoming sessions (issue 15)
    "upcoming_session.title": "a public session's title, published on /events",
    "upcoming_session.venue": "a public place where a session is held",
    "upcoming_session.accessibility": "about a venue's access, published on /events",
    "upcoming_session.status": CODE,
    "booking.status": CODE,
}  # fmt: skip
