"""The preview's rebuild engine: after an edit, redo only the work the edit invalidated.

It runs the same stages as `sitegen build` and keeps what each produced between runs:

- load and parse (`preview/loading.py`): a change to content files it already knows re-reads
  just those files; anything else (the settings, a new, deleted or renamed file, a template)
  walks the site again; each content file's source record is kept, keyed by its bytes and the
  settings;
- assemble: explainers whose source and site-wide tables are unchanged are reused
  (`AssemblyMemo`, `preview/assembly.py`), so only changed Markdown is rendered again;
- render (`preview/pages.py`): every page remembers its job, the templates it uses and what it
  read of the `site` object; it is rendered again only when one of those differs;
- write (`preview/outputs.py`): only outputs whose bytes changed are written, vanished outputs
  are deleted, and a static file is copied only when it changed.

This module holds what ties them together: `Incremental`, which runs the stages in order,
takes the short way when an edit allows it, and keeps share cards and the search index apart.
The invariant that matters most: after any sequence of edits the output folder holds exactly
what a fresh full build would write, byte for byte (tests/serve/test_incremental.py checks it).
Nothing in the build core imports the preview.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen import __version__
from sitegen.core.diagnostics import Diagnostic, Report
from sitegen.core.model import Site
from sitegen.core.outputs import Output
from sitegen.core.urls import BaseUrl
from sitegen.engine.store import CACHE_DIR
from sitegen.preview.assembly import AssemblyMemo
from sitegen.preview.loading import Loader, Parser
from sitegen.preview.outputs import OutputFolder, SearchJob, ShareCards
from sitegen.preview.pages import PageRenderer
from sitegen.stages.assemble import Sources, assemble
from sitegen.stages.config import parse_config
from sitegen.stages.load import SiteFiles, SourceFile
from sitegen.stages.markdown import MarkdownRenderer


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
