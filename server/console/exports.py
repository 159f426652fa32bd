"""Any list or table in the console, downloaded as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from litestar import Response
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


def _csv_bytes(columns: Columns, rows: Iterable[Mapping[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([heading for _, heading in columns])
    for row in rows:
        writer.writerow([_text(_cell(row.get(key))) for key, _ in columns])
    # The byte order mark makes Excel read the file as UTF-8 (names with accents).
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def _xlsx_bytes(title: str, columns: Columns, rows: Iterable[Mapping[str, object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([heading for _, heading in columns])
    for row in rows:
        sheet.append([_cell(row.get(key)) for key, _ in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(
    name: str, columns: Columns, rows: Iterable[Mapping[str, object]], fmt: str
) -> Response[bytes]:
    """A file to download, named after the list and today's date."""
    body = _csv_bytes(columns, rows) if fmt == "csv" else _xlsx_bytes(name, columns, rows)
    filename = f"{name}-{today().isoformat()}.{fmt}"
    return Response(
        content=body,
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
