"""The preview's rebuild engine: after an edit, redo only the work the edit invalidated.

It runs the same stages as `sitegen build` and keeps what each produced between runs:

- load: a change to files it already knows re-reads just those files; anything else (a new,
  deleted or renamed file, a template) walks the site again;
- parse: each content file's source record is kept, keyed by its bytes and the settings;
- assemble: explainers whose source and site-wide tables are unchanged are reused
  (`AssemblyMemo`), so only changed Markdown is rendered again;
- render: every page remembers its job, the templates it uses and what it read of the `site`
  object; it is rendered again only when one of those differs;
- write: only outputs whose bytes changed are written, vanished outputs are deleted, and a static
  file is copied only when it changed.

The invariant that matters most: after any sequence of edits the output folder holds exactly
what a fresh full build would write, byte for byte (tests/serve/test_incremental.py checks it).
Nothing in the build core imports this module.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes
from markupsafe import escape

from sitegen import __version__, metadata
from sitegen.assemble import AssemblyMemo, assemble
from sitegen.build import CACHE_DIR, ParsedSource, parse_file, sources_of
from sitegen.config import CONFIG_NAME, parse_config, zone_of
from sitegen.diagnostics import Diagnostic, Report
from sitegen.load import SiteFiles, load_site
from sitegen.markdown import MarkdownRenderer
from sitegen.model import Explainer, Site, SiteConfig
from sitegen.render import (
    FEED_SIZE,
    Output,
    _Renderer,
    make_environment,
    page_jobs,
    sitemap_entries,
)
from sitegen.search import search_outputs
from sitegen.share import card_of, save_card, share_images, share_path, wants_card
from sitegen.urls import BaseUrl


@dataclass(slots=True)
class Rebuild:
    """What one rebuild did: its problems, and on success which outputs it changed."""

    report: Report
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    """Outputs rendered again (the others were unchanged and kept)."""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """Processor time the rebuild's thread used: on a busy machine, what it would take alone."""

    @property
    def ok(self) -> bool:
        return not self.report.has_errors


class Loader:
    """The load stage, re-reading only the files an edit touched when that is safe."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.files: SiteFiles | None = None
        self.problems: list[Diagnostic] = []
        self._plain = False
        """True when no content file is reached through a symlink: then a file's bytes change
        only through an event on that very file."""

    def load(self, changed: Collection[Path] | None) -> tuple[SiteFiles, list[Diagnostic]]:
        """The site's files; `changed` (absolute paths) lists what changed, None for "unknown"."""
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
        return files, problems

    def _reread(self, changed: Collection[Path]) -> SiteFiles | None:
        """The known files with the changed ones re-read; None when a full walk is needed."""
        files = self.files
        if files is None or not self._plain:
            return None
        index = {file.path: number for number, file in enumerate(files.content)}
        static_sources = set(files.static.values())
        content = list(files.content)
        config = files.config
        for path in changed:
            rel = _relative(path, self.root)
            if not path.is_file() or path.is_symlink():
                return None
            if rel in index:
                content[index[rel]] = replace(content[index[rel]], raw=path.read_bytes())
            elif rel == CONFIG_NAME and config is not None:
                config = path.read_bytes()
            elif path not in static_sources:
                return None
        return replace(files, config=config, content=tuple(content))


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


_LEAVES = (str, int, float, bool, bytes, date, type(None), dict)
"""Values a template read takes as they are; a dict is handed on whole so that template tests
such as `is mapping` see the real thing."""

Reads = dict[tuple[Any, ...], Any]
"""What one output read while it was rendered: (root, step, step...) -> the value it got."""


