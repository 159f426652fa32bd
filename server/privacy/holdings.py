"""HOLDINGS: every table that holds personal data, in the order erasure goes through them
(the person's own row last). See registry.py for what each part means."""

from __future__ import annotations

from schema.tables import (  # Upcoming sessions (issue 15)
    Account,
    Activity,
    ApiToken,
    Application,
    AuditEvent,
    Booking,
    CountedRole,  # the people rollups (issue 17)
    EmailChange,
    FriendsSession,
    ImportJob,
    Membership,
    OutboxMessage,
    Person,
    SignInLink,
    Story,
    TrainingRecord,
    UpcomingSession,
    WebSession,
    WellbeingAnswer,  # Wellbeing (issue 16)
)
from server.activities.details import SETTINGS, TAKE_UP_SHORT
from server.activities.services import KINDS
from server.privacy.imports import erase_from_imports, import_rows
from server.privacy.registry import (
    CUSTOM,
    DETACH,
    KEEP,
    Holding,
    by_account,
    by_email,
    by_person,
    f,
)
from server.privacy.special import audit_events, pseudonymise_accounts
from server.totals import people as people_rollup

# Codes in plain words, for the readable page and the CSV.
ROLE_STATUS = {"active": "Active", "paused": "Paused", "left": "Left"}
STORY_STATUS = {
    "waiting": "Waiting for a coordinator",
    "approved": "Published",
    "declined": "Not published",
    "withdrawn": "Withdrawn by you",
}
APPLICATION_STATUS = {  # Joining (issue 15)
    "waiting": "Waiting for a coordinator",
    "more-asked": "More information asked",
    "approved": "Accepted",
    "declined": "Declined",
}
ROLES = {"champion": "Champion", "coordinator": "Coordinator", "admin": "Administrator"}
ACTIONS = {"create": "Added", "update": "Changed", "delete": "Deleted", "erase": "Erased"}
RECORD_TYPES = {
    "person": "Your details",
    "account": "Account",
    "membership": "Programme",
    "training": "Training",
    "activity": "Activity",
    "story": "Story",
    "friends_session": "Friends session",
    "api_token": "API token",
    "web_session": "Sign-in",
    "email_change": "Email address change",
    "application": "Application to join",  # Joining (issue 15)
}

IMPORTS = Holding(
    ImportJob, "import_rows", "Rows of spreadsheets waiting to be imported",
    "Rows about you in spreadsheets that a coordinator uploaded and has not imported yet "
    "(they are deleted once imported, or after 7 days).",
    about=lambda s: ImportJob.account.is_in(list(s.account_ids) or [0]),
    fields=(f("file", "File"), f("uploaded", "Uploaded"), f("row", "Row"),
            f("says", "What it says")),
    personal=("account", "filename", "sheet", "preview", "summary"),
    action=CUSTOM, fetch=import_rows, erase=erase_from_imports,
)  # fmt: skip

