"""The demo loader's progress bar (`movement demo`)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

Progress = Callable[[str, int, int], None]  # stage, done, total
WIDTH = 30  # characters of the bar
EVERY = 0.5  # seconds between redraws of a line


def printer(out: TextIO | None = None, terminal: bool | None = None) -> Progress:
    """A progress callback for load_demo. On a terminal: one line per stage, redrawn in
    place at most every EVERY seconds, with a bar, the counts and the seconds since the
    start. Into a file or a pipe: only each stage's last line, once it is done, so a log
    gets a few lines rather than hundreds of redraws."""
    stream = out or sys.stdout
    return _Printer(stream, stream.isatty() if terminal is None else terminal)


@dataclass
class _Printer:
    out: TextIO
    terminal: bool
    started: float = field(default_factory=time.monotonic)
    stage: str = ""
    drawn: float = 0.0  # when the line was last drawn
    open: bool = False  # a line is drawn and not finished

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = done >= total
        line = _line(stage, done, total, now - self.started)
        if not self.terminal:
            if finished:
                print(line, file=self.out, flush=True)
            return
        if stage == self.stage and not finished and now - self.drawn < EVERY:
            return
        if stage != self.stage and self.open:
            print(file=self.out)  # the last stage stopped short of its total: keep its line
        self.stage, self.drawn, self.open = stage, now, not finished
        print("\r" + line, end="\n" if finished else "", file=self.out, flush=True)


def _line(stage: str, done: int, total: int, seconds: float) -> str:
    share = min(1.0, done / total) if total else 1.0
    bar = "#" * int(share * WIDTH)
    return f"{stage:<16} [{bar:<{WIDTH}}] {done:>9,}/{total:<9,} {seconds:6.1f} s"
