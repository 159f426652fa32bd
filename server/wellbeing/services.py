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

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from schema.tables import Membership, Programme, WellbeingAnswer
from server.db import one_connection, write_transaction
from server.lib.audit import created, record_many
from server.lib.records import Context
from server.lib.rows import rows_as
from server.lib.validation import FORM, Conflict, Form, Unprocessable
from server.settings import get_settings, today
from server.trainings.services import add_months
from server.wellbeing.figures import MEASURES, SCORES, FollowUp, Group, Sums, paired_change

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


def _answered(side: str) -> str:
    """SQL: 1 where this row answered at least one question (not skipped, not all blank)."""
    blank = " AND ".join(f"{side}.{key} IS NULL" for key in SCORES)
    return f"CASE WHEN {side}.skipped OR ({blank}) THEN 0 ELSE 1 END"


# Each programme's people who answered, and who chose to skip, at each point (one row per
# person, programme and point); then the borough's (programme NULL), each person once: one
# who answered for any champion programme counts as answered, not as skipping, so those who
# skipped are the people who answered or skipped less those who answered.
_COUNTS = """
SELECT a.programme, a.months, SUM({answered}) AS answered,
    SUM(CASE WHEN a.skipped THEN 1 ELSE 0 END) AS skipped
FROM wellbeing_answer a
WHERE a.answered_at < {{}} AND a.months IN ({points})
GROUP BY a.programme, a.months
UNION ALL
SELECT NULL, a.months, COUNT(DISTINCT CASE WHEN {answered} = 1 THEN a.person END),
    COUNT(DISTINCT CASE WHEN a.skipped OR {answered} = 1 THEN a.person END)
    - COUNT(DISTINCT CASE WHEN {answered} = 1 THEN a.person END)
FROM wellbeing_answer a
WHERE a.answered_at < {{}} AND a.months IN ({points}) AND a.programme IN ({champions})
GROUP BY a.months
"""

# Each (baseline, follow-up) pair of the same person and programme, both answered, with
# whether it is the person's pair in the borough at that follow-up (`in_borough`: of their
# champion programmes with a pair, the one whose baseline they answered first, then the
# lowest programme id); then, for each measure, the sums `Sums` holds, over the pairs with
# both scores. All are sums, so a programme's figures add both of its `in_borough` groups and
# the borough's add every champion programme's first pairs.
_PAIRS = """
SELECT programme, months, in_borough, {sums}
FROM (
    SELECT b.programme, f.months, {scores},
        CASE WHEN b.programme IN ({champions}) AND ROW_NUMBER() OVER (
            PARTITION BY b.person, f.months,
                CASE WHEN b.programme IN ({champions}) THEN 1 ELSE 0 END
            ORDER BY b.answered_at, b.programme
        ) = 1 THEN 1 ELSE 0 END AS in_borough
    FROM wellbeing_answer b
    JOIN wellbeing_answer f
        ON f.person = b.person AND f.programme = b.programme AND f.months IN ({follow_ups})
    WHERE b.months = 0 AND b.answered_at < {{}} AND f.answered_at < {{}}
        AND {answered_b} = 1 AND {answered_f} = 1
) AS pairs
GROUP BY programme, months, in_borough
"""


def _sums_sql() -> str:
    out = []
    for n, m in enumerate(MEASURES):
        b, f, better = f"b{n}", f"f{n}", "<" if m.lower_is_better else ">"
        out += [
            f"SUM(CASE WHEN {b} IS NOT NULL AND {f} IS NOT NULL THEN 1 ELSE 0 END) AS people{n}",
            f"SUM(CASE WHEN {f} IS NOT NULL THEN {b} END) AS before{n}",
            f"SUM(CASE WHEN {b} IS NOT NULL THEN {f} END) AS after{n}",
            f"SUM({f} - {b}) AS change{n}",
            f"SUM(({f} - {b}) * ({f} - {b})) AS squares{n}",
            f"SUM(CASE WHEN {f} {better} {b} THEN 1 ELSE 0 END) AS improved{n}",
        ]
    return ", ".join(out)


def _whole(value: object) -> int:
    """A sum as Python's int (None: nothing to add; PostgreSQL's sums of bigints are
    Decimals)."""
    return 0 if value is None else int(str(value))


