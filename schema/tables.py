"""Every table of the movement, in one place.

Choices (kinds, statuses, roles) are plain strings checked by the services, so that a new
choice needs no database migration. Times are always stored as aware UTC datetimes.

Unique indexes over several columns are made by a hand-written migration
(piccolo's auto-migrations add them with ALTER TABLE ADD CONSTRAINT, which SQLite lacks);
each is named in a comment on its table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from piccolo.columns import (
    JSON,
    UUID,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

if TYPE_CHECKING:

    class _Table(Table):
        id: Serial  # piccolo adds it to every table; this tells the type checker

else:
    _Table = Table


class Footprint(_Table):
    """A neighbourhood area (a 'service delivery footprint'): Wigan has seven."""

    name = Varchar(length=100, unique=True)
    code = Varchar(length=20, unique=True)


class Organisation(_Table):
    """A host organisation: employer, school, GP practice, community or voluntary group."""

    name = Varchar(length=200, index=True)
    kind = Varchar(length=30)
    sector = Varchar(length=20)
    footprint = ForeignKey(references=Footprint, null=True, on_delete=OnDelete.restrict)


class Programme(_Table):
    """A role in the movement, such as Health Champions or Dementia Friends."""

    slug = Varchar(length=60, unique=True)
    name = Varchar(length=100, unique=True)
    kind = Varchar(length=20)  # champion | friend
    description = Text(default="")
    target = Integer(null=True, default=None)
    target_date = Date(null=True, default=None)
    sort_order = Integer(default=100)


class Person(_Table):
    """A citizen in the movement. Most Friends are counted, not named, so are not here."""

    name = Varchar(length=200, index=True)
    email = Varchar(length=254, null=True, default=None, unique=True)
    phone = Varchar(length=40, null=True, default=None)
    postcode = Varchar(length=10, null=True, default=None)
    year_of_birth = Integer(null=True, default=None)
    footprint = ForeignKey(references=Footprint, null=True, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(references=Organisation, null=True, on_delete=OnDelete.set_null)
    consent_to_contact = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # True once the owner of the address used a link sent to it (a sign-in link or an email
    # change link); addresses typed by staff or imported stay False until then.
    email_confirmed = Boolean(default=False)


class Membership(_Table):
    """A person in a programme. One person can be in many programmes, once each.

    Unique index: membership_person_programme (person, programme)."""

    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade)
    programme = ForeignKey(
        references=Programme, null=False, on_delete=OnDelete.restrict, index=True
    )
    joined_on = Date()
    status = Varchar(length=10, default="active", index=True)  # active | paused | left
    left_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Course(_Table):
    """A training course in the catalogue."""

    slug = Varchar(length=80, unique=True)
    name = Varchar(length=200)
    provider = Varchar(length=200, default="")
    guided_learning_hours = Integer(null=True, default=None)
    programme = ForeignKey(references=Programme, null=True, on_delete=OnDelete.set_null)
    valid_for_months = Integer(null=True, default=None)  # None: never expires


class TrainingRecord(_Table):
    """A course that a person completed."""

    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    course = ForeignKey(references=Course, null=False, on_delete=OnDelete.restrict)
    completed_on = Date()
    certificate_number = Varchar(length=60, null=True, default=None)
    expires_on = Date(null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Service(_Table):
    """A service that champions signpost people to (stop smoking, a health check, a debt
    advice line), kept by the council in the console. A service that signposts name is
    never deleted, only retired (active False), so old activities keep their name."""

    name = Varchar(length=200, unique=True)
    kind = Varchar(length=100, default="")  # the council's own words: "Stop smoking"
    footprint = ForeignKey(references=Footprint, null=True, on_delete=OnDelete.restrict)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Activity(_Table):
    """Something a champion did, and how many people it reached."""

    client_id = UUID(unique=True)  # made by the phone: the same activity is never counted twice
    person = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null, index=True)
    programme = ForeignKey(references=Programme, null=False, on_delete=OnDelete.restrict)
    kind = Varchar(length=30)
    occurred_on = Date(index=True)
    footprint = ForeignKey(references=Footprint, null=True, on_delete=OnDelete.restrict)
    people_reached = Integer(default=0)
    minutes = Integer(default=0)
    note = Varchar(length=500, default="")
    review_status = Varchar(length=20, default="not-needed", index=True)
    review_reason = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # Impact (issue 16), all optional. Where it happened: a kind of place ("" not given, or
    # home | gp-practice | school-college | workplace | community-venue | online |
    # street-event | other) and the place's postcode (for the deprivation of the area
    # reached; cleared when the person is erased). A signpost names the service the person
    # was sent to, and later whether they took it up ("" not known yet | yes | no |
    # dont-know) and when that was said.
    setting = Varchar(length=30, default="")
    postcode = Varchar(length=10, null=True, default=None)
    service = ForeignKey(references=Service, null=True, on_delete=OnDelete.restrict, index=True)
    take_up = Varchar(length=10, default="")
    take_up_at = Timestamptz(null=True, default=None)


class ActivityDaily(_Table):
    """Counted activities by day, programme and area: kept in step with every activity write,
    so that totals never scan the activities themselves. footprint 0 means no area given.

    Unique index: activity_daily_key (day, programme, footprint)."""

    day = Date()
    programme = Integer()
    footprint = Integer()
    # 64-bit: a month's sums can pass 2^31 with allowed values (500 x 100,000 a batch).
    activities = BigInt(default=0)
    people_reached = BigInt(default=0)
    minutes = BigInt(default=0)


class ActivityMonthly(_Table):
    """The same as ActivityDaily by month (month is the first day of the month).

    Unique index: activity_monthly_key (month, programme, footprint)."""

    month = Date()
    programme = Integer()
    footprint = Integer()
    # 64-bit: a month's sums can pass 2^31 with allowed values (500 x 100,000 a batch).
    activities = BigInt(default=0)
    people_reached = BigInt(default=0)
    minutes = BigInt(default=0)


class ActivityFacetDaily(_Table):
    """Counted activities by day, programme, area and one facet of them (issue 16), kept in
    step with every activity write like ActivityDaily, so that the breakdowns by setting,
    topic, deprivation and signpost never scan the activities. Facets and their values:
    setting (the code), quintile (1 to 5 of the place's postcode), topic (the topic's id,
    "" none) and signpost (for signposting only: "<service id or nothing>:<take-up>").
    No rows for a setting not given or a quintile not known: they are the totals less the
    known values (server/impact/figures.py). footprint 0 means no area given.

    Unique index: activity_facet_daily_key (day, programme, footprint, facet, value)."""

    day = Date()
    programme = Integer()
    footprint = Integer()
    facet = Varchar(length=10)
    value = Varchar(length=40)
    activities = BigInt(default=0)
    people_reached = BigInt(default=0)
    minutes = BigInt(default=0)


class ActivityFacetMonthly(_Table):
    """The same as ActivityFacetDaily by month (month is the first day of the month).

    Unique index: activity_facet_monthly_key (month, programme, footprint, facet, value)."""

    month = Date()
    programme = Integer()
    footprint = Integer()
    facet = Varchar(length=10)
    value = Varchar(length=40)
    activities = BigInt(default=0)
    people_reached = BigInt(default=0)
    minutes = BigInt(default=0)


class CountedRole(_Table):
    """An active role as the people rollups count it now (issue 17): the person's area
    (0: none) and the deprivation quintile of their home (0: not known) with it. Kept by
    server/totals/people.py, which compares it with the roles as they are to change the
    rollups by the difference. No foreign key: the row must outlive its person until the
    rollups have taken them out.

    Unique index: counted_role_key (person, programme)."""

    person = Integer()
    programme = Integer()
    footprint = Integer()
    quintile = Integer()
    joined_on = Date()


class RoleDaily(_Table):
    """Active roles by the day they joined, programme, the person's area and the quintile
    of their home (0 not known), kept in step with every write of roles and people.

    Unique index: role_daily_key (day, programme, footprint, quintile)."""

    day = Date()
    programme = Integer()
    footprint = Integer()
    quintile = Integer()
    roles = Integer(default=0)


class RoleMonthly(_Table):
    """The same as RoleDaily by month (month is the first day of the month).

    Unique index: role_monthly_key (month, programme, footprint, quintile)."""

    month = Date()
    programme = Integer()
    footprint = Integer()
    quintile = Integer()
    roles = Integer(default=0)


class RolePairDaily(_Table):
    """One person's active roles in the order they joined (any programme), each with the
    next: how many such pairs join on first_day and next_day, by the person's area and
    home quintile. People who joined within dates are the roles joined within them less
    the pairs both joined within them (server/totals/people.py).

    Unique index: role_pair_daily_key (footprint, quintile, first_day, next_day)."""

    footprint = Integer()
    quintile = Integer()
    first_day = Date(index=True)
    next_day = Date(index=True)
    pairs = Integer(default=0)


class RolePairMonthly(_Table):
    """The same as RolePairDaily by the months of the two days (first days of months).

    Unique index: role_pair_monthly_key (footprint, quintile, first_month, next_month)."""

    footprint = Integer()
    quintile = Integer()
    first_month = Date()
    next_month = Date()
    pairs = Integer(default=0)


class FriendsSession(_Table):
    """A session that creates Friends, such as a Dementia Friends Information Session."""

    programme = ForeignKey(references=Programme, null=False, on_delete=OnDelete.restrict)
    held_on = Date(index=True)
    footprint = ForeignKey(references=Footprint, null=True, on_delete=OnDelete.restrict)
    venue = Varchar(length=200, default="")
    run_by = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null, index=True)
    attendees = Integer(default=0)
    note = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    # not-needed | needs-review | approved | rejected: only not-needed and approved count
    review_status = Varchar(length=20, default="not-needed")


class ExternalCount(_Table):
    """A number of Friends made outside our own sessions, reported by someone else
    (for example the national Dementia Friends programme's figure for the area)."""

    programme = ForeignKey(references=Programme, null=False, on_delete=OnDelete.restrict)
    footprint = ForeignKey(references=Footprint, null=True, on_delete=OnDelete.restrict)
    friends = Integer()  # not "count", which would hide Table.count()
    as_of = Date()
    source = Varchar(length=200)
    note = Varchar(length=500, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Account(_Table):
    """Someone who signs in. Every account belongs to a person."""

    email = Varchar(length=254, unique=True)
    role = Varchar(length=20)  # champion | coordinator | admin
    person = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # Set when the person was erased: the email is then a pseudonym ("erased account #n")
    # and the audit log shows the account as that, with its events kept.
    erased_at = Timestamptz(null=True, default=None)


class ApiToken(_Table):
    """A token for the API. Only its SHA-256 hash is kept; the token itself is shown once."""

    account = ForeignKey(references=Account, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    name = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class AuditEvent(_Table):
    """Who changed what, and when. Personal fields are named, never copied here."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    account = ForeignKey(references=Account, null=True, on_delete=OnDelete.set_null)
    action = Varchar(length=20)  # create | update | delete
    record_type = Varchar(length=40, index=True)
    record_id = Integer(index=True)
    changes = JSON(default={})


class SignInLink(_Table):
    """A link emailed to sign in. Only its hash is kept; it works once, for 15 minutes."""

    email = Varchar(length=254, index=True)
    token_hash = Varchar(length=64, unique=True)
    requested_from = Varchar(length=64, default="", index=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class WebSession(_Table):
    """A signed-in browser. The cookie holds a random token; only its hash is kept here."""

    account = ForeignKey(references=Account, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    device = Varchar(length=100, default="")  # "Firefox on Android", from the User-Agent


class EmailChange(_Table):
    """A champion's new email address, waiting for them to use the link sent to it. Only the
    link's hash is kept; it works once, for a day. Until then the old address stays."""

    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade, index=True)
    account = ForeignKey(references=Account, null=True, on_delete=OnDelete.cascade)
    new_email = Varchar(length=254)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    # The address the used change replaced: emails and sign-in links under it are still theirs.
    old_email = Varchar(length=254, null=True, default=None)


class OutboxMessage(_Table):
    """An email that was not sent because no SMTP server is set (development only)."""

    to = Varchar(length=254)
    subject = Varchar(length=200)
    body = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class Story(_Table):
    """A short first-person account. Only published with the person's consent, and only
    after a coordinator approves it."""

    person = ForeignKey(references=Person, null=True, on_delete=OnDelete.cascade, index=True)
    programme = ForeignKey(references=Programme, null=True, on_delete=OnDelete.set_null)
    text = Text()
    consent_to_publish = Boolean(default=False)
    status = Varchar(length=20, default="waiting", index=True)  # waiting | approved | declined
    created_at = Timestamptz(default=TimestamptzNow())
    reviewed_at = Timestamptz(null=True, default=None)


class ImportJob(_Table):
    """A spreadsheet being imported from the console: the rows read from the file, the
    columns chosen for them, the preview, and how far the import has got. Kept here, not in
    a worker's memory, so that any worker can show it and a restart loses nothing."""

    account = ForeignKey(references=Account, null=True, on_delete=OnDelete.set_null)
    filename = Varchar(length=255)
    # mapping (columns to choose) | ready (previewed) | running | done | failed
    status = Varchar(length=20, default="mapping")
    sheet = JSON(default={})  # headings, the heading row's number and the rows, as read
    mapping = JSON(default={})  # column number -> field
    preview = JSON(default={})  # what the import would do, and every problem by row
    summary = JSON(default={})  # what the import did
    total_rows = Integer(default=0)
    rows_done = Integer(default=0)
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())  # also the running import's heartbeat


class SiteText(_Table):
    """Text the council writes and admins change in the console (the privacy notice, the
    council's name and contact). Empty or missing: the default text is used."""

    key = Varchar(length=60, unique=True)
    value = Text(default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class Chore(_Table):
    """When a periodic job (the privacy clean-up) last ran, kept here so that however many
    workers and machines serve the app, one of them runs it each time, and none forgets."""

    name = Varchar(length=60, unique=True)
    last_run_at = Timestamptz(null=True, default=None)


# Joining (issue 15) -----------------------------------------------------------------------


class Application(_Table):
    """A resident's request to join the movement, sent from the public /join page. Not a
    person, and counted in no total, until a coordinator approves it (then `person` is the
    record it became). Declined ones are deleted 30 days after the decision.

    `waiting_key` is a digest of the person's details while the application waits (NULL once
    it is decided): unique, so the same application sent twice is one application."""

    name = Varchar(length=200)
    email = Varchar(length=254, null=True, default=None, index=True)
    phone = Varchar(length=40, null=True, default=None)
    postcode = Varchar(length=10)
    year_of_birth = Integer()
    footprint = ForeignKey(references=Footprint, null=True, on_delete=OnDelete.set_null)
    organisation = Varchar(length=200, default="")
    consent_to_contact = Boolean(default=False)
    # Asked only of the young (PARENT_CONSENT_UNDER): who agreed, and whether the applicant
    # said they did; the coordinator checks it with them before approving.
    parent_name = Varchar(length=200, default="")
    parent_email = Varchar(length=254, null=True, default=None)
    parent_consent = Boolean(default=False)
    parent_checked_at = Timestamptz(null=True, default=None)
    # waiting | more-asked | approved | declined
    status = Varchar(length=20, default="waiting", index=True)
    message = Text(default="")  # what the coordinator asked for, or why it was declined
    person = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null)
    requested_from = Varchar(length=64, default="", index=True)
    waiting_key = Varchar(length=64, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    decided_at = Timestamptz(null=True, default=None)


class ApplicationProgramme(_Table):
    """A programme an application is interested in: one row per programme chosen."""

    application = ForeignKey(
        references=Application, null=False, on_delete=OnDelete.cascade, index=True
    )
    programme = ForeignKey(references=Programme, null=False, on_delete=OnDelete.restrict)


# Upcoming sessions (issue 15) ---------------------------------------------------------


class UpcomingSession(_Table):
    """A Friends session published before it happens, which residents may book. Once its
    attendance is recorded it becomes the FriendsSession that counts (friends_session)."""

    programme = ForeignKey(references=Programme, null=False, on_delete=OnDelete.restrict)
    title = Varchar(length=200)
    starts_at = Timestamptz(index=True)
    minutes = Integer(default=60)  # how long it lasts
    venue = Varchar(length=200, default="")
    footprint = ForeignKey(references=Footprint, null=True, on_delete=OnDelete.restrict)
    capacity = Integer(default=20)
    accessibility = Varchar(length=500, default="")
    bookable = Boolean(default=True)  # listed on /events, and the public may book
    organiser = ForeignKey(references=Person, null=True, on_delete=OnDelete.set_null, index=True)
    status = Varchar(length=20, default="scheduled")  # scheduled | cancelled
    friends_session = ForeignKey(references=FriendsSession, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Booking(_Table):
    """A resident's place at an upcoming session (no account). Their name and contact are
    deleted 30 days after the session (server/privacy/retention.py)."""

    session = ForeignKey(
        references=UpcomingSession, null=False, on_delete=OnDelete.cascade, index=True
    )
    name = Varchar(length=200)
    email = Varchar(length=254, null=True, default=None)
    mobile = Varchar(length=20, null=True, default=None)
    status = Varchar(length=20, default="booked")  # booked | waiting | cancelled
    attended = Boolean(default=False)
    token_hash = Varchar(length=64, null=True, default=None, unique=True)  # to cancel
    requested_from = Varchar(length=64, default="", index=True)  # for the per-address limit
    reminded_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


# Impact (issue 16) ----------------------------------------------------------------------


class Topic(_Table):
    """A health topic an activity can be about. The council keeps the list; it ships with
    NHS England's Core20PLUS5 clinical areas and six more (migration t10_00). A topic in use
    is retired (active False), never deleted."""

    slug = Varchar(length=60, unique=True)
    name = Varchar(length=100, unique=True)
    active = Boolean(default=True)
    sort_order = Integer(default=100)


class ActivityTopic(_Table):
    """A topic an activity was about: one row per topic chosen.

    Unique index: activity_topic_key (activity, topic)."""

    activity = ForeignKey(references=Activity, null=False, on_delete=OnDelete.cascade, index=True)
    topic = ForeignKey(references=Topic, null=False, on_delete=OnDelete.restrict, index=True)


class PostcodeArea(_Table):
    """The council's postcode-to-LSOA lookup, uploaded in the console. Postcodes are kept
    in capitals without spaces (WN11AA, server.lib.normal.postcode); a query compares
    another table's postcode with REPLACE(UPPER(postcode), ' ', '')."""

    postcode = Varchar(length=10, unique=True)
    lsoa = Varchar(length=12, index=True)  # an LSOA code, such as E01006215


class AreaDeprivation(_Table):
    """The Index of Multiple Deprivation decile of each LSOA (1: the most deprived 10% of
    England), uploaded in the console. Quintile = (decile + 1) // 2."""

    lsoa = Varchar(length=12, unique=True)
    imd_decile = Integer()


# Wellbeing (issue 16) -------------------------------------------------------------------


class WellbeingAnswer(_Table):
    """A champion's answers to the ONS personal wellbeing questions ("ONS4") for one
    programme at one point: `months` 0 is the baseline, asked on joining the programme, and
    each follow-up is that many months after joining (WELLBEING_FOLLOW_UP_MONTHS). Each
    score is 0 to 10, or None when left blank; `skipped` is True when the person chose not
    to answer this time (every score None). Personal data: in the person's download, erased
    with them, and never shown one person at a time (only totals of groups of at least
    SMALL_NUMBER people).

    Unique index: wellbeing_answer_key (person, programme, months)."""

    person = ForeignKey(references=Person, null=False, on_delete=OnDelete.cascade)
    programme = ForeignKey(
        references=Programme, null=False, on_delete=OnDelete.restrict, index=True
    )
    months = Integer()
    life_satisfaction = Integer(null=True, default=None)
    worthwhile = Integer(null=True, default=None)
    happiness = Integer(null=True, default=None)
    anxiety = Integer(null=True, default=None)
    skipped = Boolean(default=False)
    answered_at = Timestamptz(default=TimestamptzNow())
