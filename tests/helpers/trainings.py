"""Records the training tests need."""

from __future__ import annotations

from schema.tables import Course


async def first_aid() -> int:
    """A course that runs out after 36 months (none of the seeded ones do)."""
    rows = await Course.insert(
        Course(slug="first-aid", name="First aid at work", valid_for_months=36)
    ).returning(Course.id)
    return rows[0]["id"]
