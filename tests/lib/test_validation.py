"""The field readers behind every form and API body."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from server.lib.validation import Form, Invalid


def read(data, **kwargs):
    form = Form(data, partial=kwargs.pop("partial", False))
    form.integer("n", "the number", low=0, high=10_000, required=kwargs.pop("required", False))
    form.date("day", "the day")
    form.boolean("ok", "ok")
    form.uuid("id", "the id")
    return form.result()


@pytest.mark.parametrize(
    ("raw", "value"),
    [(3, 3), ("3", 3), (" 7 ", 7), (4.0, 4), ("1,250", 1250), (None, None), ("", None)],
)
def test_whole_numbers_from_json_or_forms(raw, value):
    assert read({"n": raw})["n"] == value


@pytest.mark.parametrize("raw", [True, 2.5, "three", "1e3", [], {}, "--1", "1,0", "12,34,567"])
def test_things_that_are_not_whole_numbers(raw):
    with pytest.raises(Invalid) as caught:
        read({"n": raw})
    assert "whole number" in caught.value.errors["n"]


def test_partial_reads_only_what_was_sent():
    assert read({"ok": "on"}, partial=True) == {"ok": True}


def test_required_fields_are_named():
    with pytest.raises(Invalid) as caught:
        read({}, required=True)
    assert caught.value.errors == {"n": "Enter the number."}


def test_dates_and_uuids():
    clean = read({"day": "2024-02-29", "id": "9B2C6F0E-7F3A-4C1E-9A51-2F1D3F0B7C11"})
    assert clean["day"] == date(2024, 2, 29)
    assert clean["id"] == uuid.UUID("9b2c6f0e-7f3a-4c1e-9a51-2f1d3f0b7c11")


def test_a_body_that_is_not_an_object():
    with pytest.raises(Invalid) as caught:
        Form(["a"])  # type: ignore[arg-type]
    assert "JSON object" in caught.value.errors[""]


def test_unknown_fields_are_named_but_read_only_ones_are_ignored():
    with pytest.raises(Invalid) as caught:
        read({"id": str(uuid.uuid4()), "created_at": "x", "colour": "red"})
    assert list(caught.value.errors) == ["colour"]


def test_today_is_the_councils_today(settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from server.settings import SettingsError, get_settings, today

    settings(TIME_ZONE="Pacific/Kiritimati")  # UTC+14: usually "tomorrow"
    assert today() == datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    settings(TIME_ZONE="Mars/Olympus")
    with pytest.raises(SettingsError, match="TIME_ZONE"):
        get_settings()


def test_a_clean_value_is_read_back_as_the_type_its_reader_gives():
    form = Form({"page": "3", "since": "2025-04-01", "q": ""})
    form.integer("page", "the page number", low=1, high=10, default=1)
    form.date("since", "the first date")
    form.text("q", "words to search for", max_length=10, default=None)
    form.result()
    assert form.needed("page", int) == 3
    assert form.got("since", date) == date(2025, 4, 1)
    assert form.got("q", str) is None  # left blank: not given
    with pytest.raises(TypeError, match="page is int, not str"):
        form.got("page", str)  # a caller that disagrees with the reader fails loudly
    with pytest.raises(TypeError, match="q has no value"):
        form.needed("q", str)
