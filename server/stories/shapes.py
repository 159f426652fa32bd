"""What the API answers about stories."""

from __future__ import annotations

from server.lib.shapes import Answer, Created, MaybePersonId, ProgrammeSlug


class Story(Answer):
    """A champion's story in their own words, and whether it may be published."""

    id: int
    person: MaybePersonId
    programme: ProgrammeSlug
    text: str
    consent_to_publish: bool
    status: str
    created_at: Created
