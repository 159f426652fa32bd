"""Any list or table in the console, downloaded as CSV or XLSX."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime

from litestar import Response
from litestar.response import Stream
from openpyxl import Workbook

from server.lib.cells import neutralise
from server.lib.validation import Invalid
from server.settings import today

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Columns = Sequence[tuple[str, str]]  # (key in each row, heading in the file)


def wanted_format(value: str | None) -> str:
    """The format asked for in ?format=, checked."""
    fmt = (value or "").strip().lower()
    if fmt not in FORMATS:
        raise Invalid({"format": "Choose CSV or XLSX."})
    return fmt


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    return neutralise(value)


def _text(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


# A streamed file is sent in pieces of about this many bytes.
CHUNK = 64 * 1024


def csv_chunks(columns: Columns, rows: Iterable[Mapping[str, object]]) -> Iterator[bytes]:
    """The CSV file, a piece at a time as the rows are read: never the whole file at once."""
    out = io.StringIO()
    writer = csv.writer(out)
    # The byte order mark makes Excel read the file as UTF-8 (names with accents).
    out.write("\ufeff")
    writer.writerow([heading for _, heading in columns])
    for row in rows:
        writer.writerow([_text(_cell(row.get(key))) for key, _ in columns])
        if out.tell() >= CHUNK:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


def xlsx_chunks(
    title: str, columns: Columns, rows: Iterable[Mapping[str, object]]
) -> Iterator[bytes]:
    """The XLSX file: openpyxl's write-only mode writes each row to a temporary file as it
    comes, the workbook is saved to another, and that is sent a piece at a time; both are
    deleted (on the way out, including when the client goes away)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([heading for _, heading in columns])
    for row in rows:
        sheet.append([_cell(row.get(key)) for key, _ in columns])
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    try:
        os.close(handle)
        book.save(path)
        with open(path, "rb") as saved:
            while piece := saved.read(CHUNK):
                yield piece
    finally:
        os.unlink(path)


def download(
    name: str, columns: Columns, rows: Iterable[Mapping[str, object]], fmt: str
) -> Response[bytes] | Stream:
    """A file to download, named after the list and today's date, streamed: it is made a
    piece at a time while it is sent (see csv_chunks, xlsx_chunks)."""
    chunks = csv_chunks(columns, rows) if fmt == "csv" else xlsx_chunks(name, columns, rows)
    filename = f"{name}-{today().isoformat()}.{fmt}"
    return Stream(
        chunks,
        media_type=FORMATS[fmt],
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


Sheet = tuple[str, tuple[Columns, Iterable[Mapping[str, object]]]]  # (title, (columns, rows))


def download_workbook(name: str, sheets: Sequence[Sheet]) -> Response[bytes]:
    """An XLSX file with one sheet per table (titles cut to Excel's 31 characters),
    named after the page and today's date. Cells are made safe as in `download`."""
    book = Workbook(write_only=True)
    for title, (columns, rows) in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append([heading for _, heading in columns])
        for row in rows:
            sheet.append([_cell(row.get(key)) for key, _ in columns])
    out = io.BytesIO()
    book.save(out)
    return Response(
        content=out.getvalue(),
        media_type=FORMATS["xlsx"],
        headers={
            "content-disposition": f'attachment; filename="{name}-{today().isoformat()}.xlsx"',
            "cache-control": "no-store",
        },
    )
