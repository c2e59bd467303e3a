"""The build cache in `<site>/.sitegen-cache/`: what an earlier build already worked out.

Three things are kept, so that a rebuild redoes only what an edit invalidated:

- parsed front matter: each content file's source record and problems, keyed by a hash of its
  path and bytes (a file whose size and modification time are unchanged is not even read);
- rendered Markdown: each piece's HTML (and TOC, sections, problems), keyed by its text and
  place, together with every question it asked the rest of the site ("is there an actor
  `putin`?", "what is the URL of `other.md`?") and the answers. An entry is reused only when
  the site gives the same answers today, so adding an actor or renaming a file re-renders just
  the pieces that mention them;
- a stamp of the last successful build: every input's size and time, the output folder's
  listing and the report. When nothing differs, a build does nothing at all.

Everything is invalidated by sitegen's version, the settings, the templates and the options
that change output (`--base-url`, `--drafts`): they form the cache's *generation*.

The files are pickles, and unpickling runs code, so a cache file planted in a site folder (a
downloaded archive, a shared drive) must not be trusted: every file carries a keyed hash made
with a secret kept outside the site, in the user's own cache folder, and a file whose hash does
not match is ignored. A missing, stale or unreadable cache only makes the build slower.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from sitegen.core.diagnostics import Diagnostic
from sitegen.engine.compact import pack_pickle, unpack_pickle

if TYPE_CHECKING:  # the cache is read before a build knows it must render anything
    from markupsafe import Markup

    from sitegen.core.urls import BaseUrl
    from sitegen.stages.assemble import ExplainerHead
    from sitegen.stages.load import SiteFiles
    from sitegen.stages.markdown import ActorLink, LinkResolver, MarkdownRenderer, RenderedBody

CACHE_DIR = ".sitegen-cache"
KEY_VARIABLE = "SITEGEN_CACHE_KEY_DIR"
"""Where the secret that signs cache files lives; default: the user's cache folder."""
_DATA_FILE = "entries-lz4.pickle"
"""Named anew when the layout of its entries changes (it was `build.pickle` before Markdown
renderings were packed, `entries.pickle` while they were packed with zlib), so that another
sitegen of the same version never misreads it."""
_STAMP_FILE = "stamp.pickle"
_MAC_SIZE = 32

T = TypeVar("T")
Lookup = tuple[str, str, Any]
"""One question a piece of Markdown asked the site: (resolver method, argument, answer)."""


# -- signed files ----------------------------------------------------------------------------------


def _key_path() -> Path:
    """`$SITEGEN_CACHE_KEY_DIR/key`, else `sitegen/cache-key` in the user's cache folder."""
    chosen = os.environ.get(KEY_VARIABLE)
    if chosen:
        return Path(chosen) / "key"
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "sitegen" / "cache-key"


