"""The widget's HTML and the badge's SVG, made outside a request (they are kept and reused)."""

from __future__ import annotations

import base64
import hashlib

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from server.settings import PROJECT_ROOT, get_settings
from server.widget.services import WidgetView

TEMPLATES = PROJECT_ROOT / "web" / "templates" / "widget"
# Marked safe: escaped, its quotes would become &#34; and the bytes sent would no longer match
# the hash below, so every browser would refuse the style (our own file, no request text).
STYLE = Markup((PROJECT_ROOT / "web" / "static" / "css" / "embed.css").read_text().strip())  # noqa: S704
# The page allows exactly this style and nothing else: no inline script, no other source.
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
EMBED_POLICY = (
    f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors *"
)

_env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), trim_blocks=True
)


def _number(value: int | None) -> str:
    return f"{value:,}" if value is not None else ""


_env.filters["number"] = _number


def render_embed(view: WidgetView, part: bool) -> bytes:
    """The whole page (for an iframe), or only the widget (for /embed.js's shadow root)."""
    template = _env.get_template("_widget.html" if part else "embed.html")
    return template.render(view=view, style=STYLE, base=get_settings().base_url, part=part).encode()


# How wide each printable ASCII character is at 12 px, in tenths of a pixel, in DejaVu Sans
# (the badge's font on a stock Debian, measured in Chromium; Verdana is about as wide).
_WIDTHS = {
    "normal": "38 48 55 101 76 114 94 33 47 47 60 101 38 43 38 40 76 76 76 76 76 76 76 76 76 76 "
    "40 40 101 101 101 64 120 82 82 84 92 76 69 93 90 35 35 79 67 104 90 94 72 94 83 76 73 88 "
    "82 119 82 73 82 47 40 47 101 60 60 74 76 66 76 74 42 76 76 33 33 69 33 117 76 73 76 76 "
    "49 63 47 76 71 98 71 71 63 76 40 76 101",
    "bold": "42 55 63 101 83 120 105 37 55 55 63 101 46 50 46 44 83 83 83 83 83 83 83 83 83 83 "
    "48 48 101 101 101 70 120 93 91 88 100 82 82 98 100 45 45 93 76 119 100 102 88 102 92 86 "
    "82 97 93 132 93 87 87 55 44 55 101 60 60 81 86 71 86 81 52 86 85 41 41 80 41 125 85 82 86 "
    "86 59 71 57 85 78 111 77 78 70 85 44 85 101",
}
_ADVANCE = {
    weight: {chr(32 + i): int(w) / 10 for i, w in enumerate(row.split())}
    for weight, row in _WIDTHS.items()
}
PADDING = 6


def _text_width(text: str, weight: str = "normal") -> int:
    """How wide text is at 12 px, with room on both sides. A character outside the table
    (an accented or other letter in an area's name) counts as wide as a W; the badge also
    fits each text to its box (textLength), so another font cannot make it overflow."""
    advance = _ADVANCE[weight]
    return round(sum(advance.get(ch, 12.0) for ch in text)) + 2 * PADDING


def render_badge(view: WidgetView) -> bytes:
    """A badge image: "Health Movement | 23,456 citizens"."""
    label = "Health Movement" + (f" in {view.area}" if view.area else "")
    count = view.movement_total
    noun = "citizen" if count == 1 else "citizens"
    if len(view.options.programmes) == 1 and view.lines:  # one programme's badge
        count, noun = view.lines[0].count, view.lines[0].name
    value = f"{count:,} {noun}" if count is not None else f"{noun}: not shown"
    context: dict[str, object] = {
        "view": view,
        "label": label,
        "value": value,
        "label_width": _text_width(label),
        "value_width": _text_width(value, "bold"),
        "padding": PADDING,
    }
    return _env.get_template("badge.svg").render(**context).encode()
