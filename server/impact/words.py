"""The words the console, the report and the downloads use for the impact breakdowns'
codes (issue 16), in one place.

SETTINGS are the activity forms' own (server/activities/details.py): the codes that
Activity.setting stores, in the order the forms offer them; "" is an activity that gave
none.
"""

from __future__ import annotations

from server.activities.details import SETTINGS

__all__ = ["SETTINGS"]

NOT_GIVEN = "Not given"  # an activity with no setting
NO_TOPIC = "No topic given"  # an activity about no topic
NO_SERVICE = "No service named"  # a signpost that named no service
NOT_KNOWN = "Not known"  # a postcode missing, or one the lookups cannot place

# Deprivation quintiles of England's Index of Multiple Deprivation: 1 is the most deprived.
QUINTILES: dict[int, str] = {
    1: "1 (most deprived)",
    2: "2",
    3: "3",
    4: "4",
    5: "5 (least deprived)",
}


def setting_label(code: str) -> str:
    """The words for a setting's code ("" or a code no longer offered: said plainly)."""
    if not code:
        return NOT_GIVEN
    return SETTINGS.get(code, code.replace("-", " ").capitalize())


def quintile_label(quintile: int) -> str:
    return QUINTILES.get(quintile, NOT_KNOWN)


def percent(part: int, whole: int) -> str:
    """A share as a whole percentage ("56%"), "–" when there is nothing to share of."""
    if not whole:
        return "–"
    return f"{(200 * part + whole) // (2 * whole)}%"  # a half rounds up: 62.5% is 63%
