"""Import jobs: each upload is a row of ImportJob, so that every step (columns, preview,
import, progress) works on whichever worker the next request reaches.

mapping (columns to choose) -> ready (previewed) -> running -> done, or failed. A job left
"running" by a worker that stopped (its heartbeat, updated_at, goes quiet) is shown as
stopped and can be started again: the import skips whatever is already there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import NotRequired, TypedDict

from piccolo.columns import Column

from schema.tables import ImportJob
from server.db import write_transaction
from server.imports.check import Lookups, ProblemJSON, RowPlan
from server.imports.files import Sheet, SheetJSON
from server.imports.kinds import KINDS, PEOPLE, Kind, kind_of
from server.imports.lookups import ListPlan, build_list_plan, holdings, list_message
from server.imports.lookups import write_list_plan as write_list
from server.imports.match import Plan, build_plan, check_rows
from server.imports.run import summary as done_summary
from server.imports.run import write_plan
from server.imports.upload import read_upload
from server.lib.audit import record
from server.lib.records import Context, NotFound
from server.lib.rows import row_as, rows_as
from server.lib.validation import MAX_ID, Conflict, Form
from server.settings import today

log = logging.getLogger("movement")
STALE_AFTER = timedelta(minutes=2)  # no progress for this long: the worker has stopped
# An upload not imported (or whose import failed or stopped) and left for this long is
# abandoned: its rows, and its preview's problems (which quote them), are deleted. A
# finished import's problems and notes go after the same time.
KEEP_UPLOADS_FOR = timedelta(days=7)
EXPIRED_MESSAGE = (
    "This file was not imported within 7 days, so its rows were deleted: we do not keep "
    "people's details longer than needed. Upload the file again to import it."
)
DISCARDED_MESSAGE = "This upload was discarded, and its rows deleted. Nothing was imported."
SHOWN_PROBLEMS = 500  # on the page; the download has them all
PER_PAGE = 20
_running: set[asyncio.Task[None]] = set()  # only so that running tasks are not collected
# What the rows' checks depend on besides the file (see _checked_for), compared whole.
CheckedFor = tuple[
    dict[str, str],  # the columns chosen
    tuple[dict[str, str], dict[str, int], dict[str, int], dict[str, int]],  # Lookups' names
    Mapping[int, object],  # the reference lists: areas, programmes, courses
    Mapping[int, object],
    Mapping[int, object],
    date,  # today
]
# The rows a preview checked, by job, for the import to use again in this worker: checking
# each row is most of the work, and depends only on the file (which does not change), the
# columns chosen, the reference lists and the day. Who each row is, is worked out again.
_CHECKED: dict[int, tuple[CheckedFor, list[RowPlan]]] = {}
KEEP_CHECKED = 4  # jobs
LIST_COLUMNS = (
    ImportJob.id, ImportJob.filename, ImportJob.status, ImportJob.total_rows,
    ImportJob.rows_done, ImportJob.error, ImportJob.created_at, ImportJob.updated_at,
    ImportJob.account, ImportJob.account.email.as_alias("by"),
)  # fmt: skip


class _ListedRow(TypedDict):
    """A job as LIST_COLUMNS select it."""

    id: int
    filename: str
    status: str
    total_rows: int
    rows_done: int
    error: str
    created_at: datetime
    updated_at: datetime
    account: int | None
    by: str | None  # the account's email


class Report(TypedDict, total=False):
    """What a preview found (ImportJob.preview): all three, or {} before the preview and
    once the import has run."""

    counts: dict[str, int]
    problems: list[ProblemJSON]
    notes: list[ProblemJSON]


class Summary(Report, total=False):
    """What the import did (ImportJob.summary): {} until it has finished; its problems
    and notes are taken out after KEEP_UPLOADS_FOR."""

    message: str


class ListedJob(_ListedRow):
    """A job in the history list."""

    shown_status: str
    summary: Summary
    kind: str  # what the file holds (server/imports/kinds.py)


class Job(_ListedRow):
    """One job as get_job gives it: what it is, the columns chosen (column number to
    field), what the preview found and the import did, and (asked for) the sheet's rows."""

    mapping: dict[str, str]
    preview: Report
    summary: Summary
    sheet: NotRequired[SheetJSON]
    shown_status: str


class JobPage(TypedDict):
    items: list[ListedJob]
    page: int
    total: int


class _Summary(TypedDict):
    id: int
    summary: Summary


class _SummaryAndMapping(_Summary):
    mapping: dict[str, str]


class _Progress(TypedDict):
    rows_done: int
    total_rows: int


def _now() -> datetime:
    return datetime.now(UTC)


