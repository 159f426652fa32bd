"""What the API answers about a person's own wellbeing questions (GET and POST
/api/me/wellbeing). Nobody is ever sent another person's answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

Score = Annotated[
    int | None,
    msgspec.Meta(
        description="The answer, from 0 (not at all) to 10 (completely); null when left "
        "blank or skipped.",
        examples=[7],
    ),
]
Slug = Annotated[
    str,
    msgspec.Meta(
        description="The programme, by its slug (as GET /api/programmes lists them).",
        examples=["health-champions"],
    ),
]
Months = Annotated[
    int,
    msgspec.Meta(
        description="The point, in months after joining the programme: 0 is on joining (the "
        "baseline), then each follow-up (the council's WELLBEING_FOLLOW_UP_MONTHS, by default "
        "3 and 12).",
        examples=[0],
    ),
]


class WellbeingQuestion(msgspec.Struct):
    """One of the four ONS personal wellbeing questions."""

    key: Annotated[
        str,
        msgspec.Meta(
            description="The field that carries its answer: life_satisfaction, worthwhile, "
            "happiness or anxiety.",
            examples=["life_satisfaction"],
        ),
    ]
    name: Annotated[
        str, msgspec.Meta(description="A short name for it.", examples=["Life satisfaction"])
    ]
    question: Annotated[
        str,
        msgspec.Meta(
            description="The question as the ONS words it, to show as it is.",
            examples=["Overall, how satisfied are you with your life nowadays?"],
        ),
    ]
    lower_is_better: Annotated[
        bool,
        msgspec.Meta(
            description="True for anxiety, where a lower score is better; false for the "
            "others, where a higher score is better.",
            examples=[False],
        ),
    ]


class DuePoint(msgspec.Struct):
    """A point whose questions are open to answer now, for one programme."""

    programme: Slug
    months: Months
    due_on: Annotated[
        date,
        msgspec.Meta(description="The day it opened (joining, or the follow-up's date).",
                     examples=["2026-11-20"]),
    ]  # fmt: skip
    closes_on: Annotated[
        date,
        msgspec.Meta(
            description="The last day it can be answered (WELLBEING_OPEN_WEEKS after it "
            "opened); after that it is not asked again.",
            examples=["2026-12-31"],
        ),
    ]


class MyWellbeingAnswer(msgspec.Struct):
    """Answers the person gave (or chose to skip) for one programme at one point."""

    programme: Slug
    months: Months
    life_satisfaction: Score
    worthwhile: Score
    happiness: Score
    anxiety: Score
    skipped: Annotated[
        bool,
        msgspec.Meta(
            description="True when the person chose not to answer this time.", examples=[False]
        ),
    ]
    answered_at: Annotated[
        datetime,
        msgspec.Meta(description="When it was saved, in UTC.",
                     examples=["2026-11-20T09:30:00Z"]),
    ]  # fmt: skip


class MyWellbeing(msgspec.Struct):
    """The signed-in person's own wellbeing questions: what is due, and what they gave."""

    due: Annotated[
        list[DuePoint],
        msgspec.Meta(
            description="The points open to answer now, one per programme; empty when "
            "nothing is due. One answer (POST) is kept for each of them."
        ),
    ]
    questions: Annotated[
        list[WellbeingQuestion],
        msgspec.Meta(description="The four questions, in the order they are asked."),
    ]
    answers: Annotated[
        list[MyWellbeingAnswer],
        msgspec.Meta(description="The person's own answers, newest first."),
    ]
    small_number: Annotated[
        int,
        msgspec.Meta(
            description="The council's SMALL_NUMBER: figures are shown to coordinators only "
            "for groups of at least this many people, never one person's answers.",
            examples=[5],
        ),
    ]
