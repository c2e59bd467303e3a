"""The engine: runs the stages' pieces of work through the executor, with the store.

The stages know nothing of processes or caches. A stage that has many independent pieces of work
(files to parse, explainers to assemble, pages to render) takes a `run_chunks` function and
hands them to it; the engine's runs them here or in forked workers (`executor`), answers from
the store what an earlier build already worked out (`store`), merges what each worker added to
the store back into this process, and holds records and explainers compactly (`compact`).
Results always come back in order, so the output is byte for byte that of a one-process build
without a store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.core.diagnostics import Diagnostic, Report
from sitegen.core.model import Site, SiteConfig
from sitegen.core.outputs import Output, PageJob, Progress
from sitegen.engine.assembled import StoredAssembly
from sitegen.engine.compact import Compactor, ExplainerOutline
from sitegen.engine.executor import map_chunks, worker_count
from sitegen.engine.fingerprints import digest
from sitegen.engine.markdown_memo import CachedMarkdown
from sitegen.engine.pages import PageRecorder
from sitegen.engine.store import BuildCache, Fresh
from sitegen.engine.templates import any_import_without_context
from sitegen.stages.assemble import Sources, assemble
from sitegen.stages.config import zone_of
from sitegen.stages.load import SiteFiles, SourceFile, read_source
from sitegen.stages.markdown import MarkdownRenderer
from sitegen.stages.parse import parse_file
from sitegen.stages.records import ExplainerSource, ParsedSource
from sitegen.stages.render import Renderer, page_jobs, render_into
from sitegen.stages.search import search_outputs_of_folder
from sitegen.stages.share import share_images
from sitegen.stages.write import Staging

CACHE_RUN = 500
"""Explainers assembled between two packings of their new store entries (`_runner`)."""

Stats = dict[str, tuple[tuple[int, int, int], bytes]]
"""Content path -> (stat key, content key) of the files read, for the next build's store."""


