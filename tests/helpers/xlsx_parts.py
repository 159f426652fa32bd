"""XLSX files made part by part, for the tests of odd and oversized uploads: a workbook is
a zip of XML parts, so a test can give any part any content (a DOCTYPE, a part that unpacks
to 60 MB from a few kilobytes) without Excel or openpyxl writing it."""
# ruff: noqa: E501 - XML parts read better on one line each

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def column(index: int) -> str:
    """A, B, ... Z, AA: the column's letters, counted from 0."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_row(number: int, cells: list[str]) -> str:
    """One row of cells holding their own text."""
    inner = "".join(
        f'<c r="{column(i)}{number}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        for i, text in enumerate(cells)
    )
    return f'<row r="{number}">{inner}</row>'


def shared_row(number: int, indexes: list[int]) -> str:
    """One row of cells each pointing at a text in the shared texts part."""
    inner = "".join(
        f'<c r="{column(i)}{number}" t="s"><v>{index}</v></c>' for i, index in enumerate(indexes)
    )
    return f'<row r="{number}">{inner}</row>'


def sheet(rows: list[str], prolog: str = DECLARATION) -> bytes:
    return f'{prolog}<worksheet xmlns="{MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'.encode()


def shared_strings(texts: list[str], prolog: str = DECLARATION) -> bytes:
    items = "".join(f"<si><t>{escape(text)}</t></si>" for text in texts)
    return f'{prolog}<sst xmlns="{MAIN}" count="{len(texts)}">{items}</sst>'.encode()


def parts(sheet_xml: bytes, strings_xml: bytes | None = None) -> dict[str, bytes]:
    """The parts of a one-sheet workbook, by name."""
    overrides = f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>'
    overrides += (
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPE}.worksheet+xml"/>'
    )
    links = f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    if strings_xml is not None:
        overrides += (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPE}.sharedStrings+xml"/>'
        )
        links += f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    found = {
        "[Content_Types].xml": (
            f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
        ).encode(),
        "_rels/.rels": (
            f'{DECLARATION}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
            '<sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'{DECLARATION}<Relationships xmlns="{RELS}">{links}</Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if strings_xml is not None:
        found["xl/sharedStrings.xml"] = strings_xml
    return found


def zipped(named: dict[str, bytes]) -> bytes:
    """The parts as an XLSX file (deflated, as Excel does)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, content in named.items():
            book.writestr(name, content)
    return out.getvalue()
