"""The small lists every request checks input against: programmes, footprints, courses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from schema.rows import CourseRow, FootprintRow, ProgrammeRow
from schema.tables import Course, Footprint, Programme
from server.lib.rows import rows_as
from server.lib.validation import Listed

# The shapes of the names the lists go by: a programme's or course's slug, an area's code.
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CODE = re.compile(r"[A-Za-z0-9-]{1,20}")


@dataclass(frozen=True)
class Reference:
    programmes: dict[int, ProgrammeRow]
    footprints: dict[int, FootprintRow]
    courses: dict[int, CourseRow]

    @property
    def programme_by_slug(self) -> dict[str, ProgrammeRow]:
        return {p["slug"]: p for p in self.programmes.values()}

    @property
    def footprint_by_code(self) -> dict[str, FootprintRow]:
        return {f["code"]: f for f in self.footprints.values()}

    def programme_ids(self, kind: str | None = None) -> Listed:
        """Slug to id, for Form.choice; only programmes of one kind when kind is given."""
        ids = {
            p["slug"]: p["id"]
            for p in self.programmes.values()
            if kind is None or p["kind"] == kind
        }
        return Listed(ids, shape=SLUG, max_length=60, where="GET /api/programmes")

    def footprint_ids(self) -> Listed:
        ids = {f["code"]: f["id"] for f in self.footprints.values()}
        return Listed(ids, shape=CODE, max_length=20, where="GET /api/footprints")

    def course_ids(self) -> Listed:
        ids = {c["slug"]: c["id"] for c in self.courses.values()}
        return Listed(ids, shape=SLUG, max_length=80, where="GET /api/courses")

    def slug(self, programme_id: int | None) -> str | None:
        return self.programmes[programme_id]["slug"] if programme_id in self.programmes else None

    def code(self, footprint_id: int | None) -> str | None:
        return self.footprints[footprint_id]["code"] if footprint_id in self.footprints else None


# No programmes, areas or courses: what the API's document is first made with, before the
# lists as they are are read for each time it is served (server/apidocs/document.py).
NO_LISTS = Reference({}, {}, {})


async def load_reference() -> Reference:
    """Read the three lists (a few dozen rows at most)."""
    programmes = await Programme.select().order_by(Programme.sort_order).order_by(Programme.id)
    footprints = await Footprint.select().order_by(Footprint.name)
    courses = await Course.select().order_by(Course.name)
    return Reference(
        programmes={p["id"]: p for p in rows_as(ProgrammeRow, programmes)},
        footprints={f["id"]: f for f in rows_as(FootprintRow, footprints)},
        courses={c["id"]: c for c in rows_as(CourseRow, courses)},
    )
