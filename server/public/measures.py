"""What each number the totals service makes is, for the public: an allow-list.

A number reaches the public only when it is listed here with how it adds up (the families
of true cells it is the sum of, and over which programmes) and so what it is part of. A key
that is not listed is left out of every public answer (and a test fails until it is
classified), so a new measure can never leak by default.

The families of true cells, for one area (or "no area") and one programme:
M members (active roles; by the month they joined), S Friends from sessions (by the month
of the session), E Friends counted elsewhere (the newest figure of each source), R reach,
A activities, H minutes (by month). P is the area's people: one person with two roles is
one person, so P is not a sum over programmes; it is its own cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Measure:
    """A number: the sum of these families of cells, over all programmes or only the
    Friends programmes (champion programmes have no Friends)."""

    cells: tuple[str, ...]
    friends_only: bool = False
    counts: bool = True  # a count of people or things, hidden when small (hours are not)
    tier: int = 1  # the order in which numbers are hidden to protect another (low first)


@dataclass(frozen=True)
class Label:
    """Words, dates or the options asked for: nothing counted about anyone."""

    what: str


FRIEND_CELLS = ("S", "E")  # zero for a champion programme

# The top level of a totals answer (for the borough or one area).
TOTALS: dict[str, Measure | Label] = {
    "as_at": Label("when the numbers were worked out"),
    "filters": Label("the filters asked for"),
    "programmes": Label("one entry per programme, classified in PROGRAMME"),
    "people": Measure(("P",)),
    "roles": Measure(("M",)),
    "friends": Measure(("M", "S", "E"), friends_only=True),
    "anonymous_friends": Measure(("S", "E")),
    "movement_total": Measure(("P", "S", "E"), tier=4),  # the big number: a last resort
    "reach": Measure(("R",), tier=2),
    "activities": Measure(("A",)),
    "hours": Measure(("H",), counts=False),
}

# Each entry of "programmes".
PROGRAMME: dict[str, Measure | Label] = {
    "slug": Label("the programme's short name"),
    "name": Label("the programme's name"),
    "kind": Label("champion or friend"),
    "target": Label("the council's target"),
    "target_date": Label("the target's date"),
    "members": Measure(("M",), tier=3),
    "friends": Measure(("M", "S", "E"), friends_only=True, tier=3),
    "friends_from_sessions": Measure(("S",), tier=2),
    "friends_from_elsewhere": Measure(("E",), tier=2),
    "reach": Measure(("R",), tier=2),
    "activities": Measure(("A",), tier=2),
    "hours": Measure(("H",), counts=False, tier=2),
}

# Numbers hidden together: hours give activities away (and the other way round).
TOGETHER = {"hours": "activities"}

# The open data's columns of numbers, each a family of cells by month.
MONTHLY: dict[str, str] = {
    "new_members": "M",
    "friends_from_sessions": "S",
    "activities": "A",
    "reach": "R",
    "hours": "H",
}


def unclassified(data: dict[str, Any]) -> list[str]:
    """The keys of a totals answer (and of its programmes) that are not classified."""
    missing = [k for k in data if k not in TOTALS]
    for p in data.get("programmes", []):
        missing += [f"programmes.{k}" for k in p if k not in PROGRAMME]
    return sorted(set(missing))


def allowed(data: dict[str, Any]) -> dict[str, Any]:
    """Only the classified keys of a totals answer."""
    out = {k: v for k, v in data.items() if k in TOTALS}
    if "programmes" in out:
        out["programmes"] = [
            {k: v for k, v in p.items() if k in PROGRAMME} for p in out["programmes"]
        ]
    return out
