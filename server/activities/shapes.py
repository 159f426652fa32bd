"""What the API answers about activities (the document's Activity)."""

from __future__ import annotations

from datetime import date, datetime
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
    setting: Annotated[
        str | None,
        msgspec.Meta(
            description="The kind of place it happened in: home, gp-practice, "
            "school-college, workplace, community-venue, online, street-event or other; "
            "null when not given.",
            examples=["gp-practice"],
        ),
    ]
    postcode: Annotated[
        str | None,
        msgspec.Meta(
            description="The postcode of the place it happened (not anyone's home address), "
            "in capitals with one space, for the deprivation of the area reached; null when "
            "not given. Cleared when the person who logged it is erased.",
            examples=["WN1 1AA"],
        ),
    ]
    topics: Annotated[
        list[str],
        msgspec.Meta(
            description="What it was about: the topics' slugs, as GET /api/topics lists "
            "them, in the list's order; empty when none was chosen.",
            examples=[["smoking", "mental-wellbeing"]],
        ),
    ]
    service: Annotated[
        int | None,
        msgspec.Meta(
            description="For signposting: the service the person was sent to, by its id "
            "(GET /api/services); null otherwise or when not given.",
            examples=[3],
        ),
    ]
    take_up: Annotated[
        str | None,
        msgspec.Meta(
            description="For signposting: whether the person took the service up: yes, no "
            "or dont-know; null when not said yet. A champion can say it for 90 days after "
            "the activity's date.",
            examples=["yes"],
        ),
    ]
    take_up_at: Annotated[
        datetime | None,
        msgspec.Meta(
            description="When the take-up was last said (UTC); null when it has not been.",
            examples=["2026-12-01T10:30:00Z"],
        ),
    ]


class Topic(Answer):
    """A health topic an activity can be about, from the list the council keeps."""

    id: RecordId
    slug: Annotated[
        str,
        msgspec.Meta(
            description="Its short name, which activities name it by; it never changes, "
            "even when the topic is renamed.",
            examples=["smoking"],
        ),
    ]
    name: Annotated[
        str, msgspec.Meta(description="Its name, as the forms show it.", examples=["Smoking"])
    ]
    active: Annotated[
        bool,
        msgspec.Meta(
            description="Offered on the forms; false once retired (old activities keep it).",
            examples=[True],
        ),
    ]


class Service(Answer):
    """A service champions signpost people to, from the list the council keeps."""

    id: RecordId
    name: Annotated[
        str,
        msgspec.Meta(description="The service's name.", examples=["Stop Smoking Wigan"]),
    ]
    kind: Annotated[
        str,
        msgspec.Meta(
            description="What kind of service it is, in the council's own words; empty when "
            "not given.",
            examples=["Stop smoking"],
        ),
    ]
    footprint: Annotated[
        AreaCode,
        msgspec.Meta(
            description="The area it serves, by its code (GET /api/footprints); null for "
            "the whole borough."
        ),
    ]
    active: Annotated[
        bool,
        msgspec.Meta(
            description="Offered on the forms; false once retired (old signposts keep it).",
            examples=[True],
        ),
    ]


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
