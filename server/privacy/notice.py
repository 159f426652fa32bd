"""The privacy notice at /privacy: the council's own text, edited by admins in the console,
with a default that names what is held and people's rights.

The text is plain text with a small, safe part of Markdown: "## " headings, "- " lists,
blank lines between paragraphs, **bold** and [links](https://...). Everything is escaped
first, and links go only to https, http and mailto addresses and this site's own pages
("/my-data"; never "//" or a backslash, which browsers read as another site), so nothing
typed can run."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from markupsafe import Markup, escape

from server.db import write_transaction
from server.lib.audit import CHANGED, record
from server.lib.site_text import read_site_text, write_site_text
from server.lib.validation import Form

KEYS = ("council_name", "contact", "notice")
PLACEHOLDERS = {
    "council_name": "[the council's name]",
    "contact": "[how to contact the council's data protection officer]",
}
LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:|/(?![/\\]))[^\s)\\]*)\)")
BOLD = re.compile(r"\*\*([^*\n]+)\*\*")

DEFAULT_NOTICE = (Path(__file__).parent / "default_notice.md").read_text()
DEFAULTS = {"council_name": "", "contact": "", "notice": DEFAULT_NOTICE}


async def load_texts() -> dict[str, str]:
    """The council's texts as saved, with the defaults for any not saved (or left empty)."""
    saved = await read_site_text(KEYS)
    return {key: saved[key] if saved[key].strip() else DEFAULTS[key] for key in KEYS}


def _inline(line: str) -> Markup:
    text = str(escape(line))  # escaped first: nothing typed becomes HTML
    text = BOLD.sub(r"<strong>\1</strong>", text)
    text = LINK.sub(r'<a href="\2">\1</a>', text)
    return Markup(text)  # noqa: S704 - built from escaped text and our own tags only


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def render(text: str, values: Mapping[str, str]) -> Markup:
    """The notice as HTML: the small Markdown above, with {council} and {contact} filled in
    (or shown as placeholders in square brackets until an admin sets them)."""
    council = values.get("council_name") or PLACEHOLDERS["council_name"]
    contact = values.get("contact") or PLACEHOLDERS["contact"]
    out: list[str] = []
    for block in _blocks(text.replace("{council}", council)):
        lines: list[str] = []
        for line in block:
            lines.extend(contact.splitlines() if line == "{contact}" else [line])
        lines = [ln.replace("{contact}", contact.replace("\n", ", ")) for ln in lines]
        out.extend(_block_html(lines))
    return Markup("\n".join(out))  # noqa: S704 - every piece comes from _inline


def _block_html(lines: list[str]) -> list[str]:
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{'<br>'.join(_inline(p) for p in paragraph)}</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in lines:
        if line.startswith("## "):
            flush()
            out.append(f"<h2>{_inline(line[3:])}</h2>")
        elif line.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(line[2:])
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return out


def read_texts(data: Mapping[str, object]) -> dict[str, str]:
    """The console form's three texts, checked; Invalid says what to fix."""
    form = Form({k: data.get(k, "") for k in KEYS})
    form.name("council_name", "the council's name", max_length=200)
    form.text("contact", "the contact details", max_length=1000)
    form.text("notice", "the notice", max_length=20_000)
    form.result()
    return {k: form.got(k, str) or "" for k in KEYS}


async def save_texts(data: Mapping[str, object], by: int | None) -> None:
    """Save the texts an admin wrote (an empty one goes back to the default) and audit it:
    the council's name old and new; the contact and the notice as "changed"."""
    new = read_texts(data)
    if new["notice"].strip() == DEFAULT_NOTICE.strip():
        new["notice"] = ""
    async with write_transaction():
        old = await read_site_text(KEYS)
        what: dict[str, list[str] | str] = {}  # [old, new], or CHANGED
        for key in KEYS:
            if old[key] == new[key]:
                continue
            what[key] = [old[key], new[key]] if key == "council_name" else CHANGED
            await write_site_text(key, new[key])
        if what:
            await record(by, "update", "privacy_notice", 1, what)
