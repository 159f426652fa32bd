"""Codes in the words the console shows for them, shared by its pages (a person's page and
the audit log say a status or a review the same way)."""

from __future__ import annotations

STATUS_NAMES = {"active": "Active", "paused": "Paused", "left": "Left"}
# An activity's review, in words (the codes are for the API).
REVIEW_WORDS = {
    "needs-review": "Waiting for review",
    "approved": "Approved",
    "rejected": "Rejected",
}
