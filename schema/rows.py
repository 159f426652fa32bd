"""What a row of each record table holds, for the type checker: `Table.select()` gives
plain dicts, and the code that reads them by name says which of these it has
(server.lib.rows.rows_as). A row from the database has every column; the values a change
sets (a record type's clean fields) are some of them, so the keys are not all required.
tests/test_rows.py checks each against its table in tables.py: same columns, same types.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict
from uuid import UUID


class FootprintRow(TypedDict, total=False):
    id: int
    name: str
    code: str


class OrganisationRow(TypedDict, total=False):
    id: int
    name: str
    kind: str
    sector: str
    footprint: int | None


class ProgrammeRow(TypedDict, total=False):
    id: int
    slug: str
    name: str
    kind: str
    description: str
    target: int | None
    target_date: date | None
    sort_order: int


class PersonRow(TypedDict, total=False):
    id: int
    name: str
    email: str | None
    phone: str | None
    postcode: str | None
    year_of_birth: int | None
    footprint: int | None
    organisation: int | None
    consent_to_contact: bool
    created_at: datetime
    updated_at: datetime
    email_confirmed: bool


class MembershipRow(TypedDict, total=False):
    id: int
    person: int
    programme: int
    joined_on: date
    status: str
    left_on: date | None
    created_at: datetime
    updated_at: datetime


class CourseRow(TypedDict, total=False):
    id: int
    slug: str
    name: str
    provider: str
    guided_learning_hours: int | None
    programme: int | None
    valid_for_months: int | None


class TrainingRecordRow(TypedDict, total=False):
    id: int
    person: int
    course: int
    completed_on: date
    certificate_number: str | None
    expires_on: date | None
    created_at: datetime


class ActivityRow(TypedDict, total=False):
    id: int
    client_id: UUID
    person: int | None
    programme: int
    kind: str
    occurred_on: date
    footprint: int | None
    people_reached: int
    minutes: int
    note: str
    review_status: str
    review_reason: str
    created_at: datetime
    updated_at: datetime
    setting: str
    postcode: str | None
    service: int | None
    take_up: str
    take_up_at: datetime | None


class FriendsSessionRow(TypedDict, total=False):
    id: int
    programme: int
    held_on: date
    footprint: int | None
    venue: str
    run_by: int | None
    attendees: int
    note: str
    created_at: datetime
    review_status: str


class ExternalCountRow(TypedDict, total=False):
    id: int
    programme: int
    footprint: int | None
    friends: int
    as_of: date
    source: str
    note: str
    created_at: datetime


class StoryRow(TypedDict, total=False):
    id: int
    person: int | None
    programme: int | None
    text: str
    consent_to_publish: bool
    status: str
    created_at: datetime
    reviewed_at: datetime | None


# Joining (issue 15) -----------------------------------------------------------------------


class ApplicationRow(TypedDict, total=False):
    id: int
    name: str
    email: str | None
    phone: str | None
    postcode: str
    year_of_birth: int
    footprint: int | None
    organisation: str
    consent_to_contact: bool
    parent_name: str
    parent_email: str | None
    parent_consent: bool
    parent_checked_at: datetime | None
    status: str
    message: str
    person: int | None
    requested_from: str
    waiting_key: str | None
    created_at: datetime
    decided_at: datetime | None


class ApplicationProgrammeRow(TypedDict, total=False):
    id: int
    application: int
    programme: int


# Upcoming sessions (issue 15)


class UpcomingSessionRow(TypedDict, total=False):
    id: int
    programme: int
    title: str
    starts_at: datetime
    minutes: int
    venue: str
    footprint: int | None
    capacity: int
    accessibility: str
    bookable: bool
    organiser: int | None
    status: str
    friends_session: int | None
    created_at: datetime
    updated_at: datetime


class BookingRow(TypedDict, total=False):
    id: int
    session: int
    name: str
    email: str | None
    mobile: str | None
    status: str
    attended: bool
    token_hash: str | None
    requested_from: str
    reminded_at: datetime | None
    created_at: datetime


class ServiceRow(TypedDict, total=False):
    id: int
    name: str
    kind: str
    footprint: int | None
    active: bool
    created_at: datetime


class TopicRow(TypedDict, total=False):
    id: int
    slug: str
    name: str
    active: bool
    sort_order: int


class ActivityTopicRow(TypedDict, total=False):
    id: int
    activity: int
    topic: int


class PostcodeAreaRow(TypedDict, total=False):
    id: int
    postcode: str
    lsoa: str


class AreaDeprivationRow(TypedDict, total=False):
    id: int
    lsoa: str
    imd_decile: int


# Wellbeing (issue 16)


class WellbeingAnswerRow(TypedDict, total=False):
    id: int
    person: int
    programme: int
    months: int
    life_satisfaction: int | None
    worthwhile: int | None
    happiness: int | None
    anxiety: int | None
    skipped: bool
    answered_at: datetime
