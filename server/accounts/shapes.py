"""What the API answers about accounts: who a token belongs to, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from server.lib.shapes import MembershipState, PageNumber, PerPage, ProgrammeSlug, Total


class MembershipStatus(msgspec.Struct):
    programme: Annotated[
        ProgrammeSlug,
        msgspec.Meta(
            description="A programme the person is in, by its slug (as GET /api/programmes "
            "lists them)."
        ),
    ]
    status: MembershipState


class Me(msgspec.Struct):
    """The account behind the token, and its person's programmes."""

    id: Annotated[int, msgspec.Meta(description="The account's id.", examples=[3])]
    email: Annotated[
        str,
        msgspec.Meta(
            description="The email address the account signs in with.",
            examples=["asha.patel@example.org"],
        ),
    ]
    role: Annotated[
        str,
        msgspec.Meta(
            description="What the account may do: champion, coordinator or admin.",
            examples=["champion"],
        ),
    ]
    person: Annotated[
        int | None,
        msgspec.Meta(
            description="The account's person, by id (GET /api/people/{id}); null for an "
            "account with no person record.",
            examples=[7],
        ),
    ]
    memberships: Annotated[
        list[MembershipStatus],
        msgspec.Meta(
            description="The programmes the account's person is in, with the status of "
            "each; empty when the account has no person record."
        ),
    ]


class AuditEvent(msgspec.Struct):
    """Who changed what, and when. Personal fields are named, never copied."""

    id: Annotated[int, msgspec.Meta(description="The event's id: a newer event has a higher id.")]
    at: Annotated[
        datetime,
        msgspec.Meta(description="When it happened, in UTC.", examples=["2025-04-01T09:30:00Z"]),
    ]
    account: Annotated[
        int | None,
        msgspec.Meta(
            description="The account that did it, by id; null for the movement command, or "
            "an account since deleted.",
            examples=[3],
        ),
    ]
    action: Annotated[
        str,
        msgspec.Meta(
            description="What was done: create, update, delete, or erase (a person's data "
            "erased everywhere).",
            examples=["update"],
        ),
    ]
    record_type: Annotated[
        str,
        msgspec.Meta(
            description="The kind of record it was done to, such as person, membership, "
            "activity, friends session or account.",
            examples=["person"],
        ),
    ]
    record_id: Annotated[
        int,
        msgspec.Meta(description="The id of the record it was done to.", examples=[7]),
    ]
    changes: Annotated[
        object,  # the audit JSON column as server.lib.audit wrote it: any JSON value
        msgspec.Meta(
            description="What changed, field by field: the value saved, for a create; "
            '[before, after], for an update. A personal field says "changed" instead of '
            'its values. Other events say what happened, such as {"merged_into": 12}.',
            examples=[{"people_reached": [12, 15], "note": "changed"}],
        ),
    ]


class AuditPage(msgspec.Struct):
    items: Annotated[
        list[AuditEvent], msgspec.Meta(description="The events on this page, newest first.")
    ]
    page: PageNumber
    per_page: PerPage
    total: Total
