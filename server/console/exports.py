"""Any list or table in the console, downloaded as CSV or XLSX."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import tempfile
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from datetime import date, datetime
from typing import Any

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


Rows = Iterable[Mapping[str, object]] | AsyncIterable[Mapping[str, object]]


class _CsvPieces:
    """Rows written as CSV, handed out in pieces of about CHUNK bytes."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.out = io.StringIO()
        self.writer = csv.writer(self.out)
        # The byte order mark makes Excel read the file as UTF-8 (names with accents).
        self.out.write("\ufeff")
        self.writer.writerow([heading for _, heading in columns])

    def add(self, row: Mapping[str, object]) -> bytes | None:
        """The row written; a piece to send once there is enough."""
        self.writer.writerow([_text(_cell(row.get(key))) for key, _ in self.columns])
        return self.take() if self.out.tell() >= CHUNK else None

    def take(self) -> bytes:
        piece = self.out.getvalue().encode()
        self.out.seek(0)
        self.out.truncate()
        return piece


def csv_chunks(columns: Columns, rows: Iterable[Mapping[str, object]]) -> Iterator[bytes]:
    """The CSV file, a piece at a time as the rows are read: never the whole file at once."""
    pieces = _CsvPieces(columns)
    for row in rows:
        if (piece := pieces.add(row)) is not None:
            yield piece
    yield pieces.take()


async def csv_chunks_read(
    columns: Columns, rows: AsyncIterable[Mapping[str, object]]
) -> AsyncIterator[bytes]:
    """As csv_chunks, for rows read from the database a page at a time while it is sent."""
    pieces = _CsvPieces(columns)
    async for row in rows:
        if (piece := pieces.add(row)) is not None:
            yield piece
    yield pieces.take()


def _sheet(title: str, columns: Columns) -> tuple[Workbook, Any]:
    """A workbook in openpyxl's write-only mode (each row goes to a temporary file as it
    comes), with one sheet and its headings."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([heading for _, heading in columns])
    return book, sheet


def _saved_pieces(book: Workbook) -> Generator[bytes]:
    """The workbook saved to a temporary file, sent a piece at a time; the file is deleted
    on the way out (including when the client goes away)."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    try:
        os.close(handle)
        book.save(path)
        with open(path, "rb") as saved:
            while piece := saved.read(CHUNK):
                yield piece
    finally:
        os.unlink(path)


def xlsx_chunks(
    title: str, columns: Columns, rows: Iterable[Mapping[str, object]]
) -> Iterator[bytes]:
    """The XLSX file, made and sent without holding it whole (see _sheet, _saved_pieces)."""
    book, sheet = _sheet(title, columns)
    for row in rows:
        sheet.append([_cell(row.get(key)) for key, _ in columns])
    yield from _saved_pieces(book)


async def xlsx_chunks_read(
    title: str, columns: Columns, rows: AsyncIterable[Mapping[str, object]]
) -> AsyncIterator[bytes]:
    """As xlsx_chunks, for rows read from the database a page at a time."""
    book, sheet = _sheet(title, columns)
    async for row in rows:
        sheet.append([_cell(row.get(key)) for key, _ in columns])
    saved = _saved_pieces(book)
    try:
        while piece := await asyncio.to_thread(next, saved, b""):
            yield piece
    finally:
        saved.close()


def download(name: str, columns: Columns, rows: Rows, fmt: str) -> Response[bytes] | Stream:
    """A file to download, named after the list and today's date, streamed: it is made a
    piece at a time while it is sent (see csv_chunks, xlsx_chunks). Rows may be a list or
    read from the database while the file is sent (an async iterator)."""
    chunks: Iterator[bytes] | AsyncIterator[bytes]
    if isinstance(rows, AsyncIterable):
        chunks = (
            csv_chunks_read(columns, rows)
            if fmt == "csv"
            else xlsx_chunks_read(name, columns, rows)
        )
    else:
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
