"""Champions' wellbeing (issue 16): when the ONS personal wellbeing questions are due,
saving a person's answers (or their choice to skip), reading their own answers back, and
the group figures for the console and the quarterly report.

When: on joining a champion programme (the baseline, point 0) and each
WELLBEING_FOLLOW_UP_MONTHS after joining, while the membership is active. Each point stays
open for WELLBEING_OPEN_WEEKS from its date; a point missed is not asked later (a baseline
taken months after joining is no baseline). A person with points due in several
programmes at once is asked once, and the answer is kept for each of them.

Nobody else ever reads one person's answers: the API and the pages give a person only
their own, and the console only group figures (server/wellbeing/figures.py) of at least
SMALL_NUMBER people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from schema.rows import WellbeingAnswerRow
from schema.tables import Membership, Programme, WellbeingAnswer
from server.db import one_connection, write_transaction
from server.lib.audit import created, record_many
from server.lib.records import Context
from server.lib.rows import rows_as
from server.lib.validation import FORM, Conflict, Form, Unprocessable
from server.settings import get_settings, today
from server.trainings.services import add_months
from server.wellbeing.figures import MEASURES, SCORES, Answer, Group, group_figures

RECORD_TYPE = "wellbeing_answer"  # in the audit log
# The audit log names these fields, never their values: a person's scores, and whether
# they chose to skip, are theirs alone.
PERSONAL = frozenset({*SCORES, "skipped"})
CHAMPION = "champion"  # only champion programmes ask: Friends are counted, not followed up
NOTHING_DUE = (
    "There are no wellbeing questions for you to answer now: they were answered or skipped "
    "already, or none are due."
)
EMPTY = "Answer at least one question, or choose Skip these questions."


def points() -> tuple[int, ...]:
    """Every point, in months after joining: 0 (the baseline), then each follow-up."""
    return (0, *get_settings().wellbeing_follow_up_months)


@dataclass(frozen=True)
class DuePoint:
    """A point whose questions a person may answer now, for one programme."""

    programme: int
    slug: str
    name: str
    months: int
    due_on: date  # the day it opened
    closes_on: date  # the last day it is open


def open_point(joined_on: date, on: date) -> tuple[int, date] | None:
    """The point open on this day for someone who joined on `joined_on`, with its date."""
    weeks = get_settings().wellbeing_open_weeks
    for months in points():
        due = add_months(joined_on, months)
        if due <= on < due + timedelta(weeks=weeks):
            return months, due
    return None


class _MembershipRow(TypedDict):
    programme: int
    joined_on: date
    slug: str
    name: str


class _AnsweredRow(TypedDict):
    programme: int
    months: int


async def due_points(person_id: int | None, on: date | None = None) -> list[DuePoint]:
    """The points this person may answer now: for each champion programme they are active
    in, the point open today, unless they answered or skipped it already."""
    if person_id is None:
        return []
    day, weeks = on or today(), get_settings().wellbeing_open_weeks
    async with one_connection():
        memberships = rows_as(
            _MembershipRow,
            await Membership.select(
                Membership.programme,
                Membership.joined_on,
                Membership.programme.slug.as_alias("slug"),
                Membership.programme.name.as_alias("name"),
            )
            .where(
                (Membership.person == person_id)
                & (Membership.status == "active")
                & (Membership.programme.kind == CHAMPION)
            )
            .order_by(Membership.programme.sort_order),
        )
        done = rows_as(
            _AnsweredRow,
            await WellbeingAnswer.select(WellbeingAnswer.programme, WellbeingAnswer.months).where(
                WellbeingAnswer.person == person_id
            ),
        )
    answered = {(r["programme"], r["months"]) for r in done}
    out = []
    for m in memberships:
        found = open_point(m["joined_on"], day)
        if found is not None and (m["programme"], found[0]) not in answered:
            months, due = found
            closes = due + timedelta(weeks=weeks) - timedelta(days=1)
            out.append(DuePoint(m["programme"], m["slug"], m["name"], months, due, closes))
    return out


def read_answers(form: Form) -> None:
    """What a person sends: each score (0 to 10, or none to leave it blank), or skip. The
    API's document describes the body from this."""
    for number, measure in enumerate(MEASURES, start=1):
        label = f"your answer to question {number} ({measure.name.lower()})"
        form.integer(measure.key, label, low=0, high=10)
    form.boolean("skip", "whether you choose not to answer this time")


def _clean(data: Mapping[str, object], sent_as: str) -> tuple[dict[str, int | None], bool]:
    """The scores and the choice to skip, checked: Invalid (a field that is wrong) or
    Unprocessable (right fields that together do not make sense) says what to fix."""
    form = Form(data, sent_as=sent_as)
    read_answers(form)
    form.result()
    scores = {key: form.got(key, int) for key in SCORES}
    skip = bool(form.got("skip", bool))
    given = any(v is not None for v in scores.values())
    # Each field may be right by itself and the whole still not make sense (422).
    if skip and given:
        raise Unprocessable({"skip": "Send either your answers or skip, not both."})
    if not skip and not given:
        raise Unprocessable({SCORES[0]: EMPTY})
    return scores, skip