def _secret() -> bytes | None:
    """The per-user signing key, made on first use; None when it cannot be kept anywhere."""
    path = _key_path()
    try:
        if path.is_file():
            key = path.read_bytes()
            if len(key) >= 32:
                return key
        path.parent.mkdir(parents=True, exist_ok=True)
        import secrets  # here: made once per user, and loading it costs every build 1 ms

        key = secrets.token_bytes(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(key)
        return key
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None


def _mac(key: bytes, payload: bytes | memoryview) -> bytes:
    return hmac.new(key, payload, hashlib.blake2b).digest()[:_MAC_SIZE]


def read_signed(path: Path, key: bytes | None) -> list[Any] | None:
    """The objects pickled one after another in `path`, or None when the file is missing,
    foreign or damaged."""
    if key is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    mac, payload = data[:_MAC_SIZE], memoryview(data)[_MAC_SIZE:]
    if len(mac) != _MAC_SIZE or not hmac.compare_digest(mac, _mac(key, payload)):
        return None
    stream = io.BytesIO(payload)
    values = []
    try:
        while stream.tell() < len(payload):
            values.append(pickle.load(stream))
    except Exception:  # a version skew inside a signed file: treat as no cache
        return None
    return values


def write_signed(path: Path, key: bytes | None, values: Iterable[object]) -> None:
    """Pickle `values` one after another into `path`, with a keyed hash of them all.

    Written beside and renamed, so a reader never sees half a file. Each value is a pickle of
    its own, streamed to disk: the pickler's memo, which remembers every object of one pickle,
    stays as small as one value however big the cache. Failure to write is never an error.
    """
    if key is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as stream:
            stream.write(bytes(_MAC_SIZE))
            signer = _SigningWriter(stream, key)
            for value in values:
                pickle.dump(value, signer, protocol=pickle.HIGHEST_PROTOCOL)
            stream.seek(0)
            stream.write(signer.mac())
        os.replace(temporary, path)
    except OSError:
        return


class _SigningWriter:
    """A file-like sink that hashes what passes through it on its way to `stream`."""

    def __init__(self, stream: BinaryIO, key: bytes) -> None:
        self.stream = stream
        self.hasher = hmac.new(key, digestmod=hashlib.blake2b)

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        return self.stream.write(data)

    def mac(self) -> bytes:
        return self.hasher.digest()[:_MAC_SIZE]


# -- fingerprints ----------------------------------------------------------------------------------


def digest(*parts: bytes | str) -> bytes:
    """A short hash of `parts`, each length-prefixed: ("ab", "c") differs from ("a", "bc")."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


def generation(
    version: str,
    config: bytes | None,
    templates: dict[str, str],
    base_url: BaseUrl | None,
    drafts: bool,
) -> bytes:
    """Everything that invalidates the whole cache when it changes."""
    parts: list[bytes | str] = [
        version,
        sys.version,
        b"\x00" if config is None else b"\x01" + config,
        repr(base_url),
        str(drafts),
    ]
    for name in sorted(templates):
        parts += [name, templates[name]]
    return digest(*parts)


def stat_key(path: Path | str) -> tuple[int, int, int] | None:
    """(size, modification time, inode) of a file: equal keys mean "not touched since"."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns, found.st_ino


def folder_listing(folder: Path) -> bytes:
    """A hash of every file under `folder` with its size, time and inode; b"" if there is none.

    A build that finds the listing of its output exactly as it left it knows that nobody has
    deleted or edited an output file since.
    """
    if not folder.is_dir():
        return b""
    entries: list[str] = []
    pending = [str(folder)]
    start = len(pending[0])  # paths from the folder on: the same whether it was named relative
    while pending:
        current = pending.pop()
        with os.scandir(current) as found:
            for entry in found:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    info = entry.stat(follow_symlinks=False)
                    entries.append(
                        f"{entry.path[start:]}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}"
                    )
    entries.sort()
    return digest("\n".join(entries))


# -- the cache -------------------------------------------------------------------------------------


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
    used_parsed: set[bytes] = field(default_factory=set)
    used_markdown: set[bytes] = field(default_factory=set)
    packed: list[bytes] = field(default_factory=list)
    """Markdown renderings only kept to be saved, as compressed pickles of entries."""


class BuildCache:
    """The cache of one site folder for one generation; empty when the stored one is stale."""

    def __init__(self, root: Path, generation_key: bytes) -> None:
        self.folder = root / CACHE_DIR
        self.generation = generation_key
        self._key = _secret()
        self.parsed: dict[bytes, Any] = {}
        self.markdown: dict[bytes, Any] = {}
        self.stats: dict[str, tuple[tuple[int, int, int], bytes]] = {}
        self.fresh = Fresh()

    def load(self) -> None:
        """Read the stored entries: only once the stamp has shown that a build is needed, and
        before workers fork, so that they share one copy."""
        stored = read_signed(self.folder / _DATA_FILE, self._key) or [{}]
        header = stored[0]
        if not isinstance(header, dict) or header.get("generation") != self.generation:
            return
        self.stats = header["stats"]
        for table, entries in stored[1:]:
            found = unpack_pickle(entries) if isinstance(entries, bytes) else entries
            (self.parsed if table == "parsed" else self.markdown).update(found)

    def inputs_key(self, files: SiteFiles, out: Path, strict: bool) -> bytes:
        """Everything a build reads, by size, time and inode, with the options that shape it:
        equal to the last stamp's, and with the output as it was left, nothing needs doing."""
        parts: list[bytes | str] = [self.generation, str(out.resolve()), str(strict)]
        root = str(files.root)
        for file in files.content:
            parts += [file.path, repr(stat_key(os.path.join(root, file.path)))]
        for path, source in files.static.items():
            parts += [path, str(source), repr(stat_key(source))]
        return digest(*parts)

    # parsed front matter

    def file_key(
        self, path: str, real: Path | str
    ) -> tuple[bytes | None, tuple[int, int, int] | None]:
        """The content key of a file whose stat key is unchanged since it was last hashed."""
        key = stat_key(real)
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
        each key means unpacking and hashing one, 70 ms at 10,000 explainers in the one process
        that every worker waits for."""
        if not self.markdown:
            return len(explainers)
        return sum(
            1
            for source in explainers
            if markdown_key("body", source.path, source.body.place.line, True, source.body.text)
            not in self.markdown
        )

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
        self.fresh.parsed.update(fresh.parsed)
        self.fresh.markdown.update(fresh.markdown)
        self.fresh.used_parsed |= fresh.used_parsed
        self.fresh.used_markdown |= fresh.used_markdown
        self.fresh.packed += fresh.packed

    # the stamp

    def stamp(self) -> Stamp | None:
        found = read_signed(self.folder / _STAMP_FILE, self._key) or [None]
        return found[0] if isinstance(found[0], Stamp) else None

    def save_entries(self, stats: dict[str, tuple[tuple[int, int, int], bytes]]) -> None:
        """Keep the entries this build used (so the cache does not grow without end), then let
        go of them: pages are rendered from the site model, and a big site's rendering workers
        should not inherit a copy of the cache."""
        used = self.fresh
        unchanged = (
            not used.parsed
            and not used.markdown
            and not used.packed
            and len(used.used_parsed) == len(self.parsed)
            and len(used.used_markdown) == len(self.markdown)
            and stats == self.stats
        )
        if not unchanged:
            batches = [
                *_batches("parsed", self.parsed, used.used_parsed | used.parsed.keys()),
                *_batches("markdown", self.markdown, used.used_markdown | used.markdown.keys()),
                # Last: a piece rendered again in a worker replaces its earlier rendering.
                *(("markdown", packed) for packed in used.packed),
            ]
            header = {"generation": self.generation, "stats": stats}
            write_signed(self.folder / _DATA_FILE, self._key, [header, *batches])
        self.parsed, self.markdown, self.stats, self.fresh = {}, {}, stats, Fresh()

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


# -- rendered Markdown -----------------------------------------------------------------------------


def markdown_key(kind: str, path: str, line: int, how: bool | int, text: str) -> bytes:
    """The cache key of one piece of Markdown: its text, where it stands (line, and for a
    front-matter value its column), how it is rendered (a body: with sections lifted or not)."""
    return digest(kind, path, str(line), str(how), text)


class RecordingResolver:
    """A resolver that notes every question asked of it and the answer given."""

    def __init__(self, inner: LinkResolver) -> None:
        self.inner = inner
        self.base_url = inner.base_url
        self.lookups: list[Lookup] = []

    def actor(self, actor_id: str) -> ActorLink | None:
        answer = self.inner.actor(actor_id)
        self.lookups.append(("actor", actor_id, answer))
        return answer

    def actor_id_for_name(self, name: str) -> str | None:
        answer = self.inner.actor_id_for_name(name)
        self.lookups.append(("actor_id_for_name", name, answer))
        return answer

    def content_link(self, target: str) -> str | None:
        answer = self.inner.content_link(target)
        self.lookups.append(("content_link", target, answer))
        return answer


def _still_valid(lookups: tuple[Lookup, ...], resolver: LinkResolver) -> bool:
    return all(
        getattr(resolver, method)(argument) == answer for method, argument, answer in lookups
    )


class CachedMarkdown:
    """The Markdown renderer's interface, answering from the cache when the answer still holds."""

    def __init__(self, renderer: MarkdownRenderer, cache: BuildCache) -> None:
        self.renderer = renderer
        self.cache = cache

    def render_body(
        self,
        text: str,
        *,
        path: str,
        first_line: int,
        resolver: LinkResolver,
        lift_sections: bool = True,
    ) -> RenderedBody:
        return self._cached(
            ("body", path, first_line, lift_sections, text),
            resolver,
            lambda recorder: self.renderer.render_body(
                text,
                path=path,
                first_line=first_line,
                resolver=recorder,
                lift_sections=lift_sections,
            ),
        )

    def render_inline(
        self, text: str, *, path: str, line: int, resolver: LinkResolver, col: int = 1
    ) -> tuple[Markup, tuple[Diagnostic, ...]]:
        """A plain sentence (most key points and timeline entries) is rendered again rather than
        cached: escaping it costs less than its cache key, and it would take room in the cache
        file and time to save and load (1% of a first build's work at 100 explainers)."""
        plain = self.renderer.plain_inline(text)
        if plain is not None:
            return plain, ()
        return self._cached(
            ("inline", path, line, col, text),
            resolver,
            lambda recorder: self.renderer.render_inline(
                text, path=path, line=line, resolver=recorder, col=col
            ),
        )

    def render_block(
        self, text: str, *, path: str, first_line: int, resolver: LinkResolver, col: int = 1
    ) -> tuple[Markup, tuple[Diagnostic, ...]]:
        return self._cached(
            ("block", path, first_line, col, text),
            resolver,
            lambda recorder: self.renderer.render_block(
                text, path=path, first_line=first_line, resolver=recorder, col=col
            ),
        )

    def _cached(
        self,
        what: tuple[str, str, int, bool | int, str],
        resolver: LinkResolver,
        render: Callable[[RecordingResolver], T],
    ) -> T:
        kind, path, line, lift, text = what
        key = markdown_key(kind, path, line, lift, text)
        cache = self.cache
        found = cache.markdown.get(key)
        if found is not None and _still_valid(found[1], resolver):
            cache.fresh.used_markdown.add(key)
            return found[0]  # type: ignore[no-any-return]
        recorder = RecordingResolver(resolver)
        result = render(recorder)
        cache.markdown[key] = cache.fresh.markdown[key] = (result, tuple(recorder.lookups))
        return result
