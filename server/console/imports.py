"""Console: import people, memberships and training records from a CSV or XLSX file, or
the lists the council keeps (signposting services, the postcode and deprivation lookups).

Upload -> choose what each column holds -> preview (every problem by row) -> import in the
background -> the job page follows its progress. Each step reads and writes the job in the
database (server/imports/jobs.py), so any worker can answer the next request.
"""

from __future__ import annotations

from collections.abc import Mapping

from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Stream, Template

from server.console.exports import download, wanted_format
from server.imports import jobs
from server.imports.fields import PERSON
from server.imports.files import Unreadable
from server.imports.kinds import KINDS, MODES, PEOPLE, columns_of, kind_of
from server.imports.limits import FILE_SIZE, MAX_FILE_BYTES, SHOWN, TOO_BIG, too_big
from server.lib.auth import AppRequest, current_actor
from server.lib.pages import FormData, PageContext, url
from server.lib.validation import Conflict, Invalid

UPLOAD_LIMIT = MAX_FILE_BYTES + 256 * 1024  # the file and the rest of the form
# Shown on the upload page: the limits, and the kinds of file to choose from.
LIMITS = {
    "limits": SHOWN,
    "file_size": FILE_SIZE,
    "kinds": [(k.key, k.label, k.hint) for k in KINDS.values()],
    "kind_names": {k.key: k.label for k in KINDS.values()},
}


async def _upload_context(request: AppRequest) -> dict[str, object]:
    params = {k: v for k, v in request.query_params.items() if k == "page"}
    try:
        history = await jobs.list_jobs(params)
    except Invalid:
        history = await jobs.list_jobs({})
    return {
        "section": "import",
        "history": history,
        "errors": {},
        "per_page": jobs.PER_PAGE,
        "values": {"kind": PEOPLE},
        **LIMITS,
    }


@get("/import", name="console-import")
async def import_page(request: AppRequest) -> Template:
    return Template("console/imports/upload.html", context=await _upload_context(request))


def _too_big(request: AppRequest, exc: HTTPException) -> Template:
    """The body was over the limit before the form could even be read."""
    context = {
        "section": "import",
        "history": None,
        "errors": {"file": TOO_BIG},
        "values": {"kind": PEOPLE},
        **LIMITS,
    }
    return Template("console/imports/upload.html", status_code=413, context=context)


@post(
    "/import",
    name="console-import-upload",
    request_max_body_size=UPLOAD_LIMIT,
    exception_handlers={413: _too_big},
)
async def upload(request: AppRequest, ctx: PageContext) -> Template | Redirect:
    form = await request.form()
    sent = form.get("file")
    kind = str(form.get("kind") or PEOPLE)  # a form from before the choice: people
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Choose what the file holds."
        kind = PEOPLE
    message = "Choose a CSV or XLSX file to upload."
    if isinstance(sent, UploadFile) and sent.filename and not errors:
        content = await sent.read(MAX_FILE_BYTES + 1)
        try:
            if len(content) > MAX_FILE_BYTES:
                raise Unreadable(too_big(kind))
            job_id = await jobs.create_job(ctx, sent.filename, content, kind)
            return Redirect(url(request, "console-import-columns", job_id=job_id), status_code=303)
        except Unreadable as exc:
            message = str(exc)
    errors.setdefault("file", message)
    context = {**await _upload_context(request), "errors": errors, "values": {"kind": kind}}
    return Template("console/imports/upload.html", status_code=400, context=context)


def _columns_context(job: Mapping[str, object], values: Mapping[str, object]) -> dict[str, object]:
    sheet = job["sheet"]
    assert isinstance(sheet, dict)  # the uploaded sheet's JSON (get_job with_sheet=True)
    headings: list[str] = sheet.get("headings", [])
    rows = sheet.get("rows", [])
    examples = [
        [str(c[i]) for _, c in rows if i < len(c) and str(c[i]).strip()][:3]
        for i in range(len(headings))
    ]
    mapping = job["mapping"]
    assert isinstance(mapping, dict)
    kind = kind_of(mapping)
    return {
        "section": "import",
        "job": job,
        "kind": kind,
        "modes": MODES,
        "columns": list(zip(range(len(headings)), headings, examples, strict=True)),
        "groups": kind.groups,
        "values": values,
        "errors": {},
        "person_group": PERSON,
    }


