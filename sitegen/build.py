"""A build, as the list of its stages: load -> parse -> assemble -> render -> write.

Each stage returns values and diagnostics; problems from every stage are collected and reported
together, and the output is replaced only when no stage found an error.

On a big site the stages run in forked worker processes (sitegen/parallel.py): files are
parsed, explainers' Markdown rendered and pages rendered in chunks, and the results come back
in order, so the output is byte for byte that of a one-process build. With the cache
(sitegen/cache.py), a build first checks whether any input changed at all (if not, it does
nothing); otherwise only files whose bytes changed are parsed again and only Markdown whose
text, or whose answers from the rest of the site, changed is rendered again. Pages are rendered
straight into a staging folder, reusing the previous output's file wherever the bytes are the
same, and the folder is swapped in only at the end.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen import __version__
from sitegen.core.diagnostics import Diagnostic, Place, Report
from sitegen.core.model import Site, SiteConfig
from sitegen.core.outputs import Output, Progress
from sitegen.core.urls import BaseUrl
from sitegen.engine.executor import collector_paused, map_chunks, worker_count
from sitegen.engine.store import (
    BuildCache,
    CachedMarkdown,
    Fresh,
    Stamp,
    digest,
    fast_pickling,
    folder_listing,
    generation,
    stat_key,
)
from sitegen.stages.config import parse_config, zone_of
from sitegen.stages.frontmatter import HAS_LIBYAML, parse_document
from sitegen.stages.load import Kind, SiteFiles, SourceFile, load_site, read_source
from sitegen.stages.parse import (
    ActorSource,
    ExplainerOutline,
    ExplainerSource,
    PageSource,
    parse_actor,
    parse_explainer,
    parse_page,
)
from sitegen.stages.write import Staging, WriteError, check_output_folder

if TYPE_CHECKING:  # the Markdown and template engines are imported only when a build needs them
    from sitegen.stages.assemble import Sources

CACHE_RUN = 500
"""Explainers assembled between two packings of their new cache entries (`_runner`)."""

CACHE_DIR = ".sitegen-cache"
"""Kept between builds in the site folder (share images); safe to delete at any time."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What the command line can change about a build."""

    root: Path
    out: Path | None = None
    base_url: BaseUrl | None = None
    drafts: bool = False
    strict: bool = False
    cache: bool = True
    """Use and update `<site>/.sitegen-cache/`; off, every file is parsed and rendered anew."""

    @property
    def out_dir(self) -> Path:
        return self.out if self.out is not None else self.root / "site"


@dataclass(slots=True)
class BuildResult:
    """What a build did: its report, and on success the site and how many files it wrote."""

    report: Report
    site: Site | None = None
    outputs: list[Output] = field(default_factory=list)
    files_written: int = 0
    """Files in the new output folder."""
    files_reused: int = 0
    """Of those, files whose bytes had not changed, kept as they were (not written again)."""
    unchanged: bool = False
    """True when no input had changed since the last build, so nothing was done at all."""
    notices: list[str] = field(default_factory=list)
    """Advice about the build itself (not about content), such as a missing speed-up."""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.report.has_errors


LIBYAML_NOTICE = (
    "PyYAML was installed without libyaml, so front matter is read about 3 times slower; "
    "reinstall it with libyaml (for example `pip install --force-reinstall --no-binary pyyaml "
    "pyyaml` with the libyaml headers present) for faster builds"
)


def build(options: BuildOptions, on_progress: Progress | None = None) -> BuildResult:
    """Build the site and write it, replacing the output only if everything succeeded.

    Stages run in worker processes on large sites, and with the cache on, only what changed
    since the last build is parsed and rendered again; the output is the same byte for byte.
    `on_progress(done, total)` is told as pages are rendered and share cards drawn, for a caller
    that shows progress.
    """
    started = time.perf_counter()
    with collector_paused():
        result = _build(options, on_progress)
    if not HAS_LIBYAML:
        result.notices.append(LIBYAML_NOTICE)
    result.seconds = time.perf_counter() - started
    return result


