"""After the date: who came. The organiser ticks the bookings that came and adds the
walk-ins; the session becomes the FriendsSession that counts (through FRIENDS_SESSIONS, so
with the same checks, review rules, audit and rollups as a session recorded by hand).
Recording again changes that same Friends session, never a second one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from schema.tables import Booking, UpcomingSession
from server.db import write_transaction
from server.events.services import UPCOMING, local_parts
from server.lib.records import Context, create_record, fetch, update_record
from server.lib.validation import JSON, MAX_ID, Form, Invalid, Unprocessable
from server.sessions.services import FRIENDS_SESSIONS

MOST_WALK_INS = 1000
MOST_TICKED = 1000  # more than any session's places (services.MOST_PLACES) and waiting list


def read_attendance(data: dict[str, object]) -> tuple[set[int], int]:
    """The ids of the bookings ticked and the number of walk-ins; Invalid says what to fix."""
    form = Form({"walk_ins": data.get("walk_ins")})
    form.integer("walk_ins", "the number of people who came without booking", low=0,
                 high=MOST_WALK_INS, default=0)  # fmt: skip
    clean = form.result()
    raw = data.get("attended")
    ticked = raw if isinstance(raw, list) else [] if raw in (None, "") else [raw]
    ids = {int(str(x)) for x in ticked if str(x).isdigit() and len(str(x)) < 10}
    walk_ins = clean.get("walk_ins")
    return ids, walk_ins if isinstance(walk_ins, int) else 0


def read_attendance_json(data: object) -> tuple[set[int], int]:
    """The API's body: {"attended": [booking ids], "walk_ins": n}; Invalid says what to fix."""
    if not isinstance(data, dict):
        raise Invalid({"": "Send a JSON object with attended and walk_ins."})
    form = Form(data, sent_as=JSON)
    form.integer("walk_ins", "the number of people who came without booking", low=0,
                 high=MOST_WALK_INS, default=0)  # fmt: skip
    form._known.add("attended")  # read below: a list the Form has no reader for
    raw = data.get("attended", [])
    ok = isinstance(raw, list) and len(raw) <= MOST_TICKED
    ok = ok and all(isinstance(x, int) and not isinstance(x, bool) for x in raw)
    if not ok:
        form.errors["attended"] = (
            f"Send attended as a list of up to {MOST_TICKED} booking ids, like [31, 32]."
        )
    clean = form.result()
    assert isinstance(raw, list)
    walk_ins = clean.get("walk_ins")
    # An id no booking can have (0, or too big for the database) is no booking of this one.
    ids = {x for x in raw if isinstance(x, int) and 1 <= x <= MAX_ID}
    return ids, walk_ins if isinstance(walk_ins, int) else 0


async def record_attendance(
    ctx: Context, session_id: int, attended: Iterable[int], walk_ins: int
) -> int:
    """Save who came (bookings ticked, the rest not) and make or change the Friends
    session: attendees = those ticked + walk-ins. Returns the Friends session's id.
    NotFound: not the asker's session; Invalid: before it started, or cancelled."""
    async with write_transaction():
        session = await fetch(UPCOMING, ctx, session_id, lock=True)
        if session["starts_at"] > datetime.now(UTC):
            raise Unprocessable({"attended": "Record who came once the session has started."})
        if session["status"] == "cancelled":
            raise Unprocessable({"attended": "This session was cancelled: nobody came."})
        mine = Booking.session == session_id
        chosen = list(attended)
        await Booking.update({Booking.attended: False}).where(mine)
        if chosen:
            await Booking.update({Booking.attended: True}).where(
                mine & Booking.id.is_in(chosen) & (Booking.status != "cancelled")
            )
        came = await Booking.count().where(mine & (Booking.attended == True))  # noqa: E712
        attendees = int(came) + walk_ins
        if session["friends_session"] is not None:
            change: dict[str, object] = {"attendees": attendees}
            made = await update_record(FRIENDS_SESSIONS, ctx, session["friends_session"], change)
            return made.id
        day, _ = local_parts(session["starts_at"])
        data: dict[str, object] = {
            "programme": ctx.ref.slug(session["programme"]),
            "held_on": day,
            "footprint": ctx.ref.code(session["footprint"]),
            "venue": session["venue"],
            "run_by": session["organiser"],
            "attendees": attendees,
            "note": f"{session['title']} (upcoming session #{session_id})"[:500],
        }
        if ctx.champion:
            data.pop("run_by")  # a champion's own session is theirs
        made_new = await create_record(FRIENDS_SESSIONS, ctx, data)
        await UpcomingSession.update({UpcomingSession.friends_session: made_new.id}).where(
            UpcomingSession.id == session_id
        )
        return made_new.id
