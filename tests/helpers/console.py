"""The console through HTTP: posting its forms, signing in, its routes, the audit log."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from schema.tables import (
    AuditEvent,
)
from server.lib.auth import admin
from server.settings import today
from tests.helpers import factories as f
from tests.helpers.html import HTML, Page
from tests.helpers.signin import sign_in


async def signed_in(client, role: str = "admin", **person) -> f.User:
    user = await f.user(role, **person)
    await sign_in(client, user.email)
    return user


async def coordinator_in_two_areas(client) -> f.User:
    """Cora, a coordinator signed in on this client, and two areas (Wigan Central, Leigh)."""
    await f.footprint("WC", "Wigan Central")
    await f.footprint("LE", "Leigh")
    return await signed_in(client, "coordinator", name="Cora Ordinator")


def market_stall(reached: int, minutes: int = 30, **more) -> dict:
    """The API body of a champion's stall at the market today, in Wigan Central."""
    return {
        "client_id": str(uuid.uuid4()),
        "programme": "health-champions",
        "kind": "event",
        "occurred_on": today().isoformat(),
        "people_reached": reached,
        "minutes": minutes,
        "footprint": "WC",
        "note": "Stall at the market",
        **more,
    }


async def post(client, path: str, data: dict | None = None):
    if client.cookies.get("movement_csrf") is None:
        await client.get("/offline", headers=HTML)
    token = client.cookies.get("movement_csrf")
    return await client.post(path, data={**(data or {}), "_csrf_token": token}, headers=HTML)


async def post_form(client, url: str, data: dict):
    token = client.cookies.get("movement_csrf")
    return await client.post(url, data={**data, "_csrf_token": token}, headers=HTML)


async def add_event(
    at: datetime,
    record_type: str,
    record_id: int,
    action: str = "update",
    account: int | None = None,
    changes: dict | None = None,
) -> None:
    await AuditEvent.insert(
        AuditEvent(
            at=at,
            account=account,
            action=action,
            record_type=record_type,
            record_id=record_id,
            changes=changes or {},
        )
    )


def rows(html: str) -> list[str]:
    """The text of each row of the log's table body, newest first."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [Page(part).text for part in body.split("<tr>")[1:]]


def console_routes(app) -> list[tuple[str, str, bool]]:
    """(method, path with ids filled in, admin only) for every console route."""
    out = []
    for route in app.routes:
        if not route.path.startswith("/console"):
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for handler in route.route_handlers:
            admin_only = any(guard is admin for guard in handler.guards or [])
            for method in handler.http_methods:
                if method not in ("HEAD", "OPTIONS"):
                    out.append((method, path, admin_only))
    return sorted(set(out))
