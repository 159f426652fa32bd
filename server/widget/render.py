"""The widget's HTML and the badge's SVG, made outside a request (they are kept and reused)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from server.settings import PROJECT_ROOT, get_settings
from server.widget.services import WidgetView

TEMPLATES = PROJECT_ROOT / "web" / "templates" / "widget"
STYLE = (PROJECT_ROOT / "web" / "static" / "css" / "embed.css").read_text().strip()
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


def _text_width(text: str) -> int:
    """Roughly how wide text is at 12 px (a badge has no fonts to measure with)."""
    return int(sum(4 if ch in " ,.il1" else 7.2 for ch in text)) + 12


def render_badge(view: WidgetView) -> bytes:
    """A badge image: "Health Movement | 23,456 citizens"."""
    label = "Health Movement" + (f" in {view.area}" if view.area else "")
    count, noun = view.movement_total, "citizens"
    if len(view.options.programmes) == 1 and view.lines:  # one programme's badge
        count, noun = view.lines[0].count, view.lines[0].name
    value = f"{count:,} {noun}" if count is not None else f"{noun}: not shown"
    context: dict[str, Any] = {
        "view": view,
        "label": label,
        "value": value,
        "label_width": _text_width(label),
        "value_width": _text_width(value),
    }
    return _env.get_template("badge.svg").render(**context).encode()
