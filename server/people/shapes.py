"""What the API answers about people and their memberships of programmes."""

from __future__ import annotations

from datetime import date

import msgspec

from server.lib.shapes import Answer, AreaCode, Created, PersonId, ProgrammeSlug, Updated


class EmailChange(Answer):
    """A new email address waiting for the person to follow the link sent to it."""

    status: str
    to: str
    message: str


class Person(Answer):
    """A champion, a Friend or anyone else the movement counts."""

    id: int
    name: str
    email: str | None
    phone: str | None
    postcode: str | None
    year_of_birth: int | None
    footprint: AreaCode
    organisation: int | None
    consent_to_contact: bool
    email_confirmed: bool
    created_at: Created
    updated_at: Updated
    # Only in the answer to a champion's change of their own email address.
    email_change: EmailChange | msgspec.UnsetType = msgspec.UNSET


class Membership(Answer):
    """A person's place in a programme."""

    id: int
    person: PersonId
    programme: ProgrammeSlug
    joined_on: date
    status: str
    left_on: date | None
    created_at: Created
    updated_at: Updated
