"""A person in the import jobs: the rows of uploaded spreadsheets that are about them (for
their download), and taking those rows, and every message that names them, out of the
jobs (for their erasure). A job's rows are not linked to anyone, so they are recognised by
the person's email, phone number and name however the sheet writes them, in the columns
the coordinator chose for them when there are any (see Subject.row_is_about)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TypedDict

from piccolo.columns import Column

from schema.tables import ImportJob
from server.imports.files import SheetJSON
from server.lib.audit import CHANGED, record
from server.lib.rows import JSON, rows_as
from server.privacy.subject import Subject

REMOVED_NAME = "(file name removed)"


class _Upload(TypedDict):
    """An import job as import_rows selects it."""

    id: int
    filename: str
    created_at: datetime
    account: int | None
    sheet: SheetJSON
    mapping: dict[str, str]  # column number -> import field


class _Reports(TypedDict):
    """An import job as erase_from_imports selects it."""

    id: int
    filename: str
    sheet: SheetJSON
    mapping: dict[str, str]
    preview: dict[str, JSON]
    summary: dict[str, JSON]


class ImportRow(TypedDict):
    """A row of the download's section on uploads."""

    file: str
    uploaded: datetime
    row: int | None  # the spreadsheet's row number; None for "You uploaded this file."
    says: str


def _cells_text(headings: list[str], cells: Sequence[object]) -> str:
    pairs = zip(headings, cells, strict=False)
    return "; ".join(f"{h}: {c}" for h, c in pairs if c not in (None, ""))


async def import_rows(subject: Subject) -> list[ImportRow]:
    """The rows of uploads not yet imported that are about the person, and the files
    their accounts uploaded."""
    query = ImportJob.select(
        ImportJob.id, ImportJob.filename, ImportJob.created_at, ImportJob.account,
        ImportJob.sheet, ImportJob.mapping,
    ).order_by(ImportJob.id).output(load_json=True)  # fmt: skip
    jobs = rows_as(_Upload, await query)
    out: list[ImportRow] = []
    for job in jobs:
        if job["account"] in subject.account_ids:
            out.append(
                {
                    "file": job["filename"],
                    "uploaded": job["created_at"],
                    "row": None,
                    "says": "You uploaded this file.",
                }  # fmt: skip
            )
        sheet = job["sheet"] or {}
        headings = [str(h) for h in sheet.get("headings", [])]
        for number, cells in sheet.get("rows", []):
            if subject.row_is_about(cells, strict=True, mapping=job["mapping"]):
                out.append(
                    {
                        "file": job["filename"],
                        "uploaded": job["created_at"],
                        "row": number,
                        "says": _cells_text(headings, cells),
                    }  # fmt: skip
                )
    return out


def _without(messages: list[JSON], rows: set[int], subject: Subject) -> list[JSON]:
    return [
        m
        for m in messages
        if not (isinstance(m, dict) and (m.get("row") in rows or subject.mentioned_in(m)))
    ]


def _scrub_report(
    report: Mapping[str, JSON], rows: set[int], subject: Subject
) -> Mapping[str, JSON]:
    """A preview or summary without the problems and notes about the person."""
    if not report:
        return report
    out = dict(report)
    for key in ("problems", "notes"):
        messages = out.get(key)
        if isinstance(messages, list):
            out[key] = _without(messages, rows, subject)
    return out


async def erase_from_imports(subject: Subject, by: int | None) -> int:
    """Take the person's rows out of every upload, and every problem or note that is about
    those rows or names them; a file name that names them is replaced. Returns how many
    jobs changed."""
    jobs = rows_as(
        _Reports,
        await ImportJob.select(
            ImportJob.id,
            ImportJob.filename,
            ImportJob.sheet,
            ImportJob.mapping,
            ImportJob.preview,
            ImportJob.summary,
        ).output(load_json=True),
    )
    changed = 0
    for job in jobs:
        sheet: SheetJSON = {**(job["sheet"] or {})}
        rows = sheet.get("rows", [])
        mapping = job["mapping"]
        gone = {n for n, cells in rows if subject.row_is_about(cells, False, mapping)}
        sheet["rows"] = [(n, cells) for n, cells in rows if n not in gone]  # JSON: [n, cells]
        preview = _scrub_report(job["preview"] or {}, gone, subject)
        summary = _scrub_report(job["summary"] or {}, gone, subject)
        named = subject.mentioned_in(job["filename"])
        if gone or named or preview != (job["preview"] or {}) or summary != (job["summary"] or {}):
            values: dict[Column | str, object] = {"preview": preview, "summary": summary}
            if gone:
                values["sheet"] = sheet
            if named:
                values["filename"] = REMOVED_NAME
            await ImportJob.update(values).where(ImportJob.id == job["id"])
            await record(by, "update", "import_job", job["id"], {"rows": CHANGED})
            changed += 1
    return changed
