"""What several console pages share: words for codes (the people page and the audit log),
and the address of a person's page (people, roles and training go back to it).
Console modules import from here, never from each other's menu-item modules."""

from __future__ import annotations

from server.lib.auth import Connection
from server.lib.pages import url

# A role's status, in words.
STATUS_NAMES = {"active": "Active", "paused": "Paused", "left": "Left"}
# An activity's review, in words (the codes are for the API).
REVIEW_WORDS = {
    "needs-review": "Waiting for review",
    "approved": "Approved",
    "rejected": "Rejected",
}


def person_address(request: Connection, person_id: int, saved: str) -> str:
    """A person's page in the console, saying what was just saved (?saved=...)."""
    return url(request, "console-person", {"saved": saved}, person_id=person_id)
