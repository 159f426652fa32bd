"""What GET /api/totals answers (the document's Totals). A number the public may not see
for these filters (a small number in one area, or Friends counted elsewhere over a few
days) is null."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class TotalsFilters(msgspec.Struct):
    """The filters the numbers are for, as read."""

    programme: str | None
    footprint: str | None
    since: date | None
    until: date | None


class ProgrammeTotals(msgspec.Struct):
    """One programme's numbers (Friends count only for Friends programmes)."""

    slug: str
    name: str
    kind: str
    members: int | None
    friends: int | None
    friends_from_sessions: int | None
    friends_from_elsewhere: int | None
    reach: int | None
    activities: int | None
    hours: float | None
    target: int | None
    target_date: date | None


class Totals(msgspec.Struct):
    """The movement's numbers: the README's "How the numbers are counted" says what each
    one means."""

    as_at: datetime
    filters: TotalsFilters
    people: int | None
    roles: int | None
    friends: int | None
    anonymous_friends: int | None
    movement_total: int | None
    reach: int | None
    activities: int | None
    hours: float | None
    programmes: list[ProgrammeTotals]
    # For one area as the public sees it: numbers under this are shown as null.
    small_number: int | msgspec.UnsetType = msgspec.UNSET
