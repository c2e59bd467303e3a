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
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes

from sitegen import __version__
from sitegen.core.diagnostics import Diagnostic, Report
from sitegen.core.model import Explainer, Site, SiteConfig
from sitegen.core.outputs import Output, PageJob
from sitegen.core.urls import BaseUrl
from sitegen.engine.reads import NEVER, Reads, Traced, read_again, take_step, traced, untraced
from sitegen.engine.store import CACHE_DIR
from sitegen.engine.templates import TemplateFacts, template_facts
from sitegen.preview.assembly import AssemblyMemo, Replaced
from sitegen.stages import metadata
from sitegen.stages.assemble import Sources, assemble
from sitegen.stages.config import CONFIG_NAME, parse_config, zone_of
from sitegen.stages.load import Kind, SiteFiles, SourceFile, load_site
from sitegen.stages.markdown import MarkdownRenderer
from sitegen.stages.parse import ExplainerSource, ParsedSource, parse_file
from sitegen.stages.render import (
    FEED_SIZE,
    Renderer,
    actor_job,
    explainer_job,
    feed_variables,
    home_jobs,
    make_environment,
    page_jobs,
    plain_jobs,
    topic_jobs,
)
from sitegen.stages.search import search_outputs
from sitegen.stages.share import cache_usable, card_of, save_card, share_path, wants_card


@dataclass(slots=True)
class Rebuild:
    """What one rebuild did: its problems, and on success which outputs it changed."""

    report: Report
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    """Outputs rendered again (the others were unchanged and kept)."""
    quick: bool = False
    """Whether it took the short way (`Incremental._edit_in_place`)."""
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
        """The known files with the changed ones re-read; None when a full walk is needed."""
        files = self.files
        if files is None or not self._plain:
            return None
        static_sources = set(files.static.values())
        content = list(files.content)
        config = files.config
        edited: list[SourceFile] = []
        for path in changed:
            rel = _relative(path, self.root)
            if not path.is_file() or path.is_symlink():
                return None
            if rel in self._index:
                number = self._index[rel]
                content[number] = replace(content[number], raw=path.read_bytes())
                edited.append(content[number])
            elif rel == CONFIG_NAME and config is not None:
                config = path.read_bytes()
            elif path not in static_sources:
                return None
        if len(edited) == len(changed):
            self.edited = tuple(edited)
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


@dataclass(frozen=True, slots=True)
class _Job:
    """One output to render: what it is made from, and how to render it from its variables."""

    path: str
    fixed: tuple[object, ...]
    """The template and every other input that is not a variable, compared as a whole."""
    variables: dict[str, Any]
    page: PageJob | None
    """The page to render; None for a file named after its template (the feed, the sitemap)."""

    @property
    def template(self) -> str:
        return str(self.fixed[0])

    @staticmethod
    def of_page(job: PageJob) -> _Job:
        fixed = (job.template, job.link, job.title, job.description, job.lang, job.dir)
        return _Job(job.path, fixed, job.variables, job)

    @staticmethod
    def of_file(name: str, variables: dict[str, Any]) -> _Job:
        return _Job(name, (name,), variables, None)

    def run(self, renderer: Renderer, variables: dict[str, Any]) -> bytes | None:
        if self.page is None:
            output = renderer.plain(self.path, self.path, **variables)
        else:
            output = renderer.page(replace(self.page, variables=variables))
        return None if output is None else output.data


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


