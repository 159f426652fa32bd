"""Everything held about me, and erasing me."""

from __future__ import annotations

from typing import Any

from schema.tables import Account, Activity, FriendsSession, Membership, Person, TrainingRecord
from server.activities.services import ACTIVITIES
from server.db import write_transaction
from server.lib.audit import record
from server.lib.records import Context, Forbidden
from server.people.services import (
    MEMBERSHIPS,
    PEOPLE,
    before_person_deleted,
)
from server.sessions.services import FRIENDS_SESSIONS
from server.totals.services import invalidate
from server.trainings.services import TRAININGS


async def my_data(ctx: Context) -> dict[str, Any]:
    """Every record about the signed-in person, in the API's shapes."""
    assert ctx.actor is not None
    person_id = ctx.actor.person_id
    account = (
        await Account.select(Account.email, Account.role, Account.created_at)
        .where(Account.id == ctx.actor.account_id)
        .first()
    )
    person = await Person.select().where(Person.id == (person_id or 0)).first()
    tables = (
        ("memberships", MEMBERSHIPS, Membership, Membership.person),
        ("trainings", TRAININGS, TrainingRecord, TrainingRecord.person),
        ("activities", ACTIVITIES, Activity, Activity.person),
        ("friends_sessions", FRIENDS_SESSIONS, FriendsSession, FriendsSession.run_by),
    )
    out: dict[str, Any] = {
        "account": account,
        "person": PEOPLE.present(person, ctx.ref) if person else None,
    }
    for name, rt, table, owner in tables:
        rows = await table.select().where(owner == (person_id or 0)).order_by(table.id)
        out[name] = [rt.present(row, ctx.ref) for row in rows]
    return out


async def erase_me(ctx: Context) -> None:
    """Delete my personal details, roles, training and account. My activities and the
    sessions I ran stay, with nothing that points to me, so the movement's reach stays."""
    assert ctx.actor is not None
    person_id = ctx.actor.person_id
    if person_id is None:
        raise Forbidden("Your account is not linked to a person.")
    async with write_transaction():
        row = await Person.select().where(Person.id == person_id).first()
        if row is not None:
            await before_person_deleted(row, ctx)  # roles, training and the account
            await Person.delete().where(Person.id == person_id)
            await record(ctx.actor.account_id, "delete", "person", person_id, {"by": "themselves"})
    invalidate()
