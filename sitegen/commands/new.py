"""`sitegen new`: a site folder that builds at once, and skeleton content files.

The starter site is package data (`sitegen/commands/starter/`), copied with a few placeholders
filled in.
Files whose names start with a dot are stored without it (`gitignore`, `github/`) so that no
packaging tool or editor treats them as the package's own dotfiles.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from sitegen import __version__
from sitegen.core.urls import slugify

STARTER = Path(__file__).parent / "starter"
DOTTED = ("gitignore", "github")
"""Starter entries that are written with a leading dot."""


class ScaffoldError(Exception):
    """What `sitegen new` refused to do, and why (exit status 1)."""


@dataclass(frozen=True, slots=True)
class Placeholders:
    """The values the starter's `__NAME__` placeholders are replaced with."""

    site_title: str
    today: date

    def fill(self, text: str) -> str:
        return (
            text.replace('"__SITE_TITLE__"', json.dumps(self.site_title, ensure_ascii=False))
            .replace("__SITE_TITLE__", self.site_title)
            .replace("__TODAY__", self.today.isoformat())
            .replace("__SITEGEN_REQUIREMENT__", f"sitegen=={__version__}")
        )


def new_site(target: Path, today: date | None = None) -> list[Path]:
    """Write the starter site into `target` (absent or empty); returns the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target} already exists and is not empty; choose a new folder")
    title = target.resolve().name.replace("-", " ").replace("_", " ").strip().title()
    values = Placeholders(title or "Explainers", today or date.today())
    written = []
    for source in sorted(STARTER.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        relative = source.relative_to(STARTER)
        if relative.parts[0] in DOTTED:
            relative = Path("." + relative.parts[0], *relative.parts[1:])
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(values.fill(source.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(destination)
    return written


def new_explainer(site: Path, title: str, today: date | None = None) -> Path:
    """A skeleton explainer `content/<slug>.md` with today's date; never overwrites."""
    day = (today or date.today()).isoformat()
    text = (
        "---\n"
        f"title: {_yaml_text(title)}\n"
        f"date: {day}\n"
        "summary: One or two sentences that tell the reader what this is about.\n"
        "topics: []\n"
        "key_points:\n"
        '  - "The first thing a reader should know."\n'
        "actors: []\n"
        "quotes: []\n"
        "draft: true\n"
        "---\n\n"
        "The story, in Markdown. Remove `draft: true` above to publish it;\n"
        "`sitegen serve --drafts` shows it meanwhile.\n"
    )
    return _create(site, f"content/{_slug(title, 'explainer')}.md", text)


def new_actor(site: Path, name: str) -> Path:
    """A skeleton actor `content/actors/<id>.md`; never overwrites."""
    text = (
        "---\n"
        f"name: {_yaml_text(name)}\n"
        "role: \n"
        "description: \n"
        "aliases: []\n"
        "---\n"
        "A short profile, in Markdown.\n"
    )
    return _create(site, f"content/actors/{_slug(name, 'actor')}.md", text)


def _slug(text: str, what: str) -> str:
    slug = slugify(text)
    if not slug:
        raise ScaffoldError(f"cannot make a file name from the {what} {text!r}; give letters")
    return slug


def _yaml_text(text: str) -> str:
    """A YAML scalar for any text: JSON strings are valid YAML double-quoted scalars."""
    return json.dumps(text.strip(), ensure_ascii=False)


def _create(site: Path, relative: str, text: str) -> Path:
    path = site / relative
    if not (site / "content").is_dir() and not (site / "sitegen.yaml").is_file():
        raise ScaffoldError(
            f"{site} is not a site folder (no content/ or sitegen.yaml); "
            "run this in one, or make one with `sitegen new SITE`"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError as err:
        raise ScaffoldError(f"{path} already exists; not overwriting it") from err
    return path


def run(what: str, name: str | None, site: Path, stdout: TextIO, stderr: TextIO) -> int:
    """`sitegen new`: exit status 0 when written, 1 when refused, 2 for a wrong command line."""
    try:
        if what in ("explainer", "actor"):
            if not name:
                print(f'sitegen: error: `sitegen new {what}` needs a name: "..."', file=stderr)
                return 2
            path = new_explainer(site, name) if what == "explainer" else new_actor(site, name)
            print(f"wrote {path}", file=stdout)
            if what == "explainer":
                print("it is a draft: `sitegen serve --drafts` shows it", file=stdout)
            return 0
        if name is not None:
            print(f"sitegen: error: unexpected {name!r} after the folder name", file=stderr)
            return 2
        target = Path(what)
        written = new_site(target)
    except ScaffoldError as err:
        print(f"sitegen: error: {err}", file=stderr)
        return 1
    print(f"made a new site in {target}/ ({len(written)} files). Next:", file=stdout)
    print(f"  cd {target}\n  sitegen serve      # preview at http://127.0.0.1:8000/", file=stdout)
    print("  sitegen build      # write the site into site/", file=stdout)
    return 0
