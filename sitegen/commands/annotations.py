"""Diagnostics printed for people, for programs (JSON) and for GitHub Actions (annotations).

`sitegen check --format github` prints workflow commands, `::error file=...,line=...::message`,
so that a pull request shows each problem on the line it is about. The escaping follows the
workflow-command rules of GitHub's actions/toolkit (`command.ts`): `%`, CR and LF in the message,
and additionally `:` and `,` in property values, which would otherwise end the value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import PurePath

from sitegen.core.diagnostics import Diagnostic, Severity

FORMATS = ("text", "json", "github")


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF percent-encoded (`%` first)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as a message, plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diagnostic: Diagnostic, prefix: PurePath | None = None) -> str:
    """`::error file=PATH,line=L,col=C::message` (`::warning` for warnings).

    `prefix` is the site folder relative to the repository root, because GitHub resolves `file`
    from the root of the checkout while diagnostics are relative to the site folder. A line or
    column of 0 (the whole file, the whole line) is left out rather than sent as 0.
    """
    command = "error" if diagnostic.severity is Severity.ERROR else "warning"
    path = _joined(prefix, diagnostic.path)
    properties = [f"file={escape_property(path)}"]
    if diagnostic.line > 0:
        properties.append(f"line={diagnostic.line}")
        if diagnostic.col > 0:
            properties.append(f"col={diagnostic.col}")
    return f"::{command} {','.join(properties)}::{escape_data(diagnostic.message)}"


def to_json(diagnostics: Iterable[Diagnostic], prefix: PurePath | None = None) -> str:
    """A JSON list of `{path, line, col, severity, message}` objects, in report order."""
    items = [
        {
            "path": _joined(prefix, item.path),
            "line": item.line,
            "col": item.col,
            "severity": item.severity.value,
            "message": item.message,
        }
        for item in diagnostics
    ]
    return json.dumps(items, ensure_ascii=False, indent=2)


def render(
    diagnostics: Iterable[Diagnostic], style: str, prefix: PurePath | None = None
) -> list[str]:
    """The lines to print for `diagnostics` in `style` (one of FORMATS)."""
    if style == "json":
        return [to_json(diagnostics, prefix)]
    if style == "github":
        return [github(item, prefix) for item in diagnostics]
    return [str(item) for item in diagnostics]


def _joined(prefix: PurePath | None, path: str) -> str:
    """The diagnostic's path seen from the current folder; theme paths stay as they are."""
    if prefix is None or str(prefix) in ("", ".") or path.startswith("("):
        return path
    return (prefix / path).as_posix()


def plural(count: int, noun: str) -> str:
    """`1 explainer`, `2 explainers`: for the one-line summaries."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
