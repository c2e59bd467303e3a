"""The build cache in `<site>/.sitegen-cache/`: what an earlier build already worked out.

Five things are kept, so that a rebuild redoes only what an edit invalidated:

- parsed front matter: each content file's source record and problems, keyed by a hash of its
  path and bytes (a file whose size and modification time are unchanged is not even read);
- rendered Markdown (`markdown_memo`): each piece's HTML with every question it asked the rest
  of the site and the answers, reused only while the site answers the same;
- assembled explainers (`assembled`), keyed by their record, URL and the site-wide tables;
- page records (`pages`): what each page of the last successful build was made from and the
  file it was written to, so that a build renders only the pages an edit reaches;
- a stamp of the last successful build: every input's size and time, the output folder's
  listing and the report. When nothing differs, a build does nothing at all.

Everything is invalidated by sitegen's version, the settings, the templates and the options
that change output (`--base-url`, `--drafts`): they form the cache's *generation*.

The first three are entries, kept in segments written once (`save_entries`). Its files are
signed (`signed`), so nothing planted in a site folder is ever unpickled; a
missing, stale or unreadable store only makes the build slower.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sitegen.core.diagnostics import Diagnostic
from sitegen.engine.compact import pack_pickle, unpack_pickle
from sitegen.engine.fingerprints import digest, markdown_key, stat_key
from sitegen.engine.signed import read_signed, signing_key, write_signed

if TYPE_CHECKING:  # the store is read before a build knows it must render anything
    from sitegen.stages.assemble import ExplainerHead
    from sitegen.stages.load import SiteFiles

CACHE_DIR = ".sitegen-cache"
"""In the site folder; safe to delete at any time."""
_HEADER_FILE = "entries-header.pickle"
"""The generation, the files' stat keys and the list of segments holding the entries. Named
anew when the layout of the entries changes (it was `build.pickle`, `entries.pickle` and
`entries-lz4.pickle` before), so that another sitegen of the same version never misreads it."""
_SEGMENT_PREFIX = "segment-"
_GARBAGE = 2
"""Segments are merged once they hold this many times the entries a build used."""
_PACKED = 100
"""Entries counted for one packed batch of Markdown renderings (a worker packs up to a
run's worth of them)."""
_STAMP_FILE = "stamp.pickle"
_PAGES_FILE = "page-records.pickle"
"""Named anew when the records' layout changes (it was `pages.pickle`)."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Stamp:
    """The last successful build, as far as deciding "nothing changed" needs."""

    inputs: bytes
    """Hash of the generation, the options and every input file's stat key."""
    output: bytes
    """`folder_listing` of the output folder right after the build."""
    diagnostics: tuple[Diagnostic, ...]
    files: int


@dataclass(slots=True)
class Fresh:
    """What one process added to or used from the cache, to be merged into the parent's."""

    parsed: dict[bytes, Any] = field(default_factory=dict)
    markdown: dict[bytes, Any] = field(default_factory=dict)
    assembled: dict[bytes, Any] = field(default_factory=dict)
    used_parsed: set[bytes] = field(default_factory=set)
    used_markdown: set[bytes] = field(default_factory=set)
    used_assembled: set[bytes] = field(default_factory=set)
    packed: list[bytes] = field(default_factory=list)
    """Markdown renderings only kept to be saved, as compressed pickles of entries."""
    pages: dict[str, Any] = field(default_factory=dict)
    """Output path -> what the page was made from (`sitegen.engine.pages.PageRecord`)."""
    read_values: dict[tuple[Any, ...], bytes] = field(default_factory=dict)
    """What the pages' reads of the site gave (`sitegen.engine.pages.ReadValues`)."""


class BuildCache:
    """The cache of one site folder for one generation; empty when the stored one is stale."""

    def __init__(self, root: Path, generation_key: bytes) -> None:
        self.folder = root / CACHE_DIR
        self.generation = generation_key
        self._key = signing_key()
        self.parsed: dict[bytes, Any] = {}
        self.markdown: dict[bytes, Any] = {}
        self.assembled: dict[bytes, Any] = {}
        """Explainers as assembled, keyed by their record, URL and the site-wide tables."""
        self.stats: dict[str, tuple[tuple[int, int, int], bytes]] = {}
        self.pages: dict[str, Any] = {}
        """The last successful build's page records, which describe the output it left."""
        self.read_values: dict[tuple[Any, ...], bytes] = {}
        """What the reads of those pages gave."""
        self.fresh = Fresh()
        self._seen: dict[str, tuple[int, int, int] | None] = {}
        """Each content file's stat key as `inputs_key` found it: one stat per file a build."""
        self._segments: list[str] = []
        self._written = 0
        """Entries in the segments, replaced or not: what merging them would drop is the rest."""

    def load(self) -> None:
        """Read the stored entries: only once the stamp has shown that a build is needed, and
        before workers fork, so that they share one copy."""
        pages = read_signed(self.folder / _PAGES_FILE, self._key) or [{}, {}, {}]
        if self._current(pages[0]):
            self.pages, self.read_values = pages[1], pages[2]
        header = (read_signed(self.folder / _HEADER_FILE, self._key) or [None])[0]
        if not self._current(header):
            return
        assert isinstance(header, dict)
        segments: list[str] = header["segments"]
        stored = [read_signed(self.folder / name, self._key) for name in segments]
        if any(found is None for found in stored):  # a segment lost: start afresh
            return
        self.stats = header["stats"]
        self._segments, self._written = segments, header["written"]
        for found in stored:
            for table, entries in found or ():
                found_entries = unpack_pickle(entries) if isinstance(entries, bytes) else entries
                self._table(table).update(found_entries)

    def _table(self, name: str) -> dict[bytes, Any]:
        tables = {"parsed": self.parsed, "markdown": self.markdown, "assembled": self.assembled}
        return tables[name]

    def _current(self, header: object) -> bool:
        return isinstance(header, dict) and header.get("generation") == self.generation

    def inputs_key(self, files: SiteFiles, out: Path, strict: bool) -> bytes:
        """Everything a build reads, by size, time and inode, with the options that shape it:
        equal to the last stamp's, and with the output as it was left, nothing needs doing."""
        parts: list[bytes | str] = [self.generation, str(out.resolve()), str(strict)]
        root = str(files.root)
        for file in files.content:
            found = self._seen[file.path] = stat_key(os.path.join(root, file.path))
            parts += [file.path, repr(found)]
        for path, source in files.static.items():
            parts += [path, str(source), repr(stat_key(source))]
        return digest(*parts)

    # parsed front matter

    def file_key(
        self, path: str, real: Path | str
    ) -> tuple[bytes | None, tuple[int, int, int] | None]:
        """The content key of a file whose stat key is unchanged since it was last hashed."""
        key = self._seen[path] if path in self._seen else stat_key(real)
        known = self.stats.get(path)
        if key is not None and known is not None and known[0] == key:
            return known[1], key
        return None, key

    def unparsed(self, paths: Iterable[tuple[str, Path | str]]) -> int:
        """How many of these files changed since they were parsed (by size, time and inode)."""
        return sum(1 for path, real in paths if self.file_key(path, real)[0] is None)

    def unrendered(self, explainers: Sequence[ExplainerHead]) -> int:
        """How many of these explainers' bodies have no rendering in the cache.

        With none cached (a first build) that is all of them, counted without reading a body:
        each key means unpacking and hashing one, in the one process that every worker waits
        for."""
        if not self.markdown:
            return len(explainers)
        return sum(
            1
            for source in explainers
            if markdown_key("body", source.path, source.body.place.line, True, source.body.text)
            not in self.markdown
        )

    def get_assembled(self, key: bytes) -> Any:
        found = self.assembled.get(key)
        if found is not None:
            self.fresh.used_assembled.add(key)
        return found

    def put_assembled(self, key: bytes, value: Any) -> None:
        self.assembled[key] = self.fresh.assembled[key] = value

    def get_parsed(self, key: bytes) -> Any:
        found = self.parsed.get(key)
        if found is not None:
            self.fresh.used_parsed.add(key)
        return found

    def put_parsed(self, key: bytes, value: Any) -> None:
        self.parsed[key] = self.fresh.parsed[key] = value

    # merging what workers did

    def take_fresh(self, *, pack: bool = False, forget: bool = False) -> Fresh:
        """What this process added or used since the last call (sent back from a worker).

        With `pack`, the Markdown renderings added are handed over compressed and dropped here:
        each piece is rendered once per build, so after its stage they are kept only to be
        saved, and live they take about as much memory as the explainers made from them. With
        `forget`, everything added is dropped here: a worker sends it to the process that saves
        the cache and never looks it up again, and would otherwise hold its whole share of the
        site until it exits.
        """
        fresh, self.fresh = self.fresh, Fresh()
        if forget:
            for key in fresh.parsed:
                del self.parsed[key]
            for key in fresh.assembled:
                del self.assembled[key]
        if pack or forget:
            for key in fresh.markdown:
                del self.markdown[key]
        if pack:
            batches = _batches("markdown", fresh.markdown, list(fresh.markdown))
            fresh.packed += [pack_pickle(entries) for _name, entries in batches]
            fresh.markdown = {}
        return fresh

    def absorb(self, fresh: Fresh) -> None:
        self.parsed.update(fresh.parsed)
        self.markdown.update(fresh.markdown)
        self.assembled.update(fresh.assembled)
        self.fresh.parsed.update(fresh.parsed)
        self.fresh.markdown.update(fresh.markdown)
        self.fresh.assembled.update(fresh.assembled)
        self.fresh.used_parsed |= fresh.used_parsed
        self.fresh.used_markdown |= fresh.used_markdown
        self.fresh.used_assembled |= fresh.used_assembled
        self.fresh.packed += fresh.packed
        self.fresh.pages.update(fresh.pages)
        self.fresh.read_values.update(fresh.read_values)

    def note_page(self, path: str, record: object) -> None:
        self.fresh.pages[path] = record

    def note_reads(self, values: dict[tuple[Any, ...], bytes]) -> None:
        self.fresh.read_values.update(values)

    # the stamp

    def stamp(self) -> Stamp | None:
        found = read_signed(self.folder / _STAMP_FILE, self._key) or [None]
        return found[0] if isinstance(found[0], Stamp) else None

    def save_entries(self, stats: dict[str, tuple[tuple[int, int, int], bytes]]) -> None:
        """Keep the entries this build added, then let go of them all: pages are rendered from
        the site model, and a big site's rendering workers should not inherit a copy of the
        store.

        The entries are kept in segments, each written once. A build that added a few entries
        writes them as one new segment beside the others, so that a small edit does not write
        the whole store again; once the segments hold more than `_GARBAGE` times the entries
        this build used (the rest replaced or no longer used), the used ones are written
        anew as one segment and the others deleted, so the store does not grow without end.
        """
        used = self.fresh
        tables = {"parsed": self.parsed, "markdown": self.markdown, "assembled": self.assembled}
        keys = {
            "parsed": used.used_parsed | used.parsed.keys(),
            "markdown": used.used_markdown | used.markdown.keys(),
            "assembled": used.used_assembled | used.assembled.keys(),
        }
        live = sum(len(found) for found in keys.values()) + _PACKED * len(used.packed)
        added = len(used.parsed) + len(used.markdown) + len(used.assembled) + len(used.packed)
        if self._segments and self._written + added <= _GARBAGE * live:
            if added or stats != self.stats:
                fresh = {
                    "parsed": used.parsed,
                    "markdown": used.markdown,
                    "assembled": used.assembled,
                }
                added_keys = {name: entries.keys() for name, entries in fresh.items()}
                self._save_segments(self._segments, fresh, added_keys, used.packed, stats)
        else:
            self._save_segments([], tables, keys, used.packed, stats)
        self.parsed, self.markdown, self.assembled = {}, {}, {}
        self.stats, self.fresh = stats, Fresh()

    def _save_segments(
        self,
        kept: list[str],
        tables: dict[str, dict[bytes, Any]],
        keys: Mapping[str, Iterable[bytes]],
        packed: list[bytes],
        stats: dict[str, tuple[tuple[int, int, int], bytes]],
    ) -> None:
        """Write one segment of the entries of `tables` under `keys`, and a header listing the
        segments `kept` and it; delete the segments no longer listed."""
        batches = [
            *(
                batch
                for name, found in keys.items()
                for batch in _batches(name, tables[name], found)
            ),
            # Last: a piece rendered again in a worker replaces its earlier rendering.
            *(("markdown", entries) for entries in packed),
        ]
        written = sum(len(entries) for _name, entries in batches if isinstance(entries, dict))
        written += _PACKED * len(packed)
        self._written = (self._written if kept else 0) + written
        kept = list(kept)
        if batches:
            name = f"{_SEGMENT_PREFIX}{secrets.token_hex(8)}.pickle"
            write_signed(self.folder / name, self._key, batches)
            kept.append(name)
        header = {
            "generation": self.generation,
            "stats": stats,
            "segments": kept,
            "written": self._written,
        }
        write_signed(self.folder / _HEADER_FILE, self._key, [header])
        self._segments = kept
        for old in self.folder.glob(f"{_SEGMENT_PREFIX}*"):
            if old.name not in kept:
                old.unlink(missing_ok=True)

    def save_pages(self) -> None:
        """Keep this build's page records, once its output is in place."""
        header = {"generation": self.generation}
        fresh = self.fresh
        write_signed(self.folder / _PAGES_FILE, self._key, [header, fresh.pages, fresh.read_values])

    def save_stamp(self, stamp: Stamp | None) -> None:
        """Record a successful build (None: the last build failed, so the next one must run)."""
        if stamp is not None:
            write_signed(self.folder / _STAMP_FILE, self._key, [stamp])
        else:
            self.forget_stamp()

    def forget_stamp(self) -> None:
        try:
            (self.folder / _STAMP_FILE).unlink(missing_ok=True)
        except OSError:
            return


_BATCH = 500
"""Cache entries per pickle in the cache file."""


def _batches(
    name: str, table: dict[bytes, T], keys: Iterable[bytes]
) -> Iterator[tuple[str, dict[bytes, T]]]:
    """The entries of `table` that are in `keys`, as (name, entries) groups of `_BATCH`."""
    batch: dict[bytes, T] = {}
    for key in keys:
        if key in table:
            batch[key] = table[key]
            if len(batch) == _BATCH:
                yield name, batch
                batch = {}
    if batch:
        yield name, batch
