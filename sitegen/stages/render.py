"""Stage 4: render the site model through Jinja into outputs, without touching the disk.

Every URL of FORMAT.md section 6 comes from here as an `Output` value: a path under the output
folder and its bytes (or, for static files, the file to copy). Templates get the typed model and
a few helpers; autoescape is on and undefined names are errors, so a template mistake is caught
at build time rather than shipped as an empty string.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from hashlib import sha1
from pathlib import Path
from typing import Any, cast

import jinja2
import jinja2.bccache

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.core.model import ActorEntry, Explainer, Pager, Site, Topic
from sitegen.core.outputs import Output, PageJob, Progress
from sitegen.stages import metadata

FEED_SIZE = 20


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


COMPILED_THEME = Path(__file__).resolve().parents[1] / "theme" / "compiled"
"""The built-in theme's templates compiled when the wheel was built (hatch_build.py)."""


class ThemeBytecode(jinja2.BytecodeCache):
    """Compiled templates kept the way Python keeps `.pyc` files: compiling the built-in theme
    took 70 ms of every build (a 100-explainer build took 0.47 s with it, 0.38 s without);
    loading its compiled code takes 2 ms.

    The wheel carries the code (`write=True` is for its build only; a build never writes
    here). Jinja checks each one against the template's source and its own and Python's
    versions, so a site's own template, or one changed since, is compiled as usual.
    """

    def __init__(self, folder: Path, *, write: bool = False) -> None:
        self.folder = folder
        self.write = write

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return sha1(f"{jinja2.__version__}|{name}".encode(), usedforsecurity=False).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            with open(self.folder / f"{bucket.key}.jbc", "rb") as file:
                bucket.load_bytecode(file)
        except OSError:
            pass

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.write:
            with open(self.folder / f"{bucket.key}.jbc", "wb") as file:
                bucket.write_bytecode(file)


def compile_theme(templates: Path, target: Path) -> None:
    """Compile every template under `templates` into `target`, for `ThemeBytecode`."""
    target.mkdir(parents=True, exist_ok=True)
    sources = {
        path.relative_to(templates).as_posix(): path.read_text("utf-8-sig")
        for path in sorted(templates.rglob("*"))
        if path.is_file()
    }
    env = make_environment(sources, ThemeBytecode(target, write=True))
    for name in sources:
        env.get_template(name)


