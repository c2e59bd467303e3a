"""The state of one render call, carried in markdown-it's per-call `env` dict.

One `MarkdownIt` instance renders every file of a build, so no rule may keep anything on it or
on itself: the file being rendered, its first line, the link resolver and what is found in it
(diagnostics, mentions, lifted sections, TOC) travel in `env[ENV_KEY]`, and calls never share
state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.core.model import Heading
from sitegen.stages.markdown.interface import LinkResolver

ENV_KEY = "sitegen"


@dataclass(slots=True)
class Call:
    """Per-call data carried in `env`: the file being rendered and what was found in it."""

    path: str
    first_line: int
    resolver: LinkResolver
    lift_sections: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    mentions: dict[str, None] = field(default_factory=dict)
    sections: dict[str, Token] = field(default_factory=dict)
    toc: list[Heading] = field(default_factory=list)
    source: str = ""
    value_col: int | None = None
    """For a front-matter value: the file column it starts at. Its text is YAML's reading of the
    value, not the file's line, so a column inside it would point at the wrong character."""
    indent: int = 0
    """How far a block of front-matter Markdown (`a: |`) is indented in the file."""
    _source_lines: list[str] | None = None

    def place(self, line: int, col: int = 1) -> Place:
        return Place(self.path, self.first_line + line, col)

    def column_of(self, line: int, needle: str) -> int:
        """1-based column of `needle` in body line `line`, or 1 when it cannot be found."""
        if self.value_col is not None:
            return self.value_col
        if self._source_lines is None:  # split only when a problem is found: most files have none
            self._source_lines = self.source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if 0 <= line < len(self._source_lines):
            found = self._source_lines[line].find(needle)
            if found >= 0:
                return found + 1 + self.indent
        return 1


def call_of(state: StateCore) -> Call | None:
    """The call a core rule runs in, or None when markdown-it was given no `Call`."""
    call: Call | None = state.env.get(ENV_KEY)
    return call