def _where_next(request: AppRequest, job: Mapping[str, object]) -> Redirect | None:
    """A job past the columns step goes to its own page."""
    job_id = job["id"]
    assert isinstance(job_id, int)
    if job["shown_status"] in ("running", "done", "stopped", "failed", "expired", "discarded"):
        return Redirect(url(request, "console-import-job", job_id=job_id), status_code=303)
    return None


@get("/import/{job_id:int}/columns", name="console-import-columns")
async def columns_page(request: AppRequest, job_id: FromPath[int]) -> Template | Redirect:
    job = await jobs.get_job(job_id, with_sheet=True)
    if (elsewhere := _where_next(request, job)) is not None:
        return elsewhere
    values: dict[str, object] = {
        f"column-{i}": key for i, key in columns_of(job["mapping"]).items()
    }
    values["mode"] = job["mapping"].get("mode", "replace")
    return Template("console/imports/columns.html", context=_columns_context(job, values))


@post("/import/{job_id:int}/columns", name="console-import-choose")
async def choose_columns(
    request: AppRequest, ctx: PageContext, job_id: FromPath[int], data: FormData
) -> Template | Redirect:
    try:
        await jobs.preview(job_id, ctx, data)
    except (Invalid, Conflict) as exc:
        job = await jobs.get_job(job_id, with_sheet=True)
        if (elsewhere := _where_next(request, job)) is not None:
            return elsewhere
        sent = {k: v for k, v in data.items() if k.startswith("column-") or k == "mode"}
        context = {**_columns_context(job, sent), "errors": exc.errors}
        return Template("console/imports/columns.html", status_code=400, context=context)
    return Redirect(url(request, "console-import-preview", job_id=job_id), status_code=303)


@get("/import/{job_id:int}/preview", name="console-import-preview")
async def preview_page(request: AppRequest, job_id: FromPath[int]) -> Template | Redirect:
    job = await jobs.get_job(job_id)
    if (elsewhere := _where_next(request, job)) is not None:
        return elsewhere
    if job["shown_status"] != "ready":
        return Redirect(url(request, "console-import-columns", job_id=job_id), status_code=303)
    context = {
        "section": "import",
        "job": job,
        "kind": kind_of(job["mapping"]),
        "shown": jobs.SHOWN_PROBLEMS,
        **job["preview"],
    }
    return Template("console/imports/preview.html", context=context)


@post("/import/{job_id:int}/run", name="console-import-run")
async def run_import(request: AppRequest, ctx: PageContext, job_id: FromPath[int]) -> Redirect:
    if await jobs.claim(job_id):
        jobs.start_in_background(job_id, ctx)
    return Redirect(url(request, "console-import-job", job_id=job_id), status_code=303)


@get("/import/{job_id:int}", name="console-import-job")
async def job_page(request: HTMXRequest, job_id: FromPath[int]) -> Template | Redirect:
    job = await jobs.get_job(job_id)
    if job["shown_status"] == "mapping":
        return Redirect(url(request, "console-import-columns", job_id=job_id), status_code=303)
    if job["shown_status"] == "ready":
        return Redirect(url(request, "console-import-preview", job_id=job_id), status_code=303)
    kind = kind_of(job["mapping"])
    context = {"section": "import", "job": job, "kind": kind, "shown": jobs.SHOWN_PROBLEMS}
    if request.htmx:
        return Template("console/imports/_progress.html", context=context)
    return Template("console/imports/job.html", context=context)


@post("/import/{job_id:int}/discard", name="console-import-discard")
async def discard_upload(request: AppRequest, job_id: FromPath[int]) -> Redirect:
    actor = current_actor(request)
    try:
        await jobs.discard(job_id, actor.account_id if actor else None)
    except Conflict:
        pass  # the job page says what state it is in
    return Redirect(url(request, "console-import-job", job_id=job_id), status_code=303)


PROBLEM_COLUMNS = (("row", "Row"), ("field", "Column"), ("message", "Problem"))


@get("/import/{job_id:int}/problems", name="console-import-problems")
async def problems(request: AppRequest, job_id: FromPath[int]) -> Response[bytes] | Stream:
    job = await jobs.get_job(job_id)
    try:
        fmt = wanted_format(request.query_params.get("format"))
    except Invalid:
        fmt = "csv"
    found = (job["summary"] or job["preview"] or {}).get("problems", [])
    return download(f"import-{job_id}-problems", PROBLEM_COLUMNS, found, fmt)


HANDLERS: list[HTTPRouteHandler] = [
    import_page,
    upload,
    columns_page,
    choose_columns,
    preview_page,
    run_import,
    discard_upload,
    job_page,
    problems,
]
