"""What the API answers about the council's lists: programmes, areas, organisations and
courses."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from server.lib.shapes import Answer, AreaCode, ProgrammeSlug, RecordId

# A programme's or course's short name: what other records and the API's options name it by.
Slug = Annotated[
    str,
    msgspec.Meta(
        description="Its short name, made of lower-case letters, numbers and dashes: other "
        "records and the API's options name it by this.",
        examples=["health-champions"],
    ),
]


class Programme(Answer):
    id: RecordId
    slug: Slug
    name: Annotated[
        str,
        msgspec.Meta(description="Its name, up to 100 characters.", examples=["Health Champions"]),
    ]
    kind: Annotated[
        str,
        msgspec.Meta(
            description="champion or friend. Only a friend programme has Friends sessions and "
            "counts Friends: its members, the people at its sessions, and Friends counted "
            "elsewhere.",
            examples=["champion"],
        ),
    ]
    description: Annotated[
        str,
        msgspec.Meta(
            description="What the programme is, up to 2,000 characters; may be empty.",
            examples=["Trained in mental health awareness."],
        ),
    ]
    target: Annotated[
        int | None,
        msgspec.Meta(
            description="The number it aims for (Friends, for a Friends programme; members, "
            "for the others): 0 to 10,000,000; null when no target is set.",
            examples=[500],
        ),
    ]
    target_date: Annotated[
        date | None,
        msgspec.Meta(
            description="The date it aims to reach its target by, YYYY-MM-DD; null when none.",
            examples=["2027-03-31"],
        ),
    ]
    sort_order: Annotated[
        int,
        msgspec.Meta(
            description="Where it comes in lists, lowest first: 0 to 10,000 (100 when not given).",
            examples=[1],
        ),
    ]


class Footprint(Answer):
    """An area of the borough."""

    id: RecordId
    code: Annotated[
        str,
        msgspec.Meta(
            description="Its short code, up to 20 letters, numbers and dashes: other records "
            "and the API's options name the area by this.",
            examples=["WC"],
        ),
    ]
    name: Annotated[
        str,
        msgspec.Meta(description="Its name, up to 100 characters.", examples=["Wigan Central"]),
    ]


class Organisation(Answer):
    id: RecordId
    name: Annotated[
        str,
        msgspec.Meta(
            description="Its name, up to 200 characters.", examples=["Standish Medical Practice"]
        ),
    ]
    kind: Annotated[
        str,
        msgspec.Meta(
            description="What it is: employer, school, college, gp-practice, community-group, "
            "voluntary-group or other.",
            examples=["gp-practice"],
        ),
    ]
    sector: Annotated[
        str,
        msgspec.Meta(description="public, voluntary or private.", examples=["public"]),
    ]
    footprint: Annotated[
        AreaCode,
        msgspec.Meta(
            description="The area it is in, by its code (as GET /api/footprints lists them); "
            "null when not given."
        ),
    ]


class Course(Answer):
    """A training course, and how long its certificate lasts."""

    id: RecordId
    slug: Annotated[Slug, msgspec.Meta(examples=["rsph-l2-understanding-health-improvement"])]
    name: Annotated[
        str,
        msgspec.Meta(
            description="Its name, up to 200 characters.",
            examples=["RSPH Level 2 Award in Understanding Health Improvement"],
        ),
    ]
    provider: Annotated[
        str,
        msgspec.Meta(
            description="Who runs it, up to 200 characters; empty when not known.",
            examples=["Royal Society for Public Health"],
        ),
    ]
    guided_learning_hours: Annotated[
        int | None,
        msgspec.Meta(
            description="Its hours of guided learning, 0 to 2,000; null when not known.",
            examples=[8],
        ),
    ]
    programme: Annotated[
        ProgrammeSlug,
        msgspec.Meta(
            description="The programme it trains people for, by its slug (as GET "
            "/api/programmes lists them); null when none. A course of a Friends programme "
            "lets the people who complete it run that programme's sessions."
        ),
    ]
    valid_for_months: Annotated[
        int | None,
        msgspec.Meta(
            description="How many months its certificate lasts, 1 to 600; null when it never "
            "runs out. A training record's expires_on is worked out from it when not given.",
            examples=[36],
        ),
    ]
