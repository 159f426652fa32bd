"""What the API answers about accounts: who a token belongs to, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class MembershipStatus(msgspec.Struct):
    programme: str | None
    status: str


class Me(msgspec.Struct):
    """The account behind the token, and its person's programmes."""

    id: int
    email: str
    role: str
    person: int | None
    memberships: list[MembershipStatus]


class AuditEvent(msgspec.Struct):
    """Who changed what, and when. Personal fields are named, never copied."""

    id: int
    at: datetime
    account: int | None
    action: str
    record_type: str
    record_id: int
    changes: Any


class AuditPage(msgspec.Struct):
    items: list[AuditEvent]
    page: int
    per_page: int
    total: int
