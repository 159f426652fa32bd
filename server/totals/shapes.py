"""What GET /api/totals answers (the document's Totals). A number the public may not see
for these filters (a small number in one area, or Friends counted elsewhere over a few
days) is null."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

# Said of every number: why one may be null.
HIDDEN = " Null when the public may not see it for these filters."


def _count(words: str, example: int) -> msgspec.Meta:
    return msgspec.Meta(description=words + HIDDEN, examples=[example])


class TotalsFilters(msgspec.Struct):
    """The filters the numbers are for, as read."""

    programme: Annotated[
        str | None,
        msgspec.Meta(
            description="The programme asked for, by its slug; null: every programme.",
            examples=["health-champions"],
        ),
    ]
    footprint: Annotated[
        str | None,
        msgspec.Meta(
            description="The area asked for, by its code; null: the whole borough.",
            examples=["WC"],
        ),
    ]
    since: Annotated[
        date | None,
        msgspec.Meta(
            description="The first day counted, YYYY-MM-DD; null: from the start.",
            examples=["2025-04-01"],
        ),
    ]
    until: Annotated[
        date | None,
        msgspec.Meta(
            description="The last day counted, YYYY-MM-DD; null: up to the latest.",
            examples=["2026-03-31"],
        ),
    ]


class ProgrammeTotals(msgspec.Struct):
    """One programme's numbers (Friends count only for Friends programmes)."""

    slug: Annotated[
        str,
        msgspec.Meta(
            description="The programme, by its slug (as GET /api/programmes lists them).",
            examples=["health-champions"],
        ),
    ]
    name: Annotated[
        str, msgspec.Meta(description="The programme's name.", examples=["Health Champions"])
    ]
    kind: Annotated[
        str,
        msgspec.Meta(
            description="champion or friend: only a friend programme counts Friends.",
            examples=["champion"],
        ),
    ]
    members: Annotated[int | None, _count("Its active members.", 412)]
    friends: Annotated[
        int | None,
        _count(
            "For a friend programme, its Friends: members, plus friends_from_sessions, plus "
            "friends_from_elsewhere; 0 for other programmes.",
            0,
        ),
    ]
    friends_from_sessions: Annotated[
        int | None,
        _count(
            "The people who came to its Friends sessions that count (not waiting for review, "
            "not rejected); 0 for other programmes.",
            0,
        ),
    ]
    friends_from_elsewhere: Annotated[
        int | None,
        _count(
            "Friends counted by others (each source's newest figure; with since or until, "
            "what it grew by); 0 for other programmes.",
            0,
        ),
    ]
    reach: Annotated[
        int | None,
        _count(
            "People reached by its activities, added up (someone reached twice counts twice).",
            5230,
        ),
    ]
    activities: Annotated[int | None, _count("Its activities logged, not rejected.", 876)]
    hours: Annotated[
        float | None,
        msgspec.Meta(
            description="The minutes of its activities added up, in hours to one decimal "
            "place." + HIDDEN,
            examples=[1204.5],
        ),
    ]
    target: Annotated[
        int | None,
        msgspec.Meta(
            description="The number it aims for (Friends, for a friend programme; members, "
            "for the others); null when no target is set.",
            examples=[500],
        ),
    ]
    target_date: Annotated[
        date | None,
        msgspec.Meta(
            description="The date it aims to reach its target by, YYYY-MM-DD; null when none.",
            examples=["2027-03-31"],
        ),
    ]


class Totals(msgspec.Struct):
    """The movement's numbers: the README's "How the numbers are counted" says what each
    one means."""

    as_at: Annotated[
        datetime,
        msgspec.Meta(
            description="When the numbers were worked out, in UTC, to the second.",
            examples=["2025-04-01T09:30:00Z"],
        ),
    ]
    filters: Annotated[
        TotalsFilters, msgspec.Meta(description="The filters the numbers are for, as read.")
    ]
    people: Annotated[
        int | None,
        _count(
            "Different people with at least one active role: someone in two programmes "
            "counts once.",
            1840,
        ),
    ]
    roles: Annotated[
        int | None,
        _count("Active memberships: someone in two programmes counts twice.", 2105),
    ]
    friends: Annotated[
        int | None,
        _count("The Friends of every friend programme, added up.", 21400),
    ]
    anonymous_friends: Annotated[
        int | None,
        _count(
            "Friends from sessions and from elsewhere: counted, not named, so one of them may "
            "also be counted in people.",
            21160,
        ),
    ]
    movement_total: Annotated[
        int | None,
        _count("people plus anonymous_friends: the citizens in the movement.", 23000),
    ]
    reach: Annotated[
        int | None,
        _count(
            "People reached by activities, added up (someone reached twice counts twice).",
            5230,
        ),
    ]
    activities: Annotated[int | None, _count("Activities logged; rejected ones never count.", 876)]
    hours: Annotated[
        float | None,
        msgspec.Meta(
            description="The activities' minutes added up, in hours to one decimal place." + HIDDEN,
            examples=[1204.5],
        ),
    ]
    programmes: Annotated[
        list[ProgrammeTotals],
        msgspec.Meta(
            description="Each programme's numbers, in the order GET /api/programmes gives "
            "(only the one asked for, with programme)."
        ),
    ]
    # For one area as the public sees it: numbers under this are shown as null.
    small_number: Annotated[
        int | msgspec.UnsetType,
        msgspec.Meta(
            description="Only in the public's answer for one area: a number under this is "
            "null, and so is any number that would give one away.",
            examples=[5],
        ),
    ] = msgspec.UNSET
