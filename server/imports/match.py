"""Who each row is, and what importing the file would change.

People are matched by email (case does not matter). A row without an email is matched by
name (case and spaces do not matter) with the year of birth, or else with the postcode.
A row with an email that nobody has yet may still be someone recorded without an email,
by the same name rules. Rows about the same person are one person, in the file too.

An email that its owner has not confirmed (typed by staff, imported) matches only when the
recorded name is the row's too and nobody signs in to that record with another address:
otherwise the row is a problem for a coordinator, so that no one's data is attached to a
record that took their address (see server/accounts/addresses.py).

A matched person's empty fields are filled in from the file; what is already recorded is
never overwritten (a note says so). A person is in each programme once, and has one
training record per course and date; rows that add nothing are counted as unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from schema.rows import MembershipRow, PersonRow, TrainingRecordRow
from schema.tables import Membership, Person, TrainingRecord
from server.accounts.addresses import Holder, doubt, signing_in_elsewhere
from server.imports.check import Lookups, Problem, RowPlan, check_row
from server.imports.files import Sheet
from server.lib.normal import simple
from server.lib.rows import rows_as
from server.people.services import YOUNG, check_young_age, people_named

IN_CHUNK = 500
YIELD_EVERY = 200  # rows checked between letting other requests in  # values in one IN (...) query
FILLABLE = ("email", "phone", "postcode", "year_of_birth", "footprint", "organisation")
NOUNS = {
    "email": "email address", "phone": "phone number", "postcode": "postcode",
    "year_of_birth": "year of birth", "footprint": "area", "organisation": "organisation",
    "consent_to_contact": "consent to contact",
}  # fmt: skip
HOW = ("email", "name and year of birth", "name and postcode")

Ref = tuple[str, int]  # ("old", person id) or ("new", number of the new person)
# A way to recognise a person: (how, (simple name, year of birth or compact postcode)).
Key = tuple[str, tuple[str, int | str]]
# What earlier rows of the file add: (person, programme) or (person, course, date).
Link = tuple[Ref, int] | tuple[Ref, int, date]
T = TypeVar("T")


@dataclass
class Plan:
    """What the import would do, row by row, and the counts the preview shows."""

    total: int = 0
    rows: list[RowPlan] = field(default_factory=list)  # the good rows, in order
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    refs: dict[int, Ref] = field(default_factory=dict)  # row number -> person
    # new person number -> their fields from the rows about them (the first row's, with
    # gaps filled from later rows'), as they are written
    new_people: dict[int, dict[str, object]] = field(default_factory=dict)
    creates: dict[int, int] = field(default_factory=dict)  # row number -> new person made
    # row number -> (person id, the fields the row fills in)
    fills: dict[int, tuple[int, dict[str, object]]] = field(default_factory=dict)
    old: dict[int, PersonRow] = field(default_factory=dict)  # matched people as they are
    matched_by: dict[int, str] = field(default_factory=dict)  # person id -> how
    memberships: dict[int, MembershipRow] = field(default_factory=dict)  # row -> membership
    trainings: dict[int, TrainingRecordRow] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        changed = set(self.creates) | set(self.fills) | set(self.memberships) | set(self.trainings)
        by_how = {how: sum(1 for h in self.matched_by.values() if h == how) for how in HOW}
        return {
            "rows": self.total,
            "problem_rows": len({p.row for p in self.problems}),
            "new_people": len(self.new_people),
            "matched_people": len(self.matched_by),
            "matched_by_email": by_how[HOW[0]],
            "matched_by_name_and_year": by_how[HOW[1]],
            "matched_by_name_and_postcode": by_how[HOW[2]],
            "people_filled_in": len(self.fills),
            "memberships": len(self.memberships),
            "trainings": len(self.trainings),
            "unchanged_rows": len(self.rows) - len(changed),
        }


def _chunks(values: Iterable[T]) -> list[list[T]]:
    items = list(values)
    return [items[i : i + IN_CHUNK] for i in range(0, len(items), IN_CHUNK)]


async def _people_by_email(emails: set[str]) -> list[PersonRow]:
    rows: list[PersonRow] = []
    for chunk in _chunks(sorted(emails)):
        rows += rows_as(PersonRow, await Person.select().where(Person.email.is_in(chunk)))
    return rows


async def _people_by_name(names: set[str]) -> list[PersonRow]:
    """People whose name is one of these (already normal.simple)."""
    found = await people_named(names)
    ids = sorted({person_id for ids in found.values() for person_id in ids})
    rows: list[PersonRow] = []
    for chunk in _chunks(ids):
        rows += rows_as(PersonRow, await Person.select().where(Person.id.is_in(chunk)))
    return rows


def _keys(person: PersonRow) -> list[Key]:
    """The ways to recognise a person, best first."""
    name = simple(person.get("name") or "")
    keys: list[Key] = []
    if year := person.get("year_of_birth"):
        keys.append((HOW[1], (name, year)))
    if postcode := person.get("postcode"):
        keys.append((HOW[2], (name, "".join(postcode.split()).upper())))
    return keys


class Matcher:
    """Finds the person a row is about, among those recorded and those new in the file."""

    def __init__(self, existing: Iterable[PersonRow]) -> None:
        self.by_email: dict[str, Ref] = {}
        self.by_key: dict[Key, list[Ref]] = {}
        self.email_of: dict[Ref, str | None] = {}
        self.new = 0
        for person in existing:
            self.add(("old", person["id"]), person)

    def add(self, ref: Ref, person: PersonRow) -> None:
        email = person.get("email")
        self.email_of[ref] = email
        if email:
            self.by_email.setdefault(email.lower(), ref)
        for key in _keys(person):
            refs = self.by_key.setdefault(key, [])
            if ref not in refs:
                refs.append(ref)

    def add_new(self, person: PersonRow) -> Ref:
        self.new += 1
        ref = ("new", self.new)
        self.add(ref, person)
        return ref

    def set_email(self, ref: Ref, email: str) -> None:
        self.email_of[ref] = email
        self.by_email.setdefault(email, ref)

    def find(self, person: PersonRow) -> tuple[Ref | None, str, str | None]:
        """The person's ref and how they were matched, or a problem when unsure."""
        email = person.get("email")
        if email and email in self.by_email:
            return self.by_email[email], HOW[0], None
        for key in _keys(person):
            refs = self.by_key.get(key, [])
            if email:  # only someone recorded without an email can be this email's owner
                refs = [r for r in refs if not self.email_of.get(r)]
            if len(refs) == 1:
                return refs[0], key[0], None
            if len(refs) > 1:
                return (
                    None,
                    "",
                    (
                        f"more than one person called {person['name']} has the same "
                        f"{key[0].removeprefix('name and ')}: add an email address to say which."
                    ),
                )
        return None, "", None