class Engine:
    """One build's way of running the stages: with or without a store, in as many processes
    as the work pays for."""

    def __init__(self, store: BuildCache | None) -> None:
        self.store = store
        self.compactor = Compactor()
        self.stats: Stats = {}

    def parse(self, files: SiteFiles, config: SiteConfig, drafts: bool, report: Report) -> Sources:
        """Every content file parsed, in worker processes on a large site; drafts take part
        only when asked for. Files listed without reading are read here; a file whose bytes
        the store has parsed before is not parsed again (nor read, when its size and time
        match). Explainers are held as outlines until they are built."""
        store = self.store
        root = str(files.root)
        changed = (
            store.unparsed((file.path, os.path.join(root, file.path)) for file in files.content)
            if store
            else len(files.content)
        )
        zone = zone_of(config)

        def parse_chunk(chunk: Sequence[SourceFile]) -> list[_Parsed]:
            return [_parse_one(files.root, file, config, zone, drafts, store) for file in chunk]

        # The records are kept, and the assembly's workers fork from this process: it parses
        # nothing itself, so that a parse's garbage does not leave holes among them.
        runner = self._runner(worker_count(changed), share=False)
        parsed = [item for chunk in runner(parse_chunk, files.content) for item in chunk]
        for item in parsed:
            report.extend(item.problems)
            if item.stat is not None and item.key is not None:
                self.stats[item.path] = (item.stat, item.key)
        return Sources.of(item.source for item in parsed)

    def assemble(self, config: SiteConfig, sources: Sources) -> tuple[Site, list[Diagnostic]]:
        """The site model, explainers built in worker processes when enough of them need
        their Markdown rendered (after a small edit, nearly every body is in the store)."""
        store = self.store
        markdown = MarkdownRenderer(allow_html=config.allow_html)
        renderer = CachedMarkdown(markdown, store) if store else markdown
        workers = worker_count(
            store.unrendered(sources.explainers) if store else len(sources.explainers)
        )
        runner = self._runner(workers, run=CACHE_RUN if store else 0)
        memo = None
        if store:
            records = {path: key for path, (_stat, key) in self.stats.items()}
            memo = StoredAssembly(store, records, self.compactor.keep)
        return assemble(
            config,
            sources,
            renderer,
            __version__,
            memo=memo,
            run_chunks=runner,
            keep=self.compactor.keep,
        )

    def render(
        self,
        site: Site,
        files: SiteFiles,
        staging: Staging,
        on_progress: Progress | None,
    ) -> tuple[list[Diagnostic], int, int]:
        """Every page rendered straight into `staging` (from the workers too: no page's bytes
        travel between processes); the template problems, and how many files were written
        and how many kept from the previous output. With a store, a page whose record shows
        that nothing it was made from changed is not rendered at all (`pages`), unless a
        template imports macros without context (`templates`): then every page is rendered and
        none recorded."""
        render_page = self._plain_page
        counts = _Counts(staging)
        workers = worker_count(len(site.explainers) + len(site.actors))
        if self.store and not any_import_without_context(files.templates):
            store = self.store
            prepare = self.compactor.prepare
            previous = store.pages, store.read_values
            recorder = PageRecorder(
                site, previous, staging, store.note_page, store.note_reads, prepare
            )
            render_page = recorder.render
            if store.pages:
                workers = self._keep_unchanged(recorder, site, counts)
        problems = render_into(
            site,
            files.templates,
            files.template_paths,
            files.static,
            staging.add,
            self._runner(workers, counts=counts),
            on_progress,
            render_page,
        )
        return problems, counts.count, counts.reused

    def _keep_unchanged(self, recorder: PageRecorder, site: Site, counts: _Counts) -> int:
        """Keep every page whose record holds (`PageRecorder.keep_unchanged`), in as many
        processes as checking them all pays for; how many processes rendering the pages left
        pays for."""
        every = list(page_jobs(site))
        left = len(every)
        for kept in self._runner(worker_count(left), counts=counts)(recorder.keep_unchanged, every):
            recorder.held(kept)
            left -= len(kept)
        return worker_count(left)

    def _plain_page(self, renderer: Renderer, job: PageJob) -> Output | None:
        return renderer.page(self.compactor.prepare(job))

    def extras(
        self, site: Site, cards: Path, staging: Staging, on_progress: Progress | None
    ) -> list[Diagnostic]:
        """The share cards (drawn into, or taken from, the store's `cards` folder) and the
        search index of the pages already in `staging`, added to it; their problems."""
        for card in share_images(site, cards, on_progress):
            staging.add(card)
        found, problems = search_outputs_of_folder(site, staging.folder)
        for output in found:
            staging.add(output)
        return problems

    def _runner(
        self, workers: int, *, run: int = 0, share: bool = True, counts: _Counts | None = None
    ) -> Any:
        """A `run_chunks` for the stages: chunks in `workers` processes, and what each worker
        added to the store (and how many files it wrote) merged back into this process.

        In one process, `run` > 0 still cuts the work into runs of that many items, so that
        the store entries each run adds are packed as it ends rather than all held to the
        last. `share=False`: this process leaves all the work to workers
        (`executor.fork_map`).
        """
        store = self.store

        def run_chunks(
            task: Callable[[Sequence[Any]], Any],
            items: Sequence[Any],
            weight: Callable[[Any], float] | None = None,
        ) -> list[Any]:
            kept = store.take_fresh() if store else None
            parent = os.getpid()

            def chunk(part: Sequence[Any]) -> tuple[Any, Fresh | None, int, int]:
                staging = counts.staging if counts and os.getpid() != parent else None
                count, reused = (staging.count, staging.reused) if staging else (0, 0)
                value = task(part)
                forget = os.getpid() != parent
                fresh = store.take_fresh(pack=True, forget=forget) if store else None
                if staging:  # a worker runs several chunks: send what this one added
                    count, reused = staging.count - count, staging.reused - reused
                return value, fresh, count, reused

            if workers <= 1 and run > 0:
                results = [chunk(items[start : start + run]) for start in range(0, len(items), run)]
            else:
                results = map_chunks(chunk, items, workers, share=share, weight=weight)
            if store and kept:
                store.absorb(kept)
            values = []
            for value, fresh, count, reused in results:
                if store and fresh:
                    store.absorb(fresh)
                if counts:
                    counts.count += count
                    counts.reused += reused
                values.append(value)
            return values

        return run_chunks


class _Counts:
    """Files written and reused by worker processes (whose own counters die with them)."""

    def __init__(self, staging: Staging) -> None:
        self.staging = staging
        self.count = 0
        self.reused = 0


@dataclass(frozen=True, slots=True)
class _Parsed:
    path: str
    source: ParsedSource | ExplainerOutline | None
    problems: list[Diagnostic]
    stat: tuple[int, int, int] | None = None
    key: bytes | None = None


def _parse_one(
    root: Path,
    file: SourceFile,
    config: SiteConfig,
    zone: tzinfo,
    drafts: bool,
    store: BuildCache | None,
) -> _Parsed:
    """One file parsed, or its record from the store."""
    key, stat = store.file_key(file.path, root / file.path) if store else (None, None)
    if store and key is not None:
        found = store.get_parsed(key)
        if found is not None:
            return _Parsed(file.path, found[0], found[1], stat, key)
    raw = file.raw
    if not raw:
        read, problems = read_source(root, file)
        if read is None:
            return _Parsed(file.path, None, problems)
        raw = read
        file = replace(file, raw=raw)
    if store:
        key = digest(file.path, raw)
        found = store.get_parsed(key)
        if found is not None:
            return _Parsed(file.path, found[0], found[1], stat, key)
    source, problems = parse_file(file, config, zone, drafts)
    held = ExplainerOutline.of(source) if isinstance(source, ExplainerSource) else source
    if store and key is not None:
        store.put_parsed(key, (held, problems))
    return _Parsed(file.path, held, problems, stat, key)