def _build(options: BuildOptions, on_progress: Progress | None = None) -> BuildResult:
    files, problems = load_site(options.root, read_content=False)
    fast_pickling()  # records and explainers are pickled to and from workers, and packed
    refused = check_output_folder(options.out_dir, options.root)
    if refused:  # before the cache is opened: a refused build writes nothing at all
        checked = check(options, files=files, load_problems=problems)
        checked.report.add(Place(str(options.out_dir)).error(refused))
        return BuildResult(checked.report)
    cache = _open_cache(options, files)
    inputs = _inputs_key(options, files) if cache else b""
    if cache and not problems:
        stamp = cache.stamp()
        if stamp and stamp.inputs == inputs and stamp.output == folder_listing(options.out_dir):
            report = Report()
            report.extend(stamp.diagnostics)
            return BuildResult(report, files_written=stamp.files, unchanged=True)
    if cache:
        cache.forget_stamp()  # until this build has succeeded

    if cache:
        cache.load()
    checked = check(options, files=files, load_problems=problems, cache=cache)
    if cache:
        cache.save_entries(checked.stats)
    result = BuildResult(checked.report, checked.site)
    if checked.ok and checked.site is not None:
        _write(options, checked, result, cache, on_progress)
    if cache and result.ok:
        listing = folder_listing(options.out_dir)
        cache.save_stamp(Stamp(inputs, listing, tuple(result.report), result.files_written))
    return result


def _write(
    options: BuildOptions,
    checked: CheckResult,
    result: BuildResult,
    cache: BuildCache | None,
    on_progress: Progress | None,
) -> None:
    """Render every output straight into a staging folder, then swap it in for the output.

    Share cards and the search index are made into the same staging folder, so a failure in
    either leaves the previous output as it was.
    """
    from sitegen.stages.render import render_into
    from sitegen.stages.search import search_outputs_of_folder
    from sitegen.stages.share import share_images

    assert checked.site is not None
    out_place = Place(str(options.out_dir))
    try:
        staging = Staging(options.out_dir)
    except OSError as err:
        result.report.add(out_place.error(f"cannot write {err.filename}: {err.strerror}"))
        return

    def sink(output: Output) -> None:
        if output.source is not None:
            staging.copy(output.path, output.source)
        else:
            staging.put(output.path, output.data or b"")

    counts = _Counts(staging)
    files = checked.files
    jobs = len(checked.site.explainers) + len(checked.site.actors)
    try:
        problems = render_into(
            checked.site,
            files.templates,
            files.template_paths,
            files.static,
            sink,
            _runner(worker_count(jobs), cache, counts),
            on_progress,
        )
        if not problems:  # after a template failure, cards and an index would only add noise
            cards = share_images(checked.site, options.root / CACHE_DIR / "share", on_progress)
            for card in cards:
                sink(card)
            found, search_problems = search_outputs_of_folder(checked.site, staging.folder)
            problems.extend(search_problems)
            for output in found:
                sink(output)
    except OSError as err:
        staging.abort()
        result.report.add(out_place.error(f"cannot write {err.filename}: {err.strerror or err}"))
        return
    result.report.extend(problems)
    if options.strict:
        result.report = result.report.strict()
    if not result.ok:
        staging.abort()
        return
    try:
        staging.commit()
    except WriteError as err:
        result.report.add(out_place.error(str(err)))
        return
    result.files_written = staging.count + counts.count
    result.files_reused = staging.reused + counts.reused


class _Counts:
    """Files written and reused by worker processes (whose own counters die with them)."""

    def __init__(self, staging: Staging) -> None:
        self.staging = staging
        self.count = 0
        self.reused = 0


def _runner(
    workers: int,
    cache: BuildCache | None,
    counts: _Counts | None = None,
    *,
    run: int = 0,
    share: bool = True,
    meanwhile: Callable[[], object] | None = None,
) -> Any:
    """A `run_chunks` for the stages: chunks in `workers` processes, and what each worker added
    to the cache (and how many files it wrote) merged back into this process.

    In one process, `run` > 0 still cuts the work into runs of that many items, so that the
    cache entries each run adds are packed as it ends rather than all held to the last.
    `share=False`: this process leaves all the work to workers (`parallel.fork_map`), and
    does `meanwhile()` while they work.
    """

    def run_chunks(
        task: Callable[[Sequence[Any]], Any],
        items: Sequence[Any],
        weight: Callable[[Any], float] | None = None,
    ) -> list[Any]:
        kept = cache.take_fresh() if cache else None
        parent = os.getpid()

        def chunk(part: Sequence[Any]) -> tuple[Any, Fresh | None, int, int]:
            staging = counts.staging if counts and os.getpid() != parent else None
            count, reused = (staging.count, staging.reused) if staging else (0, 0)
            value = task(part)
            fresh = cache.take_fresh(pack=True, forget=os.getpid() != parent) if cache else None
            if staging:  # a worker runs several chunks: send what this one added
                count, reused = staging.count - count, staging.reused - reused
            return value, fresh, count, reused

        if workers <= 1 and run > 0:
            results = [chunk(items[start : start + run]) for start in range(0, len(items), run)]
        else:
            results = map_chunks(
                chunk, items, workers, share=share, weight=weight, meanwhile=meanwhile
            )
        if cache and kept:
            cache.absorb(kept)
        values = []
        for value, fresh, count, reused in results:
            if cache and fresh:
                cache.absorb(fresh)
            if counts:
                counts.count += count
                counts.reused += reused
            values.append(value)
        return values

    return run_chunks