def shown_status(status: str, updated_at: datetime) -> str:
    """The status to show: a running job whose worker went quiet is 'stopped'."""
    if status == "running" and _now() - updated_at > STALE_AFTER:
        return "stopped"
    return status


async def create_job(ctx: Context, filename: str, content: bytes, kind: str = PEOPLE) -> int:
    """Read an uploaded file and keep it as a new job; Unreadable says what is wrong, and
    then nothing is kept. The file is read in a process of its own, within the time limit.
    `kind`: what the file holds (a key of server/imports/kinds.py KINDS)."""
    upload = await read_upload(content, kind)
    job = ImportJob(
        account=ctx.actor.account_id if ctx.actor else None,
        filename=(filename or "upload").strip()[:255],
        sheet=upload.sheet_json,
        mapping=KINDS[kind].guess_mapping(upload.headings),
        total_rows=upload.rows,
    )
    rows = await ImportJob.insert(job).returning(ImportJob.id)
    return int(rows[0]["id"])


async def get_job(job_id: int, with_sheet: bool = False) -> Job:
    """One job (without its rows unless asked); NotFound if there is none."""
    if not 1 <= job_id <= MAX_ID:
        raise NotFound(f"There is no import {job_id}.")
    columns = [*LIST_COLUMNS, ImportJob.mapping, ImportJob.preview, ImportJob.summary]
    if with_sheet:
        columns.append(ImportJob.sheet)
    query = ImportJob.select(*columns).where(ImportJob.id == job_id).output(load_json=True)
    job = row_as(Job, await query.first())  # shown_status is set here
    if job is None:
        raise NotFound(f"There is no import {job_id}.")
    job["shown_status"] = shown_status(job["status"], job["updated_at"])
    return job


async def list_jobs(params: Mapping[str, str]) -> JobPage:
    """Past imports, newest first, a page at a time."""
    form = Form(params)
    form.integer("page", "the page number", low=1, high=100_000, default=1)
    form.result()
    page = form.needed("page", int)
    rows = rows_as(
        _ListedRow,
        await ImportJob.select(*LIST_COLUMNS)
        .order_by(ImportJob.id, ascending=False)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE),
    )
    summaries = rows_as(
        _SummaryAndMapping,
        await ImportJob.select(ImportJob.id, ImportJob.summary, ImportJob.mapping)
        .where(ImportJob.id.is_in([r["id"] for r in rows] or [0]))
        .output(load_json=True),
    )
    by_id = {s["id"]: s for s in summaries}
    items: list[ListedJob] = [
        {
            **row,
            "shown_status": shown_status(row["status"], row["updated_at"]),
            "summary": by_id[row["id"]]["summary"] or {} if row["id"] in by_id else {},
            "kind": kind_of(by_id[row["id"]]["mapping"] or {}).key
            if row["id"] in by_id
            else PEOPLE,
        }
        for row in rows
    ]
    return {"items": items, "page": page, "total": await ImportJob.count()}


def _editable(shown: str, error: str) -> None:
    """Conflict unless the job's columns may still be chosen."""
    if shown in ("expired", "discarded"):
        raise Conflict({"": error or EXPIRED_MESSAGE})
    if shown in ("running", "done"):
        raise Conflict({"": "This file has already been imported. Upload it again to start over."})


async def preview(job_id: int, ctx: Context, data: Mapping[str, object]) -> None:
    """Save the columns chosen and work out what the import would do (nothing else is
    saved). Invalid when the columns chosen do not make sense."""
    job = await get_job(job_id, with_sheet=True)
    _editable(job["shown_status"], job["error"])
    sheet = Sheet.from_json(job["sheet"])
    kind = kind_of(job["mapping"])
    mapping = kind.read_mapping(data, sheet.headings)
    if kind.key != PEOPLE:
        await _preview_list(job_id, kind, sheet, mapping, ctx)
        return
    look = await Lookups.load(ctx)
    checked = await check_rows(sheet, mapping, look)
    plan = await build_plan(checked, look)
    _CHECKED.pop(job_id, None)
    while len(_CHECKED) >= KEEP_CHECKED:
        del _CHECKED[next(iter(_CHECKED))]  # the oldest
    _CHECKED[job_id] = (_checked_for(mapping, look), checked)
    await _ready(job_id, mapping, preview_json(plan))


async def _preview_list(
    job_id: int, kind: Kind, sheet: Sheet, mapping: dict[str, str], ctx: Context
) -> None:
    """The preview of a list the council keeps (services, a lookup)."""
    plan = await build_list_plan(kind, sheet, mapping, ctx)
    await _ready(job_id, mapping, preview_json(plan))


