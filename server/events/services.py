"""Upcoming sessions: Friends sessions published before they happen, the public list of
them (page, iCalendar, JSON), and who may publish them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from piccolo.custom_types import Combinable
from piccolo.query.functions.aggregate import Count

from schema.rows import ProgrammeRow, UpcomingSessionRow
from schema.tables import Booking, Person, UpcomingSession
from server.events import shapes
from server.lib.records import Context, RecordType, Sent
from server.lib.reference import Reference
from server.lib.rows import rows_as
from server.lib.validation import Form, Invalid
from server.sessions.services import may_run_sessions
from server.settings import get_settings, local_time

STATUSES = {"scheduled": "scheduled", "cancelled": "cancelled"}
CLOCK = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])")
MOST_PLACES = 500
# A session stays on the public list until it has ended.
LONGEST = timedelta(hours=12)


def read_upcoming(form: Form, ctx: Context, old: UpcomingSessionRow | None) -> None:
    form.choice("programme", "a Friends programme", ctx.ref.programme_ids("friend"), required=True)
    form.text("title", "a title", max_length=200, required=True)
    form.date("starts_on", "the date", required=True, allow_future=True)
    form.text(
        "start_time",
        "the start time",
        max_length=5,
        required=True,
        pattern=CLOCK,
        pattern_hint="Enter the start time as hours and minutes, like 14:30.",
    )
    form.integer("minutes", "how long it lasts, in minutes", low=15, high=600, default=60)
    form.text("venue", "the venue", max_length=200, required=True)
    form.choice("footprint", "the area", ctx.ref.footprint_ids())
    form.integer("capacity", "the number of places", low=1, high=MOST_PLACES, required=True)
    form.text("accessibility", "the accessibility notes", max_length=500)
    form.boolean("bookable", "whether the public may book", default=True)
    form.reference("organiser", "the id of the person who runs it")
    form.choice("status", "a status", STATUSES, default="scheduled")


def starts_at(day: date, clock: str) -> datetime:
    """A date and a time on the council's clock, as an aware UTC time."""
    match = CLOCK.fullmatch(clock.strip())
    assert match is not None  # read_upcoming checked it
    zone = ZoneInfo(get_settings().time_zone)
    moment = datetime.combine(day, time(int(match.group(1)), int(match.group(2))), zone)
    return moment.astimezone(UTC)


def local_parts(moment: datetime) -> tuple[str, str]:
    """The date (ISO) and the time (HH:MM) a form shows for a moment, on the council's clock."""
    here = local_time(moment)
    return here.date().isoformat(), f"{here:%H:%M}"


async def upcoming_rules(
    clean: UpcomingSessionRow, ctx: Context, old: UpcomingSessionRow | None, sent: Sent
) -> UpcomingSessionRow:
    given = cast(dict[str, object], clean)
    day, clock = given.pop("starts_on", None), given.pop("start_time", None)
    if day is not None or clock is not None:
        was_day, was_clock = local_parts(old["starts_at"]) if old else ("", "")
        when = starts_at(
            day if isinstance(day, date) else date.fromisoformat(was_day),
            clock if isinstance(clock, str) else was_clock,
        )
        if when < datetime.now(UTC) and (old is None or when != old["starts_at"]):
            raise Invalid({"starts_on": "An upcoming session must start in the future."})
        clean["starts_at"] = when
    organiser = clean.get("organiser")
    if organiser and not await Person.exists().where(Person.id == organiser):
        raise Invalid({"organiser": f"There is no person with id {organiser}."})
    if ctx.champion:
        assert ctx.actor is not None
        programme = clean.get("programme") or (old or {}).get("programme")
        if not await may_run_sessions(ctx.actor.person_id, int(programme or 0)):
            name = ctx.ref.programmes[int(programme or 0)]["name"]
            raise Invalid(
                {"programme": f"Only {name} Champions publish these sessions: ask your "
                 "coordinator."}
            )  # fmt: skip
    return clean


