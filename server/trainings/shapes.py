"""What the API answers about training records."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from server.lib.shapes import Answer, CourseSlug, Created, PersonId, RecordId


class Training(Answer):
    """A course a person completed."""

    id: RecordId
    person: Annotated[
        PersonId,
        msgspec.Meta(description="Who completed it, by their person id (GET /api/people/{id})."),
    ]
    course: CourseSlug
    course_name: Annotated[
        str | None,
        msgspec.Meta(
            description="The course's name, as GET /api/courses gives it.",
            examples=["RSPH Level 2 Award in Understanding Health Improvement"],
        ),
    ]
    completed_on: Annotated[
        date,
        msgspec.Meta(description="The date it was completed, YYYY-MM-DD.", examples=["2025-04-01"]),
    ]
    certificate_number: Annotated[
        str | None,
        msgspec.Meta(
            description="The certificate's number, up to 60 characters; null when not given.",
            examples=["RSPH-2025-004512"],
        ),
    ]
    expires_on: Annotated[
        date | None,
        msgspec.Meta(
            description="The date the certificate runs out, YYYY-MM-DD: as given, or "
            "worked out from the course's valid_for_months when saved without one; null when "
            "it never runs out.",
            examples=["2028-04-01"],
        ),
    ]
    created_at: Created