def _open_cache(options: BuildOptions, files: SiteFiles) -> BuildCache | None:
    if not options.cache:
        return None
    key = generation(__version__, files.config, files.templates, options.base_url, options.drafts)
    return BuildCache(files.root, key)


def _inputs_key(options: BuildOptions, files: SiteFiles) -> bytes:
    """Everything a build reads, by size, time and inode, with the options that shape it."""
    parts: list[bytes | str] = [
        generation(__version__, files.config, files.templates, options.base_url, options.drafts),
        str(options.out_dir.resolve()),
        str(options.strict),
    ]
    root = str(files.root)
    for file in files.content:
        parts += [file.path, repr(stat_key(os.path.join(root, file.path)))]
    for path, source in files.static.items():
        parts += [path, str(source), repr(stat_key(source))]
    return digest(*parts)


def generate(options: BuildOptions, on_progress: Progress | None = None) -> BuildResult:
    """Every stage but the last: the outputs of the site in memory, and all problems found."""
    from sitegen.stages.render import render_site
    from sitegen.stages.search import search_outputs
    from sitegen.stages.share import share_images

    checked = check(options)
    if not checked.ok or checked.site is None:
        return BuildResult(checked.report)
    outputs, problems = render_site(
        checked.site,
        checked.files.templates,
        checked.files.template_paths,
        checked.files.static,
        on_progress,
    )
    checked.report.extend(problems)
    if problems:  # a template failed: cards and an index of a broken site would only add noise
        return BuildResult(checked.report, checked.site, outputs)
    outputs.extend(share_images(checked.site, options.root / CACHE_DIR / "share", on_progress))
    found, problems = search_outputs(checked.site, outputs)
    checked.report.extend(problems)
    outputs.extend(found)
    return BuildResult(checked.report, checked.site, outputs)


@dataclass(slots=True)
class CheckResult:
    """The site model and every content problem, without rendering or writing anything."""

    report: Report
    files: SiteFiles
    site: Site | None
    stats: dict[str, tuple[tuple[int, int, int], bytes]] = field(default_factory=dict)
    """Content path -> (stat key, content key) of the files read, for the next build's cache."""

    @property
    def ok(self) -> bool:
        return not self.report.has_errors


def check(
    options: BuildOptions,
    *,
    files: SiteFiles | None = None,
    load_problems: Sequence[Diagnostic] = (),
    cache: BuildCache | None = None,
) -> CheckResult:
    """Load, parse and assemble: everything a build validates, with nothing written.

    `files` (from `load_site`, possibly listed without reading) saves loading the site again.
    """
    report = Report()
    if files is None:
        files, problems = load_site(options.root)
        report.extend(problems)
    report.extend(load_problems)
    config, problems = parse_config(files.config, base_url=options.base_url)
    report.extend(problems)
    stats: dict[str, tuple[tuple[int, int, int], bytes]] = {}
    sources = parse_sources(files, config, options.drafts, report, cache, stats)
    from sitegen.stages.assemble import assemble  # after the parse, which may import it meanwhile
    from sitegen.stages.markdown import MarkdownRenderer

    markdown = MarkdownRenderer(allow_html=config.allow_html)
    renderer = CachedMarkdown(markdown, cache) if cache else markdown
    # Workers pay only for real work: after a small edit, nearly every body is in the cache.
    workers = worker_count(
        cache.unrendered(sources.explainers) if cache else len(sources.explainers)
    )
    runner = _runner(workers, cache, run=CACHE_RUN if cache else 0)
    site, problems = assemble(config, sources, renderer, __version__, run_chunks=runner)
    report.extend(problems)
    if options.strict:
        report = report.strict()
    return CheckResult(report, files, None if report.has_errors else site, stats)


