"""What several console pages share (the people page and the audit log): words for codes.
Console modules import from here, never from each other's menu-item modules."""

from __future__ import annotations

# A role's status, in words.
STATUS_NAMES = {"active": "Active", "paused": "Paused", "left": "Left"}
# An activity's review, in words (the codes are for the API).
REVIEW_WORDS = {
    "needs-review": "Waiting for review",
    "approved": "Approved",
    "rejected": "Rejected",
}
