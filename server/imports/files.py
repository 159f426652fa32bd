"""Reading an uploaded CSV or XLSX file into rows of cells, whatever its quirks.

CSV: a UTF-8 byte order mark, UTF-16 (Excel's "Unicode text"), Windows-1252 or Latin-1
text; comma, semicolon, tab or bar between cells. XLSX: Excel's own workbooks, read with
openpyxl (read-only, cached values rather than formulas), with real date cells. In both: a
title or blank rows above the headings, blank rows between people, trailing spaces.

Row numbers are the spreadsheet's own (what the coordinator sees at the left in Excel), so
that "Row 14" in a message is row 14 in their file.

No file can make the server do more than server/imports/limits.py allows: an XLSX is
checked before it is opened (server/imports/xlsx.py), rows and characters are counted as
they are read, and an upload is read in a process of its own that is stopped at the time
limit (server/imports/upload.py).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypedDict

from server.imports.kinds import KINDS, PEOPLE, Kind
from server.imports.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    TOO_MUCH_TEXT,
    Unreadable,
    too_big,
    too_many_rows,
)
from server.imports.xlsx import Cell, xlsx_records

__all__ = ["Cell", "Sheet", "SheetJSON", "Unreadable", "read_sheet"]

HEADING_SEARCH = 20  # the headings are looked for in this many first rows
HEADING_LENGTH = 100
DELIMITERS = (",", ";", "\t", "|")
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
LOOKS_LIKE_DATA = re.compile(r".*@.*|[0-9 ./:-]+")


class SheetJSON(TypedDict, total=False):
    """A Sheet as the job keeps it (ImportJob.sheet); {} once its rows are deleted. JSON
    gives each row back as a list, [row number, cells], which unpacks as the tuple does."""

    headings: list[str]
    heading_row: int
    rows: list[tuple[int, list[Cell]]]


@dataclass(frozen=True)
class Sheet:
    """The headings, the spreadsheet row number they are on, and the rows under them
    (blank rows left out), each as (row number, cells)."""

    headings: list[str]
    heading_row: int
    rows: list[tuple[int, list[Cell]]]

    def as_json(self) -> SheetJSON:
        return {"headings": self.headings, "heading_row": self.heading_row, "rows": self.rows}

    @classmethod
    def from_json(cls, data: SheetJSON) -> Sheet:
        return cls(
            headings=list(data.get("headings", [])),
            heading_row=int(data.get("heading_row", 1)),
            rows=[(int(n), list(cells)) for n, cells in data.get("rows", [])],
        )


def read_sheet(content: bytes, kind: str = PEOPLE) -> Sheet:
    """The file's headings and rows, or Unreadable with what to do about it (the headings
    looked for, and the advice on a file too big, are the kind's)."""
    if not content.strip():
        raise Unreadable("The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise Unreadable(too_big(kind))
    if content.startswith(OLD_EXCEL_MAGIC):
        raise Unreadable(
            "This is an old-style Excel file (.xls). Open it in Excel and save it as "
            "an Excel Workbook (.xlsx) or as CSV, then upload that."
        )
    records = xlsx_records(content) if content.startswith(XLSX_MAGIC) else _csv_records(content)
    return _with_headings(records, KINDS[kind])


# CSV ------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        return content[3:].decode("utf-8", errors="replace")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace")
    if b"\x00" in content[:65536]:
        raise Unreadable(
            "This file is not a spreadsheet we can read. Save it as CSV or as an Excel "
            "Workbook (.xlsx) and upload that."
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")  # Excel's "CSV" on Windows in the UK
    except UnicodeDecodeError:
        return content.decode("latin-1")  # every byte is a character in Latin-1


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    odd = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return odd > max(3, len(sample) // 200)


def _delimiter(text: str) -> str:
    """The separator that splits most of the first lines into the same number of cells."""
    lines = [line for line in text.splitlines()[:60] if line.strip()][:40]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        common = Counter(w for w in widths if w > 1).most_common(1)
        score = (common[0][1], common[0][0]) if common else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_records(content: bytes) -> Iterator[list[Cell]]:
    text = _decode(content)
    if _looks_binary(text):
        raise Unreadable(
            "This file is not a spreadsheet we can read. Save it as CSV or as an Excel "
            "Workbook (.xlsx) and upload that."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise Unreadable(
            f"Row {reader.line_num} of the file cannot be read as CSV: a cell may be longer "
            f"than {MAX_CELL_CHARS:,} characters or a quotation mark left open. Check the file "
            "in Excel and save it again."
        ) from exc


# Headings -------------------------------------------------------------------------------


def _blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell


def _non_blank_rows(records: Iterable[list[Cell]], kind: str) -> Iterator[tuple[int, list[Cell]]]:
    """The rows with something in them, numbered as in the file; Unreadable as soon as
    the file passes a limit, so that no more of it is read or kept."""
    filled = text = 0
    for number, cells in enumerate(records, start=1):
        if all(_blank(c) for c in cells):
            continue
        if len(cells) > MAX_COLUMNS and any(not _blank(c) for c in cells[MAX_COLUMNS:]):
            raise Unreadable(
                f"Row {number} has more than {MAX_COLUMNS} columns. Remove the columns you "
                "do not need and upload the file again."
            )
        filled += 1
        if filled > MAX_ROWS + HEADING_SEARCH:  # exactly, once the headings are found
            raise Unreadable(too_many_rows(kind))
        text += _text_length(number, cells)
        if text > MAX_TEXT_CHARS:
            raise Unreadable(TOO_MUCH_TEXT)
        yield number, cells[:MAX_COLUMNS]


def _text_length(number: int, cells: list[Cell]) -> int:
    """The characters in a row's cells; Unreadable if one cell has too many."""
    total = 0
    for index, cell in enumerate(cells[:MAX_COLUMNS]):
        length = len(cell) if isinstance(cell, str) else 0
        if length > MAX_CELL_CHARS:
            raise Unreadable(
                f"Row {number}, column {_column_letter(index)}, has more than "
                f"{MAX_CELL_CHARS:,} characters in one cell. Shorten it, or delete the "
                "column if it is not needed, and upload the file again."
            )
        total += length
    return total


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _heading_row(rows: list[tuple[int, list[Cell]]], kind: Kind) -> int:
    """Which of the first rows holds the headings: the first naming two fields we know,
    else the first with two cells filled in (a title row above has one)."""
    first = rows[:HEADING_SEARCH]
    for i, (_, cells) in enumerate(first):
        if sum(1 for c in cells if isinstance(c, str) and kind.is_heading(c)) >= 2:
            return i
    for i, (_, cells) in enumerate(first):
        if sum(1 for c in cells if not _blank(c)) >= 2:
            return i
    return 0


def _with_headings(records: Iterable[list[Cell]], kind: Kind) -> Sheet:
    """The headings row (refusing a file without one) and the rows of data under it."""
    rows = list(_non_blank_rows(records, kind.key))
    if not rows:
        raise Unreadable("The file is empty: it has no rows with anything in them.")
    at = _heading_row(rows, kind)
    number, cells = rows[at]
    known = [c for c in cells if isinstance(c, str) and kind.is_heading(c)]
    filled = [c for c in cells if not _blank(c)]
    if not known and any(not isinstance(c, str) or LOOKS_LIKE_DATA.fullmatch(c) for c in filled):
        raise Unreadable(
            "We could not find the column headings. Add a row above the "
            f"{kind.rows_word} that names each column, like {kind.example_headings}, and "
            "upload the file again."
        )
    data = rows[at + 1 :]
    if not data:
        raise Unreadable(
            f"The file has column headings but no rows of {kind.rows_word} under them."
        )
    if len(data) > MAX_ROWS:
        raise Unreadable(too_many_rows(kind.key))
    width = max(_width(cells), *(_width(c) for _, c in data))
    headings = [
        (str(cells[i]).strip()[:HEADING_LENGTH] if i < len(cells) and not _blank(cells[i]) else "")
        or f"Column {_column_letter(i)}"
        for i in range(width)
    ]
    return Sheet(headings=headings, heading_row=number, rows=[(n, c[:width]) for n, c in data])


def _width(cells: list[Cell]) -> int:
    """How many columns, up to the last one filled in (Excel often adds empty ones)."""
    return max((i + 1 for i, cell in enumerate(cells) if not _blank(cell)), default=0)
