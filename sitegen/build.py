"""A build, as the list of its stages: load -> parse -> assemble -> render -> write.

Each stage returns values and diagnostics; problems from every stage are collected and reported
together, and the output is replaced only when no stage found an error.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import __version__
from sitegen.assemble import Sources, assemble
from sitegen.config import parse_config, zone_of
from sitegen.diagnostics import Place, Report
from sitegen.frontmatter import parse_document
from sitegen.load import Kind, SiteFiles, load_site
from sitegen.markdown import MarkdownRenderer
from sitegen.model import Site, SiteConfig
from sitegen.parse import (
    ActorSource,
    ExplainerSource,
    PageSource,
    parse_actor,
    parse_explainer,
    parse_page,
)
from sitegen.render import Output, Progress, render_site
from sitegen.search import search_outputs
from sitegen.share import share_images
from sitegen.urls import BaseUrl
from sitegen.write import WriteError, check_output_folder, write_site

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
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.report.has_errors


def build(options: BuildOptions, on_progress: Progress | None = None) -> BuildResult:
    """Build the site and write it, replacing the output only if everything succeeded.

    `on_progress(done, total)` is called as pages are rendered and share cards drawn, for a
    caller that shows progress.
    """
    started = time.perf_counter()
    result = generate(options, on_progress)
    if result.ok:
        out_place = Place(str(options.out_dir))
        problem = check_output_folder(options.out_dir, options.root)
        if problem:
            result.report.add(out_place.error(problem))
        else:
            try:
                result.files_written = write_site(result.outputs, options.out_dir)
            except WriteError as err:
                result.report.add(out_place.error(str(err)))
    result.seconds = time.perf_counter() - started
    return result


def generate(options: BuildOptions, on_progress: Progress | None = None) -> BuildResult:
    """Every stage but the last: the outputs of the site in memory, and all problems found."""
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

    @property
    def ok(self) -> bool:
        return not self.report.has_errors


def check(options: BuildOptions) -> CheckResult:
    """Load, parse and assemble: everything a build validates, with nothing written."""
    report = Report()
    files, problems = load_site(options.root)
    report.extend(problems)
    config, problems = parse_config(files.config, base_url=options.base_url)
    report.extend(problems)
    sources = parse_sources(files, config, options.drafts, report)
    renderer = MarkdownRenderer(allow_html=config.allow_html)
    site, problems = assemble(config, sources, renderer, __version__)
    report.extend(problems)
    if options.strict:
        report = report.strict()
    return CheckResult(report, files, None if report.has_errors else site)


def parse_sources(files: SiteFiles, config: SiteConfig, drafts: bool, report: Report) -> Sources:
    """Parse every content file; drafts take part only when asked for."""
    zone = zone_of(config)
    explainers: list[ExplainerSource] = []
    actors: list[ActorSource] = []
    pages: list[PageSource] = []
    for file in files.content:
        document, problems = parse_document(file.path, file.raw)
        report.extend(problems)
        if document is None:
            continue
        if file.kind is Kind.ACTOR:
            actor, problems = parse_actor(document, zone)
            actors.extend([actor] if actor else [])
        elif file.kind is Kind.PAGE:
            page, problems = parse_page(document, config, zone)
            pages.extend([page] if page and (drafts or not page.draft) else [])
        else:
            explainer, problems = parse_explainer(document, config, zone)
            explainers.extend([explainer] if explainer and (drafts or not explainer.draft) else [])
        report.extend(problems)
    return Sources(tuple(explainers), tuple(actors), tuple(pages))
