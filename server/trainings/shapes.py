"""What the API answers about training records."""

from __future__ import annotations

from datetime import date

from server.lib.shapes import Answer, CourseSlug, Created, PersonId


class Training(Answer):
    """A course a person completed."""

    id: int
    person: PersonId
    course: CourseSlug
    course_name: str | None
    completed_on: date
    certificate_number: str | None
    expires_on: date | None
    created_at: Created