class Traced:
    """Stands in for a value that templates read (the `site` object, a page's variables, and
    what is reached through them) and notes each read as a path of steps and the value it gave,
    so that an edit re-renders only the pages that read something the edit changed.

    Following an attribute, an index or a call gives another stand-in; asking for the truth,
    the length, the text or the items of a value notes it and hands the real value on.
    """

    __slots__ = ("_t_key", "_t_reads", "_t_value")

    def __init__(self, value: Any, key: tuple[Any, ...], reads: Reads) -> None:
        self._t_value = value
        self._t_key = key
        self._t_reads = reads

    def _t_next(self, step: tuple[Any, ...], value: Any) -> Any:
        try:
            hash(step)
        except TypeError:
            self._t_reads[(_NEVER,)] = None
            return value
        return traced(value, (*self._t_key, step), self._t_reads)

    def _t_note(self, step: tuple[Any, ...], value: Any) -> Any:
        self._t_reads[(*self._t_key, step)] = value
        return value

    def _t_whole(self) -> Any:
        return self._t_note(("whole",), self._t_value)

    def __getattr__(self, name: str) -> Any:
        return self._t_next(("attr", name), getattr(self._t_value, name))

    def __getitem__(self, index: Any) -> Any:
        step = (
            ("slice", index.start, index.stop, index.step)
            if isinstance(index, slice)
            else ("item", index)
        )
        return self._t_next(step, self._t_value[index])

    def __call__(self, *args: Any) -> Any:
        return self._t_next(("call", *args), self._t_value(*args))

    def __bool__(self) -> bool:
        return bool(self._t_note(("bool",), bool(self._t_value)))

    def __len__(self) -> int:
        return int(self._t_note(("len",), len(self._t_value)))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._t_whole())

    def __contains__(self, item: object) -> bool:
        return item in self._t_whole()

    def __str__(self) -> str:
        return str(self._t_whole())

    def __html__(self) -> str:
        return str(escape(self._t_whole()))

    def __eq__(self, other: object) -> bool:
        return bool(self._t_whole() == other)

    def __hash__(self) -> int:
        return hash(self._t_whole())


_NEVER = "(a read that cannot be repeated)"


def traced(value: Any, key: tuple[Any, ...], reads: Reads) -> Any:
    """`value` itself when it is a leaf (noted as read), else a stand-in for it."""
    if isinstance(value, _LEAVES):
        reads[(*key, ("whole",))] = value
        return value
    return Traced(value, key, reads)


def read_again(roots: dict[str, Any], key: tuple[Any, ...]) -> Any:
    """What a noted read gives now, from `roots` (`site` and the page's variables)."""
    if key[0] not in roots:
        return _NEVER
    value = roots[key[0]]
    for step in key[1:]:
        kind = step[0]
        if kind == "attr":
            value = getattr(value, step[1])
        elif kind == "item":
            value = value[step[1]]
        elif kind == "slice":
            value = value[slice(*step[1:])]
        elif kind == "call":
            value = value(*step[1:])
        elif kind == "bool":
            value = bool(value)
        elif kind == "len":
            value = len(value)
    return value


def untraced(function: Callable[..., Any]) -> Callable[..., Any]:
    """A template global that gets real values: a stand-in argument counts as read whole,
    except the site itself: the helpers (`link`, `absolute`, the metadata functions) read only
    its settings, and a change of settings renders every page again anyway."""

    def real(value: Any) -> Any:
        if not isinstance(value, Traced):
            return value
        return value._t_value if value._t_key == ("site",) else value._t_whole()

    def call(*args: Any, **kwargs: Any) -> Any:
        return function(*map(real, args), **{name: real(v) for name, v in kwargs.items()})

    return call


@dataclass(frozen=True, slots=True)
class _Job:
    """One output to render: what it is made from, and how to render it from its variables."""

    path: str
    fixed: tuple[object, ...]
    """The template and every other input that is not a variable, compared as a whole."""
    variables: dict[str, Any]
    run: Callable[[dict[str, Any]], bytes | None]

    @property
    def template(self) -> str:
        return str(self.fixed[0])


@dataclass(frozen=True, slots=True)
class _Page:
    """One rendered output and everything its bytes were made from."""

    fixed: tuple[object, ...]
    variables: dict[str, Any]
    reads: Reads
    """What it read of its variables."""
    site_reads: Reads
    """What it read of the site (kept in the `_SiteIndex` too)."""
    data: bytes


