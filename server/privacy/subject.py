"""The person a download or an erasure is about, and the marks that recognise them in
text that has no link to them (an uploaded spreadsheet's rows, an import's messages)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from schema.tables import Account, Person


def simple(text: object) -> str:
    """Lower case, with runs of spaces made one: how names and emails are compared."""
    return " ".join(str(text).casefold().split())


def digits(text: object) -> str:
    return "".join(ch for ch in str(text) if ch.isdigit())


@dataclass(frozen=True)
class Subject:
    """A person (person_id 0 when the account belongs to nobody) and all their accounts."""

    person_id: int
    account_ids: tuple[int, ...]
    emails: tuple[str, ...]  # the person's and every account's, in lower case
    name: str = ""
    phone: str = ""
    postcode: str = ""
    year_of_birth: int | None = None

    @property
    def phone_digits(self) -> str:
        found = digits(self.phone)
        return found if len(found) >= 6 else ""  # shorter could be anything

    @property
    def postcode_compact(self) -> str:
        return "".join(self.postcode.split()).upper()

    def marks(self) -> list[str]:
        """Text that identifies the person wherever it appears (lower case)."""
        found = [*self.emails, simple(self.phone), simple(self.postcode)]
        return [m for m in found if len(m) >= 3]

    def mentioned_in(self, text: object) -> bool:
        """Whether free text names the person (as whole words: "Ann" is not in "annual"),
        their email, phone or postcode."""
        value = simple(text)
        if any(m in value for m in self.marks()):
            return True
        name = simple(self.name)
        if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", value):
            return True
        number = self.phone_digits
        return bool(number) and number in digits(text)

    def row_is_about(self, cells: Iterable[object], strict: bool) -> bool:
        """Whether a spreadsheet row is about the person: by email or phone number; by
        name too, and (strict, for a download, which must not show a namesake's row) only
        by name with the postcode or the year of birth."""
        values = [simple(c) for c in cells if c not in (None, "")]
        if any(v in self.emails for v in values):
            return True
        if self.phone_digits and self.phone_digits in {digits(v) for v in values}:
            return True
        name = simple(self.name)
        if not name or f" {name} " not in f" {' '.join(values)} ":
            return False
        if not strict:
            return True
        compact = {"".join(v.split()).upper() for v in values}
        by_year = self.year_of_birth and any(str(self.year_of_birth) in v for v in values)
        return bool(self.postcode and self.postcode_compact in compact) or bool(by_year)


async def subject_of(person_id: int | None, account_id: int | None = None) -> Subject:
    """The subject for a person (with every account they have) or, for an account that
    belongs to no person, for that account alone."""
    person = await Person.select().where(Person.id == (person_id or 0)).first()
    where = Account.person == person_id if person else Account.id == (account_id or 0)
    accounts = await Account.select(Account.id, Account.email).where(where)
    emails = {a["email"].lower() for a in accounts}
    if person and person["email"]:
        emails.add(person["email"].lower())
    return Subject(
        person_id=person["id"] if person else 0,
        account_ids=tuple(sorted(a["id"] for a in accounts)),
        emails=tuple(sorted(emails)),
        name=(person or {}).get("name") or "",
        phone=(person or {}).get("phone") or "",
        postcode=(person or {}).get("postcode") or "",
        year_of_birth=(person or {}).get("year_of_birth"),
    )
