"""Values as the demo's bulk paths send them, made once rather than for every row.

PostgreSQL's COPY encodes dates and timestamps itself (in binary); SQLite stores them as
text, which piccolo's adapters would otherwise make again for each of millions of values.
A client id goes as text on both: asyncpg's COPY takes a UUID's text, and it is what SQLite
stores.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from piccolo.engine.sqlite import convert_date_in, convert_datetime_in

# The bits uuid.UUID(int=..., version=4) sets and clears: the variant (RFC 4122) and version.
_VARIANT_CLEAR, _VARIANT = ~(0xC000 << 48), 0x8000 << 48
_VERSION_CLEAR, _VERSION_4 = ~(0xF000 << 64), 4 << 76


def uuid4_text(bits: int) -> str:
    """str(uuid.UUID(int=bits, version=4)), without making the UUID."""
    bits = (bits & _VARIANT_CLEAR | _VARIANT) & _VERSION_CLEAR | _VERSION_4
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


Day = date | str
Stamp = datetime | str


class Values:
    """Dates and timestamps as the database's bulk path takes them (text on SQLite); the
    forms of each day are kept, since millions of rows share a thousand days."""

    def __init__(self, as_text: bool, now: datetime) -> None:
        self.as_text = as_text
        self.now = now
        self._days: dict[date, Day] = {}
        self._stamps: dict[tuple[date, time], Stamp] = {}

    def day(self, value: date) -> Day:
        found = self._days.get(value)
        if found is None:
            found = self._days[value] = convert_date_in(value) if self.as_text else value
        return found

    def stamp(self, value: datetime) -> Stamp:
        """A timestamp that is not shared by many rows."""
        return convert_datetime_in(value) if self.as_text else value

    def saved(self, day: date, at: time) -> Stamp:
        """When a record of this day was saved: at that time of the day, or now if later."""
        key = (day, at)
        found = self._stamps.get(key)
        if found is None:
            moment = min(self.now, datetime.combine(day, at, tzinfo=UTC))
            found = self._stamps[key] = self.stamp(moment)
        return found
