"""What the producing stages hand to the writer: output files and the pages to render.

Render, share cards and search all produce `Output` values, and the write stage and the preview
consume them; keeping the type here lets each of them import it without importing another stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Progress = Callable[[int, int], None]
"""`on_progress(done, total)`: told as pages are rendered; the command line draws a bar."""


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site: `data` to write, or a `source` file to copy as it is."""

    path: str
    data: bytes | None = None
    source: Path | None = None


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to render: its output path, template and the variables only it gets."""

    path: str
    template: str
    link: str
    title: str
    description: str
    lang: str
    dir: str
    variables: dict[str, Any]
