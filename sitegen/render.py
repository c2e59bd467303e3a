"""Stage 4: render the site model through Jinja into outputs, without touching the disk.

Every URL of FORMAT.md section 6 comes from here as an `Output` value: a path under the output
folder and its bytes (or, for static files, the file to copy). Templates get the typed model and
a few helpers; autoescape is on and undefined names are errors, so a template mistake is caught
at build time rather than shipped as an empty string.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from sitegen import metadata
from sitegen.diagnostics import Diagnostic, Place
from sitegen.model import Explainer, Pager, Site

FEED_SIZE = 20

Progress = Callable[[int, int], None]
"""`on_progress(done, total)`: told as pages are rendered; the command line draws a bar."""


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site: `data` to write, or a `source` file to copy as it is."""

    path: str
    data: bytes | None = None
    source: Path | None = None


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to render: its output path, template and the variables only it gets."""

    path: str
    template: str
    link: str
    title: str
    description: str
    lang: str
    dir: str
    variables: dict[str, Any]


class MemoryLoader(jinja2.BaseLoader):
    """Templates from memory (the load stage read them), named by their template name so that a
    rendering error's traceback says which template and line went wrong."""

    def __init__(self, templates: dict[str, str]) -> None:
        self.templates = templates

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        if template not in self.templates:
            raise jinja2.TemplateNotFound(template)
        return self.templates[template], template, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.templates)


