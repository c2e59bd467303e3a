"""What the preview server shows and tells, kept apart from how it serves it.

After each rebuild the terminal gets a report, the open pages a LiveReload message naming what to
reload (a stylesheet alone is swapped in place), and while the last rebuild failed every page is
replaced by an error overlay that quotes the offending source lines. `PreviewState` holds that:
the rebuild threads reach it only through the IO loop's callbacks, so it needs no lock.
"""

from __future__ import annotations

import html
import json
from collections.abc import Collection
from pathlib import Path
from typing import Protocol, TextIO

from sitegen.core.diagnostics import Diagnostic
from sitegen.preview.incremental import Incremental, Rebuild
from sitegen.stages.load import theme_dir


class ReloadClient(Protocol):
    """An open page, as `PreviewState` sees it: something to send a LiveReload message to (the
    server's `LiveReloadSocket`, which registers itself in `PreviewState.clients`)."""

    def write_message(self, message: str) -> object: ...


class PreviewState:
    """What the server shows: the preview folder, or the error overlay after a failed rebuild,
    and the open pages to tell about each rebuild. Used from the IO loop's thread only."""

    def __init__(self, engine: Incremental, folder: Path, port: int, out: TextIO) -> None:
        self.engine = engine
        self.folder = folder.resolve()
        self.port = port
        self.out = out
        self.clients: set[ReloadClient] = set()
        self.failure: Rebuild | None = None

    @property
    def base_path(self) -> str:
        base = self.engine.base_url
        return base.path if base is not None else "/"

    def finished(self, result: Rebuild, changed: Collection[Path] | None) -> None:
        """Report a rebuild in the terminal and tell the open pages what to reload."""
        failed_before = self.failure is not None
        for diagnostic in result.report:
            print(diagnostic, file=self.out)
        if not result.ok:
            self.failure = result
            print(
                f"rebuild failed: {result.report.error_count} error(s); the browser shows them "
                "until they are fixed",
                file=self.out,
                flush=True,
            )
            self._send(self.base_path)
            return
        self.failure = None
        print(
            f"rebuilt in {result.seconds:.3f} s ({result.cpu_seconds:.3f} s CPU): "
            f"{len(result.rendered)} rendered, "
            f"{len(result.written)} written, {len(result.deleted)} deleted",
            file=self.out,
            flush=True,
        )
        changed_outputs = [*result.written, *result.deleted]
        if failed_before or (changed is None and changed_outputs):
            self._send(self.base_path)
        elif changed_outputs and all(path.endswith(".css") for path in changed_outputs):
            for path in changed_outputs:
                self._send(self.base_path + path)
        elif changed_outputs:
            self._send(self.base_path + changed_outputs[0])

    def indexed(self, changed: list[str], problems: list[Diagnostic]) -> None:
        """Report share cards and a search index brought up to date; open pages need no reload
        (cards show only where the page is shared, the search page fetches the index when it
        is used)."""
        for diagnostic in problems:
            print(diagnostic, file=self.out)
        if changed:
            print(
                f"share cards and search index updated: {len(changed)} files",
                file=self.out,
                flush=True,
            )

    def _send(self, path: str) -> None:
        message = json.dumps({"command": "reload", "path": path, "liveCSS": True})
        for client in list(self.clients):
            client.write_message(message)

    def overlay(self) -> bytes:
        """The error page shown in place of every page while the last rebuild failed."""
        assert self.failure is not None
        items = "\n".join(self._overlay_item(d) for d in self.failure.report if d.is_error)
        return (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>Build failed - sitegen preview</title>"
            "<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#222}"
            "h1{color:#b00020}li{margin:0 0 1.2rem}code,pre{font:14px ui-monospace,monospace}"
            "pre{background:#fff4f4;border-left:4px solid #b00020;padding:.5rem 1rem;"
            "overflow:auto}</style></head><body>"
            "<h1>The site could not be built</h1>"
            "<p>Fix the problems below and save: this page reloads by itself.</p>"
            f"<ol>{items}</ol></body></html>\n"
        ).encode()

    def _overlay_item(self, diagnostic: Diagnostic) -> str:
        line = self._source_line(diagnostic)
        shown = f"<pre>{diagnostic.line:>5} | {html.escape(line)}</pre>" if line else ""
        return f"<li><code>{html.escape(str(diagnostic))}</code>{shown}</li>"

    def _source_line(self, diagnostic: Diagnostic) -> str | None:
        theme_prefix = "(built-in theme)/"
        if diagnostic.path.startswith(theme_prefix):
            path = theme_dir() / "templates" / diagnostic.path[len(theme_prefix) :]
        else:
            path = self.engine.root / diagnostic.path
        if diagnostic.line < 1:
            return None
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        return lines[diagnostic.line - 1] if diagnostic.line <= len(lines) else None

    def script(self) -> bytes:
        return f'<script src="/livereload.js?port={self.port}"></script>'.encode()