async def check_rows(sheet: Sheet, mapping: dict[str, str], look: Lookups) -> list[RowPlan]:
    """Every row checked on its own (its fields and the reference lists; no one matched)."""
    checked = []
    for i, (number, cells) in enumerate(sheet.rows):
        if i % YIELD_EVERY == 0:
            await asyncio.sleep(0)  # let the worker answer other requests meanwhile
        checked.append(await check_row(number, cells, mapping, look))
    return checked


async def build_plan(checked: list[RowPlan], look: Lookups) -> Plan:
    """Work out what the import would do; nothing is written. `checked`: every row of the
    sheet as check_rows gave it (one each, in order), for these lists."""
    plan = Plan(total=len(checked))
    good: list[RowPlan] = []
    for checked_row in checked:
        number = checked_row.row
        if checked_row.problems:
            plan.problems += checked_row.problems
        elif not checked_row.person.get("email") and not _keys(checked_row.person):
            plan.problems.append(Problem(number, "", (
                f"Row {number}: add an email address, a date of birth or a postcode, so that "
                "we can tell whether this person is already recorded."
            )))  # fmt: skip
        else:
            good.append(checked_row)
    emails = {email for r in good if (email := r.person.get("email"))}
    names = {simple(r.person["name"]) for r in good}
    found = await _people_by_email(emails) + await _people_by_name(names)
    plan.old = {p["id"]: p for p in found}
    matcher = Matcher(plan.old.values())
    unsure = await _unsure_addresses(plan.old.values())
    how: dict[int, str] = {}
    for row in good:
        ref, by, problem = matcher.find(row.person)
        label = ""
        if by == HOW[0] and ref is not None and ref[0] == "old":
            problem = _address_problem(row.person, plan.old[ref[1]], unsure)
            label = "Email"
        if problem:
            plan.problems.append(Problem(row.row, label, f"Row {row.row}: {problem}"))
            continue
        if ref is None:
            ref = matcher.add_new(row.person)
        elif (email := row.person.get("email")) and not matcher.email_of.get(ref):
            matcher.set_email(ref, email)
        plan.refs[row.row] = ref
        how[row.row] = by
        plan.rows.append(row)
    _check_young(plan, look.ctx.ref.programme_ids().get(YOUNG))
    await _changes(plan, how)
    plan.problems.sort(key=lambda p: p.row)
    return plan


async def _unsure_addresses(people: Iterable[PersonRow]) -> set[int]:
    """Of the people found, those with an unconfirmed email who sign in with another."""
    unconfirmed = [(p["id"], p["email"]) for p in people if p["email"] and not p["email_confirmed"]]
    return await signing_in_elsewhere(unconfirmed)


