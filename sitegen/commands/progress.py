"""A progress bar for long builds, drawn by the command line, never by the pipeline.

The build calls an optional `on_progress(done, total)`; this module turns those calls into one
line on a terminal, redrawn in place with a carriage return. When the stream is not a terminal
(a CI log, a pipe) nothing is drawn, so logs stay free of control characters; short builds draw
nothing either, so a quick rebuild does not flash a bar.
"""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 30
DELAY = 0.5
"""Seconds before the bar first appears."""
INTERVAL = 0.1
"""Seconds between redraws."""


class ProgressBar:
    """`on_progress` for the build; `close()` clears the line before the summary is printed."""

    def __init__(self, stream: TextIO, label: str = "building") -> None:
        self.stream = stream
        self.label = label
        self.enabled = _is_terminal(stream)
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if now - self.started < DELAY or (now - self.last_drawn < INTERVAL and done < total):
            return
        self.last_drawn = now
        self.drawn = True
        self.stream.write("\r" + line(done, total, self.label))
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.drawn = False


def line(done: int, total: int, label: str) -> str:
    """`building [#########.....]  312/1180`."""
    filled = WIDTH * done // total
    return f"{label} [{'#' * filled}{'.' * (WIDTH - filled)}] {done:>{len(str(total))}}/{total}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