def _sums(row: Mapping[str, object]) -> tuple[Sums, ...]:
    return tuple(
        Sums(*(_whole(row[f"{part}{n}"]) for part in SUM_PARTS)) for n in range(len(MEASURES))
    )


SUM_PARTS = ("people", "before", "after", "change", "squares", "improved")  # Sums' order
Counts = dict[int, list[int]]  # point (months) -> [answered, skipped]
PairSums = dict[int, tuple[Sums, ...]]  # follow-up (months) -> each measure's sums


class _Tally:
    """The sums the two queries give, added up for each programme and for the borough."""

    def __init__(self, points: tuple[int, ...]) -> None:
        self.points = points
        self.counts: dict[int | None, Counts] = {}  # programme id, or None: the borough
        self.pairs: dict[int | None, PairSums] = {}

    def count(self, group: int | None, months: int, answered: int, skipped: int) -> None:
        counts = self.counts.setdefault(group, {p: [0, 0] for p in self.points})
        counts[months][0] += answered
        counts[months][1] += skipped

    def pair(self, group: int | None, months: int, sums: tuple[Sums, ...]) -> None:
        pairs = self.pairs.setdefault(group, {})
        before = pairs.get(months, tuple(Sums() for _ in MEASURES))
        pairs[months] = tuple(a + b for a, b in zip(before, sums, strict=True))

    def group(self, group: int | None, key: str, name: str, small: int) -> Group:
        counts = self.counts.get(group, {p: [0, 0] for p in self.points})
        pairs = self.pairs.get(group, {})
        empty = tuple(Sums() for _ in MEASURES)
        return Group(
            key,
            name,
            {p: counts[p][0] for p in self.points},
            {p: counts[p][1] for p in self.points},
            [
                FollowUp(
                    m,
                    [
                        paired_change(measure, sums, small)
                        for measure, sums in zip(MEASURES, pairs.get(m, empty), strict=True)
                    ],
                )
                for m in self.points[1:]
            ],
        )


async def wellbeing_figures(as_at: date | None = None) -> Figures:
    """The figures of every champion programme and of the borough, counting the answers
    given up to the end of `as_at` (today when None). The database adds up what they need
    (who answered at each point, and each measure's sums over the pairs), so no answer is
    read one by one."""
    day = as_at or today()
    settings = get_settings()
    follow_ups, small = settings.wellbeing_follow_up_months, settings.small_number
    points, end = (0, *follow_ups), end_of(day)
    programmes = rows_as(
        _ProgrammeRow,
        await Programme.select(Programme.id, Programme.slug, Programme.name)
        .where(Programme.kind == CHAMPION)
        .order_by(Programme.sort_order)
        .order_by(Programme.name),
    )
    # Ids and months are whole numbers from the database and the settings: written in.
    champions = ", ".join(str(int(p["id"])) for p in programmes) or "NULL"
    listed = {"champions": champions, "points": ", ".join(str(int(p)) for p in points)}
    pairs_sql = _PAIRS.format(
        sums=_sums_sql(),
        scores=", ".join(f"b.{k} AS b{n}, f.{k} AS f{n}" for n, k in enumerate(SCORES)),
        follow_ups=", ".join(str(int(m)) for m in follow_ups) or "NULL",
        answered_b=_answered("b"),
        answered_f=_answered("f"),
        **listed,
    )
    # Side by side, each on a connection of its own: the database's work overlaps.
    counts, pairs = await asyncio.gather(
        WellbeingAnswer.raw(_COUNTS.format(answered=_answered("a"), **listed), end, end),
        WellbeingAnswer.raw(pairs_sql, end, end),
    )
    tally = _Tally(points)
    for row in counts:
        tally.count(
            row["programme"], row["months"], _whole(row["answered"]), _whole(row["skipped"])
        )
    for row in pairs:
        sums = _sums(row)
        for group in (row["programme"], None) if row["in_borough"] else (row["programme"],):
            tally.pair(group, row["months"], sums)
    return Figures(
        as_at=day,
        follow_ups=follow_ups,
        small=small,
        borough=tally.group(None, "borough", "All champion programmes (each person once)", small),
        programmes=[tally.group(p["id"], p["slug"], p["name"], small) for p in programmes],
    )
