"""What the API answers about people and their memberships of programmes."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from server.lib.shapes import (
    Answer,
    AreaCode,
    Created,
    MembershipState,
    PersonId,
    ProgrammeSlug,
    RecordId,
    Updated,
)


class EmailChange(Answer):
    """A new email address waiting for the person to follow the link sent to it."""

    status: Annotated[
        str,
        msgspec.Meta(
            description="link-sent: a link went to the new address, and the address changes "
            "when it is opened.",
            examples=["link-sent"],
        ),
    ]
    to: Annotated[
        str,
        msgspec.Meta(
            description="The new address the link was sent to.",
            examples=["asha.patel@example.org"],
        ),
    ]
    message: Annotated[
        str,
        msgspec.Meta(
            description="What to tell the person, in plain words.",
            examples=[
                "We have sent a link to asha.patel@example.org. Your email address changes "
                "when you open it (it works once, for 24 hours). Until then your old address "
                "stays."
            ],
        ),
    ]


class Person(Answer):
    """A champion, a Friend or anyone else the movement counts."""

    id: RecordId
    name: Annotated[
        str,
        msgspec.Meta(description="Their name, up to 200 characters.", examples=["Asha Patel"]),
    ]
    email: Annotated[
        str | None,
        msgspec.Meta(
            description="Their email address; null when none. No two people share one.",
            examples=["asha.patel@example.org"],
        ),
    ]
    phone: Annotated[
        str | None,
        msgspec.Meta(
            description="Their phone number, up to 40 characters; null when none.",
            examples=["01942 123456"],
        ),
    ]
    postcode: Annotated[
        str | None,
        msgspec.Meta(description="Their UK postcode; null when none.", examples=["WN1 1AA"]),
    ]
    year_of_birth: Annotated[
        int | None,
        msgspec.Meta(
            description="The year they were born, from 1900 to 13 years ago; null when not known.",
            examples=[1984],
        ),
    ]
    footprint: Annotated[
        AreaCode,
        msgspec.Meta(
            description="Their area, by its code (as GET /api/footprints lists them); null "
            "when not known. Their roles count in this area."
        ),
    ]
    organisation: Annotated[
        int | None,
        msgspec.Meta(
            description="The organisation they are part of (an employer, school, GP practice "
            "or group), by its id (GET /api/organisations/{id}); null when none.",
            examples=[4],
        ),
    ]
    consent_to_contact: Annotated[
        bool,
        msgspec.Meta(
            description="true when they agreed to be contacted by email or phone.",
            examples=[True],
        ),
    ]
    email_confirmed: Annotated[
        bool,
        msgspec.Meta(
            description="true once they opened a link sent to their email address (to sign "
            "in, or to change it); an address typed in by staff or imported is false until "
            "then.",
            examples=[False],
        ),
    ]
    created_at: Created
    updated_at: Updated
    # Only in the answer to a champion's change of their own email address.
    email_change: Annotated[
        EmailChange | msgspec.UnsetType,
        msgspec.Meta(
            description="Only in the answer to a champion changing their own email address: "
            "the new address waits for the link sent to it, and email still shows the old one."
        ),
    ] = msgspec.UNSET


class Membership(Answer):
    """A person's place in a programme."""

    id: RecordId
    person: PersonId
    programme: ProgrammeSlug
    joined_on: Annotated[
        date,
        msgspec.Meta(
            description="The date they joined, YYYY-MM-DD (the day it was saved, when not given).",
            examples=["2025-04-01"],
        ),
    ]
    status: MembershipState
    left_on: Annotated[
        date | None,
        msgspec.Meta(
            description="The date they left, YYYY-MM-DD; null while they have not. A status "
            "of left saved without one gets the day it was saved.",
            examples=["2026-03-31"],
        ),
    ]
    created_at: Created
    updated_at: Updated
