"""What the API answers about activities (the document's Activity)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from server.lib.shapes import (
    ActivityReview,
    Answer,
    AreaCode,
    Created,
    MaybePersonId,
    Note,
    ProgrammeSlug,
    RecordId,
    Updated,
)

ClientId = Annotated[
    str,
    msgspec.Meta(
        description="A UUID the phone made for it (the app makes one when none is sent): "
        "sent twice, it is saved once.",
        examples=["3f2b6c1e-8a4d-4c1b-9e7f-2a5d6c8b9e01"],
    ),
]


class Activity(Answer):
    """Something a champion did: who it reached, when, for how long."""

    id: RecordId
    client_id: ClientId
    person: Annotated[
        MaybePersonId,
        msgspec.Meta(
            description="Who did it, by their person id (GET /api/people/{id}); null once "
            "that person is erased (the activity stays and still counts), or when the "
            "account that logged it has no person record."
        ),
    ]
    programme: Annotated[
        ProgrammeSlug,
        msgspec.Meta(
            description="The programme it was done for, by its slug (as GET /api/programmes "
            "lists them)."
        ),
    ]
    kind: Annotated[
        str,
        msgspec.Meta(
            description="What was done: conversation, event, leaflets, physical-activity, "
            "social-media, signposting or other.",
            examples=["conversation"],
        ),
    ]
    occurred_on: Annotated[
        date,
        msgspec.Meta(description="The date it happened, YYYY-MM-DD.", examples=["2025-04-01"]),
    ]
    footprint: Annotated[
        AreaCode,
        msgspec.Meta(
            description="The area where it happened, by its code (as GET /api/footprints "
            "lists them): the person's own area when none was given; null when neither is "
            "known."
        ),
    ]
    people_reached: Annotated[
        int,
        msgspec.Meta(
            description="How many people the activity reached: 0 to 100,000. Over 500 marks "
            "it for a coordinator to check.",
            examples=[12],
        ),
    ]
    minutes: Annotated[
        int,
        msgspec.Meta(
            description="How long it took, in minutes: 0 to 1,440 (0 when not given). Over "
            "600 marks it for a coordinator to check.",
            examples=[90],
        ),
    ]
    note: Note
    review_status: ActivityReview
    review_reason: Annotated[
        str,
        msgspec.Meta(
            description="Why it waits for review, in words; empty when there is nothing to check.",
            examples=["Check this: it reached over 500 people."],
        ),
    ]
    created_at: Created
    updated_at: Updated


class BatchResult(msgspec.Struct):
    """What became of one activity of a batch, in the order they were sent."""

    client_id: Annotated[
        str | None,
        msgspec.Meta(
            description="The activity's client_id, as sent; null when none was sent as text.",
            examples=["3f2b6c1e-8a4d-4c1b-9e7f-2a5d6c8b9e01"],
        ),
    ]
    status: Annotated[
        str,
        msgspec.Meta(
            description="created; duplicate (saved before: never counted twice); or "
            "invalid (nothing saved: errors says what to fix).",
            examples=["created"],
        ),
    ]
    errors: Annotated[
        dict[str, str],
        msgspec.Meta(
            description='For an invalid one: each field at fault ("" for the activity as a '
            "whole) and what to fix. Empty otherwise.",
            examples=[
                {"people_reached": "The number of people reached must be from 0 to 100,000."}
            ],
        ),
    ]


class BatchAnswer(msgspec.Struct):
    results: Annotated[
        list[BatchResult],
        msgspec.Meta(description="One result for each activity sent, in the same order."),
    ]
