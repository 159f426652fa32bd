"""The person a download or an erasure is about, and the marks that recognise them in
text that has no link to them (an uploaded spreadsheet's rows, an import's messages, emails
and sign-in links under any address they have had). Values are compared in the forms of
normal.py, so a number written +44 or 0, a postcode in lower case, or a name as "Khan,
Molly" or in two columns, are still theirs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from schema.rows import PersonRow
from schema.tables import Account, EmailChange, Person
from server.lib import normal
from server.lib.normal import simple
from server.lib.rows import row_as

NAME_FIELDS = frozenset({"name", "first_name", "last_name"})  # import fields (imports/fields.py)


@dataclass(frozen=True)
class Subject:
    """A person (person_id 0 when the account belongs to nobody) and all their accounts."""

    person_id: int
    account_ids: tuple[int, ...]
    emails: tuple[str, ...]  # every address they have had or asked for, in lower case
    name: str = ""
    phone: str = ""
    postcode: str = ""
    year_of_birth: int | None = None

    @property
    def phone_number(self) -> str:
        found = normal.phone(self.phone)
        return found if len(found) >= 6 else ""  # shorter could be anything

    @property
    def postcode_compact(self) -> str:
        return normal.postcode(self.postcode)

    def _ends_of_name(self) -> set[str]:
        """The first and last words of their name (a middle name may be left out)."""
        words = normal.name_words(self.name)
        return {words[0], words[-1]} if words else set()

    def mentioned_in(self, text: object) -> bool:
        """Whether free text names the person (their first and last name as whole words, in
        any order: "Ann" is not in "annual"), their email, phone number or postcode."""
        value = simple(text)
        if any(e in value for e in self.emails):
            return True
        if self.postcode_compact and self.postcode_compact in normal.postcode(text):
            return True
        number = self.phone_number.removeprefix("0")  # +44 7700 ... holds 7700...
        if len(number) >= 6 and number in normal.digits(text):
            return True
        ends = self._ends_of_name()
        return bool(ends) and ends <= set(normal.name_words(text))

    def _named_in(self, cells: Sequence[object]) -> bool:
        """A cell holds their first and last name, or cells that hold nothing but words of
        their name (a Surname and a Forename column) hold both between them."""
        ends, words = self._ends_of_name(), set(normal.name_words(self.name))
        if not ends:
            return False
        found: set[str] = set()
        for cell in cells:
            in_cell = set(normal.name_words(cell))
            if ends <= in_cell:
                return True
            if in_cell and in_cell <= words:
                found |= in_cell
        return ends <= found

    def row_is_about(
        self, cells: Iterable[object], strict: bool, mapping: Mapping[str, str] | None = None
    ) -> bool:
        """Whether a spreadsheet row is about the person: by email or phone number; by
        name too, and (strict, for a download, which must not show a namesake's row) only
        by name with the postcode or the year of birth. `mapping` (column number -> import
        field), when it names the name columns, says where the name is."""
        present = [(str(i), c) for i, c in enumerate(cells) if c not in (None, "")]
        if any(normal.email(c) in self.emails for _, c in present):
            return True
        number = self.phone_number
        if number and any(normal.phone(c) == number for _, c in present):
            return True
        named = {k for k, v in (mapping or {}).items() if v in NAME_FIELDS}
        if not self._named_in([c for i, c in present if not named or i in named]):
            return False
        if not strict:
            return True
        place = self.postcode_compact
        if place and any(normal.postcode(c) == place for _, c in present):
            return True
        year = self.year_of_birth or 0
        return year > 0 and any(normal.has_year(c, year) for _, c in present)


async def _addresses(person_id: int) -> set[str]:
    """Every address a person asked to change to (waiting, used or run out), and the
    addresses their used changes replaced: emails and sign-in links may be under any. An
    address that is someone else's now is left out: what is under it may be theirs."""
    changes = await EmailChange.select(EmailChange.new_email, EmailChange.old_email).where(
        EmailChange.person == person_id
    )
    found = {c["new_email"] for c in changes} | {c["old_email"] for c in changes}
    found = {normal.email(a) for a in found if a}
    if not found:
        return found
    people = await Person.select(Person.email).where(
        Person.email.is_in(list(found)) & (Person.id != person_id)
    )
    accounts = await Account.select(Account.email).where(
        Account.email.is_in(list(found))
        & (Account.person.is_null() | (Account.person != person_id))
    )
    return found - {r["email"] for r in [*people, *accounts]}


async def subject_of(person_id: int | None, account_id: int | None = None) -> Subject:
    """The subject for a person (with every account they have, and every address they
    have had or asked for) or, for an account that belongs to no person, for that account
    alone."""
    person = row_as(PersonRow, await Person.select().where(Person.id == (person_id or 0)).first())
    where = Account.person == person_id if person else Account.id == (account_id or 0)
    accounts = await Account.select(Account.id, Account.email).where(where)
    emails = {normal.email(a["email"]) for a in accounts}
    if person and person["email"]:
        emails.add(normal.email(person["email"]))
    if person:
        emails |= await _addresses(person["id"])
    return Subject(
        person_id=person["id"] if person else 0,
        account_ids=tuple(sorted(a["id"] for a in accounts)),
        emails=tuple(sorted(emails)),
        name=(person or {}).get("name") or "",
        phone=(person or {}).get("phone") or "",
        postcode=(person or {}).get("postcode") or "",
        year_of_birth=(person or {}).get("year_of_birth"),
    )
