"""What the API answers about applications to join, and the bodies of its decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from server.lib.shapes import PageNumber, PerPage, Total


def _d(description: str, example: object) -> msgspec.Meta:
    return msgspec.Meta(description=description, examples=[example])


class Application(msgspec.Struct):
    """A resident's application to join, sent from /join."""

    id: Annotated[int, _d("The application's id.", 12)]
    created_at: Annotated[datetime, _d("When it was sent.", "2026-12-01T09:30:00+00:00")]
    status: Annotated[
        str,
        _d("waiting, more-asked (more information asked), approved or declined.", "waiting"),
    ]
    name: Annotated[str, _d("The applicant's name.", "Sam Okafor")]
    email: Annotated[str | None, _d("Their email address; null when not given.", "sam@example.org")]
    phone: Annotated[
        str | None, _d("Their UK mobile number, digits only; null when not given.", "07700900123")
    ]
    postcode: Annotated[str, _d("Their postcode, in capitals.", "WN1 1AA")]
    year_of_birth: Annotated[int, _d("Their year of birth.", 1985)]
    programmes: Annotated[
        list[str], _d("The programmes that interest them, by slug.", ["health-champions"])
    ]
    footprint: Annotated[
        str | None, _d("The area where they live or work, by code; null: not sure.", "WC")
    ]
    organisation: Annotated[str, _d("An organisation they named, as typed (may be empty).", "")]
    parent_name: Annotated[
        str, _d("A young applicant's parent or carer (empty when not asked).", "Grace Okafor")
    ]
    parent_email: Annotated[
        str | None, _d("The parent's or carer's email; null when not asked.", "grace@example.org")
    ]
    parent_checked_at: Annotated[
        datetime | None,
        _d("When a coordinator checked the parent's or carer's consent; null: not yet.", None),
    ]
    message: Annotated[
        str, _d("What a coordinator asked for, or why it was declined (may be empty).", "")
    ]
    person: Annotated[
        int | None, _d("The person it became once approved (GET /api/people/{id}).", None)
    ]
    waited_days: Annotated[int, _d("Whole days since it was sent.", 3)]


class ApplicationPage(msgspec.Struct):
    items: Annotated[
        list[Application], msgspec.Meta(description="The applications on this page, oldest first.")
    ]
    page: PageNumber
    per_page: PerPage
    total: Total


class ApproveBody(msgspec.Struct):
    """Approve an application."""

    parent_checked: Annotated[
        bool,
        _d(
            "For a young applicant: true once you have checked with their parent or carer "
            "that they agree (approval is refused until then).",
            False,
        ),
    ] = False


class AskBody(msgspec.Struct):
    """Ask the applicant for more information."""

    message: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=1000,
            description="What you want to ask: emailed to them when they gave an email.",
            examples=["Which school do you go to?"],
        ),
    ]


class DeclineBody(msgspec.Struct):
    """Decline an application."""

    reason: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=1000,
            description="Why: kept for other coordinators. It is deleted 30 days later.",
            examples=["Lives outside the borough."],
        ),
    ]


class Approval(msgspec.Struct):
    """What approving did."""

    application: Annotated[Application, msgspec.Meta(description="The application, approved.")]
    person: Annotated[int, _d("The person it became (new or matched).", 31)]
    matched: Annotated[bool, _d("True: an existing record with their confirmed email.", False)]
    account_made: Annotated[bool, _d("True: a champion account was made.", True)]
    phone_them: Annotated[
        str | None,
        _d("Their mobile number when they gave no email: phone them (no account).", None),
    ]
    not_added: Annotated[list[str], _d("Programmes not added, each with why.", [])]