def parse_sources(
    files: SiteFiles,
    config: SiteConfig,
    drafts: bool,
    report: Report,
    cache: BuildCache | None = None,
    stats: dict[str, tuple[tuple[int, int, int], bytes]] | None = None,
) -> Sources:
    """Parse every content file, in worker processes on a large site; drafts take part only
    when asked for. Files listed without reading are read here; with a cache, a file whose
    bytes were parsed before is not parsed again (nor read, when its size and time match).
    Explainers come back as outlines (`ExplainerOutline`), unpacked only where they are built."""
    zone = zone_of(config)
    root = str(files.root)
    changed = (
        cache.unparsed((file.path, os.path.join(root, file.path)) for file in files.content)
        if cache
        else len(files.content)
    )
    workers = worker_count(changed)

    def parse_chunk(chunk: Sequence[SourceFile]) -> list[_Parsed]:
        return [_parse_one(files.root, file, config, zone, drafts, cache) for file in chunk]

    # The records are kept, and the assembly's workers fork from this process: it parses
    # nothing itself, so that a parse's garbage does not leave holes among them.
    runner = _runner(workers, cache, share=False, meanwhile=_import_later_stages)
    parsed = [item for chunk in runner(parse_chunk, files.content) for item in chunk]
    for item in parsed:
        report.extend(item.problems)
        if stats is not None and item.stat is not None and item.key is not None:
            stats[item.path] = (item.stat, item.key)
    return sources_of(item.source for item in parsed)


def _import_later_stages() -> None:
    """Import the Markdown and template engines while the parse workers work: on a small
    site these imports take about as long as the parse itself."""
    import sitegen.stages.assemble
    import sitegen.stages.render  # noqa: F401


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
    cache: BuildCache | None,
) -> _Parsed:
    """One file parsed, or its record from the cache."""
    key, stat = cache.file_key(file.path, root / file.path) if cache else (None, None)
    if cache and key is not None:
        found = cache.get_parsed(key)
        if found is not None:
            return _Parsed(file.path, found[0], found[1], stat, key)
    raw = file.raw
    if not raw:
        read, problems = read_source(root, file)
        if read is None:
            return _Parsed(file.path, None, problems)
        raw = read
        file = replace(file, raw=raw)
    if cache:
        key = digest(file.path, raw)
        found = cache.get_parsed(key)
        if found is not None:
            return _Parsed(file.path, found[0], found[1], stat, key)
    source, problems = parse_file(file, config, zone, drafts)
    if isinstance(source, ExplainerSource):
        source = ExplainerOutline.of(source)
    if cache and key is not None:
        cache.put_parsed(key, (source, problems))
    return _Parsed(file.path, source, problems, stat, key)


ParsedSource = ExplainerSource | ActorSource | PageSource


def parse_file(
    file: SourceFile, config: SiteConfig, zone: tzinfo, drafts: bool
) -> tuple[ParsedSource | None, list[Diagnostic]]:
    """One content file's source record (None when it has errors or is a draft left out).

    Depends on nothing but its arguments, so a long-running process may reuse the result for
    the same bytes and settings.
    """
    document, problems = parse_document(file.path, file.raw)
    if document is None:
        return None, problems
    source: ParsedSource | None
    if file.kind is Kind.ACTOR:
        source, more = parse_actor(document, zone)
    elif file.kind is Kind.PAGE:
        source, more = parse_page(document, config, zone)
    else:
        source, more = parse_explainer(document, config, zone)
    if isinstance(source, ExplainerSource | PageSource) and source.draft and not drafts:
        source = None
    return source, [*problems, *more]


def sources_of(parsed: Iterable[ParsedSource | ExplainerOutline | None]) -> Sources:
    """The parsed records sorted by kind, in file order."""
    from sitegen.stages.assemble import Sources

    records = [source for source in parsed if source is not None]
    return Sources(
        tuple(
            source for source in records if isinstance(source, ExplainerSource | ExplainerOutline)
        ),
        tuple(source for source in records if isinstance(source, ActorSource)),
        tuple(source for source in records if isinstance(source, PageSource)),
    )