class PageRenderer:
    """The render stage, re-rendering only outputs whose inputs changed."""

    def __init__(self) -> None:
        self._templates: dict[str, str] | None = None
        """The templates of the last committed render."""
        self._env_templates: dict[str, str] | None = None
        self._uses: dict[str, frozenset[str]] = {}
        self._env: jinja2.Environment | None = None
        self._settings: tuple[object, ...] | None = None
        self._imports = False
        self._index = _SiteIndex()
        self.pages: dict[str, _Page] = {}

    def render(
        self, site: Site, files: SiteFiles
    ) -> tuple[dict[str, _Page], list[Diagnostic], list[str]]:
        """Every non-static output of the site, the template problems, and which outputs were
        rendered again. Nothing is kept until `commit`, so a failed build keeps the last good
        state."""
        stale = self._use_templates(files.templates)
        everything = (site.config, site.version) != self._settings or self._imports
        stale_paths = set() if everything else self._index.stale_pages(site)
        renderer = _Renderer(self._environment(site), files.template_paths)
        pages: dict[str, _Page] = {}
        rendered: list[str] = []
        for job in self._jobs(site, renderer):
            old = self.pages.get(job.path)
            kept = None
            if not (everything or job.template in stale or job.path in stale_paths):
                kept = _kept(old, job)
            if kept is None:
                rendered.append(job.path)
                kept = _render(job, site, renderer.env)
                if kept is None:
                    continue
            pages[job.path] = kept
        renderer.env.globals["site"] = site
        return pages, renderer.problems, rendered

    def commit(self, site: Site, pages: dict[str, _Page], rendered: list[str]) -> None:
        """Keep a successful render's pages as the state the next rebuild starts from."""
        again = set(rendered)
        for path, page in self.pages.items():
            if path in again or path not in pages:
                self._index.forget(path, page)
        for path in rendered:
            if path in pages:
                self._index.note(path, pages[path])
        self.pages = pages
        self._settings = (site.config, site.version)
        self._templates = self._env_templates

    def _use_templates(self, templates: dict[str, str]) -> set[str]:
        """Adopt the current templates; returns the top-level names whose output may differ
        from the last committed render's.

        A template that imports macros without context gets a module Jinja renders once and
        keeps, with the `site` of that moment: such templates get a fresh environment and every
        page rendered on each rebuild, which is always right, only slower.
        """
        if templates != self._env_templates or self._env is None or self._imports:
            self._env_templates = dict(templates)
            env = self._env = make_environment(templates)
            env.globals.update({name: untraced(env.globals[name]) for name in metadata.__all__})
            self._uses = {name: _closure(env, name) for name in templates}
            self._imports = any(_imports_without_context(env, text) for text in templates.values())
        old = self._templates or {}
        if templates == old:
            return set()
        changed = {name for name in {*old, *templates} if old.get(name) != templates.get(name)}
        uses = self._uses
        return {name for name, used in uses.items() if used & changed} | changed

    def _environment(self, site: Site) -> jinja2.Environment:
        """The environment, with the globals `render_site` gives templates for this site."""
        env = self._env
        assert env is not None
        base = site.config.base_url
        env.globals.update(
            site=site,
            link=untraced(base.link),
            absolute=untraced(site.absolute),
            asset=untraced(lambda path: base.link(f"static/{path}")),
        )
        return env

    def _jobs(self, site: Site, renderer: _Renderer) -> Iterator[_Job]:
        """Every page, then the feed, the sitemap and robots.txt, as `render_site` orders them."""

        def data(output: Output | None) -> bytes | None:
            return None if output is None else output.data

        jobs = list(page_jobs(site))
        for job in jobs:
            fixed = (job.template, job.link, job.title, job.description, job.lang, job.dir)
            yield _Job(
                job.path,
                fixed,
                job.variables,
                lambda variables, job=job: data(renderer.page(replace(job, variables=variables))),
            )
        plain: list[tuple[str, dict[str, Any]]] = [
            ("feed.xml", {"entries": site.explainers[:FEED_SIZE]}),
            ("sitemap.xml", {"pages": list(sitemap_entries(site, jobs))}),
            ("robots.txt", {}),
        ]
        for name, variables in plain:
            yield _Job(
                name,
                (name,),
                variables,
                lambda given, name=name: data(renderer.plain(name, name, **given)),
            )


def _render(job: _Job, site: Site, env: jinja2.Environment) -> _Page | None:
    """Render `job`, noting what it reads of the site and of its variables."""
    reads: Reads = {}
    variables = {name: traced(value, (name,), reads) for name, value in job.variables.items()}
    env.globals["site"] = Traced(site, ("site",), reads)
    output = job.run(variables)
    if output is None:
        return None
    site_reads = {key: value for key, value in reads.items() if key[0] == "site"}
    own_reads = {key: value for key, value in reads.items() if key[0] != "site"}
    return _Page(job.fixed, job.variables, own_reads, site_reads, output)


