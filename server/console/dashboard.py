"""Console: the dashboard (being built)."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.response import Template


@get("/", name="console-dashboard")
async def dashboard() -> Template:
    return Template("console/dashboard.html", context={"section": "dashboard"})


HANDLERS: list[Any] = [dashboard]
