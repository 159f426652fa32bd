"""The benchmark's one table: every figure beside its goal, and a mark on any that misses.

Pure functions only (tests/test_bench.py checks them with figures written by hand); the
measuring is in bench/run.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

# The public addresses answer at least this share of the bare Litestar app's requests a
# second, on the same server with the same workers, measured in the same run (issue 17).
SHARE_OF_BARE_GOAL = 0.8
MISSED = "**missed**"


class Throughput(Protocol):
    """What wrk measured for one address (bench.run.WrkResult)."""

    @property
    def label(self) -> str: ...
    @property
    def requests_per_second(self) -> float: ...
    @property
    def p50_ms(self) -> float: ...
    @property
    def p99_ms(self) -> float: ...
    @property
    def errors(self) -> int: ...


@dataclass(frozen=True)
class Figure:
    """One row of the table. met is None for a figure with no goal."""

    name: str
    measured: str
    goal: str = ""
    met: bool | None = None


def share(result: Throughput, bare: Throughput) -> float:
    """The address's requests a second as a share of the bare app's (0 if it made none)."""
    if bare.requests_per_second <= 0:
        return 0.0
    return result.requests_per_second / bare.requests_per_second


def shown(ratio: float) -> str:
    """A share to two decimals, rounded down: a miss never reads as the goal (0.799 is
    0.79, not 0.80)."""
    return f"{math.floor(ratio * 100 + 1e-9) / 100:.2f}"


def throughput_figures(
    results: Sequence[Throughput], bare: Throughput, with_goal: Sequence[str]
) -> list[Figure]:
    """The bare app's row, then one row per address: its requests a second, latency and
    share of the bare app's; the labels in with_goal must reach SHARE_OF_BARE_GOAL, and any
    address with an error answer misses (whatever its speed)."""
    rows = [
        Figure(
            f"`{bare.label}` (bare Litestar app, the floor)",
            f"{bare.requests_per_second:,.0f}/s (p50 {bare.p50_ms:.1f} ms, "
            f"p99 {bare.p99_ms:.1f} ms)",
            "no errors",
            bare.errors == 0,
        )
    ]
    for result in results:
        ratio = share(result, bare)
        errors = f", {result.errors:,} errors" if result.errors else ""
        measured = (
            f"{result.requests_per_second:,.0f}/s, **{shown(ratio)}×** "
            f"(p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms{errors})"
        )
        if result.label in with_goal:
            goal = f"≥ {SHARE_OF_BARE_GOAL:g}× of bare, no errors"
            met = ratio >= SHARE_OF_BARE_GOAL and not result.errors
        else:
            goal, met = "no errors", not result.errors
        rows.append(Figure(f"`{result.label}`", measured, goal, met))
    return rows


def timing_figure(name: str, timings_ms: Sequence[float], goal_ms: float | None) -> Figure:
    """Timed requests: the median and the slowest; the goal (if any) is for the slowest."""
    ordered = sorted(timings_ms)
    if not ordered:
        return Figure(name, "not measured")
    measured = f"p50 {ordered[len(ordered) // 2]:.1f} ms, slowest {ordered[-1]:.1f} ms"
    if goal_ms is None:
        return Figure(name, measured)
    return Figure(name, measured, f"slowest < {goal_ms:g} ms", ordered[-1] < goal_ms)


def seconds_figure(name: str, seconds: float, goal: float | None, note: str = "") -> Figure:
    """A duration in seconds, under a goal in seconds (if any)."""
    measured = f"{seconds:.2f} s{note}"
    if goal is None:
        return Figure(name, measured)
    return Figure(name, measured, f"< {goal:g} s", seconds < goal)


def megabytes_figure(name: str, mb: float, goal: float | None) -> Figure:
    """A size in MB, under a goal in MB (if any)."""
    measured = f"{mb:.0f} MB"
    if goal is None:
        return Figure(name, measured)
    return Figure(name, measured, f"< {goal:g} MB", mb < goal)


def mark(figure: Figure) -> str:
    return MISSED if figure.met is False else ""


def markdown(figures: Sequence[Figure]) -> str:
    """The table, ready for the README."""
    lines = ["| figure | measured | goal | |", "|---|---|---|---|"]
    for f in figures:
        lines.append(f"| {f.name} | {f.measured} | {f.goal or '—'} | {mark(f)} |")
    return "\n".join(lines)


def missed(figures: Sequence[Figure]) -> list[str]:
    """The names of the figures that miss their goal."""
    return [f.name for f in figures if f.met is False]


def comparison(
    columns: Sequence[str], rows: Sequence[str], cells: Mapping[tuple[str, str], Throughput]
) -> str:
    """The server comparison: one column per server and worker count, one row per address;
    each cell the requests a second and, below the bare app's own row, the share of the
    bare app's in that column. The first row is the bare app."""
    lines = [
        "| address | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for row in rows:
        out = []
        for column in columns:
            cell = cells.get((column, row))
            bare = cells.get((column, rows[0]))
            if cell is None:
                out.append("—")
            elif row == rows[0] or bare is None:
                out.append(f"{cell.requests_per_second:,.0f}/s")
            else:
                out.append(f"{cell.requests_per_second:,.0f}/s ({shown(share(cell, bare))}×)")
        lines.append(f"| `{row}` | " + " | ".join(out) + " |")
    return "\n".join(lines)
