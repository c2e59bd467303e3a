"""Problems found in a site, as values with a place.

Every stage reports problems by returning or collecting `Diagnostic` values instead of raising, so
that one build reports every problem at once (FORMAT.md section 7) and no content problem can end
in a traceback. Only the build decides, at the end, whether errors abort it.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _one_line(text: str) -> str:
    """`text` with control characters, line and paragraph separators and bidi overrides written
    as escapes (`\\n`, `\\x1b`, `\\u202e`)."""
    if text.isprintable():
        return text
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI_CONTROLS
        else ch
        for ch in text
    )


class Severity(Enum):
    """How bad a problem is; warnings become errors in --strict builds."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem at `path:line:col` (1-based; 0 means the whole file or line)."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        """One line, always: paths and messages quote content (file names, YAML keys), and a
        file named `a\n::error::x` must not print a second line that CI reads as its own (a
        GitHub Actions workflow command) or an escape sequence a terminal obeys."""
        path, message = _one_line(self.path), _one_line(self.message)
        return f"{path}:{self.line}:{self.col}: {self.severity.value}: {message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True, slots=True)
class Place:
    """Where a value came from, so that a later check can still point at it."""

    path: str
    line: int = 1
    col: int = 1

    def error(self, message: str) -> Diagnostic:
        return Diagnostic(self.path, self.line, self.col, Severity.ERROR, message)

    def warning(self, message: str) -> Diagnostic:
        return Diagnostic(self.path, self.line, self.col, Severity.WARNING, message)


class Report:
    """Collects diagnostics from every stage of one build."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []

    def add(self, diagnostic: Diagnostic) -> None:
        self._items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self._items.extend(diagnostics)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Diagnostic]:
        """Problems in the order the files sort, then by line, as FORMAT.md section 7 asks."""
        return sorted(set(self._items), key=lambda d: (d.path, d.line, d.col, d.message))

    def strict(self) -> Report:
        """The same report with every warning promoted to an error (`--strict`)."""
        promoted = Report()
        for item in self._items:
            promoted.add(Diagnostic(item.path, item.line, item.col, Severity.ERROR, item.message))
        return promoted

    @property
    def has_errors(self) -> bool:
        return any(item.is_error for item in self._items)

    @property
    def error_count(self) -> int:
        return sum(1 for item in set(self._items) if item.is_error)

    @property
    def warning_count(self) -> int:
        return sum(1 for item in set(self._items) if not item.is_error)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A ` (did you mean `x`?)` suffix naming the closest known name, or an empty string."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean `{matches[0]}`?)" if matches else ""
