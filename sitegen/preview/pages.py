"""The preview's render stage: a page is rendered again only when what it was made from changed.

Rendering every page after each edit would make the preview's cost grow with the site. Each
output remembers its job, the templates it uses and what it read of its variables and of the
`site` object (the engine's read tracing, `sitegen.engine.reads`); after an edit only the outputs
whose template, fixed inputs or reads differ are rendered again, and the others keep their bytes.
What the pages read of the site is kept in a `SiteIndex` (`preview/site_index.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import jinja2

from sitegen.core.diagnostics import Diagnostic
from sitegen.core.model import Site
from sitegen.core.outputs import PageJob
from sitegen.engine.reads import Reads, Traced, read_again, traced, untraced_helpers
from sitegen.engine.templates import TemplateFacts, template_facts
from sitegen.preview.assembly import Replaced
from sitegen.preview.site_index import Node, SiteIndex
from sitegen.stages.load import SiteFiles
from sitegen.stages.render import (
    FEED_SIZE,
    Renderer,
    actor_job,
    explainer_job,
    feed_variables,
    home_jobs,
    make_environment,
    metadata_helpers,
    page_jobs,
    plain_jobs,
    site_helpers,
    topic_jobs,
)


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
    """What it read of the site (kept in the `SiteIndex` too)."""
    data: bytes


@dataclass(slots=True)
class Rendered:
    """What one render made: every output's page, the outputs rendered again, the template
    problems, and what `commit` needs to keep it."""

    pages: dict[str, _Page]
    rendered: list[str]
    problems: list[Diagnostic]
    jobs: dict[str, _Job]
    refreshed: list[tuple[Node, Any]]
    """Every part of the site the index holds whose value is not the very same object now,
    with its new value (`SiteIndex.stale_pages`), whatever the render rendered again."""


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
        self._index = SiteIndex()
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
            env.globals.update(untraced_helpers(metadata_helpers()))
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
        """The environment, with the globals `render_site` gives templates for this site; the
        helpers get real values (`untraced`): they read only the settings, and a change of
        settings renders every page again."""
        env = self._env
        assert env is not None
        env.globals["site"] = site
        env.globals.update(untraced_helpers(site_helpers(site)))
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
