"""/privacy: the privacy notice, for everyone, linked from every page's footer."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from server.privacy.notice import load_texts, render


@get("/privacy", include_in_schema=False, name="privacy")
async def privacy_notice() -> Template:
    texts = await load_texts()
    return Template(
        "privacy/notice.html",
        context={"notice": render(texts["notice"], texts), "council": texts["council_name"]},
    )


HANDLERS = [privacy_notice]