def _kept(old: _Page | None, job: _Job) -> _Page | None:
    """`old` (with the job's variables) when rendering `job` again would give its bytes: same
    fixed inputs and every read of the variables gives what it gave; reads of a variable that
    is the very same object are not repeated. None when the job must be rendered."""
    if old is None or old.fixed != job.fixed or old.variables.keys() != job.variables.keys():
        return None
    same = {name for name, value in job.variables.items() if value is old.variables[name]}
    if len(same) == len(job.variables):
        return old
    for key, value in old.reads.items():
        if key[0] not in same:
            now = read_again(job.variables, key)
            if not (now is value or now == value):
                return None
    return replace(old, variables=job.variables)


class _SiteIndex:
    """Which outputs read each part of the site, and what it gave: after an edit each read is
    repeated once, not once per page that made it.

    Every reader of a part read the same value, because a change of it renders all of them
    again."""

    def __init__(self) -> None:
        self._readers: dict[tuple[Any, ...], set[str]] = {}
        self._values: dict[tuple[Any, ...], Any] = {}

    def stale_pages(self, site: Site) -> set[str]:
        roots = {"site": site}
        stale: set[str] = set()
        for key, old in self._values.items():
            now = read_again(roots, key)
            if not (now is old or now == old):
                stale |= self._readers[key]
        return stale

    def forget(self, path: str, page: _Page) -> None:
        for key in page.site_reads:
            readers = self._readers.get(key)
            if readers is not None:
                readers.discard(path)
                if not readers:
                    del self._readers[key], self._values[key]

    def note(self, path: str, page: _Page) -> None:
        for key, value in page.site_reads.items():
            self._readers.setdefault(key, set()).add(path)
            self._values[key] = value


def _imports_without_context(env: jinja2.Environment, source: str) -> bool:
    try:
        tree = env.parse(source)
    except jinja2.TemplateError:
        return False
    imports = tree.find_all((jinja2.nodes.Import, jinja2.nodes.FromImport))
    return any(not node.with_context for node in imports)


