"""Console: training. The qualifications running out (the Training menu's landing page),
a cohort (one course, one date, many people), and adding, changing or deleting one
person's training records through TRAININGS (the same rules and audit as the API)."""

from __future__ import annotations

from collections.abc import Mapping

from litestar import Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Stream, Template

from schema.rows import TrainingRecordRow
from server.console.common import person_address
from server.console.exports import download, wanted_format
from server.lib.auth import AppRequest
from server.lib.pages import FormData, PageContext, error_page, fields, save_or_show_again
from server.lib.records import Context, create_record, delete_record, fetch, update_record
from server.lib.validation import Invalid, form_value
from server.people.console import people_by_ids, search_people
from server.people.services import PEOPLE
from server.settings import today
from server.trainings.services import (
    EXPIRED_DAYS,
    EXPIRING_DAYS,
    EXPIRING_FILTERS,
    TRAININGS,
    as_list,
    expiring_trainings,
    record_cohort,
)

EXPIRING_COLUMNS = (
    ("name", "Name"),
    ("course_name", "Course"),
    ("completed_on", "Completed"),
    ("expires_on", "Expires"),
    ("days_left", "Days left"),
    ("email", "Email"),
    ("phone", "Phone"),
)
Req = AppRequest
TRAINING_FIELDS = ("course", "completed_on", "certificate_number", "expires_on")


def _courses(ctx: Context) -> list[tuple[str, str]]:
    return [(c["slug"], c["name"]) for c in ctx.ref.courses.values()]


def _filter_choices(ctx: Context) -> dict[str, object]:
    return {
        "courses": _courses(ctx),
        "programmes": [(p["slug"], p["name"]) for p in ctx.ref.programmes.values()],
        "footprints": [(f["code"], f["name"]) for f in ctx.ref.footprints.values()],
        "soon_days": EXPIRING_DAYS,
        "past_days": EXPIRED_DAYS,
    }


@get("/trainings", name="console-trainings")
async def expiring_page(request: Req, ctx: PageContext) -> Template:
    params = {k: request.query_params.get(k) or "" for k in (*EXPIRING_FILTERS, "page")}
    params = {k: v for k, v in params.items() if v}
    query = {k: v for k, v in params.items() if k != "page"}
    context: dict[str, object] = {
        "section": "trainings",
        "values": params,
        "query": query,
        "errors": {},
    }
    context.update(_filter_choices(ctx))
    try:
        found = await expiring_trainings(ctx, params)
    except Invalid as exc:
        empty = {"items": [], "total": 0, "page": 1, "pages": 1, "errors": exc.errors}
        return Template(
            "console/trainings/expiring.html", status_code=400, context={**context, **empty}
        )
    return Template("console/trainings/expiring.html", context={**context, **found})


@get("/trainings/download", name="console-trainings-download")
async def expiring_download(request: Req, ctx: PageContext) -> Response[bytes] | Stream | Template:
    try:
        fmt = wanted_format(request.query_params.get("format"))
        found = await expiring_trainings(ctx, request.query_params, every_page=True)
    except Invalid as exc:
        return error_page("This list cannot be downloaded", " ".join(exc.errors.values()))
    return download("expiring-training", EXPIRING_COLUMNS, found["items"], fmt)


# A cohort -----------------------------------------------------------------------------


async def _cohort_context(
    ctx: Context, q: str, kept: Mapping[str, str] | None = None
) -> dict[str, object]:
    """The cohort form, with the people the search finds; `kept`: the course and date
    chosen before the search."""
    found = (await search_people(ctx, {"q": q}))["items"] if q else []
    return {
        "section": "trainings",
        "courses": _courses(ctx),
        "q": q,
        "found": found,
        "values": {"completed_on": today().isoformat(), "person": [], **(kept or {})},
        "errors": {},
        "summary": None,
    }


@get("/trainings/cohort", name="console-trainings-cohort")
async def cohort_page(request: Req, ctx: PageContext) -> Template:
    q = (request.query_params.get("q") or "").strip()[:100]
    # The course and date chosen are kept across a search.
    kept = {k: v for k in ("course", "completed_on") if (v := request.query_params.get(k))}
    context = await _cohort_context(ctx, q, kept)
    return Template("console/trainings/cohort.html", context=context)


