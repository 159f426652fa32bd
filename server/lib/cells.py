"""Cells of a downloaded table that a spreadsheet must not run."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

# A cell that starts with one of these is run as a formula by spreadsheet programs
# ("CSV injection"): a name typed as =HYPERLINK(...) must stay text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: T) -> T | str:
    """Text that a spreadsheet would run as a formula, kept as text (a ' in front);
    anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
