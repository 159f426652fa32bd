"""The coordinators' console under /console/: signed-in coordinators and admins only.

Each part of the console (one module per menu item) has a HANDLERS list; the router below
gathers them behind one guard, so that no console page can be added without it, and gives
each handler that asks for it the signed-in coordinator's `ctx: Context` (one request
context, server.lib.pages.request_context, instead of each handler loading its own).
"""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from server.console import (
    activities,  # Impact (issue 16): one activity and its details
    admin,
    applicants,  # Joining (issue 15)
    audit,
    dashboard,
    events,  # Upcoming sessions (issue 15)
    imports,
    lists,  # Impact (issue 16): topics and services
    people,
    privacy,
    report,
    review,
    sessions,
    social_value,  # Impact (issue 16)
    trainings,
    wellbeing,  # Wellbeing (issue 16)
    widget,
)
from server.lib.auth import staff
from server.lib.pages import request_context

PARTS = (
    dashboard, people, trainings, sessions, review, imports, report, widget, admin, audit, privacy,
    # Joining (issue 15)
    applicants,
    events,  # Upcoming sessions (issue 15)
    lists,  # Impact (issue 16): topics and services
    activities,  # Impact (issue 16): one activity and its details
    social_value,  # Impact (issue 16)
    wellbeing,  # Wellbeing (issue 16)
)  # fmt: skip


def console_router() -> Router:
    """Every console page, each behind the staff guard (admin pages add their own)."""
    handlers = [handler for part in PARTS for handler in part.HANDLERS]
    return Router(
        path="/console",
        route_handlers=handlers,
        guards=[staff],
        dependencies={"ctx": Provide(request_context)},
        include_in_schema=False,
    )