@post("/trainings/cohort")
async def record_cohort_page(request: Req, ctx: PageContext, data: FormData) -> Template:
    """Saves and shows the summary at once: sent again, it adds nobody twice."""
    form = await request.form()
    sent = {
        "course": data.get("course", ""),
        "completed_on": form_value(data, "completed_on"),
        "people_list": data.get("people_list", ""),
        "person": form.getall("person") if "person" in form else [],
    }
    context = await _cohort_context(ctx, "")
    try:
        summary = await record_cohort(ctx, sent)
    except Invalid as exc:
        # The people ticked stay listed and ticked.
        found = await people_by_ids(ctx, as_list(sent.get("person")))
        return Template(
            "console/trainings/cohort.html",
            status_code=400,
            context={**context, "values": sent, "found": found, "errors": exc.errors},
        )
    return Template("console/trainings/cohort.html", context={**context, "summary": summary})


# One person's training records --------------------------------------------------------


async def _training_form(ctx: Context, person_id: int, **more: object) -> dict[str, object]:
    person = await fetch(PEOPLE, ctx, person_id)
    return {
        "section": "people",
        "person": person,
        "courses": _courses(ctx),
        "errors": {},
        **more,
    }


@get("/people/{person_id:int}/trainings/new", name="console-training-new")
async def new_training_page(ctx: PageContext, person_id: FromPath[int]) -> Template:
    context = await _training_form(ctx, person_id, values={}, training=None)
    return Template("console/trainings/training_form.html", context=context)


@post("/people/{person_id:int}/trainings/new", status_code=303)
async def add_training(
    request: Req, ctx: PageContext, person_id: FromPath[int], data: FormData
) -> Template | Redirect:
    context = await _training_form(ctx, person_id, values={}, training=None)
    sent = fields(data, TRAINING_FIELDS)
    return await save_or_show_again(
        lambda: create_record(TRAININGS, ctx, {**sent, "person": person_id}),
        "console/trainings/training_form.html",
        context,
        sent,
        lambda _: person_address(request, person_id, "training"),
        on_conflict="show",
    )


async def _edit_context(ctx: Context, row: TrainingRecordRow) -> dict[str, object]:
    """The form to change a training record (its row, as fetched)."""
    saved: Mapping[str, object] = row
    values = {k: "" if saved[k] is None else str(saved[k]) for k in TRAINING_FIELDS}
    course = ctx.ref.courses.get(row["course"])
    values["course"] = course["slug"] if course else ""
    return await _training_form(ctx, row["person"], values=values, training=row)


@get("/trainings/{training_id:int}/edit", name="console-training-edit")
async def edit_training_page(ctx: PageContext, training_id: FromPath[int]) -> Template:
    row = await fetch(TRAININGS, ctx, training_id)
    context = await _edit_context(ctx, row)
    return Template("console/trainings/training_form.html", context=context)


@post("/trainings/{training_id:int}/edit", status_code=303)
async def change_training(
    request: Req, ctx: PageContext, training_id: FromPath[int], data: FormData
) -> Template | Redirect:
    row = await fetch(TRAININGS, ctx, training_id)
    context = await _edit_context(ctx, row)
    sent = fields(data, TRAINING_FIELDS)
    person = row["person"]
    return await save_or_show_again(
        lambda: update_record(TRAININGS, ctx, training_id, sent),
        "console/trainings/training_form.html",
        context,
        sent,
        lambda _: person_address(request, person, "training"),
        on_conflict="show",
    )


@post("/trainings/{training_id:int}/delete", name="console-training-delete", status_code=303)
async def remove_training(request: Req, ctx: PageContext, training_id: FromPath[int]) -> Redirect:
    row = await fetch(TRAININGS, ctx, training_id)  # NotFound: a 404 page
    await delete_record(TRAININGS, ctx, training_id)
    return Redirect(person_address(request, row["person"], "training-deleted"), status_code=303)


HANDLERS: list[HTTPRouteHandler] = [
    expiring_page,
    expiring_download,
    cohort_page,
    record_cohort_page,
    new_training_page,
    add_training,
    edit_training_page,
    change_training,
    remove_training,
]
