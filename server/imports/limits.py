"""How much an uploaded spreadsheet may hold, in one place: the reader enforces these, and
the upload page and the README show them to coordinators.

Sized for a council: the register of a whole programme (a few thousand people) fits many
times over, and the 10,000-row import we measure (`make bench`: 2.3 s to read as XLSX)
stays well inside the time limit even at the row limit. An XLSX is a zip of XML parts, so
a 1 MB file can unpack to gigabytes: each part's unpacked size is checked from the zip's
directory before anything is unpacked (Python's zip reader never gives more than that
size), and the cells' text is counted as it is read, since one long shared text can be
used by every cell.
"""

from __future__ import annotations


class Unreadable(Exception):
    """The file cannot be read as a spreadsheet, or passes a limit; the message says why
    and what to do, in plain words."""


MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB  # the file as uploaded
MAX_PART_BYTES = 50 * MB  # each part of an XLSX (a sheet, the shared texts), unpacked
MAX_UNPACKED_BYTES = 100 * MB  # all the parts of an XLSX together, unpacked
MAX_PARTS = 1_000  # parts in an XLSX (Excel's own have about 10, plus one per sheet)
MAX_ROWS = 50_000  # rows with something in them, under the headings
MAX_COLUMNS = 100  # columns with something in them
MAX_CELL_CHARS = 10_000  # characters in one cell
MAX_TEXT_CHARS = 10_000_000  # characters in all the cells together (a full 10 MB CSV)
READ_SECONDS = 60  # time to read one file (in a process of its own, then stopped)


def _mb(size: int) -> str:
    return f"{size // MB} MB"


FILE_SIZE = _mb(MAX_FILE_BYTES)
PART_SIZE = _mb(MAX_PART_BYTES)
UNPACKED_SIZE = _mb(MAX_UNPACKED_BYTES)

# The limits in plain words, for the upload page.
SHOWN = [
    f"The file can be up to {FILE_SIZE}.",
    f"Up to {MAX_ROWS:,} rows of people and {MAX_COLUMNS} columns.",
    f"For the lookups, the same {MAX_ROWS:,} rows: a borough's postcodes (about 10,000) fit, "
    "the national postcode file (2.6 million) does not; the IMD deciles of every LSOA in "
    "England (about 33,000) fit.",
    f"Up to {MAX_CELL_CHARS:,} characters in a cell, and {MAX_TEXT_CHARS:,} in all the cells.",
    f"An Excel file is stored zipped: opened up, each sheet in it (and the text of its "
    f"cells) can be up to {PART_SIZE}, and the whole file up to {UNPACKED_SIZE}.",
    f"Reading the file can take up to {READ_SECONDS} seconds.",
]

SPLIT = "Split it into smaller files and upload each one."
TOO_BIG = f"The file is bigger than {FILE_SIZE}. {SPLIT}"
# The national postcode lookup (ONS's, about 2.6 million postcodes) is far past every
# limit, and splitting it would not help: a borough's postcodes (about 10,000) are well
# within them. The national IMD deciles (about 33,000 LSOAs, a 2 MB file) fit.
NATIONAL = (
    "A postcode lookup here needs only your borough's postcodes (about 10,000 rows), not "
    "the national file of 2.6 million: filter it to your borough's postcodes and upload that."
)


def too_big(kind: str) -> str:
    """The message for a file over MAX_FILE_BYTES, with the advice that fits its kind."""
    if kind == "postcodes":
        return f"The file is bigger than {FILE_SIZE}. {NATIONAL}"
    return TOO_BIG


def too_many_rows(kind: str) -> str:
    """The message for a file with more than MAX_ROWS rows."""
    if kind == "postcodes":
        return f"The file has more than {MAX_ROWS:,} rows. {NATIONAL}"
    words = {"people": "people", "services": "services", "deprivation": "areas"}
    return f"The file has more than {MAX_ROWS:,} rows of {words.get(kind, 'data')}. {SPLIT}"


TOO_SLOW = (
    f"Reading this file took longer than {READ_SECONDS} seconds, so we stopped and saved "
    f"nothing. {SPLIT}"
)
TOO_MUCH_TEXT = (
    f"The cells hold more than {MAX_TEXT_CHARS:,} characters in all, more than we read "
    f"from one file. {SPLIT}"
)
NOT_PLAIN_XML = (
    "This workbook has settings inside it that spreadsheets do not need (a DOCTYPE or "
    "entities), so we do not read it. Open it in Excel, save it as an Excel Workbook "
    "(.xlsx) or as CSV, and upload that."
)
