"""What the preview writes besides rendering: its output folder, share cards and search index.

The preview serves a folder that must end up equal to what `sitegen build` writes, while the
server reads it at any moment: `OutputFolder` writes only the files whose bytes changed, each
through a temporary file and a rename. Share cards (`ShareCards`) and the search index
(`SearchJob`) are slow next to an edit's pages, so they are redone apart from the rebuild, only
for what changed, on whichever thread catches up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from sitegen.core.diagnostics import Diagnostic
from sitegen.core.model import Explainer, Site
from sitegen.core.outputs import Output
from sitegen.stages.search import search_outputs
from sitegen.stages.share import cache_usable, card_of, save_card, share_path, wants_card


class OutputFolder:
    """The preview's output folder, written file by file: only changed bytes touch the disk."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._data: dict[str, bytes] = {}
        self._static: dict[str, tuple[Path, int, int]] = {}

    def update(
        self,
        data: dict[str, bytes],
        static: dict[str, Path],
        touched: Collection[Path],
        fixed: dict[str, Path] | None = None,
    ) -> tuple[list[str], list[str]]:
        """Make the folder hold `data` and copies of `static` and of `fixed` (files named after
        what they hold, such as share cards, so copied only when another file is named);
        returns (written, deleted)."""
        fixed = fixed or {}
        written = [path for path, bytes_ in data.items() if self._data.get(path) != bytes_]
        for path in written:
            self._write(path, data[path])
        static_now: dict[str, tuple[Path, int, int]] = {}
        for path, source in static.items():
            try:
                info = source.stat()
                signature = (source, info.st_size, info.st_mtime_ns)
                if self._static.get(path) != signature or source in touched:
                    self._write(path, source.read_bytes())
                    written.append(path)
            except OSError:  # deleted since it was listed: the deletion's event rebuilds again
                continue
            static_now[path] = signature
        for path, source in fixed.items():
            known = self._static.get(path)
            if known is None or known[0] != source:
                try:
                    self._write(path, source.read_bytes())
                except OSError:
                    continue
                written.append(path)
            static_now[path] = (source, 0, 0)
        deleted = sorted({*self._data, *self._static} - {*data, *static, *fixed})
        for path in deleted:
            self._delete(path)
        self._data, self._static = dict(data), static_now
        return written, deleted

    def put(self, data: dict[str, bytes]) -> list[str]:
        """Write the outputs of `data` whose bytes changed (all of them already known: only
        their bytes differ); returns those written."""
        written = [path for path, bytes_ in data.items() if self._data[path] != bytes_]
        for path in written:
            self._write(path, data[path])
            self._data[path] = data[path]
        return written

    def _write(self, path: str, data: bytes) -> None:
        """Write through a temporary file, so the server never sends a half-written page."""
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)

    def _delete(self, path: str) -> None:
        target = self.out / path
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != self.out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


class ShareCards:
    """The share cards of the explainers, redone only for explainers that changed: only new
    explainer values get their card looked up, or drawn, so an edit costs one card. Cards are
    drawn one at a time with `between()` called before each, so that background drawing can
    give way to a rebuild. Cards no longer used stay in the cache until the next
    `sitegen build` prunes it; where the cache may not be written (see `share_images`), the
    preview shows no cards."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._known: dict[str, tuple[Explainer, str, Path]] = {}

    def update(self, site: Site, between: Callable[[], None]) -> dict[str, Path]:
        """Output path -> cached PNG, for every explainer that gets a card."""
        wanted = [explainer for explainer in site.explainers if wants_card(site, explainer)]
        if wanted and not cache_usable(self.cache):
            return {}
        known = {}
        for explainer in wanted:
            if not self._kept(explainer):
                between()
            known[explainer.source_path] = self._card(site, explainer)
        self._known = known
        return {path: png for _explainer, path, png in known.values()}

    def _kept(self, explainer: Explainer) -> bool:
        known = self._known.get(explainer.source_path)
        return known is not None and known[0] is explainer

    def _card(self, site: Site, explainer: Explainer) -> tuple[Explainer, str, Path]:
        if self._kept(explainer):
            return self._known[explainer.source_path]
        card = card_of(site, explainer)
        png = self.cache / f"{card.key()}.png"
        if not png.is_file() or png.is_symlink():  # a committed link is replaced, not followed
            save_card(png, card)
        return explainer, share_path(site, explainer), png


@dataclass(frozen=True, slots=True)
class SearchJob:
    """The pages to index, as they were after one rebuild."""

    generation: int
    site: Site
    pages: list[Output]

    def run(self) -> tuple[list[Output], list[Diagnostic]]:
        """Index the pages (Pagefind: seconds on a large site; touches no engine state)."""
        return search_outputs(self.site, self.pages, gentle=True)
