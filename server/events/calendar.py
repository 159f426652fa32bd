"""Upcoming sessions as iCalendar (RFC 5545) and JSON, for the council's website and for
people's calendars. Only what the public may see: no organiser, no bookers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

import msgspec

from server.events.services import Event
from server.events.shapes import PublicEvent
from server.settings import get_settings

LINE = 75  # octets a content line may hold before it is folded (RFC 5545 3.1)


def escape(text: str) -> str:
    """TEXT as RFC 5545 3.3.11 writes it: backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (a CRLF and a space), never inside a character."""
    out: list[str] = []
    part, size = "", 0
    for char in line:
        width = len(char.encode())
        limit = LINE if not out else LINE - 1  # a folded line starts with its space
        if size + width > limit:
            out.append(part)
            part, size = "", 0
        part += char
        size += width
    out.append(part)
    return "\r\n ".join(out)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_url(session_id: int) -> str:
    return f"{get_settings().base_url.rstrip('/')}/events/{session_id}"


def _vevent(event: Event, host: str) -> list[str]:
    where = ", ".join(x for x in (event.venue, event.area or "") if x)
    description = event.programme_name
    if event.accessibility:
        description += f"\nAccessibility: {event.accessibility}"
    description += f"\nBook a place: {event_url(event.id)}"
    return [
        "BEGIN:VEVENT",
        f"UID:upcoming-session-{event.id}@{host}",
        # When this event's information was last changed, not the time of the request: a
        # calendar that did not change is the same bytes (its ETag gives a 304).
        f"DTSTAMP:{stamp(event.updated_at)}",
        f"LAST-MODIFIED:{stamp(event.updated_at)}",
        f"DTSTART:{stamp(event.starts_at)}",
        f"DTEND:{stamp(event.ends_at)}",
        f"SUMMARY:{escape(event.title)}",
        f"LOCATION:{escape(where)}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{event_url(event.id)}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def ics(events: Sequence[Event], name: str) -> bytes:
    """A calendar of these sessions, with CRLF line ends and folded lines."""
    host = urlsplit(get_settings().base_url).hostname or "movement"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape(host)}//Movement upcoming sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += _vevent(event, host)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode()


def public_json(events: Sequence[Event]) -> bytes:
    """The sessions as /events.json answers them."""
    items = [
        PublicEvent(
            id=e.id,
            title=e.title,
            programme=e.programme,
            programme_name=e.programme_name,
            starts_at=e.starts_at.astimezone(UTC),
            ends_at=e.ends_at.astimezone(UTC),
            venue=e.venue,
            area=e.area,
            accessibility=e.accessibility,
            places_left=e.places_left,
            status=e.status,
            url=event_url(e.id),
        )
        for e in events
    ]
    return msgspec.json.encode({"events": items})
