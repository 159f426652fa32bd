"""Field types the API's answers share, with the words the document gives them.

Every field of every answer has a description (tests/apidocs/test_document_rules.py fails
on one without). A field may put its own words over a shared type's, as
`Annotated[AreaCode, msgspec.Meta(description="Where it happened ...")]`: the outer
description is the one the document shows, and the shared example is kept."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

RecordId = Annotated[
    int,
    msgspec.Meta(
        description="Its id, given when it was saved: the record's own address is its list's "
        "address and the id, such as /api/people/42.",
        examples=[42],
    ),
]
ProgrammeSlug = Annotated[
    str | None,
    msgspec.Meta(
        description="The programme, by its slug (as GET /api/programmes lists them).",
        examples=["health-champions"],
    ),
]
AreaCode = Annotated[
    str | None,
    msgspec.Meta(
        description="The area, by its code (as GET /api/footprints lists them); null when "
        "none is given.",
        examples=["WC"],
    ),
]
CourseSlug = Annotated[
    str | None,
    msgspec.Meta(
        description="The course, by its slug (as GET /api/courses lists them).",
        examples=["rsph-l2-understanding-health-improvement"],
    ),
]
PersonId = Annotated[
    int,
    msgspec.Meta(description="The person's id (GET /api/people/{id}).", examples=[7]),
]
MaybePersonId = Annotated[
    int | None,
    msgspec.Meta(
        description="The person's id (GET /api/people/{id}), if there is one.", examples=[7]
    ),
]
Created = Annotated[
    datetime,
    msgspec.Meta(description="When it was saved, in UTC.", examples=["2025-04-01T09:30:00Z"]),
]
Updated = Annotated[
    datetime | None,
    msgspec.Meta(
        description="When it was last changed, in UTC (when it was saved, if it never was).",
        examples=["2025-04-02T14:05:00Z"],
    ),
]
Note = Annotated[
    str,
    msgspec.Meta(
        description="A note, up to 500 characters; empty when none. It may name people, so "
        "the audit log says only that it changed.",
        examples=["Stall at the market; lots of questions about screening."],
    ),
]
MembershipState = Annotated[
    str,
    msgspec.Meta(
        description="active, paused or left. Only active memberships count in the totals.",
        examples=["active"],
    ),
]

# Activities and Friends sessions are both reviewed, but what waits for review counts
# differently (README, "How the numbers are counted"; server/totals).
ActivityReview = Annotated[
    str,
    msgspec.Meta(
        description="not-needed: it counts. needs-review: a coordinator will check it (it "
        "reached over 500 people or took over 10 hours); it counts unless rejected. approved: "
        "a coordinator checked it; it counts. rejected: it never counts.",
        examples=["not-needed"],
    ),
]
SessionReview = Annotated[
    str,
    msgspec.Meta(
        description="not-needed or approved: it counts. needs-review: a coordinator will "
        "check it (a champion's session of more than 100 people); it counts only once "
        "approved. rejected: it never counts.",
        examples=["not-needed"],
    ),
]

# One page of a list (every list of the API answers with these four fields).
PageNumber = Annotated[int, msgspec.Meta(description="Which page this is, from 1.", examples=[1])]
PerPage = Annotated[
    int,
    msgspec.Meta(
        description="How many items a page holds: 1 to 500 (50 when not asked for).",
        examples=[50],
    ),
]
Total = Annotated[
    int,
    msgspec.Meta(
        description="How many match the list's filters, on all pages together.", examples=[137]
    ),
]


class Answer(msgspec.Struct, forbid_unknown_fields=True):
    """A record as the API answers it. A field the record type's `present` gives that is
    not declared here is an error, not dropped: what is sent and what the document says
    cannot drift apart."""
