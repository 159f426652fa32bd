"""What the API answers about stories."""

from __future__ import annotations

from typing import Annotated

import msgspec

from server.lib.shapes import Answer, Created, MaybePersonId, ProgrammeSlug, RecordId


class Story(Answer):
    """A champion's story in their own words, and whether it may be published."""

    id: RecordId
    person: Annotated[
        MaybePersonId,
        msgspec.Meta(
            description="Who shared it, by their person id (GET /api/people/{id}); null when "
            "the account that saved it has no person record."
        ),
    ]
    programme: Annotated[
        ProgrammeSlug,
        msgspec.Meta(
            description="The programme it is about, by its slug (as GET /api/programmes "
            "lists them); null when none."
        ),
    ]
    text: Annotated[
        str,
        msgspec.Meta(
            description="The story in its author's words, 20 to 1,500 characters.",
            examples=["After the training I talked to my neighbours about screening."],
        ),
    ]
    consent_to_publish: Annotated[
        bool,
        msgspec.Meta(
            description="true when its author agreed that it may be published. Once the "
            "story is saved, only its author can agree; taking it back withdraws the story.",
            examples=[True],
        ),
    ]
    status: Annotated[
        str,
        msgspec.Meta(
            description="waiting (for a coordinator to decide), approved (it may be "
            "published), declined, or withdrawn (its author took back their consent).",
            examples=["waiting"],
        ),
    ]
    created_at: Created
