"""Who may do what: the authorisation matrix over every endpoint under /api/.

MATRIX below has one row per request and one column per role: the public (no Authorization
header), a champion, a coordinator and an admin. A token that is not valid ("bad": never
issued; "revoked": issued to an admin, then revoked) gets 401 on every row, even where the
public is let in.

Path templates name records that each test makes for the record type under test:
    {mine}    a record owned by the signed-in account's person (for people: that person)
    {theirs}  the same kind of record, owned by another person (for people: that person)
    {rec}     a record of a type that no one owns (external counts and reference lists)
    {other}   the other person's id (in filters and in bodies; {me} is one's own person)
The body column says what is sent: "new" and "change" are valid bodies for the type (CREATE,
UPDATE); "..., for other" and "..., to other" name the other person as the owner.

The rules (server/lib/records.py, and each RecordType's `public`, `champion_may`, `owner`):
- the public may list and read programmes, footprints and courses, and GET /api/totals;
- a champion sees only their own person, memberships, trainings, activities and Friends
  sessions (someone else's: 404, and lists hold only their own); may add, change and delete
  their own trainings, activities and sessions (naming someone else: 403); may change their
  own person; may read the reference lists and organisations; everything else is 403;
- coordinators and admins may do everything, except that only admins read the audit log.
Every refusal is JSON with a "message", and changes nothing.

The rows of one record type run in order, in one test per (role, record type), on records
made for that test: reads first, deletes last.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from schema.tables import (
    Account,
    Activity,
    Application,
    ApplicationProgramme,
    Course,
    ExternalCount,
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
    UpcomingSession,
)
from server.accounts.services import revoke_tokens
from server.totals import rollup
from tests.helpers import factories as f

# fmt: off
MATRIX: list[tuple[str, str, str, int, int, int, int]] = [
    # method   path                               body                public champ coord admin
    # People: a champion sees and changes only themself, and adds or deletes no one.
    ("GET",    "/api/people",                     "",                 401, 200, 200, 200),
    ("GET",    "/api/people/{mine}",              "",                 401, 200, 200, 200),
    ("GET",    "/api/people/{theirs}",            "",                 401, 404, 200, 200),
    ("POST",   "/api/people",                     "new",              401, 403, 201, 201),
    ("PATCH",  "/api/people/{mine}",              "change",           401, 200, 200, 200),
    ("PATCH",  "/api/people/{theirs}",            "change",           401, 404, 200, 200),
    ("DELETE", "/api/people/{theirs}",            "",                 401, 403, 204, 204),
    # Nobody deletes their own record here (My data is the place, asked twice): refused.
    ("DELETE", "/api/people/{mine}",              "",                 401, 403, 403, 403),
    # Memberships: a champion reads their own, and changes none.
    ("GET",    "/api/memberships",                "",                 401, 200, 200, 200),
    ("GET",    "/api/memberships?person={other}", "",                 401, 200, 200, 200),
    ("GET",    "/api/memberships/{mine}",         "",                 401, 200, 200, 200),
    ("GET",    "/api/memberships/{theirs}",       "",                 401, 404, 200, 200),
    ("POST",   "/api/memberships",                "new",              401, 403, 201, 201),
    ("PATCH",  "/api/memberships/{mine}",         "change",           401, 403, 200, 200),
    ("PATCH",  "/api/memberships/{theirs}",       "change",           401, 403, 200, 200),
    ("DELETE", "/api/memberships/{theirs}",       "",                 401, 403, 204, 204),
    ("DELETE", "/api/memberships/{mine}",         "",                 401, 403, 204, 204),
    # Trainings, activities, Friends sessions: a champion does everything, to their own.
    ("GET",    "/api/trainings",                  "",                 401, 200, 200, 200),
    ("GET",    "/api/trainings?person={other}",   "",                 401, 200, 200, 200),
    ("GET",    "/api/trainings/{mine}",           "",                 401, 200, 200, 200),
    ("GET",    "/api/trainings/{theirs}",         "",                 401, 404, 200, 200),
    ("POST",   "/api/trainings",                  "new",              401, 201, 201, 201),
    ("POST",   "/api/trainings",                  "new, for other",   401, 403, 201, 201),
    ("PATCH",  "/api/trainings/{mine}",           "change",           401, 200, 200, 200),
    ("PATCH",  "/api/trainings/{mine}",           "change, to other", 401, 403, 200, 200),
    ("PATCH",  "/api/trainings/{theirs}",         "change",           401, 404, 200, 200),
    ("DELETE", "/api/trainings/{theirs}",         "",                 401, 404, 204, 204),
    ("DELETE", "/api/trainings/{mine}",           "",                 401, 204, 204, 204),

    ("GET",    "/api/activities",                 "",                 401, 200, 200, 200),
    ("GET",    "/api/activities?person={other}",  "",                 401, 200, 200, 200),
    ("GET",    "/api/activities/{mine}",          "",                 401, 200, 200, 200),
    ("GET",    "/api/activities/{theirs}",        "",                 401, 404, 200, 200),
    ("POST",   "/api/activities",                 "new",              401, 201, 201, 201),
    ("POST",   "/api/activities",                 "new, for other",   401, 403, 201, 201),
    ("PATCH",  "/api/activities/{mine}",          "change",           401, 200, 200, 200),
    ("PATCH",  "/api/activities/{mine}",          "change, to other", 401, 403, 200, 200),
    ("PATCH",  "/api/activities/{theirs}",        "change",           401, 404, 200, 200),
    ("DELETE", "/api/activities/{theirs}",        "",                 401, 404, 204, 204),
    ("DELETE", "/api/activities/{mine}",          "",                 401, 204, 204, 204),

    ("GET",    "/api/friends-sessions",           "",                 401, 200, 200, 200),
    ("GET",    "/api/friends-sessions?run_by={other}", "",            401, 200, 200, 200),
    ("GET",    "/api/friends-sessions/{mine}",    "",                 401, 200, 200, 200),
    ("GET",    "/api/friends-sessions/{theirs}",  "",                 401, 404, 200, 200),
    ("POST",   "/api/friends-sessions",           "new",              401, 201, 201, 201),
    ("POST",   "/api/friends-sessions",           "new, for other",   401, 403, 201, 201),
    ("PATCH",  "/api/friends-sessions/{mine}",    "change",           401, 200, 200, 200),
    ("PATCH",  "/api/friends-sessions/{mine}",    "change, to other", 401, 403, 200, 200),
    ("PATCH",  "/api/friends-sessions/{theirs}",  "change",           401, 404, 200, 200),
    ("DELETE", "/api/friends-sessions/{theirs}",  "",                 401, 404, 204, 204),
    ("DELETE", "/api/friends-sessions/{mine}",    "",                 401, 204, 204, 204),
    # Stories: a champion shares and reads their own, and may take back their consent or
    # delete one (test_story_withdrawal.py); approving and changing words is a coordinator's.
    ("GET",    "/api/stories",                    "",                 401, 200, 200, 200),
    ("GET",    "/api/stories?person={other}",     "",                 401, 200, 200, 200),
    ("GET",    "/api/stories/{mine}",             "",                 401, 200, 200, 200),
    ("GET",    "/api/stories/{theirs}",           "",                 401, 404, 200, 200),
    ("POST",   "/api/stories",                    "new",              401, 201, 201, 201),
    ("POST",   "/api/stories",                    "new, for other",   401, 403, 201, 201),
    ("PATCH",  "/api/stories/{mine}",             "change",           401, 403, 200, 200),
    ("PATCH",  "/api/stories/{theirs}",           "change",           401, 404, 200, 200),
    ("DELETE", "/api/stories/{theirs}",           "",                 401, 404, 204, 204),
    ("DELETE", "/api/stories/{mine}",             "",                 401, 204, 204, 204),
    # External counts: staff only.
    ("GET",    "/api/external-counts",            "",                 401, 403, 200, 200),
    ("GET",    "/api/external-counts/{rec}",      "",                 401, 403, 200, 200),
    ("POST",   "/api/external-counts",            "new",              401, 403, 201, 201),
    ("PATCH",  "/api/external-counts/{rec}",      "change",           401, 403, 200, 200),
    ("DELETE", "/api/external-counts/{rec}",      "",                 401, 403, 204, 204),
    # Reference lists: anyone reads, staff change.
    ("GET",    "/api/programmes",                 "",                 200, 200, 200, 200),
    ("GET",    "/api/programmes/{rec}",           "",                 200, 200, 200, 200),
    ("POST",   "/api/programmes",                 "new",              401, 403, 201, 201),
    ("PATCH",  "/api/programmes/{rec}",           "change",           401, 403, 200, 200),
    ("DELETE", "/api/programmes/{rec}",           "",                 401, 403, 204, 204),

    ("GET",    "/api/footprints",                 "",                 200, 200, 200, 200),
    ("GET",    "/api/footprints/{rec}",           "",                 200, 200, 200, 200),
    ("POST",   "/api/footprints",                 "new",              401, 403, 201, 201),
    ("PATCH",  "/api/footprints/{rec}",           "change",           401, 403, 200, 200),
    ("DELETE", "/api/footprints/{rec}",           "",                 401, 403, 204, 204),

    ("GET",    "/api/courses",                    "",                 200, 200, 200, 200),
    ("GET",    "/api/courses/{rec}",              "",                 200, 200, 200, 200),
    ("POST",   "/api/courses",                    "new",              401, 403, 201, 201),
    ("PATCH",  "/api/courses/{rec}",              "change",           401, 403, 200, 200),
    ("DELETE", "/api/courses/{rec}",              "",                 401, 403, 204, 204),
    # Organisations: any signed-in account reads, staff change.
    ("GET",    "/api/organisations",              "",                 401, 200, 200, 200),
    ("GET",    "/api/organisations/{rec}",        "",                 401, 200, 200, 200),
    ("POST",   "/api/organisations",              "new",              401, 403, 201, 201),
    ("PATCH",  "/api/organisations/{rec}",        "change",           401, 403, 200, 200),
    ("DELETE", "/api/organisations/{rec}",        "",                 401, 403, 204, 204),
    # Impact (issue 16): the lists an activity's details name, read-only in the API (kept in
    # the console); any signed-in account reads them.
    ("GET",    "/api/topics",                     "",                 401, 200, 200, 200),
    ("GET",    "/api/topics/{rec}",               "",                 401, 200, 200, 200),
    ("GET",    "/api/services",                   "",                 401, 200, 200, 200),
    ("GET",    "/api/services/{rec}",             "",                 401, 200, 200, 200),
    # The rest of the API.
    ("GET",    "/api/totals",                     "",                 200, 200, 200, 200),
    ("POST",   "/api/activities/batch",           "batch",            401, 200, 200, 200),
    ("GET",    "/api/me",                         "",                 401, 200, 200, 200),
    ("GET",    "/api/audit",                      "",                 401, 403, 403, 200),
    # Wellbeing (issue 16): only ever one's own answers (each account here has just joined
    # Health Champions, so its first questions are due: skipped).
    ("GET",    "/api/me/wellbeing",               "",                 401, 200, 200, 200),
    ("POST",   "/api/me/wellbeing",               "wellbeing",        401, 200, 200, 200),
    # Joining (issue 15): applications to join, staff only; the decisions are POST actions.
    ("GET",    "/api/applications",               "",                 401, 403, 200, 200),
    ("GET",    "/api/applications/{rec}",         "",                 401, 403, 200, 200),
    ("POST",   "/api/applications/{theirs}/ask",  "ask",              401, 403, 200, 200),
    ("POST",   "/api/applications/{theirs}/decline", "decline",       401, 403, 200, 200),
    ("POST",   "/api/applications/{rec}/approve", "approve",          401, 403, 200, 200),
    # Upcoming sessions (issue 15): a champion trained to run sessions sees, publishes and
    # changes only those they organise, sees their bookings and records who came; only
    # staff delete.
    ("GET",    "/api/upcoming-sessions",          "",                 401, 200, 200, 200),
    ("GET",    "/api/upcoming-sessions/{mine}",   "",                 401, 200, 200, 200),
    ("GET",    "/api/upcoming-sessions/{theirs}", "",                 401, 404, 200, 200),
    ("POST",   "/api/upcoming-sessions",          "new",              401, 201, 201, 201),
    ("POST",   "/api/upcoming-sessions",          "new, for other",   401, 403, 201, 201),
    ("PATCH",  "/api/upcoming-sessions/{mine}",   "change",           401, 200, 200, 200),
    ("PATCH",  "/api/upcoming-sessions/{mine}",   "change, to other", 401, 403, 200, 200),
    ("PATCH",  "/api/upcoming-sessions/{theirs}", "change",           401, 404, 200, 200),
    ("GET",    "/api/upcoming-sessions/{mine}/bookings", "",          401, 200, 200, 200),
    ("GET",    "/api/upcoming-sessions/{theirs}/bookings", "",        401, 404, 200, 200),
    ("POST",   "/api/upcoming-sessions/{mine}/attendance", "attendance", 401, 200, 200, 200),
    ("POST",   "/api/upcoming-sessions/{theirs}/attendance", "attendance", 401, 404, 200, 200),
    ("DELETE", "/api/upcoming-sessions/{theirs}", "",                 401, 403, 204, 204),
    ("DELETE", "/api/upcoming-sessions/{mine}",   "",                 401, 403, 204, 204),
]
# fmt: on

ROLES = ("public", "champion", "coordinator", "admin")
NOT_VALID = ("bad", "revoked")

TODAY = date.today()
LAST_MONTH = (TODAY - timedelta(days=30)).isoformat()

# The record types whose records belong to a person, and the column that says whose.
OWNED = {
    "people": "id",
    "memberships": "person",
    "trainings": "person",
    "activities": "person",
    "friends-sessions": "run_by",
    "stories": "person",
    "upcoming-sessions": "organiser",  # Upcoming sessions (issue 15)
}
TABLES: dict[str, Any] = {
    "people": Person,
    "memberships": Membership,
    "trainings": TrainingRecord,
    "activities": Activity,
    "friends-sessions": FriendsSession,
    "stories": Story,
    "external-counts": ExternalCount,
    "programmes": Programme,
    "footprints": Footprint,
    "organisations": Organisation,
    "courses": Course,
    "applications": Application,  # Joining (issue 15)
    "upcoming-sessions": UpcomingSession,  # Upcoming sessions (issue 15)
    "topics": Topic,  # Impact (issue 16)
    "services": Service,
}
# The record types the API only lists and reads.
READ_ONLY = ("topics", "services")

# A valid body to add a record of each type.
CREATE: dict[str, dict[str, Any]] = {
    "people": {"name": "Nadia Okafor"},
    "memberships": {"person": "{other}", "programme": "heart-champions"},
    "trainings": {
        "person": "{me}",
        "course": "rsph-l2-understanding-health-improvement",
        "completed_on": LAST_MONTH,
    },
    "activities": {"programme": "health-champions", "kind": "conversation", "people_reached": 4},
    "friends-sessions": {
        "programme": "dementia-friends",
        "held_on": LAST_MONTH,
        "attendees": 18,
        "run_by": "{me}",
    },
    "stories": {
        "text": "My neighbour did her bowel screening kit after we talked at the bus stop.",
        "consent_to_publish": True,
    },
    "external-counts": {
        "programme": "dementia-friends",
        "friends": 10_000,
        "as_of": LAST_MONTH,
        "source": "Alzheimer's Society",
    },
    "programmes": {"name": "Sepsis Awareness Champions", "kind": "champion"},
    "footprints": {"name": "Leigh", "code": "LE"},
    "organisations": {"name": "Hindley Walking Group"},
    "courses": {"name": "Community Defibrillator Training"},
    "upcoming-sessions": {
        "programme": "dementia-friends",
        "title": "Dementia Friends Information Session",
        "starts_on": (TODAY + timedelta(days=14)).isoformat(),
        "start_time": "14:00",
        "venue": "Wigan Library",
        "capacity": 12,
    },
}
CREATE_FOR_OTHER: dict[str, dict[str, Any]] = {
    "trainings": {**CREATE["trainings"], "person": "{other}"},
    "activities": {**CREATE["activities"], "person": "{other}"},
    "friends-sessions": {**CREATE["friends-sessions"], "run_by": "{other}"},
    "stories": {**CREATE["stories"], "person": "{other}"},
    "upcoming-sessions": {**CREATE["upcoming-sessions"], "organiser": "{other}"},
}
# A valid change to one field of each type.
UPDATE: dict[str, dict[str, Any]] = {
    "people": {"phone": "01942 123456"},
    "memberships": {"status": "paused"},
    "trainings": {"certificate_number": "RSPH-0042"},
    "activities": {"people_reached": 7},
    "friends-sessions": {"attendees": 21},
    "stories": {"status": "approved"},
    "external-counts": {"friends": 10_500},
    "programmes": {"description": "Changed by the test."},
    "footprints": {"name": "Renamed Area"},
    "organisations": {"name": "Renamed Group"},
    "courses": {"provider": "Royal Society for Public Health"},
    "upcoming-sessions": {"title": "Changed by the test"},
}
UPDATE_TO_OTHER: dict[str, dict[str, Any]] = {
    "trainings": {"person": "{other}"},
    "activities": {"person": "{other}"},
    "friends-sessions": {"run_by": "{other}"},
    "upcoming-sessions": {"organiser": "{other}"},
}


# Joining (issue 15): the bodies of the decisions on an application.
ACTIONS: dict[str, dict[str, Any]] = {
    "approve": {},
    "ask": {"message": "Which school do you go to?"},
    "decline": {"reason": "Lives outside the borough."},
}


def body_for(name: str, resource: str) -> dict[str, Any] | None:
    if name in ACTIONS:
        return ACTIONS[name]
    if name == "attendance":
        return {"attended": [], "walk_ins": 4}
    if name == "wellbeing":  # Wellbeing (issue 16)
        return {"skip": True}
    if name == "batch":
        return {
            "activities": [
                {
                    "client_id": str(uuid.uuid4()),
                    "programme": "health-champions",
                    "kind": "leaflets",
                    "people_reached": 12,
                }
            ]
        }
    bodies = {
        "new": CREATE,
        "new, for other": CREATE_FOR_OTHER,
        "change": UPDATE,
        "change, to other": UPDATE_TO_OTHER,
    }
    return bodies[name][resource] if name else None


def group_of(path: str) -> str:
    """The record type a path is about ("api" for the rest of the API)."""
    if path == "/api/activities/batch":
        return "api"
    resource = path.split("?")[0].split("/")[2]
    return resource if resource in TABLES else "api"


GROUPS = list(dict.fromkeys(group_of(row[1]) for row in MATRIX))


def rows_for(role: str, group: str) -> list[tuple[str, str, str, int]]:
    """(method, path, body, expected status) for one role and record type, in order."""
    out = []
    for method, path, body, *statuses in MATRIX:
        if group_of(path) == group:
            status = 401 if role in NOT_VALID else statuses[ROLES.index(role)]
            out.append((method, path, body, status))
    return out


# The records the rows need ----------------------------------------------------------------


@dataclass
class World:
    role: str
    headers: dict[str, str]
    me: int  # the signed-in account's person (for the public and bad tokens: some person)
    other: int  # another person
    ids: dict[str, int]  # mine, theirs or rec, for the record type under test

    def fill(self, value: Any) -> Any:
        """Put the ids into a path or a body."""
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if value == "{me}":
            return self.me
        if value == "{other}":
            return self.other
        if isinstance(value, str):
            return value.format(other=self.other, **self.ids)
        return value


async def _account(role: str) -> tuple[dict[str, str], int]:
    """The Authorization header for a role, and the person it acts for."""
    if role in ("champion", "coordinator", "admin"):
        user = await f.user(role, name="Asha Patel")
        return user.headers, user.person_id
    if role == "revoked":
        user = await f.user("admin", name="Asha Patel")
        account = await Account.select(Account.id).where(Account.email == user.email).first()
        assert account is not None
        assert await revoke_tokens(account["id"]) == 1
        return user.headers, user.person_id
    if role == "bad":
        return {"Authorization": "Bearer mvt_this-token-was-never-issued"}, await f.person()
    return {}, await f.person()


async def _activity(person: int) -> int:
    rows = await Activity.insert(
        Activity(
            client_id=uuid.uuid4(),
            person=person,
            programme=await f.programme_id("health-champions"),
            kind="conversation",
            occurred_on=TODAY,
            people_reached=3,
            minutes=20,
        )
    ).returning(*Activity._meta.columns)
    await rollup.apply(rollup.deltas(added=rows))
    return rows[0]["id"]


async def _training(person: int) -> int:
    course = (
        await Course.select(Course.id)
        .where(Course.slug == "rsph-l2-understanding-health-improvement")
        .first()
    )
    assert course is not None
    rows = await TrainingRecord.insert(
        TrainingRecord(person=person, course=course["id"], completed_on=TODAY)
    ).returning(TrainingRecord.id)
    return rows[0]["id"]


async def _session(person: int) -> int:
    rows = await FriendsSession.insert(
        FriendsSession(
            programme=await f.programme_id("dementia-friends"),
            held_on=TODAY,
            run_by=person,
            attendees=9,
        )
    ).returning(FriendsSession.id)
    return rows[0]["id"]


async def _upcoming(person: int) -> int:
    rows = await UpcomingSession.insert(
        UpcomingSession(
            programme=await f.programme_id("dementia-friends"),
            title="Dementia Friends",
            starts_at=datetime.now(UTC) - timedelta(hours=1),
            venue="Wigan Library",
            capacity=10,
            organiser=person,
        )
    ).returning(UpcomingSession.id)
    return rows[0]["id"]


async def _story(person: int) -> int:
    rows = await Story.insert(
        Story(
            person=person,
            text="We walked round the flash and talked about hearts.",
            consent_to_publish=True,
        )
    ).returning(Story.id)
    return rows[0]["id"]


async def _unowned(group: str) -> int:
    """A record no one owns and nothing uses, so that staff may delete it."""
    if group == "footprints":
        return await f.footprint("TF", "Test Area")
    friends = await f.programme_id("dementia-friends")
    rows = {
        "external-counts": lambda: ExternalCount(
            programme=friends, friends=9_000, as_of=TODAY, source="Alzheimer's Society"
        ),
        "programmes": lambda: Programme(slug="test-friends", name="Test Friends", kind="friend"),
        "organisations": lambda: Organisation(
            name="Wigan Athletic Community Trust", kind="other", sector="voluntary"
        ),
        "courses": lambda: Course(slug="test-course", name="Test Course"),
        "topics": lambda: Topic(slug="test-topic", name="Test topic"),
        "services": lambda: Service(name="Test Service"),
    }
    row = rows[group]()
    saved = await type(row).insert(row).returning(type(row)._meta.primary_key)
    return saved[0]["id"]


async def _application(name: str) -> int:
    """An application to join, waiting, with one programme (Joining, issue 15)."""
    email = name.split()[0].lower() + "@example.org"
    rows = await Application.insert(
        Application(name=name, email=email, postcode="WN1 1AA", year_of_birth=1980,
                    consent_to_contact=True)
    ).returning(Application.id)  # fmt: skip
    programme = await f.programme_id("health-champions")
    await ApplicationProgramme.insert(
        ApplicationProgramme(application=rows[0]["id"], programme=programme)
    )
    return int(rows[0]["id"])


async def make_world(role: str, group: str) -> World:
    headers, me = await _account(role)
    other = await f.person("Other Person")
    ids: dict[str, int] = {}
    if group in ("memberships", "activities", "api"):
        # A champion may log activities only for the programmes they are in.
        ids = {
            "mine": await f.join(me, "health-champions"),
            "theirs": await f.join(other, "health-champions"),
        }
    if group == "people":
        ids = {"mine": me, "theirs": other}
    elif group == "trainings":
        ids = {"mine": await _training(me), "theirs": await _training(other)}
    elif group == "activities":
        ids = {"mine": await _activity(me), "theirs": await _activity(other)}
    elif group == "friends-sessions":
        # A champion records sessions only for a Friends programme they are in.
        await f.join(me, "dementia-friends")
        ids = {"mine": await _session(me), "theirs": await _session(other)}
    elif group == "stories":
        ids = {"mine": await _story(me), "theirs": await _story(other)}
    elif group == "applications":  # Joining (issue 15)
        ids = {"rec": await _application("Sam Okafor"), "theirs": await _application("Lee Ward")}
    elif group == "upcoming-sessions":
        # Trained to run sessions: a member of Dementia Friends. Started an hour ago, so
        # that who came can be recorded.
        await f.join(me, "dementia-friends")
        ids = {"mine": await _upcoming(me), "theirs": await _upcoming(other)}
    elif group not in OWNED and group != "api":
        ids = {"rec": await _unowned(group)}
    return World(role, headers, me, other, ids)


async def snapshot(world: World, group: str, path: str) -> Any:
    """What a request to this path could change: the row it names (None once deleted), or,
    for a path without an id, the ids of every record of its type."""
    if group == "api":
        return None
    table = TABLES[group]
    key = table._meta.primary_key
    if "{" not in path.split("?")[0]:
        return sorted(row["id"] for row in await table.select(key))
    # The record's id: the last number in the path (an action's path ends in its name).
    record_id = int([p for p in world.fill(path).split("/") if p.isdigit()][-1])
    return await table.select().where(key == record_id).first()


def expected_list(world: World, group: str, path: str) -> set[int]:
    """The ids a list of an owned record type must show: champions see only their own."""
    mine, theirs = world.ids["mine"], world.ids["theirs"]
    filtered = "?" in path  # filtered to the other person's records
    if world.role == "champion":
        return set() if filtered else {mine}
    return {theirs} if filtered else {mine, theirs}


async def check(client, world: World, group: str, row: tuple[str, str, str, int]) -> list[str]:
    """Send one row's request; what is wrong with the answer (nothing: an empty list)."""
    method, path, body_name, status = row
    body = body_for(body_name, group)
    before = await snapshot(world, group, path)
    response = await client.request(
        method,
        world.fill(path),
        headers=world.headers,
        json=None if body is None else world.fill(body),
    )
    if response.status_code != status:
        return [f"got {response.status_code}, expected {status}: {response.text[:300]}"]
    problems = []
    if status >= 400:
        message = None
        if response.headers.get("content-type", "").startswith("application/json"):
            message = response.json().get("message")
        if not (isinstance(message, str) and message):
            problems.append(f"the error has no JSON message: {response.text[:300]}")
        if await snapshot(world, group, path) != before:
            problems.append("the refusal changed something")
    elif method == "GET" and group in OWNED and "{" not in path.split("?")[0]:
        seen = {item["id"] for item in response.json()["items"]}
        if seen != expected_list(world, group, path):
            problems.append(f"listed {sorted(seen)}, expected {expected_list(world, group, path)}")
    elif method == "POST" and group in OWNED and world.role == "champion" and "{" not in path:
        owner = response.json()[OWNED[group]]
        if owner != world.me:
            problems.append(f"a champion's new record belongs to {owner}, not to {world.me}")
    elif method == "DELETE" and await snapshot(world, group, path) is not None:
        problems.append("the record is still there")
    elif body_name == "batch":
        results = [r["status"] for r in response.json()["results"]]
        if results != ["created"]:
            problems.append(f"the batch answered {results}")
    return problems


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("role", [*ROLES, *NOT_VALID])
async def test_authorisation_matrix(client, role, group):
    world = await make_world(role, group)
    failures = []
    for row in rows_for(role, group):
        for problem in await check(client, world, group, row):
            method, path, body, status = row
            failures.append(f"{role} {method} {path} {body}: {problem}".replace("  ", " "))
    assert not failures, "\n".join(failures)


def test_the_matrix_covers_every_api_route(app):
    """Every route under /api/ is in the matrix, with every method it answers to."""
    from litestar.handlers import HTTPRouteHandler

    def shape(path: str) -> str:
        path = path.split("?")[0]
        for name in ("{mine}", "{theirs}", "{rec}", "{record_id:int}"):
            path = path.replace(name, "{id}")
        return path

    routes = set()
    for route in app.routes:
        if not route.path.startswith("/api/"):
            continue
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                for method in handler.http_methods:
                    if method not in ("HEAD", "OPTIONS"):
                        routes.add((method, shape(route.path)))
    covered = {(method, shape(path)) for method, path, *_ in MATRIX}
    # 4 others, 5 per record type (2 for a read-only one), a session's bookings and
    # attendance (issue 15), and one's own wellbeing answers, read and sent (issue 16).
    assert len(routes) == 4 + 5 * (len(TABLES) - len(READ_ONLY)) + 2 * len(READ_ONLY) + 2 + 2
    assert covered == routes
    assert len(MATRIX) == len({(m, p, b) for m, p, b, *_ in MATRIX}), "a row is repeated"
