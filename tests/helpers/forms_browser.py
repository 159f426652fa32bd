"""The form kit in a browser: the widths tested and computed pseudo-element styles."""

from __future__ import annotations

from tests.helpers.browser import DESK, PHONE

WIDTHS = {"390": PHONE, "1280": DESK}


async def pseudo(page, selector: str, which: str, prop: str) -> str:
    return await page.evaluate(
        "([s, w, p]) => getComputedStyle(document.querySelector(s), w).getPropertyValue(p)",
        [selector, which, prop],
    )