HOLDINGS: tuple[Holding, ...] = (
    IMPORTS,
    Holding(
        Story, "stories", "Your stories",
        "The stories you shared. If you delete your account, they are deleted too.",
        about=by_person(Story.person),
        fields=(f("created_at", "Shared", Story.created_at),
                f("programme", "Programme", Story.programme.name),
                f("text", "Your words", Story.text),
                f("consent_to_publish", "You agreed to publish it", Story.consent_to_publish),
                f("status", "Status", Story.status, STORY_STATUS)),
        personal=("person", "text"), audit_as="story",
    ),
    Holding(
        Membership, "memberships", "Your programmes", "The programmes you are or were in.",
        about=by_person(Membership.person),
        fields=(f("programme", "Programme", Membership.programme.name),
                f("joined_on", "Joined", Membership.joined_on),
                f("status", "Status", Membership.status, ROLE_STATUS),
                f("left_on", "Left", Membership.left_on)),
        personal=("person",), audit_as="membership",
    ),
    Holding(
        CountedRole, "counted_roles", "How you are counted",
        "A copy of your active programmes, kept so that the movement's numbers of people "
        "can be counted quickly: the day you joined, your area, and how deprived the area "
        "of your home postcode is (from 1, the fifth of England's areas most deprived, to "
        "5, the least; 0 if not known). It follows your programmes and details, and if "
        "you delete your account, it is deleted too.",
        about=by_person(CountedRole.person),
        fields=(f("programme", "Programme"), f("joined_on", "Joined"), f("area", "Area"),
                f("quintile", "How deprived the area of your home is (1 to 5; 0 not known)")),
        personal=("person", "quintile"), action=CUSTOM,
        fetch=people_rollup.counted_for_download, erase=people_rollup.uncount,
    ),
    Holding(
        TrainingRecord, "trainings", "Your training", "The courses you completed.",
        about=by_person(TrainingRecord.person),
        fields=(f("course", "Course", TrainingRecord.course.name),
                f("completed_on", "Completed", TrainingRecord.completed_on),
                f("certificate_number", "Certificate number", TrainingRecord.certificate_number),
                f("expires_on", "Runs out", TrainingRecord.expires_on)),
        personal=("person", "certificate_number"), audit_as="training",
    ),
    Holding(
        Activity, "activities", "What you did", "The activities you logged. If you delete your "
        "account, they stay, without your name or notes, so the movement's numbers do not drop.",
        about=by_person(Activity.person),
        fields=(f("occurred_on", "Date", Activity.occurred_on),
                f("programme", "Programme", Activity.programme.name),
                f("kind", "What", Activity.kind, KINDS),
                f("people_reached", "People reached", Activity.people_reached),
                f("minutes", "Time spent", Activity.minutes),
                f("area", "Area", Activity.footprint.name),
                f("setting", "Where it happened", Activity.setting, SETTINGS),
                f("postcode", "Postcode of the place", Activity.postcode),
                f("service", "Signposted to", Activity.service.name),
                f("take_up", "Did they go", Activity.take_up, TAKE_UP_SHORT),
                f("note", "Note", Activity.note)),
        personal=("person", "note", "postcode"), action=DETACH,
        detach={"person": None, "note": "", "postcode": None},
        audit_as="activity", order=Activity.occurred_on,
    ),
    Holding(
        FriendsSession, "friends_sessions", "Friends sessions you ran",
        "If you delete your account, the sessions stay, without your name or notes.",
        about=by_person(FriendsSession.run_by),
        fields=(f("held_on", "Date", FriendsSession.held_on),
                f("programme", "Programme", FriendsSession.programme.name),
                f("area", "Area", FriendsSession.footprint.name),
                f("venue", "Venue", FriendsSession.venue),
                f("attendees", "People who came", FriendsSession.attendees),
                f("note", "Note", FriendsSession.note)),
        personal=("run_by", "note"), action=DETACH, detach={"run_by": None, "note": ""},
        audit_as="friends_session",
    ),
    Holding(
        ApiToken, "api_tokens", "Your API tokens",
        "Keys that let a program use your account. The key itself is never kept.",
        about=by_account(ApiToken.account),
        fields=(f("name", "Name", ApiToken.name), f("created_at", "Made", ApiToken.created_at),
                f("last_used_at", "Last used", ApiToken.last_used_at),
                f("revoked_at", "Stopped", ApiToken.revoked_at)),
        personal=("account", "name"), audit_as="api_token",
    ),
    Holding(
        WebSession, "sessions", "Where you signed in",
        "Each time you signed in: the kind of device and browser, and when.",
        about=by_account(WebSession.account),
        fields=(f("device", "Device", WebSession.device),
                f("created_at", "Signed in", WebSession.created_at),
                f("expires_at", "Would end", WebSession.expires_at),
                f("revoked_at", "Signed out", WebSession.revoked_at)),
        personal=("account", "device"), audit_as="web_session",
    ),
    Holding(
        EmailChange, "email_changes", "Email address changes you asked for",
        "A new email address you asked for, the link we sent to it, and the address it "
        "replaced once you used the link. The link itself is never kept. Deleted 30 days "
        "after the link was used or ran out.",
        about=by_person(EmailChange.person),
        fields=(f("new_email", "New address", EmailChange.new_email),
                f("old_email", "Address it replaced", EmailChange.old_email),
                f("created_at", "Asked for", EmailChange.created_at),
                f("expires_at", "Link runs out", EmailChange.expires_at),
                f("used_at", "Used", EmailChange.used_at)),
        personal=("person", "account", "new_email", "old_email"), audit_as="email_change",
    ),
    Holding(
        SignInLink, "sign_in_links", "Sign-in links you asked for",
        "When you asked for a link to sign in, and the internet address (IP address) the "
        "request came from.",
        about=by_email(SignInLink.email),
        fields=(f("created_at", "Asked for", SignInLink.created_at),
                f("email", "Sent to", SignInLink.email),
                f("requested_from", "From internet address", SignInLink.requested_from),
                f("used_at", "Used", SignInLink.used_at)),
        personal=("email", "requested_from"),
    ),
    Holding(
        OutboxMessage, "emails", "Emails kept in the development outbox",
        "Only when no email server is set up (on a test system): emails to you.",
        about=by_email(OutboxMessage.to),
        fields=(f("created_at", "Written", OutboxMessage.created_at),
                f("to", "To", OutboxMessage.to), f("subject", "Subject", OutboxMessage.subject)),
        personal=("to", "subject", "body"),
    ),
    Holding(
        Account, "accounts", "Your account", "How you sign in, and what you can do.",
        about=by_account(Account.id),
        fields=(f("email", "Email", Account.email), f("role", "Role", Account.role, ROLES),
                f("active", "Can sign in", Account.active),
                f("created_at", "Made", Account.created_at)),
        personal=("email", "person"), action=CUSTOM, erase=pseudonymise_accounts,
    ),
    Holding(
        AuditEvent, "audit_events", "Changes made by you or about you",
        "Our log of changes: when, who (you, a member of staff or the system), and what "
        "changed. Personal details show only as \"changed\".",
        about=by_account(AuditEvent.account),
        fields=(f("at", "When"), f("who", "Who"), f("action", "Action", words=ACTIONS),
                f("record_type", "Kind of record", words=RECORD_TYPES),
                f("changes", "What changed")),
        personal=("account", "changes"), action=KEEP, fetch=audit_events,
        kept_because="it never holds personal values, and its account becomes "
        "\"an erased account #n\"",
    ),
    # Joining (issue 15): applications sent from /join under any of their addresses, or
    # that became their record. Erased with the person (before their own row, since an
    # approved one points at it).
    Holding(
        Application, "applications", "Your applications to join",
        "What you sent when you asked to join, and what a coordinator decided. A declined "
        "application is deleted 30 days after the decision.",
        about=lambda s: Application.email.is_in(list(s.emails) or [""])
        | (Application.person == s.person_id),
        fields=(f("created_at", "Sent", Application.created_at),
                f("name", "Name", Application.name), f("email", "Email", Application.email),
                f("phone", "Mobile", Application.phone),
                f("postcode", "Postcode", Application.postcode),
                f("year_of_birth", "Year of birth", Application.year_of_birth),
                f("area", "Area", Application.footprint.name),
                f("organisation", "Organisation", Application.organisation),
                f("parent_name", "Parent or carer", Application.parent_name),
                f("parent_email", "Parent's or carer's email", Application.parent_email),
                f("status", "Status", Application.status, APPLICATION_STATUS),
                f("message", "Message from the coordinator", Application.message),
                f("requested_from", "From internet address", Application.requested_from)),
        personal=("name", "email", "phone", "postcode", "organisation", "parent_name",
                  "parent_email", "message", "person", "requested_from", "waiting_key"),
        audit_as="application",
    ),
    Holding(
        Person, "person", "Your details", "What we know about you.",
        about=lambda s: Person.id == s.person_id,
        fields=(f("name", "Name", Person.name), f("email", "Email", Person.email),
                f("email_confirmed", "You confirmed your email", Person.email_confirmed),
                f("phone", "Phone", Person.phone), f("postcode", "Postcode", Person.postcode),
                f("year_of_birth", "Year of birth", Person.year_of_birth),
                f("area", "Area", Person.footprint.name),
                f("organisation", "Organisation", Person.organisation.name),
                f("consent_to_contact", "You agreed to be contacted", Person.consent_to_contact),
                f("created_at", "Added", Person.created_at),
                f("updated_at", "Last changed", Person.updated_at)),
        personal=("name", "email", "email_confirmed", "phone", "postcode"),
    ),
)  # fmt: skip


