"""What the API and the public feeds answer about upcoming sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from server.lib.shapes import Answer, AreaCode, Created, ProgrammeSlug, RecordId, Updated

Starts = Annotated[
    datetime,
    msgspec.Meta(
        description="When it starts, as an ISO 8601 time with its offset (UTC).",
        examples=["2027-01-14T14:00:00Z"],
    ),
]
Title = Annotated[
    str,
    msgspec.Meta(description="Its title, up to 200 characters.", examples=["Dementia Friends"]),
]
Venue = Annotated[
    str,
    msgspec.Meta(description="Where it is held, up to 200 characters.", examples=["Wigan Library"]),
]
Access = Annotated[
    str,
    msgspec.Meta(
        description="How to get in and what help there is (step-free access, hearing loop), "
        "up to 500 characters; may be empty.",
        examples=["Step-free entrance on Station Road. Hearing loop."],
    ),
]
Minutes = Annotated[int, msgspec.Meta(description="How long it lasts, in minutes.", examples=[60])]
Status = Annotated[
    str,
    msgspec.Meta(
        description="scheduled, or cancelled (a cancelled session stays listed so that "
        "calendars show it cancelled).",
        examples=["scheduled"],
    ),
]


class UpcomingSession(Answer):
    """A Friends session published before it happens, which residents may book."""

    id: RecordId
    programme: Annotated[
        ProgrammeSlug,
        msgspec.Meta(
            description="The Friends programme, by its slug (as GET /api/programmes lists them).",
            examples=["dementia-friends"],
        ),
    ]
    title: Title
    starts_at: Starts
    minutes: Minutes
    venue: Venue
    footprint: Annotated[
        AreaCode,
        msgspec.Meta(
            description="The area where it is held, by its code (as GET /api/footprints "
            "lists them); null when not given (online)."
        ),
    ]
    capacity: Annotated[
        int, msgspec.Meta(description="How many places there are to book.", examples=[20])
    ]
    accessibility: Access
    bookable: Annotated[
        bool,
        msgspec.Meta(
            description="Whether it is listed on the public events page and the public may "
            "book (false: a closed session, such as one for a workplace's staff).",
            examples=[True],
        ),
    ]
    organiser: Annotated[
        int | None,
        msgspec.Meta(
            description="Who runs it, by their person id; null when not given or once that "
            "person is erased.",
            examples=[7],
        ),
    ]
    status: Status
    friends_session: Annotated[
        int | None,
        msgspec.Meta(
            description="Once attendance is recorded: the Friends session it became (GET "
            "/api/friends-sessions/{id}), which counts in the totals; null before.",
            examples=[None],
        ),
    ]
    created_at: Created
    updated_at: Updated


class PublicEvent(msgspec.Struct):
    """An upcoming session as the public sees it (/events.json): nothing about the
    organiser or who booked."""

    id: Annotated[int, msgspec.Meta(description="Its number.", examples=[12])]
    title: Title
    programme: Annotated[
        str, msgspec.Meta(description="The programme's slug.", examples=["dementia-friends"])
    ]
    programme_name: Annotated[
        str, msgspec.Meta(description="The programme's name.", examples=["Dementia Friends"])
    ]
    starts_at: Starts
    ends_at: Annotated[
        datetime,
        msgspec.Meta(description="When it ends (UTC).", examples=["2027-01-14T15:00:00Z"]),
    ]
    venue: Venue
    area: Annotated[
        str | None, msgspec.Meta(description="The area's name; null when none.", examples=[None])
    ]
    accessibility: Access
    places_left: Annotated[
        int, msgspec.Meta(description="Places still free to book (0: full).", examples=[5])
    ]
    status: Status
    url: Annotated[
        str,
        msgspec.Meta(
            description="Its page, where people book.",
            examples=["https://movement.example.org/events/12"],
        ),
    ]


class BookingAnswer(msgspec.Struct):
    """One booking of a session, as its organiser and staff see it."""

    id: Annotated[int, msgspec.Meta(description="The booking's number.", examples=[31])]
    name: Annotated[str, msgspec.Meta(description="The name given.", examples=["Rita Jones"])]
    email: Annotated[
        str | None,
        msgspec.Meta(description="The email address given; null if none.", examples=[None]),
    ]
    mobile: Annotated[
        str | None,
        msgspec.Meta(
            description="The UK mobile number given (07…); null if none.",
            examples=["07700900123"],
        ),
    ]
    status: Annotated[
        str,
        msgspec.Meta(
            description="booked (has a place), waiting (on the waiting list) or cancelled.",
            examples=["booked"],
        ),
    ]
    attended: Annotated[
        bool,
        msgspec.Meta(
            description="Whether they came, once attendance is recorded.", examples=[True]
        ),
    ]
    created_at: Created


class Bookings(msgspec.Struct):
    """A session's bookings: places first, then the waiting list, each in the order they came."""

    items: Annotated[list[BookingAnswer], msgspec.Meta(description="Every booking of the session.")]
