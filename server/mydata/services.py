"""Everything held about me, and erasing me: both defined once, in server/privacy."""

from __future__ import annotations

from server.db import write_transaction
from server.lib.audit import record
from server.lib.auth import Actor
from server.lib.records import Forbidden
from server.privacy.download import Section, everything
from server.privacy.erase import erase_person


async def my_data(actor: Actor) -> list[Section]:
    """Every kind of record held about the signed-in person, each in its own section."""
    return await everything(actor.person_id, actor.account_id)


async def erase_me(actor: Actor) -> None:
    """Erase me everywhere (server/privacy/holdings.py says what that covers). My
    activities and the sessions I ran stay, with nothing that points to me, so the
    movement's numbers stay the same."""
    if actor.person_id is None:
        raise Forbidden("Your account is not linked to a person.")
    async with write_transaction():
        await erase_person(actor.person_id, by=actor.account_id)
        await record(actor.account_id, "delete", "person", actor.person_id, {"by": "themselves"})
