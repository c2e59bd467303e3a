"""The preview's load and parse stages, keeping what they read and parsed between rebuilds.

A rebuild after an edit should not walk the site and parse every file again: `Loader` re-reads
only the files an edit touched, through the load stage's own reading function so that a file
the build refuses is refused here too, and walks the site again whenever that is not enough;
`Parser` keeps each content file's source record while its bytes and the settings are the same.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

from sitegen.core.diagnostics import Diagnostic, Report
from sitegen.core.model import SiteConfig
from sitegen.stages.config import zone_of
from sitegen.stages.load import Kind, SiteFiles, SourceFile, load_site, read_source
from sitegen.stages.parse import parse_file
from sitegen.stages.records import ExplainerSource, ParsedSource


class Loader:
    """The load stage, re-reading only the files an edit touched when that is safe."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.files: SiteFiles | None = None
        self.problems: list[Diagnostic] = []
        self.edited: tuple[SourceFile, ...] = ()
        """The content files the last load re-read, when that is all it did (no settings,
        static file, template or new or deleted file among the changes); else empty."""
        self._plain = False
        """True when no content file is reached through a symlink: then a file's bytes change
        only through an event on that very file."""
        self._index: dict[str, int] = {}

    def load(self, changed: Collection[Path] | None) -> tuple[SiteFiles, list[Diagnostic]]:
        """The site's files; `changed` (absolute paths) lists what changed, None for "unknown"."""
        self.edited = ()
        quick = self._reread(changed) if changed is not None else None
        if quick is not None:
            self.files = quick
            return quick, self.problems
        files, problems = load_site(self.root)
        self.files, self.problems = files, problems
        self._plain = all(
            os.path.realpath(self.root / file.path) == str(self.root / file.path)
            for file in files.content
        )
        self._index = {file.path: number for number, file in enumerate(files.content)}
        return files, problems

    def _reread(self, changed: Collection[Path]) -> SiteFiles | None:
        """The known files with the changed content files re-read; None when a full walk is
        needed: for anything but a known content file or static file (the settings file
        included, which only the walk reads), and for a content file the load stage's
        `read_source` refuses (too large, unreadable), so that the walk reports it exactly as
        `sitegen build` does."""
        files = self.files
        if files is None or not self._plain:
            return None
        static_sources = set(files.static.values())
        content = list(files.content)
        edited: list[SourceFile] = []
        for path in changed:
            rel = _relative(path, self.root)
            if not path.is_file() or path.is_symlink():
                return None
            if rel in self._index:
                number = self._index[rel]
                raw, problems = read_source(self.root, content[number])
                if raw is None or problems:
                    return None
                content[number] = replace(content[number], raw=raw)
                edited.append(content[number])
            elif path not in static_sources:
                return None
        if len(edited) == len(changed):
            self.edited = tuple(edited)
        return replace(files, content=tuple(content))


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


class Parser:
    """The parse stage with each file's record kept for as long as its bytes and settings."""

    def __init__(self, drafts: bool) -> None:
        self.drafts = drafts
        self._settings: SiteConfig | None = None
        self._done: dict[str, tuple[bytes, ParsedSource | None, list[Diagnostic]]] = {}

    def parse(self, files: SiteFiles, config: SiteConfig, report: Report) -> list[ParsedSource]:
        if config != self._settings:
            self._settings, self._done = config, {}
        zone = zone_of(config)
        done: dict[str, tuple[bytes, ParsedSource | None, list[Diagnostic]]] = {}
        for file in files.content:
            key = f"{file.kind.value}:{file.path}"
            kept = self._done.get(key)
            if kept is None or kept[0] != file.raw:
                source, problems = parse_file(file, config, zone, self.drafts)
                kept = (file.raw, source, problems)
            done[key] = kept
            report.extend(kept[2])
        self._done = done
        return [source for _raw, source, _problems in done.values() if source is not None]

    def reparse(self, files: Sequence[SourceFile]) -> list[ExplainerSource] | None:
        """The new records of edited explainers that were, and still are, free of problems;
        None when any is not, so that a full rebuild reports in file order."""
        config = self._settings
        if config is None:
            return None
        sources: list[ExplainerSource] = []
        for file in files:
            key = f"{file.kind.value}:{file.path}"
            kept = self._done.get(key)
            if file.kind is not Kind.EXPLAINER or kept is None or kept[2]:
                return None
            source, problems = parse_file(file, config, zone_of(config), self.drafts)
            self._done[key] = (file.raw, source, problems)
            if problems or not isinstance(source, ExplainerSource):
                return None
            sources.append(source)
        return sources
