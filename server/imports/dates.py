"""Dates as people type them in UK spreadsheets: day first.

31/03/2024, 31-03-2024, 31.03.24, 2024-03-31, 31 March 2024, 31 Mar 24, 31st March 2024,
March 31 2024, Excel's date cells (read as 2024-03-31) and Excel's serial numbers (45382).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from server.settings import today

NUMERIC = re.compile(r"(\d{1,4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,4})")
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s/.-]*([a-z]+)\.?,?[\s/.-]*(\d{2,4})")
MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2,4})")
TIME_PART = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")
EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, counting its 1900 leap-year mistake
SERIALS = (1, 73_050)  # up to the end of 2099
MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].lower()] = _number
    MONTHS[calendar.month_abbr[_number].lower()] = _number
MONTHS["sept"] = 9


class NotADate(ValueError):
    """The value is not a date; `readable` is True for one that can be read but does not exist
    (31 February)."""

    def __init__(self, readable: bool) -> None:
        super().__init__("not a date")
        self.readable = readable


def _year(text: str) -> int:
    """A four-digit year as it is; 24 is 2024, and 85 is 1985 (not in the future)."""
    year = int(text)
    if len(text) > 2:
        return year
    century = 2000 if 2000 + year <= today().year else 1900
    return century + year


def _make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise NotADate(readable=True) from None


def _from_serial(number: float) -> date:
    if not SERIALS[0] <= number <= SERIALS[1]:
        raise NotADate(readable=False)
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_date(value: object) -> date:
    """The date in a cell, day first; NotADate if it is not one."""
    if isinstance(value, bool):
        raise NotADate(readable=False)
    if isinstance(value, int | float):
        return _from_serial(value)
    text = TIME_PART.sub("", str(value).strip()).lower()
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _from_serial(float(text))
    if match := NUMERIC.fullmatch(text):
        first, month, last = match.groups()
        if len(first) == 4:
            return _make(int(first), int(month), int(last))
        if len(last) in (2, 4):
            return _make(_year(last), int(month), int(first))
        raise NotADate(readable=False)
    for pattern, order in ((DAY_MONTH_YEAR, (0, 1, 2)), (MONTH_DAY_YEAR, (1, 0, 2))):
        if match := pattern.fullmatch(text):
            parts = match.groups()
            day, name, year = (parts[i] for i in order)
            if name not in MONTHS or len(year) == 3:
                raise NotADate(readable=False)
            return _make(_year(year), MONTHS[name], int(day))
    raise NotADate(readable=False)
