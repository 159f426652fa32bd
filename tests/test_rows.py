"""schema/rows.py says what each record table's rows hold; these tests hold it to the
tables themselves, so that a column added, renamed or made nullable without its row type
fails here, not quietly in the type checker's trust."""

from __future__ import annotations

import typing
from datetime import date, datetime
from uuid import UUID

import pytest
from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns import UUID as UUIDColumn

from schema import rows, tables

PYTHON = {
    Serial: int,
    Integer: int,
    BigInt: int,
    ForeignKey: int,
    Varchar: str,
    Text: str,
    JSON: str,
    Boolean: bool,
    Date: date,
    Timestamptz: datetime,
    UUIDColumn: UUID,
}

ROW_TYPES = [name for name in dir(rows) if name.endswith("Row")]


def _expected(column: Column) -> object:
    python = PYTHON[type(column)]
    return python | None if column._meta.null else python


def test_every_row_type_names_a_table() -> None:
    assert len(ROW_TYPES) >= 11
    for name in ROW_TYPES:
        assert hasattr(tables, name.removesuffix("Row")), name


@pytest.mark.parametrize("name", ROW_TYPES)
def test_a_row_type_has_its_tables_columns_with_their_types(name: str) -> None:
    table = getattr(tables, name.removesuffix("Row"))
    hints = typing.get_type_hints(getattr(rows, name))
    columns = {c._meta.name: c for c in table._meta.columns}
    assert set(hints) == set(columns), f"{name}: columns and keys differ"
    for key, column in columns.items():
        wanted = _expected(column)
        assert hints[key] == wanted, f"{name}.{key} is {hints[key]}, but the column holds {wanted}"