def _closure(env: jinja2.Environment, name: str) -> frozenset[str]:
    """The templates `name` extends or includes, itself included; every template when a name is
    computed at render time and cannot be known."""
    loader = env.loader
    assert loader is not None
    found: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        try:
            source = loader.get_source(env, current)[0]
            referenced = list(jinja2.meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateError:
            continue
        if None in referenced:
            return frozenset(loader.list_templates())
        pending.extend(str(ref) for ref in referenced)
    return frozenset(found)


class OutputFolder:
    """The preview's output folder, written file by file: only changed bytes touch the disk."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._data: dict[str, bytes] = {}
        self._static: dict[str, tuple[Path, int, int]] = {}

    def update(
        self, data: dict[str, bytes], static: dict[str, Path], touched: Collection[Path]
    ) -> tuple[list[str], list[str]]:
        """Make the folder hold `data` and copies of `static`; returns (written, deleted)."""
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
        deleted = sorted({*self._data, *self._static} - {*data, *static})
        for path in deleted:
            self._delete(path)
        self._data, self._static = dict(data), static_now
        return written, deleted

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
    """The share cards of the explainers, redone only for explainers that changed.

    The first time (and after a change of settings, which makes every explainer new) it is
    `share_images`, which draws on threads; afterwards only new explainer values get their card
    looked up, or drawn, so an edit costs one card. Cards no longer used stay in the cache until
    the next `sitegen build` prunes it."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._known: dict[str, tuple[Explainer, str, Path]] = {}

    def update(self, site: Site) -> dict[str, Path]:
        """Output path -> cached PNG, for every explainer that gets a card."""
        wanted = [explainer for explainer in site.explainers if wants_card(site, explainer)]
        if not any(self._kept(explainer) for explainer in wanted):
            outputs = share_images(site, self.cache)
            self._known = {
                explainer.source_path: (explainer, output.path, output.source)
                for explainer, output in zip(wanted, outputs, strict=True)
                if output.source is not None
            }
        else:
            self._known = {item.source_path: self._card(site, item) for item in wanted}
        return {path: png for _explainer, path, png in self._known.values()}

    def _kept(self, explainer: Explainer) -> bool:
        known = self._known.get(explainer.source_path)
        return known is not None and known[0] is explainer

    def _card(self, site: Site, explainer: Explainer) -> tuple[Explainer, str, Path]:
        if self._kept(explainer):
            return self._known[explainer.source_path]
        card = card_of(site, explainer)
        png = self.cache / f"{card.key()}.png"
        if not png.is_file():
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
        return search_outputs(self.site, self.pages)


class Incremental:
    """Rebuilds a site into a preview folder, reusing all the work an edit did not invalidate.

    `origin` (`http://127.0.0.1:8000`) replaces the origin of the configured `base_url` and
    keeps its path, so sub-path links are exercised on the local server too.

    The search index is made apart from `rebuild`, because Pagefind takes seconds on a large
    site: `search_job` takes the pages after a rebuild, its `run` indexes them on any thread,
    and `adopt_index` writes the result unless pages changed in the meantime. Once the index
    is adopted, the folder equals a fresh build. The methods that touch the engine's state hold
    its lock, so the indexing thread and the rebuild thread may both use it.
    """

    def __init__(self, root: Path, out: Path, origin: str, *, drafts: bool = False) -> None:
        self.root = root.resolve()
        self.origin = origin
        self.loader = Loader(self.root)
        self.parser = Parser(drafts)
        self.memo = AssemblyMemo()
        self.renderer = PageRenderer()
        self.output = OutputFolder(out)
        self.base_url: BaseUrl | None = None
        """The preview's base URL after the last rebuild that read the settings."""
        self.cards = ShareCards(self.root / CACHE_DIR / "share")
        self._site: Site | None = None
        self._static: dict[str, Path] = {}
        self._search: dict[str, bytes] = {}
        self._generation = 0
        """Counts rebuilds that changed pages; the index is of one generation."""
        self._indexed: int | None = None
        self._lock = threading.Lock()

    def rebuild(self, changed: Collection[Path] | None = None) -> Rebuild:
        """Bring the output up to date after `changed` (absolute paths; None: anything)."""
        with self._lock:
            return self._rebuild(changed)

    def _rebuild(self, changed: Collection[Path] | None) -> Rebuild:
        started, started_cpu = time.perf_counter(), time.thread_time()
        report = Report()
        files, problems = self.loader.load(changed)
        report.extend(problems)
        config, problems = parse_config(files.config)
        report.extend(problems)
        config = replace(config, base_url=BaseUrl(self.origin, config.base_url.path))
        self.base_url = config.base_url
        sources = sources_of(self.parser.parse(files, config, report))
        renderer = MarkdownRenderer(allow_html=config.allow_html)
        site, problems = assemble(config, sources, renderer, __version__, self.memo)
        report.extend(problems)
        result = Rebuild(report)
        if not report.has_errors:
            pages, problems, result.rendered = self.renderer.render(site, files)
            report.extend(problems)
            if not report.has_errors:
                self.renderer.commit(site, pages, result.rendered)
                self._site = site
                self._static = {**files.static, **self.cards.update(site)}
                result.written, result.deleted = self._write(changed or ())
                if any(path.endswith(".html") for path in (*result.written, *result.deleted)):
                    self._generation += 1
        result.seconds = time.perf_counter() - started
        result.cpu_seconds = time.thread_time() - started_cpu
        return result

    def search_job(self) -> SearchJob | None:
        """The pages to index, or None when the index is up to date."""
        with self._lock:
            if self._site is None or self._indexed == self._generation:
                return None
            pages = [Output(path, data=page.data) for path, page in self.renderer.pages.items()]
            return SearchJob(self._generation, self._site, pages)

    def adopt_index(
        self, job: SearchJob, found: list[Output], problems: list[Diagnostic]
    ) -> list[str]:
        """Write a finished index, unless pages changed since its job was taken or it failed;
        returns the outputs written or deleted."""
        with self._lock:
            if job.generation != self._generation or any(p.is_error for p in problems):
                return []
            self._indexed = job.generation
            self._search = {output.path: output.data or b"" for output in found}
            written, deleted = self._write(())
            return [*written, *deleted]

    def reindex(self) -> tuple[list[str], list[Diagnostic]]:
        """Index now, on this thread: the outputs written or deleted, and the problems."""
        job = self.search_job()
        if job is None:
            return [], []
        found, problems = job.run()
        return self.adopt_index(job, found, problems), problems

    def _write(self, touched: Collection[Path]) -> tuple[list[str], list[str]]:
        data = {path: page.data for path, page in self.renderer.pages.items()}
        return self.output.update({**data, **self._search}, self._static, touched)
