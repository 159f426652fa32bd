"""Reading an XLSX's first sheet, after checking it is safe to open.

An XLSX is a zip of XML parts. Before openpyxl opens one, the zip's own record of each
part's unpacked size is checked against the limits (Python's zip reader never unpacks more
than that size, so a part cannot claim less than it holds), and every part is read as far
as its first element to refuse a DOCTYPE, where XML declares the entities that can make a
parser use gigabytes. defusedxml is installed too, so openpyxl itself refuses entities.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from xml.parsers import expat

from defusedxml import DefusedXmlException
from openpyxl import load_workbook

from server.imports.limits import (
    MAX_COLUMNS,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_UNPACKED_BYTES,
    NOT_PLAIN_XML,
    PART_SIZE,
    SPLIT,
    UNPACKED_SIZE,
    Unreadable,
)

Cell = str | int | float
EXCEL_ROWS = 1_048_576  # Excel's last row: a row number past it is not a real sheet
NOT_A_WORKBOOK = (
    "This file is not an Excel workbook we can read. Open it in Excel and save it as an "
    "Excel Workbook (.xlsx) or as CSV, then upload that."
)


def _cell(value: object) -> Cell:
    """A value as openpyxl read it (None, bool, a date or time, a number or text), as a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # 1e999 in the file: kept as text, as JSON has no infinity
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, int | float):
        return value
    return str(value).strip()


def xlsx_records(content: bytes) -> Iterator[list[Cell]]:
    """The first sheet's rows, each a list of cells up to one past the column limit (so
    the caller can tell a row that is too wide); a blank row as []."""
    _check_workbook(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except DefusedXmlException as exc:
        raise Unreadable(NOT_PLAIN_XML) from exc
    except Exception as exc:  # a damaged workbook can fail in many ways inside openpyxl
        raise Unreadable(NOT_A_WORKBOOK) from exc
    try:
        if not book.worksheets:
            raise Unreadable("The workbook has no sheets in it.")
        # Only the first sheet: it is the one Excel opens at, and the one people fill in.
        sheet = book.worksheets[0]
        # The size the sheet claims is often wrong, and openpyxl would pad to it.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1, max_row=EXCEL_ROWS)
        for row in rows:
            blank = row.count(None) == len(row)  # the rows between those filled in: fast
            yield [] if blank else [_cell(value) for value in row]
    except Unreadable:
        raise
    except DefusedXmlException as exc:
        raise Unreadable(NOT_PLAIN_XML) from exc
    except Exception as exc:  # a damaged workbook can fail in many ways inside openpyxl
        raise Unreadable(
            "Part of this workbook cannot be read. Open it in Excel, save it again as an "
            "Excel Workbook (.xlsx) or as CSV, and upload that."
        ) from exc
    finally:
        book.close()


class _RootReached(Exception):
    """The XML's first element has begun: no DOCTYPE can come after it."""


def _refuse(*_: object) -> None:
    raise Unreadable(NOT_PLAIN_XML)


def _root_reached(*_: object) -> None:
    raise _RootReached


def _check_workbook(content: bytes) -> None:
    """Refuse an XLSX before openpyxl opens it if unpacking it would pass a limit (the
    sizes are the zip's own record of them, read without unpacking anything), or if any
    part of it has a DOCTYPE, where XML declares the entities that can blow up a parser."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            parts = book.infolist()
            _check_sizes(parts)
            for part in parts:
                _check_prolog(book, part)
    except Unreadable:
        raise
    except Exception as exc:  # a damaged zip fails in many ways (bad CRC, odd compression)
        raise Unreadable(NOT_A_WORKBOOK) from exc


def _check_sizes(parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        raise Unreadable(
            f"This Excel file has more than {MAX_PARTS:,} parts zipped inside it, far more "
            "than a spreadsheet needs. Open it in Excel, save it as CSV, and upload that."
        )
    if any(part.file_size > MAX_PART_BYTES for part in parts):
        raise Unreadable(
            "An Excel file is stored zipped. Opened up, one part of this one (a sheet, or "
            f"the text of its cells) would be bigger than {PART_SIZE}. {SPLIT}"
        )
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise Unreadable(
            "An Excel file is stored zipped. Opened up, this one would be bigger than "
            f"{UNPACKED_SIZE}. {SPLIT}"
        )


def _check_prolog(book: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Read one part only as far as its first element, refusing a DOCTYPE on the way. A
    part that is not XML is let through: no XML parser can find a DOCTYPE in it either."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.StartElementHandler = _root_reached
    with book.open(part) as stream:
        try:
            while chunk := stream.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except (_RootReached, expat.ExpatError):
            return
