"""The council's own words and settings kept as site text (SiteText): the privacy notice,
the council's name and contact, the social value rate. Each is a key; a missing or empty
one means the default."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from schema.tables import SiteText


async def read_site_text(keys: Collection[str]) -> dict[str, str]:
    """The saved text of each key ("" when none is saved)."""
    rows = await SiteText.select(SiteText.key, SiteText.value).where(SiteText.key.is_in(list(keys)))
    return dict.fromkeys(keys, "") | {r["key"]: r["value"] for r in rows}


async def write_site_text(key: str, value: str) -> None:
    """Save one key's text (in the caller's write transaction)."""
    await SiteText.insert(SiteText(key=key)).on_conflict(target=SiteText.key, action="DO NOTHING")
    await SiteText.update({SiteText.value: value, SiteText.updated_at: datetime.now(UTC)}).where(
        SiteText.key == key
    )
