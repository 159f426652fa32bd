"""The coordinators' console under /console/: signed-in coordinators and admins only.

Each part of the console is a module with a HANDLERS list; the router below gathers them
behind one guard, so that no console page can be added without it.
"""

from __future__ import annotations

from litestar import Router

from server.console import (
    admin,
    audit,
    dashboard,
    imports,
    people,
    privacy,
    report,
    review,
    sessions,
    trainings,
    widget,
)
from server.lib.auth import staff

PARTS = (
    dashboard, people, trainings, sessions, review, imports, report, widget, admin, audit, privacy
)  # fmt: skip


def console_router() -> Router:
    """Every console page, each behind the staff guard (admin pages add their own)."""
    handlers = [handler for part in PARTS for handler in part.HANDLERS]
    return Router(path="/console", route_handlers=handlers, guards=[staff], include_in_schema=False)
