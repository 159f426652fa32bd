"""What the API answers about the council's lists: programmes, areas, organisations and
courses."""

from __future__ import annotations

from datetime import date

from server.lib.shapes import Answer, AreaCode, ProgrammeSlug


class Programme(Answer):
    id: int
    slug: str
    name: str
    kind: str
    description: str
    target: int | None
    target_date: date | None
    sort_order: int


class Footprint(Answer):
    """An area of the borough."""

    id: int
    code: str
    name: str


class Organisation(Answer):
    id: int
    name: str
    kind: str
    sector: str
    footprint: AreaCode


class Course(Answer):
    """A training course, and how long its certificate lasts."""

    id: int
    slug: str
    name: str
    provider: str
    guided_learning_hours: int | None
    programme: ProgrammeSlug
    valid_for_months: int | None
