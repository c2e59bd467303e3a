"""A build, as the list of its stages: load -> parse -> assemble -> render -> write.

Each stage returns values and diagnostics; problems from every stage are collected and reported
together, and the output is replaced only when no stage found an error. How the stages' work is
spread over processes and what is reused from earlier builds is the engine's business
(`sitegen.engine`): the output is the same byte for byte either way.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import __version__
from sitegen.core.diagnostics import Diagnostic, Place, Report
from sitegen.core.model import Site
from sitegen.core.outputs import Progress
from sitegen.core.urls import BaseUrl
from sitegen.engine.executor import collector_paused
from sitegen.engine.fingerprints import folder_listing, generation
from sitegen.engine.store import CACHE_DIR, BuildCache, Stamp
from sitegen.stages.config import parse_config
from sitegen.stages.frontmatter import HAS_LIBYAML
from sitegen.stages.load import SiteFiles, load_site
from sitegen.stages.write import Staging, WriteError, check_output_folder

if TYPE_CHECKING:
    from sitegen.engine.run import Engine


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


@dataclass(slots=True)
class CheckResult:
    """The site model and every content problem, without rendering or writing anything."""

    report: Report
    files: SiteFiles
    site: Site | None

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


def _build(options: BuildOptions, on_progress: Progress | None) -> BuildResult:
    files, problems = load_site(options.root, read_content=False)  # 1. load (a listing)
    refused = check_output_folder(options.out_dir, options.root)
    if refused:  # before the store is opened: a refused build writes nothing at all
        checked = check(options, files=files, load_problems=problems)
        checked.report.add(Place(str(options.out_dir)).error(refused))
        return BuildResult(checked.report)
    store = _open_store(options, files)
    inputs = store.inputs_key(files, options.out_dir, options.strict) if store else b""
    if store and not problems:
        stamp = store.stamp()
        if stamp and stamp.inputs == inputs and stamp.output == folder_listing(options.out_dir):
            report = Report()
            report.extend(stamp.diagnostics)
            return BuildResult(report, files_written=stamp.files, unchanged=True)
    if store:
        store.forget_stamp()  # until this build has succeeded
        store.load()
    engine = _engine(store)
    checked = check(options, files=files, load_problems=problems, engine=engine)  # 2. and 3.
    if store:
        store.save_entries(engine.stats)
    result = BuildResult(checked.report, checked.site)
    if checked.ok and checked.site is not None:
        _write(options, checked.site, checked.files, engine, result, on_progress)  # 4. and 5.
    if store and result.ok:
        store.save_pages()
        listing = folder_listing(options.out_dir)
        store.save_stamp(Stamp(inputs, listing, tuple(result.report), result.files_written))
    return result


def check(
    options: BuildOptions,
    *,
    files: SiteFiles | None = None,
    load_problems: Sequence[Diagnostic] = (),
    engine: Engine | None = None,
) -> CheckResult:
    """Load, parse and assemble: everything a build validates, with nothing written.

    `files` (from `load_site`, possibly listed without reading) saves loading the site again.
    """
    report = Report()
    if files is None:
        files, problems = load_site(options.root)
        report.extend(problems)
    report.extend(load_problems)
    engine = engine or _engine(None)
    config, problems = parse_config(files.config, base_url=options.base_url)
    report.extend(problems)
    sources = engine.parse(files, config, options.drafts, report)  # 2. parse
    site, problems = engine.assemble(config, sources)  # 3. assemble
    report.extend(problems)
    if options.strict:
        report = report.strict()
    return CheckResult(report, files, None if report.has_errors else site)


def _write(
    options: BuildOptions,
    site: Site,
    files: SiteFiles,
    engine: Engine,
    result: BuildResult,
    on_progress: Progress | None,
) -> None:
    """Render every output straight into a staging folder, then swap it in for the output.

    Share cards and the search index are made into the same staging folder, so a failure in
    either leaves the previous output as it was.
    """
    out_place = Place(str(options.out_dir))
    try:
        staging = Staging(options.out_dir)
    except OSError as err:
        result.report.add(out_place.error(_cannot_write(err)))
        return
    try:
        problems, written, reused = engine.render(site, files, staging, on_progress)  # 4.
        if not problems:  # after a template failure, cards and an index would only add noise
            cards = options.root / CACHE_DIR / "share"
            problems = engine.extras(site, cards, staging, on_progress)
    except OSError as err:
        staging.abort()
        result.report.add(out_place.error(_cannot_write(err)))
        return
    result.report.extend(problems)
    if options.strict:
        result.report = result.report.strict()
    if not result.ok:
        staging.abort()
        return
    try:
        staging.commit()  # 5. write: the new output swapped in at once
    except WriteError as err:
        result.report.add(out_place.error(str(err)))
        return
    result.files_written = staging.count + written
    result.files_reused = staging.reused + reused


def _cannot_write(err: OSError) -> str:
    return f"cannot write {err.filename}: {err.strerror or err}"


def _open_store(options: BuildOptions, files: SiteFiles) -> BuildCache | None:
    if not options.cache:
        return None
    key = generation(__version__, files.config, files.templates, options.base_url, options.drafts)
    return BuildCache(files.root, key)


def _engine(store: BuildCache | None) -> Engine:
    """The engine, imported only once a build has work to do: it brings the Markdown and
    template engines (markdown-it-py, Jinja), which a build that finds nothing changed, the
    commonest build of all, never needs."""
    from sitegen.engine.run import Engine

    return Engine(store)
