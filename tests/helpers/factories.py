"""Small helpers that make records for tests, setting only what a test needs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from schema import tables as t
from schema.tables import Footprint, Membership, Person, Programme
from server.accounts.services import create_account, issue_token
from server.db import engine, write_transaction
from server.totals import people as people_rollup
from server.totals import rollup

# Every table that tests write, children before parents.
TEST_TABLES = (
    t.WellbeingAnswer,  # Wellbeing (issue 16): before people
    t.Booking,  # Upcoming sessions (issue 15): before the tables they refer to
    t.UpcomingSession,
    t.ImportJob,
    t.SiteText,
    t.OutboxMessage,
    t.EmailChange,
    t.SignInLink,
    t.WebSession,
    t.Story,
    t.AuditEvent,
    t.ApiToken,
    t.Account,
    t.ActivityTopic,  # Impact (issue 16): before the activities it names
    t.Activity,
    t.Service,
    t.ActivityDaily,
    t.ActivityMonthly,
    t.ActivityFacetDaily,
    t.ActivityFacetMonthly,
    t.CountedRole,
    t.RoleDaily,
    t.RoleMonthly,
    t.RolePairDaily,
    t.RolePairMonthly,
    t.FriendsSession,
    t.ExternalCount,
    t.TrainingRecord,
    t.Membership,
    t.Person,
    t.Organisation,
    t.Footprint,
    # Joining (issue 15): their links to people and areas are set to null when those go.
    t.ApplicationProgramme,
    t.Application,
    # Impact (issue 16): the council's deprivation lookups
    t.PostcodeArea,
    t.AreaDeprivation,
    # The once-a-day jobs' last runs: a server a browser test started on the same database
    # may have claimed one (its loop looks every five to fifteen minutes on a slow machine).
    t.Chore,
)


async def empty_tables() -> None:
    """Delete every row a test may have written (the seeded programmes and courses stay)."""
    async with write_transaction():  # one connection for all of it: much faster on SQLite
        for table in TEST_TABLES:
            await table.delete(force=True)


@dataclass
class User:
    email: str
    role: str
    person_id: int
    headers: dict[str, str]


async def user(role: str = "champion", email: str | None = None, **person: Any) -> User:
    """An account with a person and an API token."""
    email = email or f"{role}-{await Person.count() + 1}@example.org"
    account = await create_account(email, role)
    token = await issue_token(email)
    if person:
        await Person.update(person).where(Person.id == account["person"])  # type: ignore[arg-type]
        await keep_people([account["person"]])  # type: ignore[list-item]
    return User(email, role, account["person"], {"Authorization": f"Bearer {token}"})  # type: ignore[arg-type]


async def footprint(code: str = "WC", name: str | None = None) -> int:
    rows = await Footprint.insert(Footprint(code=code, name=name or f"Area {code}")).returning(
        Footprint.id
    )
    return rows[0]["id"]


async def programme_id(slug: str) -> int:
    row = await Programme.select(Programme.id).where(Programme.slug == slug).first()
    assert row is not None, slug
    return row["id"]


async def join(
    person_id: int, slug: str, status: str = "active", joined_on: date | None = None
) -> int:
    rows = await Membership.insert(
        Membership(
            person=person_id,
            programme=await programme_id(slug),
            status=status,
            joined_on=joined_on or date.today(),
        )
    ).returning(Membership.id)
    await keep_people([person_id])
    return rows[0]["id"]


async def keep_people(person_ids: list[int]) -> None:
    """The people rollups kept, as the app's writes keep them; in a plain transaction, so
    that, like the factories' other writes, it counts as a write made elsewhere (the
    caches of this process are not made stale: tests call note_write for that)."""
    async with engine().transaction():
        await people_rollup.refresh(person_ids)


async def person(name: str = "Pat", **fields: Any) -> int:
    rows = await Person.insert(Person(name=name, **fields)).returning(Person.id)
    return rows[0]["id"]


async def activities(*rows: dict[str, Any], counted: bool = False) -> list[int]:
    """Activities written straight to the table, each with a new client_id and the fields
    given; their ids. Not through the app, so nothing is audited and the totals' rollups
    are not kept: `counted=True` rebuilds them (in a write transaction, which the caches
    see)."""
    inserted = await t.Activity.insert(
        *[t.Activity(client_id=uuid.uuid4(), **row) for row in rows]
    ).returning(t.Activity.id)
    if counted:
        async with write_transaction():
            await rollup.rebuild()
    return [row["id"] for row in inserted]


async def activity(**fields: Any) -> int:
    """One activity written straight to the table (see `activities`); its id."""
    return (await activities(fields))[0]
