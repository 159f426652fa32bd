"""The small lists every request checks input against: programmes, footprints, courses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schema.tables import Course, Footprint, Programme

Row = dict[str, Any]


@dataclass(frozen=True)
class Reference:
    programmes: dict[int, Row]
    footprints: dict[int, Row]
    courses: dict[int, Row]

    @property
    def programme_by_slug(self) -> dict[str, Row]:
        return {p["slug"]: p for p in self.programmes.values()}

    @property
    def footprint_by_code(self) -> dict[str, Row]:
        return {f["code"]: f for f in self.footprints.values()}

    def programme_ids(self, kind: str | None = None) -> dict[str, int]:
        """Slug to id, for Form.choice; only programmes of one kind when kind is given."""
        return {
            p["slug"]: p["id"]
            for p in self.programmes.values()
            if kind is None or p["kind"] == kind
        }

    def footprint_ids(self) -> dict[str, int]:
        return {f["code"]: f["id"] for f in self.footprints.values()}

    def course_ids(self) -> dict[str, int]:
        return {c["slug"]: c["id"] for c in self.courses.values()}

    def slug(self, programme_id: int | None) -> str | None:
        return self.programmes[programme_id]["slug"] if programme_id in self.programmes else None

    def code(self, footprint_id: int | None) -> str | None:
        return self.footprints[footprint_id]["code"] if footprint_id in self.footprints else None


async def load_reference() -> Reference:
    """Read the three lists (a few dozen rows at most)."""
    programmes = await Programme.select().order_by(Programme.sort_order).order_by(Programme.id)
    footprints = await Footprint.select().order_by(Footprint.name)
    courses = await Course.select().order_by(Course.name)
    return Reference(
        programmes={p["id"]: p for p in programmes},
        footprints={f["id"]: f for f in footprints},
        courses={c["id"]: c for c in courses},
    )
