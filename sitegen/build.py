"""A build, as the list of its stages: load -> parse -> assemble -> render -> write.

Each stage returns values and diagnostics; problems from every stage are collected and reported
together, and the output is replaced only when no stage found an error.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from sitegen import __version__
from sitegen.assemble import Sources, assemble
from sitegen.config import parse_config, zone_of
from sitegen.diagnostics import Diagnostic, Place, Report
from sitegen.frontmatter import parse_document
from sitegen.load import Kind, SiteFiles, SourceFile, load_site
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
from sitegen.render import Output, render_site
from sitegen.urls import BaseUrl
from sitegen.write import WriteError, check_output_folder, write_site


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


def build(options: BuildOptions) -> BuildResult:
    """Build the site and write it, replacing the output only if everything succeeded."""
    started = time.perf_counter()
    result = generate(options)
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


def generate(options: BuildOptions) -> BuildResult:
    """Every stage but the last: the outputs of the site in memory, and all problems found."""
    checked = check(options)
    if not checked.ok or checked.site is None:
        return BuildResult(checked.report)
    outputs, problems = render_site(
        checked.site, checked.files.templates, checked.files.template_paths, checked.files.static
    )
    checked.report.extend(problems)
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
    parsed = [parse_file(file, config, zone, drafts) for file in files.content]
    for _source, problems in parsed:
        report.extend(problems)
    return sources_of(source for source, _problems in parsed)


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


def sources_of(parsed: Iterable[ParsedSource | None]) -> Sources:
    """The parsed records sorted by kind, in file order."""
    records = [source for source in parsed if source is not None]
    return Sources(
        tuple(source for source in records if isinstance(source, ExplainerSource)),
        tuple(source for source in records if isinstance(source, ActorSource)),
        tuple(source for source in records if isinstance(source, PageSource)),
    )