def present_upcoming(row: UpcomingSessionRow, ref: Reference) -> shapes.UpcomingSession:
    return shapes.UpcomingSession(
        id=row["id"],
        programme=ref.slug(row["programme"]),
        title=row["title"],
        starts_at=row["starts_at"],
        minutes=row["minutes"],
        venue=row["venue"],
        footprint=ref.code(row["footprint"]),
        capacity=row["capacity"],
        accessibility=row["accessibility"],
        bookable=row["bookable"],
        organiser=row["organiser"],
        status=row["status"],
        friends_session=row["friends_session"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def upcoming_filters(form: Form, ctx: Context) -> list[Combinable]:
    form.choice("programme", "a Friends programme", ctx.ref.programme_ids("friend"))
    form.choice("footprint", "an area", ctx.ref.footprint_ids())
    form.choice("status", "a status", STATUSES)
    form.boolean("past", "whether to list sessions that have started", default=False)
    out: list[Combinable] = []
    for name in ("programme", "footprint", "status"):
        if form.clean.get(name):
            out.append(UpcomingSession._meta.get_column_by_name(name) == form.clean[name])
    if not form.clean.get("past"):
        out.append(UpcomingSession.starts_at >= datetime.now(UTC) - LONGEST)
    return out


UPCOMING = RecordType(
    name="upcoming session",
    shape=shapes.UpcomingSession,
    row=UpcomingSessionRow,
    table=UpcomingSession,
    read=read_upcoming,
    rules=upcoming_rules,
    present=present_upcoming,
    filters=upcoming_filters,
    owner="organiser",
    champion_may=frozenset({"list", "read", "create", "update"}),
    order_by=(("starts_at", False), ("id", False)),
)


async def publishable(ctx: Context) -> list[ProgrammeRow]:
    """The Friends programmes the signed-in person may publish sessions for."""
    assert ctx.actor is not None
    friends = [p for p in ctx.ref.programmes.values() if p["kind"] == "friend"]
    if not ctx.champion:
        return friends
    return [p for p in friends if await may_run_sessions(ctx.actor.person_id, p["id"])]


def form_values(row: shapes.UpcomingSession) -> dict[str, object]:
    """A session's fields as its form shows them (the date and time on the council's clock)."""
    day, clock = local_parts(row.starts_at)
    return {
        "programme": row.programme or "",
        "title": row.title,
        "starts_on": day,
        "start_time": clock,
        "minutes": str(row.minutes),
        "venue": row.venue,
        "footprint": row.footprint or "",
        "capacity": str(row.capacity),
        "accessibility": row.accessibility,
        "bookable": "yes" if row.bookable else "no",
        "organiser": "" if row.organiser is None else str(row.organiser),
        "status": row.status,
    }


# The public list ------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """An upcoming session as the public sees it: nothing about its organiser or bookers."""

    id: int
    title: str
    programme: str
    programme_name: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    area_code: str | None
    area: str | None
    accessibility: str
    capacity: int
    places_left: int
    status: str
    updated_at: datetime

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def when(self) -> str:
        """When it is, on the council's clock: "Thursday 14 January 2027, 2pm to 3:30pm"."""
        return when_text(self.starts_at, self.ends_at)


def clock_text(moment: datetime) -> str:
    """A time as GOV.UK writes it: 2pm, 2:30pm, midday."""
    here = local_time(moment)
    if (here.hour, here.minute) == (12, 0):
        return "midday"
    hour = here.hour % 12 or 12
    minutes = f":{here.minute:02d}" if here.minute else ""
    return f"{hour}{minutes}{'am' if here.hour < 12 else 'pm'}"


def when_text(start: datetime, end: datetime) -> str:
    """A session's day and times on the council's clock."""
    return f"{local_time(start):%A %-d %B %Y}, {clock_text(start)} to {clock_text(end)}"


async def places_taken(ids: list[int]) -> dict[int, int]:
    """How many places are booked at each of these sessions (the waiting list not counted)."""
    if not ids:
        return {}
    rows = await (
        Booking.select(Booking.session, Count(Booking.id, alias="taken"))
        .where(Booking.session.is_in(ids) & (Booking.status == "booked"))
        .group_by(Booking.session)
    )
    return {row["session"]: row["taken"] for row in rows}


def _event(row: UpcomingSessionRow, ref: Reference, taken: Mapping[int, int]) -> Event:
    area = ref.footprints.get(row["footprint"] or 0)
    return Event(
        id=row["id"],
        title=row["title"],
        programme=ref.slug(row["programme"]) or "",
        programme_name=ref.programmes[row["programme"]]["name"],
        starts_at=row["starts_at"],
        ends_at=row["starts_at"] + timedelta(minutes=row["minutes"]),
        venue=row["venue"],
        area_code=area["code"] if area else None,
        area=area["name"] if area else None,
        accessibility=row["accessibility"],
        capacity=row["capacity"],
        places_left=max(0, row["capacity"] - taken.get(row["id"], 0)),
        status=row["status"],
        updated_at=row["updated_at"],
    )


async def public_events(
    ref: Reference,
    programme: int | None = None,
    footprint: int | None = None,
    with_cancelled: bool = False,
) -> list[Event]:
    """The public's upcoming sessions, soonest first: bookable ones that have not ended,
    filtered by programme and area. The feeds also keep cancelled ones (with_cancelled), so
    that calendars that took them show them cancelled."""
    now = datetime.now(UTC)
    where: Combinable = (UpcomingSession.bookable == True) & (  # noqa: E712 - a query
        UpcomingSession.starts_at >= now - LONGEST
    )
    if not with_cancelled:
        where = where & (UpcomingSession.status == "scheduled")
    if programme is not None:
        where = where & (UpcomingSession.programme == programme)
    if footprint is not None:
        where = where & (UpcomingSession.footprint == footprint)
    rows = rows_as(
        UpcomingSessionRow,
        await UpcomingSession.select()
        .where(where)
        .order_by(UpcomingSession.starts_at)
        .order_by(UpcomingSession.id),
    )
    taken = await places_taken([r["id"] for r in rows])
    events = [_event(r, ref, taken) for r in rows]
    return [e for e in events if e.ends_at > now]


async def public_event(ref: Reference, session_id: int) -> Event | None:
    """One session the public may see (bookable; ended or cancelled ones too, so that a
    link in an email still says what happened), or None."""
    row = rows_as(
        UpcomingSessionRow,
        await UpcomingSession.select()
        .where((UpcomingSession.id == session_id) & (UpcomingSession.bookable == True))  # noqa: E712
        .limit(1),
    )
    if not row:
        return None
    return _event(row[0], ref, await places_taken([session_id]))
