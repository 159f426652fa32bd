"""Merging two records of the same person into one.

Everything that points at the other record (memberships, training, activities, the Friends
sessions they ran, stories, accounts) moves to the kept one, in one write transaction, and
every change is audited without copying personal values. Two memberships of one programme
become one: the earliest joined date, and active if either was. The totals then count the
person once; nothing else in them changes (activities keep the area where they happened).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TypedDict

from schema.rows import MembershipRow, PersonRow
from schema.tables import (
    Account,
    FriendsSession,
    Membership,
    Organisation,
    Person,
    Story,
)
from server.activities.services import ACTIVITIES
from server.db import write_transaction
from server.lib.audit import changes, record, record_many
from server.lib.records import Context, Kind, Update, allow, fetch, update_many
from server.lib.rows import rows_as
from server.lib.validation import Invalid
from server.people.services import MEMBERSHIPS, PEOPLE, YOUNG, check_young_age
from server.totals import people as people_rollup
from server.trainings.services import TRAININGS

# The fields a coordinator chooses between, with their labels.
FIELDS = {
    "name": "Name",
    "email": "Email",
    "phone": "Phone",
    "postcode": "Postcode",
    "year_of_birth": "Year of birth",
    "footprint": "Area",
    "organisation": "Organisation",
    "consent_to_contact": "Consent to contact",
}
KEEP, OTHER = "keep", "other"
# The better of two statuses wins when two memberships become one.
RANK = {"active": 0, "paused": 1, "left": 2}
# Records that point at a person, moved as they are: (kind, column).
MOVED: tuple[tuple[Kind, str], ...] = (
    (TRAININGS.kind, "person"),
    (ACTIVITIES.kind, "person"),
    (Kind("friends session", FriendsSession), "run_by"),
    (Kind("story", Story), "person"),
    (Kind("account", Account), "person"),
)


def _empty(value: object) -> bool:
    return value is None or value == ""


def default_choices(keep: Fields, other: Fields) -> dict[str, str]:
    """Keep the kept record's values, filling its gaps from the other record."""
    return {
        name: OTHER if _empty(keep[name]) and not _empty(other[name]) else KEEP for name in FIELDS
    }


# A person's fields by name, for the loops over FIELDS.
Fields = Mapping[str, object]


def _same(keep: Fields, other: Fields, name: str) -> bool:
    return keep[name] == other[name]


def _refuse_self(keep_id: int, other_id: int) -> None:
    if keep_id == other_id:
        raise Invalid(
            {"other": "Choose a different record: a record cannot be merged with itself."}
        )


async def _shown(row: PersonRow, ctx: Context) -> dict[str, str]:
    """A person's fields as text for the side-by-side table."""
    fields: Fields = row
    out = {k: "" if fields[k] is None else str(fields[k]) for k in FIELDS}
    area = ctx.ref.footprints.get(row["footprint"] or 0)
    out["footprint"] = area["name"] if area else ""
    out["consent_to_contact"] = "Yes" if row["consent_to_contact"] else "No"
    if row["organisation"]:
        org = (
            await Organisation.select(Organisation.name)
            .where(Organisation.id == row["organisation"])
            .first()
        )
        out["organisation"] = org["name"] if org else ""
    return out


async def _counts(person_id: int) -> dict[str, int]:
    out = {"membership": await Membership.count().where(Membership.person == person_id)}
    for kind, column in MOVED:
        where = kind.table._meta.get_column_by_name(column) == person_id
        out[kind.name] = await kind.table.count().where(where)
    return out


class MergePreview(TypedDict):
    """Both records, each field side by side with the choice for it, and what would move."""

    keep: PersonRow
    other: PersonRow
    rows: list[dict[str, object]]
    moves: dict[str, int]


async def merge_preview(
    ctx: Context, keep_id: int, other_id: int, choices: Mapping[str, str] | None = None
) -> MergePreview:
    """Both records side by side, what would move, and the choice for each field."""
    allow(PEOPLE, ctx.actor, "update")
    _refuse_self(keep_id, other_id)
    keep, other = await fetch(PEOPLE, ctx, keep_id), await fetch(PEOPLE, ctx, other_id)
    chosen = {**default_choices(keep, other), **(choices or {})}
    shown_keep, shown_other = await _shown(keep, ctx), await _shown(other, ctx)
    rows = [
        {
            "field": name,
            "label": label,
            "keep": shown_keep[name],
            "other": shown_other[name],
            "same": _same(keep, other, name),
            "choice": chosen.get(name, KEEP),
        }
        for name, label in FIELDS.items()
    ]
    moves = await _counts(other_id)
    return MergePreview(keep=keep, other=other, rows=rows, moves=moves)


