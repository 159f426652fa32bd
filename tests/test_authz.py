"""Who may do what: the authorisation matrix over every endpoint under /api/.

Roles: the public (no Authorization header), champion, coordinator and admin, plus a token
that is not valid ("bad": never issued; "revoked": issued to an admin, then revoked).

Path templates name the records each test makes for the record type under test:
    {mine}    a record owned by the signed-in account's person (for people: that person)
    {theirs}  a record owned by another person (for people: that other person)
    {rec}     a record of a type that no one owns (external counts and reference lists)
Bodies may name {me} (the signed-in account's person) and {other} (the other person).

The rules (server/lib/records.py and each RecordType's `public`, `champion_may`, `owner`):
- the public may list and read programmes, footprints and courses, and GET /api/totals;
  everything else is 401;
- a champion sees only their own person, memberships, trainings, activities and Friends
  sessions (someone else's: 404); may add, change and delete their own trainings,
  activities and sessions (naming someone else: 403), change their own person, read the
  reference lists and organisations; everything else is 403;
- coordinators and admins may do everything, except that only admins read the audit log;
- a token that is not valid is 401 everywhere, even where the public is allowed in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from schema.tables import (
    Account,
    Activity,
    Course,
    ExternalCount,
    Footprint,
    FriendsSession,
    Membership,
    Organisation,
    Person,
    Programme,
    TrainingRecord,
)
from server.accounts.services import revoke_tokens
from server.totals import rollup
from tests import factories as f

ROLES = ("public", "champion", "coordinator", "admin")
SIGNED_IN = ("champion", "coordinator", "admin")
STAFF = ("coordinator", "admin")
NOT_VALID = ("bad", "revoked")

TODAY = date.today()
LAST_MONTH = (TODAY - timedelta(days=30)).isoformat()

# The record types under /api/, and the column that holds the owner's person id.
OWNED = {
    "people": "id",
    "memberships": "person",
    "trainings": "person",
    "activities": "person",
    "friends-sessions": "run_by",
}
UNOWNED = ("external-counts", "programmes", "footprints", "organisations", "courses")
PUBLIC_READ = ("programmes", "footprints", "courses")
CHAMPION_READ = ("programmes", "footprints", "courses", "organisations")
RESOURCES = (*OWNED, *UNOWNED)

TABLES = {
    "people": Person,
    "memberships": Membership,
    "trainings": TrainingRecord,
    "activities": Activity,
    "friends-sessions": FriendsSession,
    "external-counts": ExternalCount,
    "programmes": Programme,
    "footprints": Footprint,
    "organisations": Organisation,
    "courses": Course,
}

# A valid body to add one record of each type.
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
    "external-counts": {
        "programme": "dementia-friends",
        "count": 10_000,
        "as_of": LAST_MONTH,
        "source": "Alzheimer's Society",
    },
    "programmes": {"name": "Sepsis Awareness Champions", "kind": "champion"},
    "footprints": {"name": "Leigh", "code": "LE"},
    "organisations": {"name": "Hindley Walking Group"},
    "courses": {"name": "Community Defibrillator Training"},
}
# The same, but for someone else (the owner field names the other person).
CREATE_FOR_OTHER: dict[str, dict[str, Any]] = {
    "trainings": {**CREATE["trainings"], "person": "{other}"},
    "activities": {**CREATE["activities"], "person": "{other}"},
    "friends-sessions": {**CREATE["friends-sessions"], "run_by": "{other}"},
}
# A valid change to one field of each type.
UPDATE: dict[str, dict[str, Any]] = {
    "people": {"phone": "01942 123456"},
    "memberships": {"status": "paused"},
    "trainings": {"certificate_number": "RSPH-0042"},
    "activities": {"people_reached": 7},
    "friends-sessions": {"attendees": 21},
    "external-counts": {"count": 10_500},
    "programmes": {"description": "Changed by the test."},
    "footprints": {"name": "Renamed Area"},
    "organisations": {"name": "Renamed Group"},
    "courses": {"provider": "Royal Society for Public Health"},
}
# A change that hands a record to someone else.
UPDATE_TO_OTHER: dict[str, dict[str, Any]] = {
    "trainings": {"person": "{other}"},
    "activities": {"person": "{other}"},
    "friends-sessions": {"run_by": "{other}"},
}


def batch_body() -> dict[str, Any]:
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


# The matrix -------------------------------------------------------------------------------


def case(role: str, method: str, path: str, status: int, body: str = "") -> Any:
    """One row: who, what, where, and the status they must get. `body` picks a variant."""
    label = f"{role} {method} {path}" + (f" ({body})" if body else "")
    return pytest.param(role, method, path, status, body, id=label)


def crud(resource: str) -> list[tuple[str, str, str]]:
    """(method, path, body) for every route of one record type, on each kind of record."""
    base = f"/api/{resource}"
    if resource in OWNED:
        targets = [f"{base}/{{mine}}", f"{base}/{{theirs}}"]
    else:
        targets = [f"{base}/{{rec}}"]
    out = [("GET", base, ""), ("POST", base, "")]
    for target in targets:
        out += [("GET", target, ""), ("PATCH", target, ""), ("DELETE", target, "")]
    return out


def public_rows() -> list[Any]:
    rows = []
    for resource in RESOURCES:
        for method, path, body in crud(resource):
            reads = method == "GET" and resource in PUBLIC_READ
            rows.append(case("public", method, path, 200 if reads else 401, body))
    rows += [
        case("public", "GET", "/api/totals", 200),
        case("public", "POST", "/api/activities/batch", 401),
        case("public", "GET", "/api/me", 401),
        case("public", "GET", "/api/audit", 401),
    ]
    return rows


def champion_rows() -> list[Any]:
    c = "champion"
    rows = [
        # people: only themself, and never add or delete anyone
        case(c, "GET", "/api/people", 200),
        case(c, "GET", "/api/people/{mine}", 200),
        case(c, "GET", "/api/people/{theirs}", 404),
        case(c, "PATCH", "/api/people/{mine}", 200),
        case(c, "PATCH", "/api/people/{theirs}", 404),
        case(c, "POST", "/api/people", 403),
        case(c, "DELETE", "/api/people/{mine}", 403),
        case(c, "DELETE", "/api/people/{theirs}", 403),
        # memberships: read their own only
        case(c, "GET", "/api/memberships", 200),
        case(c, "GET", "/api/memberships/{mine}", 200),
        case(c, "GET", "/api/memberships/{theirs}", 404),
        case(c, "POST", "/api/memberships", 403),
        case(c, "PATCH", "/api/memberships/{mine}", 403),
        case(c, "PATCH", "/api/memberships/{theirs}", 403),
        case(c, "DELETE", "/api/memberships/{mine}", 403),
        case(c, "DELETE", "/api/memberships/{theirs}", 403),
    ]
    # trainings, activities, Friends sessions: everything, on their own only
    for resource in ("trainings", "activities", "friends-sessions"):
        base = f"/api/{resource}"
        rows += [
            case(c, "GET", base, 200),
            case(c, "POST", base, 201),
            case(c, "POST", base, 403, "for other"),
            case(c, "GET", f"{base}/{{mine}}", 200),
            case(c, "GET", f"{base}/{{theirs}}", 404),
            case(c, "PATCH", f"{base}/{{mine}}", 200),
            case(c, "PATCH", f"{base}/{{mine}}", 403, "to other"),
            case(c, "PATCH", f"{base}/{{theirs}}", 404),
            case(c, "DELETE", f"{base}/{{mine}}", 204),
            case(c, "DELETE", f"{base}/{{theirs}}", 404),
        ]
    # external counts: nothing; reference lists and organisations: read only
    for resource in UNOWNED:
        for method, path, body in crud(resource):
            reads = method == "GET" and resource in CHAMPION_READ
            rows.append(case(c, method, path, 200 if reads else 403, body))
    rows += [
        case(c, "GET", "/api/totals", 200),
        case(c, "POST", "/api/activities/batch", 200),
        case(c, "GET", "/api/me", 200),
        case(c, "GET", "/api/audit", 403),
    ]
    return rows


def staff_rows(role: str) -> list[Any]:
    expected = {"GET": 200, "POST": 201, "PATCH": 200, "DELETE": 204}
    rows = []
    for resource in RESOURCES:
        for method, path, body in crud(resource):
            rows.append(case(role, method, path, expected[method], body))
    for resource in CREATE_FOR_OTHER:
        rows.append(case(role, "POST", f"/api/{resource}", 201, "for other"))
        rows.append(case(role, "PATCH", f"/api/{resource}/{{mine}}", 200, "to other"))
    rows += [
        case(role, "GET", "/api/totals", 200),
        case(role, "POST", "/api/activities/batch", 200),
        case(role, "GET", "/api/me", 200),
        case(role, "GET", "/api/audit", 200 if role == "admin" else 403),
    ]
    return rows


def not_valid_rows(role: str) -> list[Any]:
    rows = []
    for resource in RESOURCES:
        for method, path, body in crud(resource):
            rows.append(case(role, method, path, 401, body))
    for method, path in (
        ("GET", "/api/totals"),
        ("POST", "/api/activities/batch"),
        ("GET", "/api/me"),
        ("GET", "/api/audit"),
    ):
        rows.append(case(role, method, path, 401))
    return rows


MATRIX = [
    *public_rows(),
    *champion_rows(),
    *staff_rows("coordinator"),
    *staff_rows("admin"),
    *not_valid_rows("bad"),
    *not_valid_rows("revoked"),
]


# The records each row needs ------------------------------------------------------------------


@dataclass
class World:
    headers: dict[str, str]
    me: int  # the signed-in account's person (for the public and bad tokens: some person)
    other: int  # another person
    ids: dict[str, int]  # mine, theirs, rec: for the record type under test

    def fill(self, value: Any) -> Any:
        """Put the ids into a path or a body."""
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if value == "{me}":
            return self.me
        if value == "{other}":
            return self.other
        if isinstance(value, str):
            return value.format(**self.ids)
        return value


async def _signed_in(role: str) -> tuple[dict[str, str], int]:
    if role in SIGNED_IN:
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
    course = await Course.select(Course.id).where(
        Course.slug == "rsph-l2-understanding-health-improvement"
    ).first()
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


async def _unowned(resource: str) -> int:
    if resource == "external-counts":
        row = ExternalCount(
            programme=await f.programme_id("dementia-friends"),
            count=9_000,
            as_of=TODAY,
            source="Alzheimer's Society",
        )
    elif resource == "programmes":
        row = Programme(slug="test-friends", name="Test Friends", kind="friend")
    elif resource == "footprints":
        return await f.footprint("TF", "Test Area")
    elif resource == "organisations":
        row = Organisation(name="Wigan Athletic Community Trust", kind="other", sector="voluntary")
    else:
        row = Course(slug="test-course", name="Test Course")
    rows = await type(row).insert(row).returning(type(row)._meta.primary_key)
    return rows[0]["id"]


def resource_of(path: str) -> str:
    return path.split("/")[2]


async def make_world(role: str, path: str) -> World:
    headers, me = await _signed_in(role)
    other = await f.person("Other Person")
    # A champion may log activities only for programmes they are in.
    mine_membership = await f.join(me, "health-champions")
    theirs_membership = await f.join(other, "health-champions")
    resource = resource_of(path)
    ids: dict[str, int] = {}
    if resource == "people":
        ids = {"mine": me, "theirs": other}
    elif resource == "memberships":
        ids = {"mine": mine_membership, "theirs": theirs_membership}
    elif resource == "trainings":
        ids = {"mine": await _training(me), "theirs": await _training(other)}
    elif resource == "activities":
        ids = {"mine": await _activity(me), "theirs": await _activity(other)}
    elif resource == "friends-sessions":
        ids = {"mine": await _session(me), "theirs": await _session(other)}
    elif resource in UNOWNED:
        ids = {"rec": await _unowned(resource)}
    return World(headers, me, other, ids)


async def _snapshot(path: str, world: World) -> dict[str, Any] | None:
    """The row a path names, straight from the database (None: no row, or not a record)."""
    resource = resource_of(path)
    if resource not in TABLES or path.count("/") != 3:
        return None
    table = TABLES[resource]
    record_id = int(world.fill(path).rsplit("/", 1)[1])
    return await table.select().where(table._meta.primary_key == record_id).first()


# The tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "method", "path", "status", "variant"), MATRIX)
async def test_authorisation_matrix(client, role, method, path, status, variant):
    world = await make_world(role, path)
    resource = resource_of(path)
    body: dict[str, Any] | None = None
    if path == "/api/activities/batch":
        body = batch_body()
    elif method == "POST":
        body = (CREATE_FOR_OTHER if variant == "for other" else CREATE)[resource]
    elif method == "PATCH":
        body = (UPDATE_TO_OTHER if variant == "to other" else UPDATE)[resource]
    before = await _snapshot(path, world)

    response = await client.request(
        method, world.fill(path), headers=world.headers,
        json=None if body is None else world.fill(body),
    )

    assert response.status_code == status, response.text
    if status >= 400:
        assert response.headers["content-type"].startswith("application/json")
        message = response.json().get("message")
        assert isinstance(message, str) and message, response.text
        # A refusal changes nothing.
        assert await _snapshot(path, world) == before
    if status == 201 and role == "champion" and resource in OWNED:
        # What a champion adds is theirs.
        assert response.json()[OWNED[resource]] == world.me
    if status == 204:
        assert await _snapshot(path, world) is None
    if path == "/api/activities/batch" and status == 200:
        assert [r["status"] for r in response.json()["results"]] == ["created"]


@pytest.mark.parametrize("resource", list(OWNED))
@pytest.mark.parametrize("role", ROLES[1:])
async def test_lists_show_champions_only_their_own(client, role, resource):
    world = await make_world(role, f"/api/{resource}")

    response = await client.get(f"/api/{resource}", headers=world.headers)

    assert response.status_code == 200, response.text
    seen = {item["id"] for item in response.json()["items"]}
    if role == "champion":
        assert seen == {world.ids["mine"]}
        assert response.json()["total"] == 1
    else:
        assert {world.ids["mine"], world.ids["theirs"]} <= seen


async def test_a_champion_cannot_filter_their_way_to_someone_else(client):
    """Asking for another person's records by filter still shows only one's own."""
    world = await make_world("champion", "/api/activities")
    for query in (f"person={world.other}", ""):
        response = await client.get(f"/api/activities?{query}", headers=world.headers)
        assert response.status_code == 200, response.text
        assert all(item["person"] == world.me for item in response.json()["items"])