# Upcoming sessions (issue 15): before the others, so that erasure sees them first.
EVENT_HOLDINGS: tuple[Holding, ...] = (
    Holding(
        Booking, "bookings", "Places you booked at sessions",
        "Places you booked at upcoming sessions with this email address. They are deleted "
        "30 days after the session.",
        about=by_email(Booking.email),
        fields=(f("created_at", "Booked", Booking.created_at),
                f("session", "Session", Booking.session.title),
                f("starts_at", "Session starts", Booking.session.starts_at),
                f("name", "Name", Booking.name), f("email", "Email", Booking.email),
                f("mobile", "Mobile", Booking.mobile), f("status", "Status", Booking.status),
                f("attended", "You came", Booking.attended)),
        personal=("name", "email", "mobile", "requested_from"), audit_as="booking",
    ),
    Holding(
        UpcomingSession, "upcoming_sessions", "Upcoming sessions you run",
        "If you delete your account, the sessions stay, without your name.",
        about=by_person(UpcomingSession.organiser),
        fields=(f("starts_at", "Starts", UpcomingSession.starts_at),
                f("title", "Title", UpcomingSession.title),
                f("venue", "Venue", UpcomingSession.venue),
                f("status", "Status", UpcomingSession.status)),
        personal=("organiser",), action=DETACH, detach={"organiser": None},
        audit_as="upcoming_session",
    ),
)  # fmt: skip
HOLDINGS = (*EVENT_HOLDINGS, *HOLDINGS)