def make_environment(
    templates: dict[str, str], compiled: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """The Jinja environment: autoescape, StrictUndefined, templates from memory only, the
    built-in theme's already compiled."""
    env = jinja2.Environment(
        loader=MemoryLoader(templates),
        bytecode_cache=compiled or ThemeBytecode(COMPILED_THEME),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates never change under an environment (a change makes a new one), so each
        # `{% include %}` need not ask whether its template is stale, nor keep an LRU order.
        auto_reload=False,
        cache_size=-1,
    )
    env.globals.update(metadata_helpers())
    return env


def metadata_helpers() -> dict[str, Callable[..., Any]]:
    """The metadata functions every template gets (`stages/metadata.py`)."""
    return {name: getattr(metadata, name) for name in metadata.__all__}


def render_site(
    site: Site,
    templates: dict[str, str],
    template_paths: dict[str, str],
    static: dict[str, Path],
    on_progress: Progress | None = None,
) -> tuple[list[Output], list[Diagnostic]]:
    """Every output of the site, or the template problems that prevented them."""
    outputs: list[Output] = []
    problems = render_into(
        site, templates, template_paths, static, outputs.append, on_progress=on_progress
    )
    return outputs, problems


Sink = Callable[[Output], object]
ChunkRunner = Callable[
    [Callable[[Sequence[PageJob]], Any], Sequence[PageJob], Callable[[PageJob], float]],
    list[Any],
]


def render_into(
    site: Site,
    templates: dict[str, str],
    template_paths: dict[str, str],
    static: dict[str, Path],
    sink: Sink,
    run_chunks: ChunkRunner | None = None,
    on_progress: Progress | None = None,
    render_page: Callable[[Renderer, PageJob], Output | None] | None = None,
) -> list[Diagnostic]:
    """Render every output of the site and hand each to `sink` as soon as it is made.

    Pages are rendered by `run_chunks` (in worker processes, which then call `sink`
    themselves: a sink that writes to disk works from any process, and no page's bytes travel
    back); the feed, the sitemap and robots.txt in this process. Returns the template problems;
    outputs handed over before a problem was found must then be thrown away by the caller.
    `on_progress(done, total)` is told of the pages this process renders (with workers, the
    parent renders a share of them, so the fraction still tracks the whole). `render_page`, if
    given, renders each page in place of `Renderer.page`, writing it itself or handing it back
    for `sink` (the engine's: `sitegen.engine.pages.PageRecorder.render`); it must give the
    same bytes.
    """
    renderer = Renderer(site_environment(site, templates), template_paths)
    renderer.compile(sorted({job.template for job in page_jobs(site)}))
    parent = os.getpid()

    def render_chunk(jobs: Sequence[PageJob]) -> dict[str, Diagnostic]:
        report = on_progress if os.getpid() == parent else None
        for done, job in enumerate(jobs, 1):
            output = render_page(renderer, job) if render_page else renderer.page(job)
            if output is not None:
                sink(output)
            if report is not None:
                report(done, len(jobs))
        return renderer.failures

    jobs = list(page_jobs(site))
    failures: dict[str, Diagnostic] = {}
    for found in run_chunks(render_chunk, jobs, job_weight) if run_chunks else [render_chunk(jobs)]:
        for template, problem in found.items():
            failures.setdefault(template, problem)
    renderer.failures = failures
    renderer.skip(failures)
    for name, variables in plain_jobs(site, jobs):
        output = renderer.plain(name, name, **variables)
        if output is not None:
            sink(output)
    for path, source in static.items():
        sink(Output(path, source=source))
    return list(renderer.failures.values())


def job_weight(job: PageJob) -> float:
    """A page's rough rendering cost, in explainer pages, for sharing pages out among workers:
    each explainer or quote a page lists costs about a twentieth of an explainer page
    (measured at 10,000 explainers: an explainer page 0.50 ms, an actor page listing about 190
    explainers and quotes 4.9 ms, a home page listing 20 explainers 0.75 ms)."""
    listed = 0
    entry = job.variables.get("entry")
    if entry is not None:
        listed += len(entry.explainers) + len(entry.quotes)
    pager = job.variables.get("pager")
    if pager is not None:
        listed += len(pager.items)
    return 1 + listed / 20


def site_environment(site: Site, templates: dict[str, str]) -> jinja2.Environment:
    """The Jinja environment with the site-wide globals every template receives."""
    env = make_environment(templates)
    env.globals.update(site=site, **site_helpers(site))
    return env


def site_helpers(site: Site) -> dict[str, Callable[..., str]]:
    """The helpers every template gets besides `site` and the metadata ones: links that honour
    the site's `base_url`."""
    base = site.config.base_url
    return {
        "link": base.link,
        "absolute": site.absolute,
        "asset": lambda path: base.link(f"static/{path}"),
    }


def page_jobs(site: Site) -> Iterator[PageJob]:
    """Every HTML page of FORMAT.md section 6, in a stable order."""
    yield from home_jobs(site)
    for explainer in site.explainers:
        yield explainer_job(site, explainer)
    yield _directory_job(site, "actors.html", "Actors", "Everyone in the explainers of {}.")
    for entry in site.actors:
        yield actor_job(site, entry)
    yield _directory_job(site, "topics.html", "Topics", "The topics of {}.")
    for topic in site.topics:
        yield from topic_jobs(site, topic)
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
    if site.config.search:
        yield _directory_job(
            site, "search.html", "Search", "Search the explainers, actors and quotes of {}."
        )
    yield _site_job(site, "404.html", "404.html", "Page not found", "This page does not exist.")


# The jobs of one part of the site each: `page_jobs` is made of them, and the preview's rebuild
# asks for just the parts an edit touched.


def home_jobs(site: Site) -> Iterator[PageJob]:
    """The home page and its numbered pages, newest explainers first."""
    config = site.config
    for pager in paginate(site.explainers, config.per_page, site.link(""), site.link("page/")):
        title = config.title if pager.number == 1 else f"Page {pager.number}"
        yield _site_job(site, pager.url, "home.html", title, config.description, pager=pager)


def explainer_job(site: Site, explainer: Explainer) -> PageJob:
    return _job(
        explainer.url,
        site,
        "explainer.html",
        explainer.title,
        explainer.summary or _first_text(explainer),
        explainer.lang,
        explainer.dir,
        explainer=explainer,
    )


def actor_job(site: Site, entry: ActorEntry) -> PageJob:
    actor = entry.actor
    description = actor.description or (f"{actor.name}, {actor.role}" if actor.role else actor.name)
    return _site_job(site, actor.page_url, "actor.html", actor.name, description, entry=entry)


def topic_jobs(site: Site, topic: Topic) -> Iterator[PageJob]:
    """A topic's page and its numbered pages."""
    per_page = site.config.per_page
    for pager in paginate(topic.explainers, per_page, topic.url, topic.url + "page/"):
        title = topic.name if pager.number == 1 else f"{topic.name}, page {pager.number}"
        description = f"Explainers about {topic.name}."
        yield _site_job(site, pager.url, "topic.html", title, description, topic=topic, pager=pager)


def _directory_job(site: Site, template: str, title: str, description: str) -> PageJob:
    """A page at `/<template's name>/` whose description names the site."""
    name = template.removesuffix(".html")
    return _site_job(
        site, site.link(f"{name}/"), template, title, description.format(site.config.title)
    )


def _site_job(
    site: Site, link: str, template: str, title: str, description: str, **variables: Any
) -> PageJob:
    """A page in the site's own language (not an explainer's or a page's)."""
    return _job(link, site, template, title, description, site.config.language, "ltr", **variables)


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


def plain_jobs(site: Site, jobs: Sequence[PageJob]) -> list[tuple[str, dict[str, Any]]]:
    """The files that are not pages, each named after its template, with its variables: the feed,
    the sitemap (of the pages `jobs`) and robots.txt."""
    return [
        ("feed.xml", feed_variables(site)),
        ("sitemap.xml", {"pages": list(sitemap_entries(site, jobs))}),
        ("robots.txt", {}),
    ]


def feed_variables(site: Site) -> dict[str, Any]:
    return {"entries": site.explainers[:FEED_SIZE]}


def sitemap_entries(site: Site, jobs: Iterable[PageJob]) -> Iterator[tuple[str, str]]:
    """(absolute URL, last modified date or "") for every page of `jobs` a crawler should know."""
    for job in jobs:
        if job.template == "404.html":
            continue
        explainer = job.variables.get("explainer")
        yield site.absolute(job.link), explainer.modified.date_iso if explainer else ""


class Renderer:
    """Renders templates, turning template mistakes into diagnostics with a place."""

    def __init__(self, env: jinja2.Environment, template_paths: dict[str, str]) -> None:
        self.env = env
        self.template_paths = template_paths
        self.failures: dict[str, Diagnostic] = {}
        """Template name -> the first problem that made rendering with it fail."""

    @property
    def problems(self) -> list[Diagnostic]:
        return list(self.failures.values())

    def compile(self, names: Sequence[str]) -> None:
        """Compile templates now, before workers fork, so that each need not compile its own.
        A template that does not compile is reported when a page first uses it."""
        for name in names:
            try:
                self.env.get_template(name)
            except Exception:  # reported, with its place, by the first `_render` that uses it
                continue

    def skip(self, failures: dict[str, Diagnostic]) -> None:
        """Render nothing more with templates that failed (in this or another process)."""
        self.failures = {**failures, **self.failures}

    def page(self, job: PageJob) -> Output | None:
        # Jinja's `Environment.globals` is typed by inference from its defaults as
        # dict[str, object], though it holds any value: this one is the site's `absolute`.
        absolute = cast("Callable[[str], str]", self.env.globals["absolute"])
        return self._render(
            job.path,
            job.template,
            page_link=job.link,
            canonical_url=absolute(job.link),
            title=job.title,
            description=job.description,
            lang=job.lang,
            dir=job.dir,
            **job.variables,
        )

    def plain(self, path: str, template: str, **variables: Any) -> Output | None:
        return self._render(path, template, **variables)

    def _render(self, path: str, template_name: str, **variables: Any) -> Output | None:
        if template_name in self.failures:
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
        self.failures[template_name] = Place(
            self.template_paths.get(name, f"templates/{name}"), max(line, 1), 1
        ).error(message)


def _template_frame(err: BaseException) -> tuple[str | None, int]:
    """The innermost template file and line in a rendering error's traceback (Jinja rewrites
    tracebacks so that template frames carry the template's name and line)."""
    found: tuple[str | None, int] = (None, 0)
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename and not frame.filename.endswith(".py") and frame.lineno:
            found = (frame.filename, frame.lineno)
    return found
