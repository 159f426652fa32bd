"""Field types the API's answers share, with the words the document gives them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

ProgrammeSlug = Annotated[
    str | None, msgspec.Meta(description="The programme, by its slug (GET /api/programmes).")
]
AreaCode = Annotated[
    str | None, msgspec.Meta(description="The area, by its code (GET /api/footprints).")
]
CourseSlug = Annotated[
    str | None, msgspec.Meta(description="The course, by its slug (GET /api/courses).")
]
PersonId = Annotated[int, msgspec.Meta(description="The person's id (GET /api/people/{id}).")]
MaybePersonId = Annotated[int | None, msgspec.Meta(description="The person's id, if there is one.")]
Created = Annotated[datetime, msgspec.Meta(description="When it was saved, in UTC.")]
Updated = Annotated[datetime | None, msgspec.Meta(description="When it was last changed, in UTC.")]
ReviewStatus = Annotated[
    str,
    msgspec.Meta(
        description="not-needed or approved: it counts; waiting: a coordinator will look at "
        "it first; rejected: it never counts."
    ),
]


class Answer(msgspec.Struct, forbid_unknown_fields=True):
    """A record as the API answers it. A field the record type's `present` gives that is
    not declared here is an error, not dropped: what is sent and what the document says
    cannot drift apart."""
