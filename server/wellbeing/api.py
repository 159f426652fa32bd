"""/api/me/wellbeing: the signed-in person's own wellbeing questions. GET says what is due
and what they answered; POST answers (or skips) every point due now. There is no way to
read anyone else's answers: coordinators see only group figures, in the console."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.params import Body

from server.lib.auth import AppRequest, current_actor, signed_in
from server.lib.openapi import SIGNED_IN, described, errors, operation
from server.lib.records import Context
from server.lib.validation import JSON
from server.settings import get_settings
from server.wellbeing import shapes
from server.wellbeing.figures import MEASURES
from server.wellbeing.services import answer, due_points, my_answers, read_answers

TAGS = ["wellbeing"]
Sent = Annotated[
    dict[str, object],
    Body(description="Your answers (each 0 to 10, or null to leave it blank), or skip: true."),
]
QUESTIONS = [
    shapes.WellbeingQuestion(
        key=m.key, name=m.name, question=m.question, lower_is_better=m.lower_is_better
    )
    for m in MEASURES
]


async def _mine(person_id: int | None) -> shapes.MyWellbeing:
    due = await due_points(person_id)
    return shapes.MyWellbeing(
        due=[
            shapes.DuePoint(
                programme=p.slug, months=p.months, due_on=p.due_on, closes_on=p.closes_on
            )
            for p in due
        ],
        questions=QUESTIONS,
        answers=[
            shapes.MyWellbeingAnswer(
                programme=a["slug"],
                months=a["months"],
                life_satisfaction=a["life_satisfaction"],
                worthwhile=a["worthwhile"],
                happiness=a["happiness"],
                anxiety=a["anxiety"],
                skipped=a["skipped"],
                answered_at=a["answered_at"],
            )
            for a in await my_answers(person_id)
        ],  # fmt: skip
        small_number=get_settings().small_number,
    )


def _person(request: AppRequest) -> int | None:
    actor = current_actor(request)
    return actor.person_id if actor else None


@get(
    "/api/me/wellbeing",
    guards=[signed_in],
    summary="My wellbeing questions",
    description="The four ONS personal wellbeing questions, the points open to answer now "
    "(on joining a champion programme, and each follow-up), and your own answers. Only "
    "ever your own: nobody can read another person's answers.",
    tags=TAGS,
    operation_id="get_my_wellbeing",
    security=SIGNED_IN,
    responses={**errors(401)},
    operation_class=operation(),
)
async def get_my_wellbeing(request: AppRequest) -> shapes.MyWellbeing:
    return await _mine(_person(request))


@post(
    "/api/me/wellbeing",
    guards=[signed_in],
    status_code=200,
    summary="Answer my wellbeing questions",
    description="Saves your answers, or skip: true, for every point open now (one answer "
    "for each programme due, when several are due at once). Each question may be left "
    "out or null; at least one must be answered unless you skip (422 when none is, or "
    "when answers and skip are both sent). 409 when nothing is due (answered or skipped "
    "already). Answers the same as GET.",
    tags=TAGS,
    operation_id="log_my_wellbeing",
    security=SIGNED_IN,
    responses={**errors(400, 401, 409, 422)},
    operation_class=operation(body=described(read_answers).body(partial=False)),
)
async def log_my_wellbeing(request: AppRequest, data: Sent) -> shapes.MyWellbeing:
    ctx = await Context.load(current_actor(request))
    await answer(ctx, data, sent_as=JSON)
    return await _mine(_person(request))


HANDLERS = [get_my_wellbeing, log_my_wellbeing]