def _address_problem(row: PersonRow, person: PersonRow, unsure: set[int]) -> str | None:
    """Why a row must not be matched to the record holding its email, or None."""
    holder = Holder(
        person_id=person["id"],
        name=person["name"],
        confirmed=bool(person["email_confirmed"]),
        signs_in_elsewhere=person["id"] in unsure,
    )
    why = doubt(holder, row.get("name") or "")
    if why is None:
        return None
    advice = (
        "Check whose address it is: correct it in the file or on that record"
        if holder.signs_in_elsewhere
        else "If it is the same person, write the name as it is recorded; if not, correct the "
        "address in the file or on that record"
    )
    return (
        f"the email address {row['email']} is on the record of {person['name']} (record "
        f"{person['id']}), {why}. {advice}, then upload the file again."
    )


def _check_young(plan: Plan, young: int | None) -> None:
    """The Young Health Champions age rule, with the year of birth recorded or in the file."""
    years: dict[Ref, int | None] = {}
    for row in plan.rows:
        ref = plan.refs[row.row]
        recorded = plan.old[ref[1]]["year_of_birth"] if ref[0] == "old" else None
        years.setdefault(ref, recorded or row.person.get("year_of_birth"))
    kept = []
    for row in plan.rows:
        m = row.membership
        if m and m["programme"] == young:
            problem = check_young_age(years[plan.refs[row.row]], m["joined_on"])
            if problem:
                plan.problems.append(Problem(row.row, "Programme", f"Row {row.row}: {problem}"))
                continue
        kept.append(row)
    plan.rows = kept


async def _existing_links(
    ids: list[int],
) -> tuple[set[tuple[int, int]], set[tuple[int, int, date]]]:
    """(person, programme) of memberships and (person, course, date) of training records
    already recorded for these people."""
    memberships: set[tuple[int, int]] = set()
    trainings: set[tuple[int, int, date]] = set()
    for chunk in _chunks(ids):
        for m in rows_as(
            MembershipRow,
            await Membership.select(Membership.person, Membership.programme).where(
                Membership.person.is_in(chunk)
            ),
        ):
            memberships.add((m["person"], m["programme"]))
        for t in rows_as(
            TrainingRecordRow,
            await TrainingRecord.select(
                TrainingRecord.person, TrainingRecord.course, TrainingRecord.completed_on
            ).where(TrainingRecord.person.is_in(chunk)),
        ):
            trainings.add((t["person"], t["course"], t["completed_on"]))
    return memberships, trainings


def _same(key: str, a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return "".join(a.split()).lower() == "".join(b.split()).lower()
    return bool(a == b)


def _fill(plan: Plan, row: RowPlan, person_id: int, state: dict[str, object]) -> None:
    """Fill the recorded person's empty fields from this row; note what differs.
    `state`: the person as recorded, with what earlier rows filled in."""
    filled: dict[str, object] = {}
    for key in (*FILLABLE, "consent_to_contact"):
        value = row.person.get(key)
        if value is None or value == "":
            continue
        current = state.get(key)
        if key != "consent_to_contact" and current in (None, ""):
            filled[key] = state[key] = value
        elif not _same(key, current, value):
            plan.notes.append(Problem(row.row, NOUNS[key], (
                f"Row {row.row}: {state['name']} is already recorded with a different "
                f"{NOUNS[key]}. The one recorded is kept."
            )))  # fmt: skip
    if filled:
        plan.fills[row.row] = (person_id, filled)


async def _changes(plan: Plan, how: dict[int, str]) -> None:
    old_ids = sorted({ref[1] for ref in plan.refs.values() if ref[0] == "old"})
    memberships, trainings = await _existing_links(old_ids)
    state = {i: dict(plan.old[i]) for i in old_ids}
    planned: set[Link] = set()  # what earlier rows of the file already add
    for row in plan.rows:
        kind, number = ref = plan.refs[row.row]
        if kind == "new" and number not in plan.new_people:
            plan.new_people[number] = dict(row.person)
            plan.creates[row.row] = number
        elif kind == "new":
            made = plan.new_people[number]
            for key, value in row.person.items():
                if made.get(key) in (None, "") and value not in (None, ""):
                    made[key] = value
        else:
            plan.matched_by.setdefault(number, how[row.row])
            _fill(plan, row, number, state[number])
        if row.membership:
            programme = row.membership["programme"]
            recorded = kind == "old" and (number, programme) in memberships
            if not recorded and (ref, programme) not in planned:
                plan.memberships[row.row] = row.membership
                planned.add((ref, programme))
        if row.training:
            t = row.training
            recorded = kind == "old" and (number, t["course"], t["completed_on"]) in trainings
            if not recorded and (ref, t["course"], t["completed_on"]) not in planned:
                plan.trainings[row.row] = t
                planned.add((ref, t["course"], t["completed_on"]))