async def _ready(job_id: int, mapping: dict[str, str], preview: object) -> None:
    """The job previewed: its columns and what the import would do, saved."""
    await ImportJob.update(
        {
            ImportJob.mapping: mapping,
            ImportJob.preview: preview,
            ImportJob.status: "ready",
            ImportJob.updated_at: _now(),
        }
    ).where(ImportJob.id == job_id)


def _checked_for(mapping: dict[str, str], look: Lookups) -> CheckedFor:
    """What the rows' checks depend on besides the file."""
    ref = look.ctx.ref
    lists = (look.footprints, look.organisations, look.programmes, look.courses)
    return (dict(mapping), lists, ref.footprints, ref.programmes, ref.courses, today())


def _checked_rows(job_id: int, mapping: dict[str, str], look: Lookups) -> list[RowPlan] | None:
    """The rows the preview checked, if it was in this worker and nothing they depend on
    has changed since."""
    kept = _CHECKED.pop(job_id, None)
    if kept is None or kept[0] != _checked_for(mapping, look):
        return None
    return kept[1]


def preview_json(plan: Plan | ListPlan) -> Report:
    return {
        "counts": plan.counts(),
        "problems": [p.as_json() for p in plan.problems],
        "notes": [n.as_json() for n in plan.notes],
    }


async def claim(job_id: int) -> bool:
    """Mark a previewed (or failed, or stopped) job running. True for the one request that
    did it: pressing Import twice, or on two workers at once, starts it once."""
    job = await get_job(job_id)
    if job["shown_status"] not in ("ready", "failed", "stopped"):
        return False
    stale = (ImportJob.status == "running") & (ImportJob.updated_at < _now() - STALE_AFTER)
    claimed = await (
        ImportJob.update(
            {
                ImportJob.status: "running",
                ImportJob.rows_done: 0,
                ImportJob.error: "",
                ImportJob.updated_at: _now(),
            }
        )
        .where((ImportJob.id == job_id) & (ImportJob.status.is_in(["ready", "failed"]) | stale))
        .returning(ImportJob.id)
    )
    return bool(claimed)


def start_in_background(job_id: int, ctx: Context) -> None:
    """Run the import in this worker's event loop; the job page follows it from the
    database, from any worker."""
    task = asyncio.create_task(run_job(job_id, ctx))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def _progress(job_id: int, rows_done: int) -> None:
    await ImportJob.update({ImportJob.rows_done: rows_done, ImportJob.updated_at: _now()}).where(
        ImportJob.id == job_id
    )


def _counted(count: int, one: str, many: str) -> str:
    """A count with the words that agree with it: one is for 1, many takes the number."""
    return one if count == 1 else many.format(f"{count:,}")


def _message(counts: Mapping[str, int]) -> str:
    """One sentence for the history list and the job page."""
    skipped, unchanged = counts["problem_rows"], counts["unchanged_rows"]
    changed = counts["rows"] - skipped - unchanged
    skip = _counted(skipped, " 1 with a problem was skipped.", " {} with problems were skipped.")
    if not changed:
        every = _counted(unchanged, "the one row was", "all {} rows were")
        return f"Nothing changed: {every} already there.{skip if skipped else ''}"
    there = _counted(unchanged, " 1 was already there.", " {} were already there.")
    return (
        f"Imported {changed:,} {'row' if changed == 1 else 'rows'}."
        f"{there if unchanged else ''}{skip if skipped else ''}"
    )


async def run_job(job_id: int, ctx: Context) -> None:
    """Check the file again against the database as it is now (each row's own checks as
    the preview made them, when it was in this worker: then its rows are not read again),
    then write it."""
    try:
        job = await get_job(job_id)
        kind = kind_of(job["mapping"])
        if kind.key != PEOPLE:
            await _run_list(job_id, kind, await _sheet(job_id), job["mapping"], ctx)
            return
        look = await Lookups.load(ctx)
        checked = _checked_rows(job_id, job["mapping"], look)
        if checked is None:
            checked = await check_rows(await _sheet(job_id), job["mapping"], look)
        plan = await build_plan(checked, look)
        await _progress(job_id, 0)
        account = ctx.actor.account_id if ctx.actor else None
        numbers = [row.row for row in checked]  # every row of the sheet, in order
        done = await write_plan(plan, numbers, account, lambda n: _progress(job_id, n))
        counts = done_summary(plan, done)
        result: Summary = {"counts": counts, "message": _message(counts), **preview_json(plan)}
        result["counts"] = counts
        await ImportJob.update(
            {
                ImportJob.status: "done",
                ImportJob.summary: result,
                ImportJob.sheet: {},  # no second copy of people's details once imported
                ImportJob.preview: {},  # its problems are in the summary, for 7 days
                ImportJob.rows_done: len(numbers),
                ImportJob.updated_at: _now(),
            }
        ).where(ImportJob.id == job_id)
    except Exception:
        log.exception("Import %s failed", job_id)
        await _failed(job_id)


