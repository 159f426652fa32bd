"""Settings changed for a while: the app reads them through get_settings, whose cache is
cleared on the way in and on the way out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from server.settings import get_settings


@contextmanager
def setting(**values: str) -> Iterator[None]:
    """Settings for the length of the block, as they were afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def change_settings(monkeypatch: pytest.MonkeyPatch, **values: str | None) -> None:
    """Settings for the rest of the test (None removes one); the `settings` fixture puts
    them back."""
    for name, value in values.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()
