"""Who an email address belongs to, and how far to trust that.

A confirmed address is its owner's: they used a link sent to it. An unconfirmed one was
typed by staff, imported, or given before addresses were confirmed, and may be wrong, or
may have been claimed by someone else. Finding a record through it is therefore never
enough on its own to give that record an account, or to attach someone's data to it: the
callers (import, create-user, the console, the training cohort) report it instead, for a
coordinator to decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from schema.tables import Account, Person
from server.lib.normal import simple
from server.lib.rows import rows_as
from server.lib.validation import MAX_ID, Invalid

IN_CHUNK = 500


@dataclass(frozen=True)
class Holder:
    """The person whose record has an address."""

    person_id: int
    name: str
    confirmed: bool
    # They sign in with another address: a sign of an address claimed by the record's
    # holder rather than given by its owner.
    signs_in_elsewhere: bool


async def signing_in_elsewhere(people: Iterable[tuple[int, str | None]]) -> set[int]:
    """Of these (person id, email) pairs, the people with an account whose address is not
    the one on their record."""
    wanted = dict(people)
    ids = sorted(wanted)
    out: set[int] = set()
    for start in range(0, len(ids), IN_CHUNK):
        rows = await Account.select(Account.person, Account.email).where(
            Account.person.is_in(ids[start : start + IN_CHUNK])
        )
        out |= {r["person"] for r in rows if r["email"] != wanted.get(r["person"])}
    return out


class _Holding(TypedDict):
    id: int
    name: str
    email: str  # one of those asked for, so never None here
    email_confirmed: bool


async def holders(emails: Iterable[str]) -> dict[str, Holder]:
    """The person holding each of these (lower-case) addresses, where anyone does."""
    wanted = sorted({e for e in emails if e})
    rows: list[_Holding] = []
    for start in range(0, len(wanted), IN_CHUNK):
        found = await Person.select(
            Person.id, Person.name, Person.email, Person.email_confirmed
        ).where(Person.email.is_in(wanted[start : start + IN_CHUNK]))
        rows += rows_as(_Holding, found)
    elsewhere = await signing_in_elsewhere((r["id"], r["email"]) for r in rows)
    return {
        r["email"]: Holder(
            person_id=r["id"],
            name=r["name"],
            confirmed=bool(r["email_confirmed"]),
            signs_in_elsewhere=r["id"] in elsewhere,
        )
        for r in rows
    }


def doubt(holder: Holder, name: str | None = None) -> str | None:
    """Why the record holding an address cannot be taken to be its owner's, or None.
    A confirmed address is trusted. An unconfirmed one is not when the record's holder
    signs in with another address, nor when a name is known and is not the record's."""
    if holder.confirmed:
        return None
    if holder.signs_in_elsewhere:
        return "who has not confirmed it and signs in with another address"
    if name is not None and simple(name) != simple(holder.name):
        return "who has not confirmed it, and the names are not the same"
    return None


def taken_message(holder: Holder) -> str:
    """For staff adding someone with an address already on a record: whose, and what to do."""
    whose = f"{holder.name} (record {holder.person_id}) already has this email address"
    if holder.confirmed:
        return (
            f"{whose}, and has confirmed it is theirs. If you are adding {holder.name}, "
            "change their record instead; if not, check the address."
        )
    return (
        f"{whose}, but has not confirmed it is theirs. If you are adding {holder.name}, "
        "change their record instead. If not, one of the two addresses is wrong: check it "
        "with the person you are adding, or leave the email empty for now."
    )


async def person_for_new_account(email: str, person_id: int | None) -> int | None:
    """The record a new account (from `movement create-user`) belongs to: the one named by
    person_id, or the record with a confirmed address, or None for a new person. An
    address nobody confirmed is refused: it could belong to someone else."""
    if person_id is not None:
        if not 1 <= person_id <= MAX_ID or not await Person.exists().where(Person.id == person_id):
            raise Invalid({"person": f"There is no person with id {person_id}."})
        other = await Account.select(Account.email).where(Account.person == person_id).first()
        if other is not None:
            raise Invalid({"person": f"This person already has an account: {other['email']}."})
        return person_id
    holder = (await holders([email])).get(email)
    if holder is None:
        return None
    if holder.confirmed:
        return holder.person_id
    raise Invalid(
        {
            "email": (
                f"{email} is on the record of {holder.name} (record {holder.person_id}), but "
                "nobody has confirmed that it is theirs, so no account was made: it could be "
                "someone else's address. If the account is for "
                f"{holder.name}, check the address with them and run the command again with "
                f"--person {holder.person_id}. If not, correct that record's email in the "
                "console first."
            )
        }
    )
