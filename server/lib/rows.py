"""Rows at the database boundary, with the types they hold.

Piccolo answers every select as plain dicts whose values it cannot type. Each query that
the code reads by name says the shape of its rows once, as a TypedDict beside the query,
and its result is taken as that shape here: the one place where the database's untyped
answer becomes a typed one. Nothing is converted or checked at run time (the columns are
what the query selected), so this costs nothing per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

T = TypeVar("T")

# A value as JSON holds it: what a JSON column or a JSON body gives before it is checked.
JSON = str | int | float | bool | None | list["JSON"] | dict[str, "JSON"]


def rows_as(shape: type[T], rows: Sequence[Mapping[str, Any]]) -> list[T]:
    """The rows of a select, as the TypedDict `shape` that names its columns."""
    return cast(list[T], rows)


def row_as(shape: type[T], row: Mapping[str, Any] | None) -> T | None:
    """One row of a select (`.first()`), or None, as the TypedDict `shape`."""
    return cast(T | None, row)


def whole(value: object) -> int:
    """A value the database or the code gives as a whole number, typed as one (a TypeError
    if it is not: a driver answered something else than the query says)."""
    if not isinstance(value, int):
        raise TypeError(f"Expected a whole number, not {type(value).__name__}.")
    return value