async def _sheet(job_id: int) -> Sheet:
    """The job's rows as uploaded (a few megabytes of JSON for 10,000 rows)."""
    return Sheet.from_json((await get_job(job_id, with_sheet=True))["sheet"])


async def _run_list(
    job_id: int, kind: Kind, sheet: Sheet, mapping: dict[str, str], ctx: Context
) -> None:
    """Import a list: worked out again against what is held now, then written."""
    plan = await build_list_plan(kind, sheet, mapping, ctx)
    await _progress(job_id, 0)
    account = ctx.actor.account_id if ctx.actor else None
    numbers = [n for n, _ in sheet.rows]
    await write_list(plan, numbers, account, job_id, lambda n: _progress(job_id, n))
    counts = {**plan.counts(), **await holdings()}
    result: Summary = {"counts": counts, "message": list_message(plan), **preview_json(plan)}
    result["counts"] = counts
    await ImportJob.update(
        {
            ImportJob.status: "done",
            ImportJob.summary: result,
            ImportJob.sheet: {},
            ImportJob.preview: {},
            ImportJob.rows_done: len(sheet.rows),
            ImportJob.updated_at: _now(),
        }
    ).where(ImportJob.id == job_id)


async def _failed(job_id: int) -> None:
    row = row_as(
        _Progress,
        await ImportJob.select(ImportJob.rows_done, ImportJob.total_rows)
        .where(ImportJob.id == job_id)
        .first(),
    )
    done, total = (row["rows_done"], row["total_rows"]) if row else (0, 0)
    await ImportJob.update(
        {
            ImportJob.status: "failed",
            ImportJob.updated_at: _now(),
            ImportJob.error: (
                f"The import stopped because of a problem on our side, after {done:,} of "
                f"{total:,} rows. The rows before that are saved. Start it again to import "
                "the rest: rows already imported are skipped."
            ),
        }
    ).where(ImportJob.id == job_id)


async def discard(job_id: int, by: int | None) -> None:
    """Abandon an upload: its rows and preview are deleted at once (Conflict while it is
    being imported). What was imported before (a failed or stopped import) stays."""
    job = await get_job(job_id)
    if job["shown_status"] in ("running", "done", "expired", "discarded"):
        raise Conflict({"": "This upload cannot be discarded now."})
    not_live = (ImportJob.status != "running") | (ImportJob.updated_at < _now() - STALE_AFTER)
    values: dict[Column | str, object] = {
        "status": "discarded", "sheet": {}, "preview": {}, "error": DISCARDED_MESSAGE
    }  # fmt: skip
    async with write_transaction():
        rows = await (
            ImportJob.update(values)
            .where((ImportJob.id == job_id) & (ImportJob.status != "done") & not_live)
            .returning(ImportJob.id)
        )
        if rows:
            await record(
                by, "update", "import_job", job_id, {"status": [job["status"], "discarded"]}
            )


async def clear_old_uploads(now: datetime) -> int:
    """Delete the rows of uploads left for KEEP_UPLOADS_FOR without being imported (never
    confirmed, or failed or stopped and not started again): the job stays, "expired",
    with its counts. Finished imports lose their problems and notes, which quote the rows.
    Returns how many jobs were cleared."""
    cutoff = now - KEEP_UPLOADS_FOR
    left = ImportJob.status.is_in(["mapping", "ready", "failed", "running"])
    expired = await (
        ImportJob.update(
            {
                ImportJob.status: "expired",
                ImportJob.sheet: {},
                ImportJob.preview: {},
                ImportJob.error: EXPIRED_MESSAGE,
            }
        )
        .where(left & (ImportJob.updated_at < cutoff))
        .returning(ImportJob.id)
    )
    done = rows_as(
        _Summary,
        await ImportJob.select(ImportJob.id, ImportJob.summary)
        .where((ImportJob.status == "done") & (ImportJob.updated_at < cutoff))
        .output(load_json=True),
    )
    cleared = 0
    for job in done:
        summary = job["summary"] or {}
        if summary.get("problems") or summary.get("notes"):
            kept = {k: v for k, v in summary.items() if k not in ("problems", "notes")}
            await ImportJob.update({ImportJob.summary: kept}).where(ImportJob.id == job["id"])
            cleared += 1
    return len(expired) + cleared