async def answer(ctx: Context, data: Mapping[str, object], sent_as: str = FORM) -> list[DuePoint]:
    """Save the signed-in person's answers (or their choice to skip) for every point due
    now; the points it was saved for. Conflict when none is due (answered already: a
    second tap of the button, or another device)."""
    scores, skip = _clean(data, sent_as)
    person = ctx.actor.person_id if ctx.actor else None
    now = datetime.now(UTC)
    async with write_transaction():
        due = await due_points(person)
        if person is None or not due:
            raise Conflict({"": NOTHING_DUE})
        rows = [
            {"person": person, "programme": p.programme, "months": p.months, **scores,
             "skipped": skip, "answered_at": now}
            for p in due
        ]  # fmt: skip
        saved = await (
            WellbeingAnswer.insert(*[WellbeingAnswer.from_dict(row) for row in rows])
            .on_conflict(
                target=(WellbeingAnswer.person, WellbeingAnswer.programme, WellbeingAnswer.months),
                action="DO NOTHING",
            )
            .returning(WellbeingAnswer.id, WellbeingAnswer.programme, WellbeingAnswer.months)
        )
        if not saved:
            raise Conflict({"": NOTHING_DUE})
        # Only the rows inserted (one saved at the same moment elsewhere is left out).
        by_point = {(row["programme"], row["months"]): row for row in rows}
        account = ctx.actor.account_id if ctx.actor else None
        await record_many(
            account,
            "create",
            RECORD_TYPE,
            [
                (r["id"], created(by_point[(r["programme"], r["months"])], personal=PERSONAL))
                for r in saved
            ],
        )
    return due


class MyAnswer(TypedDict):
    """One of a person's own rows, with its programme's slug and name."""

    programme: int
    slug: str
    name: str
    months: int
    life_satisfaction: int | None
    worthwhile: int | None
    happiness: int | None
    anxiety: int | None
    skipped: bool
    answered_at: datetime


async def my_answers(person_id: int | None) -> list[MyAnswer]:
    """The person's own answers, newest first (only ever their own)."""
    if person_id is None:
        return []
    return rows_as(
        MyAnswer,
        await WellbeingAnswer.select(
            WellbeingAnswer.programme,
            WellbeingAnswer.programme.slug.as_alias("slug"),
            WellbeingAnswer.programme.name.as_alias("name"),
            WellbeingAnswer.months,
            *[getattr(WellbeingAnswer, key) for key in SCORES],
            WellbeingAnswer.skipped,
            WellbeingAnswer.answered_at,
        )
        .where(WellbeingAnswer.person == person_id)
        .order_by(WellbeingAnswer.answered_at, ascending=False)
        .order_by(WellbeingAnswer.id, ascending=False),
    )


# The group figures ------------------------------------------------------------------------


class _ProgrammeRow(TypedDict):
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class Figures:
    """The borough's figures and each champion programme's, as at a day."""

    as_at: date
    follow_ups: tuple[int, ...]
    small: int
    borough: Group
    programmes: list[Group]


def end_of(day: date) -> datetime:
    """The end of a day on the council's clock, in UTC: answers up to then count."""
    zone = ZoneInfo(get_settings().time_zone)
    return datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)


def _answer(row: WellbeingAnswerRow) -> Answer:
    return Answer(
        person=row["person"],
        programme=row["programme"],
        months=row["months"],
        scores={
            "life_satisfaction": row["life_satisfaction"],
            "worthwhile": row["worthwhile"],
            "happiness": row["happiness"],
            "anxiety": row["anxiety"],
        },
        skipped=row["skipped"],
        answered_at=row["answered_at"],
    )


async def wellbeing_figures(as_at: date | None = None) -> Figures:
    """The figures of every champion programme and of the borough, counting the answers
    given up to the end of `as_at` (today when None)."""
    day = as_at or today()
    settings = get_settings()
    follow_ups, small = settings.wellbeing_follow_up_months, settings.small_number
    async with one_connection():
        programmes = rows_as(
            _ProgrammeRow,
            await Programme.select(Programme.id, Programme.slug, Programme.name)
            .where(Programme.kind == CHAMPION)
            .order_by(Programme.sort_order)
            .order_by(Programme.name),
        )
        rows = rows_as(
            WellbeingAnswerRow,
            await WellbeingAnswer.select().where(WellbeingAnswer.answered_at < end_of(day)),
        )
    answers = [_answer(r) for r in rows if r["months"] in (0, *follow_ups)]
    by_programme: dict[int, list[Answer]] = {}
    for a in answers:
        by_programme.setdefault(a.programme, []).append(a)
    champion_ids = {p["id"] for p in programmes}
    return Figures(
        as_at=day,
        follow_ups=follow_ups,
        small=small,
        borough=group_figures(
            "borough",
            "All champion programmes (each person once)",
            [a for a in answers if a.programme in champion_ids],
            follow_ups,
            small,
        ),
        programmes=[
            group_figures(p["slug"], p["name"], by_programme.get(p["id"], []), follow_ups, small)
            for p in programmes
        ],
    )