def make_environment(templates: dict[str, str]) -> jinja2.Environment:
    """The Jinja environment: autoescape, StrictUndefined, templates from memory only."""
    env = jinja2.Environment(
        loader=MemoryLoader(templates),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update({name: getattr(metadata, name) for name in metadata.__all__})
    return env


def render_site(
    site: Site,
    templates: dict[str, str],
    template_paths: dict[str, str],
    static: dict[str, Path],
    on_progress: Progress | None = None,
) -> tuple[list[Output], list[Diagnostic]]:
    """Every output of the site, or the template problems that prevented them."""
    env = make_environment(templates)
    base = site.config.base_url
    env.globals.update(
        site=site,
        link=base.link,
        absolute=site.absolute,
        asset=lambda path: base.link(f"static/{path}"),
    )
    renderer = _Renderer(env, template_paths)
    jobs = list(page_jobs(site))
    outputs: list[Output | None] = []
    for job in jobs:
        outputs.append(renderer.page(job))
        if on_progress is not None:
            on_progress(len(outputs), len(jobs))
    outputs.append(renderer.plain("feed.xml", "feed.xml", entries=site.explainers[:FEED_SIZE]))
    outputs.append(renderer.plain("sitemap.xml", "sitemap.xml", pages=list(sitemap_entries(site))))
    outputs.append(renderer.plain("robots.txt", "robots.txt"))
    outputs.extend(Output(path, source=source) for path, source in static.items())
    return [output for output in outputs if output is not None], renderer.problems


def page_jobs(site: Site) -> Iterator[PageJob]:
    """Every HTML page of FORMAT.md section 6, in a stable order."""
    config = site.config
    lang, direction = config.language, "ltr"
    for pager in paginate(site.explainers, config.per_page, site.link(""), site.link("page/")):
        title = config.title if pager.number == 1 else f"Page {pager.number}"
        yield _job(
            pager.url, site, "home.html", title, config.description, lang, direction, pager=pager
        )
    for explainer in site.explainers:
        yield _job(
            explainer.url,
            site,
            "explainer.html",
            explainer.title,
            explainer.summary or _first_text(explainer),
            explainer.lang,
            explainer.dir,
            explainer=explainer,
        )
    yield _job(
        site.link("actors/"),
        site,
        "actors.html",
        "Actors",
        f"Everyone in the explainers of {config.title}.",
        lang,
        direction,
    )
    for entry in site.actors:
        actor = entry.actor
        description = actor.description or (
            f"{actor.name}, {actor.role}" if actor.role else actor.name
        )
        yield _job(
            actor.page_url,
            site,
            "actor.html",
            actor.name,
            description,
            lang,
            direction,
            entry=entry,
        )
    yield _job(
        site.link("topics/"),
        site,
        "topics.html",
        "Topics",
        f"The topics of {config.title}.",
        lang,
        direction,
    )
    for topic in site.topics:
        for pager in paginate(topic.explainers, config.per_page, topic.url, topic.url + "page/"):
            title = topic.name if pager.number == 1 else f"{topic.name}, page {pager.number}"
            yield _job(
                pager.url,
                site,
                "topic.html",
                title,
                f"Explainers about {topic.name}.",
                lang,
                direction,
                topic=topic,
                pager=pager,
            )
    for page in site.pages:
        yield _job(
            page.url,
            site,
            "page.html",
            page.title,
            page.summary or page.title,
            page.lang,
            page.dir,
            page=page,
        )
    if config.search:
        yield _job(
            site.link("search/"),
            site,
            "search.html",
            "Search",
            f"Search the explainers, actors and quotes of {config.title}.",
            lang,
            direction,
        )
    yield _job(
        site.link("404.html"),
        site,
        "404.html",
        "Page not found",
        "This page does not exist.",
        lang,
        direction,
    )


def _job(
    link: str,
    site: Site,
    template: str,
    title: str,
    description: str,
    lang: str,
    direction: str,
    **variables: Any,
) -> PageJob:
    base_path = site.config.base_url.path
    relative = link[len(base_path) :] if link.startswith(base_path) else link.lstrip("/")
    path = relative if relative.endswith(".html") else f"{relative}index.html"
    return PageJob(path, template, link, title, description, lang, direction, variables)


def _first_text(explainer: Explainer) -> str:
    return (
        jinja2.filters.do_striptags(explainer.key_points[0])
        if explainer.key_points
        else explainer.title
    )


def paginate(
    items: Sequence[Explainer], per_page: int, first_url: str, page_prefix: str
) -> Iterator[Pager]:
    """Pages of `per_page` items: the first at `first_url`, then `page_prefix` + `2/`, `3/`..."""
    count = max(1, -(-len(items) // per_page))

    def url(number: int) -> str:
        return first_url if number == 1 else f"{page_prefix}{number}/"

    for number in range(1, count + 1):
        yield Pager(
            number=number,
            count=count,
            items=tuple(items[(number - 1) * per_page : number * per_page]),
            url=url(number),
            prev_url=url(number - 1) if number > 1 else None,
            next_url=url(number + 1) if number < count else None,
        )


def sitemap_entries(site: Site) -> Iterator[tuple[str, str]]:
    """(absolute URL, last modified date or "") for every page a crawler should know."""
    for job in page_jobs(site):
        if job.template == "404.html":
            continue
        explainer = job.variables.get("explainer")
        yield site.absolute(job.link), explainer.modified.date_iso if explainer else ""


class _Renderer:
    """Renders templates, turning template mistakes into diagnostics with a place."""

    def __init__(self, env: jinja2.Environment, template_paths: dict[str, str]) -> None:
        self.env = env
        self.template_paths = template_paths
        self.problems: list[Diagnostic] = []
        self._failed: set[str] = set()

    def page(self, job: PageJob) -> Output | None:
        return self._render(
            job.path,
            job.template,
            page_link=job.link,
            canonical_url=self.env.globals["absolute"](job.link),
            title=job.title,
            description=job.description,
            lang=job.lang,
            dir=job.dir,
            **job.variables,
        )

    def plain(self, path: str, template: str, **variables: Any) -> Output | None:
        return self._render(path, template, **variables)

    def _render(self, path: str, template_name: str, **variables: Any) -> Output | None:
        if template_name in self._failed:
            return None
        try:
            template = self.env.get_template(template_name)
            return Output(path, data=template.render(**variables).encode("utf-8"))
        except jinja2.TemplateSyntaxError as err:
            self._fail(
                template_name,
                err.name or template_name,
                err.lineno,
                f"template syntax error: {err.message}",
            )
        except jinja2.TemplateNotFound as err:
            self._fail(template_name, template_name, 0, f"template `{err.name}` not found")
        except Exception as err:  # a template bug must not end the build in a traceback
            name, line = _template_frame(err)
            self._fail(
                template_name,
                name or template_name,
                line,
                f"template error while rendering {path}: {err}",
            )
        return None

    def _fail(self, template_name: str, name: str, line: int, message: str) -> None:
        self._failed.add(template_name)
        self.problems.append(
            Place(self.template_paths.get(name, f"templates/{name}"), max(line, 1), 1).error(
                message
            )
        )


def _template_frame(err: BaseException) -> tuple[str | None, int]:
    """The innermost template file and line in a rendering error's traceback (Jinja rewrites
    tracebacks so that template frames carry the template's name and line)."""
    found: tuple[str | None, int] = (None, 0)
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename and not frame.filename.endswith(".py") and frame.lineno:
            found = (frame.filename, frame.lineno)
    return found