@dataclass(slots=True)
class Rendered:
    """What one render made: every output's page, the outputs rendered again, the template
    problems, and what `commit` needs to keep it."""

    pages: dict[str, _Page]
    rendered: list[str]
    problems: list[Diagnostic]
    jobs: dict[str, _Job]
    refreshed: list[tuple[_Node, Any]]
    """Every part of the site the index holds whose value is not the very same object now,
    with its new value (`_SiteIndex.stale_pages`), whatever the render rendered again."""


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
        self._jobs: dict[str, _Job] = {}
        self.pages: dict[str, _Page] = {}

    def render(self, site: Site, files: SiteFiles) -> Rendered:
        """Every non-static output of the site, the template problems, and which outputs were
        rendered again. Nothing is kept until `commit`, so a failed build keeps the last good
        state."""
        stale = self._use_templates(files.templates)
        everything = (site.config, site.version) != self._settings or self._imports
        # Asked even when every page is rendered again: `commit` needs the new values, or the
        # index would keep the old ones, and a later edit that gave a read its old value back
        # would look like no change at all.
        stale_paths, refreshed = self._index.stale_pages(site)
        renderer = Renderer(self._environment(site), files.template_paths)
        jobs = {job.path: job for job in _jobs(site)}
        result = Rendered({}, [], [], jobs, refreshed)
        for job in jobs.values():
            again = everything or job.template in stale or job.path in stale_paths
            self._render_into(result, job, site, renderer, again)
        renderer.env.globals["site"] = site
        result.problems = renderer.problems
        return result

    def rerender(self, site: Site, files: SiteFiles, replaced: Replaced) -> Rendered | None:
        """After `AssemblyMemo.replace_explainers`: the outputs that hold a replaced explainer,
        topic or actor entry, or read a part of the site that changed, rendered again if they
        differ; every other output kept as it is. None when templates or settings changed."""
        if files.templates != self._templates or self._imports:
            return None
        if (site.config, site.version) != self._settings:
            return None
        stale, refreshed = self._index.stale_pages(site)
        renderer = Renderer(self._environment(site), files.template_paths)
        touched = {job.path: job for job in _touched_jobs(site, replaced)}
        result = Rendered(dict(self.pages), [], [], {**self._jobs, **touched}, refreshed)
        for path in [*touched, *sorted(stale - touched.keys())]:
            job = result.jobs[path]
            self._render_into(result, job, site, renderer, again=path in stale)
        renderer.env.globals["site"] = site
        result.problems = renderer.problems
        return result

    def _render_into(
        self, result: Rendered, job: _Job, site: Site, renderer: Renderer, again: bool
    ) -> None:
        """Put `job`'s page in `result`: the old one when rendering would give the same bytes
        (unless `again`), else rendered anew (nothing, if its template fails)."""
        kept = None if again else _kept(self.pages.get(job.path), job)
        if kept is None:
            result.rendered.append(job.path)
            kept = _render(job, site, renderer)
        if kept is None:
            result.pages.pop(job.path, None)
        else:
            result.pages[job.path] = kept

    def commit(self, site: Site, result: Rendered) -> None:
        """Keep a successful render's pages as the state the next rebuild starts from."""
        self._index.refresh(result.refreshed)
        for path in [*result.rendered, *(self.pages.keys() - result.pages.keys())]:
            old, new = self.pages.get(path), result.pages.get(path)
            old_reads = old.site_reads.keys() if old else set()
            new_reads = new.site_reads.keys() if new else set()
            self._index.forget(path, old_reads - new_reads)
            self._index.note(path, new_reads - old_reads, site)
        self.pages = result.pages
        self._jobs = result.jobs
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
            env.globals.update(
                {name: untraced(getattr(metadata, name)) for name in metadata.__all__}
            )
            facts = {name: template_facts(text) for name, text in templates.items()}
            self._uses = {name: _closure(facts, name) for name in templates}
            self._imports = any(found.imports_without_context for found in facts.values())
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


def _jobs(site: Site) -> Iterator[_Job]:
    """Every page, then the feed, the sitemap and robots.txt, as `render_site` orders them."""
    jobs = list(page_jobs(site))
    yield from map(_Job.of_page, jobs)
    for name, variables in plain_jobs(site, jobs):
        yield _Job.of_file(name, variables)