# Wellbeing (issue 16): the person's answers to the ONS personal wellbeing questions.
# Erased with them (before their own row, which they point at); in their download.
WELLBEING_HOLDINGS: tuple[Holding, ...] = (
    Holding(
        WellbeingAnswer, "wellbeing_answers", "Your answers about how you feel",
        "Your answers to the four wellbeing questions, asked when you joined a programme and "
        "at each follow-up (each from 0, not at all, to 10, completely), or that you chose "
        "to skip them. Nobody else sees your own answers: coordinators see only totals for "
        "groups of people. If you delete your account, they are deleted too.",
        about=by_person(WellbeingAnswer.person),
        fields=(f("answered_at", "Answered", WellbeingAnswer.answered_at),
                f("programme", "Programme", WellbeingAnswer.programme.name),
                f("months", "Months after joining (0: when you joined)",
                  WellbeingAnswer.months),
                f("life_satisfaction", "How satisfied you are with your life",
                  WellbeingAnswer.life_satisfaction),
                f("worthwhile", "How worthwhile the things you do feel",
                  WellbeingAnswer.worthwhile),
                f("happiness", "How happy you felt the day before", WellbeingAnswer.happiness),
                f("anxiety", "How anxious you felt the day before", WellbeingAnswer.anxiety),
                f("skipped", "You chose to skip them", WellbeingAnswer.skipped)),
        personal=("person", "life_satisfaction", "worthwhile", "happiness", "anxiety",
                  "skipped"),
        audit_as="wellbeing_answer", order=WellbeingAnswer.answered_at,
    ),
)  # fmt: skip
HOLDINGS = (*WELLBEING_HOLDINGS, *HOLDINGS)
RECORD_TYPES["wellbeing_answer"] = "Wellbeing answers"