def _chosen_values(keep: Fields, other: Fields, choices: Mapping[str, str]) -> dict[str, object]:
    chosen = {**default_choices(keep, other), **{k: v for k, v in choices.items() if v}}
    wrong = {k: "Choose which value to keep." for k in FIELDS if chosen[k] not in (KEEP, OTHER)}
    if wrong:
        raise Invalid(wrong)
    return {k: (other if chosen[k] == OTHER else keep)[k] for k in FIELDS}


def _combined(mine: MembershipRow, theirs: MembershipRow) -> MembershipRow:
    """One membership out of two of the same programme."""
    status = min(mine["status"], theirs["status"], key=lambda s: RANK.get(s, 3))
    lefts = [d for d in (mine["left_on"], theirs["left_on"]) if d is not None]
    left_on = max(lefts) if status == "left" and lefts else None
    return MembershipRow(
        joined_on=min(mine["joined_on"], theirs["joined_on"]), status=status, left_on=left_on
    )


async def _merge_memberships(
    keep_id: int, other_id: int, account: int | None
) -> list[MembershipRow]:
    """Move the other's memberships; where both are in a programme, keep one. Returns the
    kept person's memberships afterwards."""
    mine = {
        r["programme"]: r
        for r in rows_as(
            MembershipRow, await Membership.select().where(Membership.person == keep_id)
        )
    }
    moved: list[Update] = []
    updated: list[Update] = []
    dropped: list[tuple[int, dict[str, object]]] = []
    theirs_all = await Membership.select().where(Membership.person == other_id)
    for theirs in rows_as(MembershipRow, theirs_all):
        kept = mine.get(theirs["programme"])
        if kept is None:
            moved.append((theirs["id"], {"person": keep_id}, {"person": [other_id, keep_id]}))
            continue
        new = _combined(kept, theirs)
        what = changes(kept, new)
        if what:
            updated.append((kept["id"], new, {**what, "merged_from": theirs["id"]}))
        dropped.append((theirs["id"], {"merged_into": kept["id"]}))
    # Theirs of a programme both are in go first: (person, programme) is unique.
    await Membership.delete().where(Membership.id.is_in([i for i, _ in dropped] or [0]))
    await update_many(MEMBERSHIPS.kind, account, moved + updated)
    await record_many(account, "delete", "membership", dropped)
    return rows_as(MembershipRow, await Membership.select().where(Membership.person == keep_id))


async def _move_the_rest(keep_id: int, other_id: int, account: int | None) -> None:
    for kind, name in MOVED:
        column = kind.table._meta.get_column_by_name(name)
        rows = await kind.table.select(kind.table._meta.primary_key).where(column == other_id)
        moves = [(r["id"], {name: keep_id}, {name: [other_id, keep_id]}) for r in rows]
        await update_many(kind, account, moves)


def _check_young(ctx: Context, values: Fields, memberships: list[MembershipRow]) -> None:
    """The kept record must still pass the Young Health Champions age rule."""
    born = values["year_of_birth"]
    assert born is None or isinstance(born, int)
    for m in memberships:
        if ctx.ref.slug(m["programme"]) == YOUNG:
            problem = check_young_age(born, m["joined_on"])
            if problem:
                raise Invalid({"year_of_birth": problem})


async def merge_people(
    ctx: Context, keep_id: int, other_id: int, choices: Mapping[str, str]
) -> None:
    """Merge the other record into the kept one, keeping the chosen value of each field,
    and delete the other record. All of it, or nothing."""
    allow(PEOPLE, ctx.actor, "update")
    allow(PEOPLE, ctx.actor, "delete")
    _refuse_self(keep_id, other_id)
    account = ctx.actor.account_id if ctx.actor else None
    async with write_transaction():
        keep = await fetch(PEOPLE, ctx, keep_id, lock=True)
        other = await fetch(PEOPLE, ctx, other_id, lock=True)
        values = _chosen_values(keep, other, choices)
        # Whether an address is confirmed goes with the address.
        source = other if values["email"] == other["email"] else keep
        values["email_confirmed"] = bool(values["email"]) and source["email_confirmed"]
        memberships = await _merge_memberships(keep_id, other_id, account)
        _check_young(ctx, values, memberships)
        await _move_the_rest(keep_id, other_id, account)
        # The other record goes first: the kept one may take its email (unique).
        await Person.delete().where(Person.id == other_id)
        await record(account, "delete", "person", other_id, {"merged_into": keep_id})
        what = changes(keep, values, PEOPLE.personal)
        if what:
            stamped = {**values, "updated_at": datetime.now(UTC)}
            await Person.update(stamped).where(Person.id == keep_id)  # type: ignore[arg-type]
            await record(account, "update", "person", keep_id, {**what, "merged_from": other_id})
        await people_rollup.refresh([keep_id, other_id])