def _touched_jobs(site: Site, replaced: Replaced) -> Iterator[_Job]:
    """The jobs whose variables hold what `replaced` made anew: the explainers' own pages, the
    home and topic pages that list them, their actors' pages, and the feed if they are in it.
    The sitemap is not among them: `replace_explainers` keeps every date and URL."""
    new = {id(explainer) for _old, explainer in replaced.explainers}
    positions = [number for number, item in enumerate(site.explainers) if id(item) in new]
    home_pages = {position // site.config.per_page + 1 for position in positions}
    yield from (_Job.of_page(explainer_job(site, new)) for _old, new in replaced.explainers)
    for job in home_jobs(site):
        if job.variables["pager"].number in home_pages:
            yield _Job.of_page(job)
    for topic in replaced.topics:
        yield from map(_Job.of_page, topic_jobs(site, topic))
    yield from (_Job.of_page(actor_job(site, entry)) for entry in replaced.entries)
    if positions and positions[0] < FEED_SIZE:
        yield _Job.of_file("feed.xml", feed_variables(site))


def _render(job: _Job, site: Site, renderer: Renderer) -> _Page | None:
    """Render `job`, noting what it reads of the site and of its variables."""
    reads: Reads = {}
    variables = {name: traced(value, (name,), reads) for name, value in job.variables.items()}
    renderer.env.globals["site"] = Traced(site, ("site",), reads)
    output = job.run(renderer, variables)
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


class _Node:
    """One step of the reads of the site: the value it gave, the steps read from there on, and
    the outputs whose read ended here."""

    __slots__ = ("children", "readers", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.children: dict[tuple[Any, ...], _Node] = {}
        self.readers: set[str] = set()


class _SiteIndex:
    """Which outputs read each part of the site, and what it gave, as a tree of read steps: after
    an edit each read is repeated once, not once per page that made it, and a part that is the
    very same object as before is not looked into at all (so a list of ten thousand explainers
    of which one changed costs ten thousand identity checks and the reads of one explainer).

    Every reader of a part read the same value, because a change of it renders all of them
    again. Every node holds what its read gives of the site of the last commit, however that
    render went (one that rendered everything again too): `stale_pages` compares the next site
    with these values, and `note` derives new nodes from them."""

    def __init__(self) -> None:
        self._root = _Node(None)

    def stale_pages(self, site: Site) -> tuple[set[str], list[tuple[_Node, Any]]]:
        """The outputs that read something of `site` that differs now, and the new value of
        every step that is not the same object (for `refresh`, once the rebuild succeeded)."""
        stale: set[str] = set()
        refreshed: list[tuple[_Node, Any]] = []
        pending: list[tuple[_Node, Any]] = [(self._root, site)]
        while pending:
            node, value = pending.pop()
            for step, child in node.children.items():
                try:
                    now = NEVER if value is NEVER else take_step(value, step)
                except Exception:  # the part is gone (a shorter list, say): its readers differ
                    now = NEVER
                if now is child.value:
                    continue
                refreshed.append((child, now))
                if child.children:
                    pending.append((child, now))
                elif now != child.value:
                    stale |= child.readers
        return stale, refreshed

    @staticmethod
    def refresh(refreshed: list[tuple[_Node, Any]]) -> None:
        for node, value in refreshed:
            node.value = value

    def forget(self, path: str, keys: Iterable[tuple[Any, ...]]) -> None:
        for key in keys:
            trail = [self._root]
            for step in key[1:]:
                child = trail[-1].children.get(step)
                if child is None:
                    break
                trail.append(child)
            else:
                trail[-1].readers.discard(path)
                for depth in range(len(trail) - 1, 0, -1):  # prune steps nobody reads now
                    if trail[depth].readers or trail[depth].children:
                        break
                    del trail[depth - 1].children[key[depth]]

    def note(self, path: str, keys: Iterable[tuple[Any, ...]], site: Site) -> None:
        for key in keys:
            node: _Node = self._root
            value: Any = site
            for step in key[1:]:
                child = node.children.get(step)
                if child is None:
                    try:
                        value = take_step(value, step)
                    except Exception:
                        value = NEVER
                    child = node.children[step] = _Node(value)
                node, value = child, child.value
            node.readers.add(path)


def _closure(facts: dict[str, TemplateFacts], name: str) -> frozenset[str]:
    """The templates `name` extends or includes, itself included; every template when a name is
    computed at render time and cannot be known."""
    found: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        known = facts.get(current)
        if known is None:  # no such template: the page that uses it fails
            continue
        if known.referenced is None:
            return frozenset(facts)
        pending.extend(known.referenced)
    return frozenset(found)


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


class Incremental:
    """Rebuilds a site into a preview folder, reusing all the work an edit did not invalidate.

    `origin` (`http://127.0.0.1:8000`) replaces the origin of the configured `base_url` and
    keeps its path, so sub-path links are exercised on the local server too.

    The commonest edit, a change inside one explainer that moves it in no list, takes a short
    way: that file alone is parsed and assembled, swapped into the last site, and only the
    outputs that hold it or read what changed are rendered again. Anything else (a new,
    deleted or renamed file, settings, a template, a problem anywhere) takes the full way,
    which still reuses every unchanged file's work.

    Share cards and the search index are brought up to date by `catch_up`, apart from
    `rebuild`, because a card takes tens of milliseconds and Pagefind seconds on a large site:
    `draw_cards` draws the cards the rebuilds made due, and `search_job` takes the pages, its
    `run` indexes them on any thread, and `adopt_index` writes the result unless pages changed
    in the meantime. Once caught up, the folder equals a fresh build. The methods that touch
    the engine's state hold its lock, so the catching-up thread and the rebuild thread may
    both use it.
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
        self._clean = False
        """Whether the last successful rebuild reported no problem at all: the short way
        needs it, since it reports only the edited files' problems."""
        self._cards_due = False
        self._static: dict[str, Path] = {}
        """The site's own static files."""
        self._cards: dict[str, Path] = {}
        """Share cards (output path -> cached PNG) as of the last `draw_cards`."""
        self._search: dict[str, bytes] = {}
        self._generation = 0
        """Counts rebuilds that changed pages; the index is of one generation."""
        self._indexed: int | None = None
        self._lock = threading.Lock()

    def rebuild(self, changed: Collection[Path] | None = None) -> Rebuild:
        """Bring the output up to date after `changed` (absolute paths; None: anything)."""
        with self._lock:
            started, started_cpu = time.perf_counter(), time.thread_time()
            files, problems = self.loader.load(changed)
            result = None
            if self.loader.edited and self._clean and not problems:
                result = self._edit_in_place(files, self.loader.edited)
            if result is None:
                result = self._rebuild(files, problems, changed or ())
            result.seconds = time.perf_counter() - started
            result.cpu_seconds = time.thread_time() - started_cpu
            return result

    def _edit_in_place(self, files: SiteFiles, edited: Sequence[SourceFile]) -> Rebuild | None:
        """The short way, or None when the edit needs the full one."""
        sources = self.parser.reparse(edited)
        site = self._site
        found = self.memo.replace_explainers(site, sources) if sources and site else None
        rendered = self.renderer.rerender(found[0], files, found[1]) if found else None
        if found is None or rendered is None:
            return None
        result = Rebuild(Report(), rendered=rendered.rendered, quick=True)
        result.report.extend(rendered.problems)
        if result.ok:
            self.renderer.commit(found[0], rendered)
            self._site = found[0]
            data = {path: rendered.pages[path].data for path in rendered.rendered}
            result.written = self.output.put(data)
            if result.written:
                self._generation += 1
                self._cards_due = True
        return result

    def _rebuild(
        self, files: SiteFiles, problems: list[Diagnostic], touched: Collection[Path]
    ) -> Rebuild:
        """The full way: every stage, each reusing what it kept of unchanged inputs."""
        report = Report()
        report.extend(problems)
        config, problems = parse_config(files.config)
        report.extend(problems)
        config = replace(config, base_url=BaseUrl(self.origin, config.base_url.path))
        self.base_url = config.base_url
        sources = Sources.of(self.parser.parse(files, config, report))
        renderer = MarkdownRenderer(allow_html=config.allow_html)
        site, problems = assemble(config, sources, renderer, __version__, self.memo)
        report.extend(problems)
        result = Rebuild(report)
        if report.has_errors:
            return result
        rendered = self.renderer.render(site, files)
        result.rendered = rendered.rendered
        report.extend(rendered.problems)
        if report.has_errors:
            return result
        self.renderer.commit(site, rendered)
        self._site, self._clean, self._cards_due = site, not report, True
        self._static = files.static
        result.written, result.deleted = self._write(touched)
        if any(path.endswith(".html") for path in (*result.written, *result.deleted)):
            self._generation += 1
        return result

    def catch_up(self) -> tuple[list[str], list[Diagnostic]]:
        """Draw the share cards and index for search now, on this thread: the outputs written
        or deleted, and the problems."""
        changed = self.draw_cards(lambda: None)
        job = self.search_job()
        if job is None:
            return changed, []
        found, problems = job.run()
        return [*changed, *self.adopt_index(job, found, problems)], problems

    def draw_cards(self, between: Callable[[], None]) -> list[str]:
        """Bring the share cards up to date after rebuilds; the outputs written or deleted.

        The first time that is every card of the site (minutes on a large site with none
        cached), so they are drawn without holding the lock, calling `between()` before each
        card: a rebuild may run meanwhile, and then the cards are drawn again for its site."""
        with self._lock:
            site = self._site if self._cards_due else None
            self._cards_due = False
        if site is None:
            return []
        cards = self.cards.update(site, between)
        with self._lock:
            if site is not self._site:
                self._cards_due = True
                return []
            self._cards = cards
            written, deleted = self._write(())
            return [*written, *deleted]

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

    def _write(self, touched: Collection[Path]) -> tuple[list[str], list[str]]:
        data = {path: page.data for path, page in self.renderer.pages.items()}
        return self.output.update({**data, **self._search}, self._static, touched, self._cards)
