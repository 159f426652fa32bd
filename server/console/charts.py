"""Charts drawn on the server: the shapes of an SVG chart, worked out here and drawn by
web/templates/console/_chart.html (so that every label is escaped like any other text).

No JavaScript: the page's Content-Security-Policy allows none inline, and a chart must
print. Each chart carries a one-sentence summary for screen readers (its accessible name);
the page shows its numbers in a table beside or under it. One colour per chart, dark
enough on white (the brand green, 9:1), so nothing depends on telling colours apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 560  # about the width it is shown at, so that its text is about the page's size
ROW = 34  # height of one bar in a bar chart
LABEL_WIDTH = 200  # room for the labels left of the bars
VALUE_ROOM = 110  # room for the value right of the longest bar
TICKS = 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str  # the value as text, written beside the bar or in its tooltip


@dataclass(frozen=True)
class Tick:
    at: float  # x (bar charts) or y (column charts) in the chart's units
    text: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str
    kind: str  # "columns" (a series over time) or "bars" (categories side by side)
    height: int
    bars: list[Bar]
    ticks: list[Tick] = field(default_factory=list)  # gridlines with their values
    labels: list[Tick] = field(default_factory=list)  # category labels under columns
    plot: tuple[float, float, float, float] = (0, 0, 0, 0)  # left, top, right, bottom
    width: int = WIDTH

    @property
    def empty(self) -> bool:
        return not self.bars


def number(value: float) -> str:
    """1,234 or 12.5: whole numbers without a decimal point."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def nice_scale(high: float) -> tuple[float, float]:
    """The top of the axis and the step between gridlines: 1, 2 or 5 times a power of
    ten, so that the gridlines read 0, 50, 100, 150 rather than 0, 37, 74."""
    if high <= 0:
        return TICKS, 1
    rough = high / TICKS
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude * TICKS >= high)
    step = max(step, 1)  # counts: no gridline at half an activity
    return step * math.ceil(high / step), step


def _extremes(points: Sequence[tuple[str, float]]) -> str:
    highest = max(points, key=lambda p: p[1])
    lowest = min(points, key=lambda p: p[1])
    latest = points[-1]
    return (
        f"highest {number(highest[1])} in {highest[0]}, lowest {number(lowest[1])} in "
        f"{lowest[0]}, latest {number(latest[1])} in {latest[0]}."
    )


def column_chart(
    chart_id: str, title: str, points: Sequence[tuple[str, float]], short: Sequence[str]
) -> Chart:
    """A series over time as columns, oldest first. `points` are (full label, value);
    `short` the labels written under the columns ("" to leave one out)."""
    height = 280
    left, top, right, bottom = 68.0, 16.0, WIDTH - 28.0, height - 40.0
    if not points:
        return Chart(chart_id, title, f"{title}: nothing to show.", "columns", height, [])
    high, step = nice_scale(max(v for _, v in points))
    band = (right - left) / len(points)
    bars, labels = [], []
    for i, ((label, value), under) in enumerate(zip(points, short, strict=True)):
        h = (bottom - top) * value / high
        x = left + i * band + band * 0.15
        bars.append(Bar(x, bottom - h, band * 0.7, h, label, number(value)))
        if under:
            labels.append(Tick(left + (i + 0.5) * band, under))
    ticks = [
        Tick(bottom - (bottom - top) * (n * step) / high, number(n * step))
        for n in range(int(round(high / step)) + 1)
    ]
    summary = f"{title}, {points[0][0]} to {points[-1][0]}: " + _extremes(points)
    return Chart(
        chart_id, title, summary, "columns", height, bars, ticks, labels, (left, top, right, bottom)
    )


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float]],
    units: Sequence[str] = (),
    width: int = WIDTH,
    label_width: int = LABEL_WIDTH,
) -> Chart:
    """Categories side by side as horizontal bars, each with its value written beside it
    (followed by its unit, such as "members", when `units` gives one per row)."""
    top = 8.0
    height = int(top * 2 + ROW * max(len(rows), 1))
    left, right = float(label_width), float(width - VALUE_ROOM)
    if not rows:
        return Chart(chart_id, title, f"{title}: nothing to show.", "bars", height, [])
    high, step = nice_scale(max(v for _, v in rows))
    units = list(units) or [""] * len(rows)
    bars = [
        Bar(
            left,
            top + i * ROW + 6,
            (right - left) * value / high,
            ROW - 12,
            label,
            f"{number(value)} {unit}".strip(),
        )
        for i, ((label, value), unit) in enumerate(zip(rows, units, strict=True))
    ]
    ticks = [
        Tick(left + (right - left) * (n * step) / high, number(n * step))
        for n in range(int(round(high / step)) + 1)
    ]
    listed = "; ".join(f"{bar.label} {bar.value}" for bar in bars)
    return Chart(
        chart_id,
        title,
        f"{title}: {listed}.",
        "bars",
        height,
        bars,
        ticks,
        [],
        (left, top, right, height - top),
        width,
    )
