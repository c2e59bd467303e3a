"""Stage 1: find and read the files of a site folder, and nothing outside it.

This is the only stage that reads the site folder. It refuses any symlink that leads out of the
site folder (a contributor's `content/x.md -> ~/.ssh/id_rsa` must not end up on a web host),
ignores editor droppings and hidden files, and hands later stages bytes, never open files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path, PurePosixPath

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.stages.config import CONFIG_NAME

MAX_FILE_BYTES = 16 * 10**6
"""Files sitegen reads into memory (content, templates, sitegen.yaml) are refused past this size:
a build keeps each body's Markdown tokens in memory, about 60 times the text (a 10 MB body
peaks near 600 MB), so an unbounded file is an unbounded build. Static files are copied, never
read, and have no limit."""


class Kind(Enum):
    """What a content file is, by where it stands (FORMAT.md 3, 4, 5)."""

    EXPLAINER = "explainer"
    ACTOR = "actor"
    PAGE = "page"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One content file's bytes and its path relative to the site folder."""

    path: str
    kind: Kind
    raw: bytes


@dataclass(frozen=True, slots=True)
class SiteFiles:
    """Everything a build reads, gathered once."""

    root: Path
    config: bytes | None
    content: tuple[SourceFile, ...]
    templates: dict[str, str] = field(default_factory=dict)
    """Template name -> source; the site's own files win over the built-in theme's."""
    template_paths: dict[str, str] = field(default_factory=dict)
    """Template name -> the path shown in error messages."""
    static: dict[str, Path] = field(default_factory=dict)
    """Output path under `static/` -> the file to copy; the site's files win over the theme's."""


def theme_dir() -> Path:
    """Where the built-in theme is: inside the installed package, or at the root of a checkout."""
    packaged = Path(__file__).resolve().parents[1] / "theme"
    if (packaged / "templates").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


def load_site(root: Path, *, read_content: bool = True) -> tuple[SiteFiles, list[Diagnostic]]:
    """Read the config, content, templates and static file list of the site at `root`.

    With `read_content=False` content files are listed but not read (their `raw` is empty):
    a large site's bytes then never sit in memory all at once, and `read_source` reads each
    file where it is parsed, in whichever worker process that is.
    """
    root = root.resolve()
    problems: list[Diagnostic] = []
    config = _read_config(root, problems)
    content = tuple(_content_files(root, problems, read=read_content))
    theme = theme_dir()
    templates, template_paths = _templates(
        theme / "templates", theme / "templates", "(built-in theme)/"
    )
    if theme.resolve() != root:
        own, own_paths = _templates(root / "templates", root, "", problems)
        templates.update(own)
        template_paths.update(own_paths)
    static = {f"static/{rel}": path for rel, path in _walk(theme / "static", theme / "static")}
    if theme.resolve() != root:
        static.update(
            {f"static/{rel}": path for rel, path in _walk(root / "static", root, problems)}
        )
    problems.extend(_case_collisions(static))
    return SiteFiles(
        root, config, content, templates, template_paths, dict(sorted(static.items()))
    ), problems


def _case_collisions(static: dict[str, Path]) -> Iterator[Diagnostic]:
    """A warning for each static file whose name differs from another's only in case.

    Linux keeps both, but on a case-insensitive file system (macOS, Windows, a checkout there,
    some hosts) one silently replaces the other. A warning, not an error: the build itself is
    right, and `--strict` makes it fail in CI.
    """
    first: dict[str, str] = {}
    for name in sorted(static):
        other = first.setdefault(name.casefold(), name)
        if other != name:
            yield Place(name).warning(
                f"`{name}` and `{other}` differ only in case; on a case-insensitive file system "
                "one replaces the other"
            )


def _read_config(root: Path, problems: list[Diagnostic]) -> bytes | None:
    path = root / CONFIG_NAME
    if not path.exists() and not path.is_symlink():
        return None
    refused = _refused_target(path, root)
    if refused:
        problems.append(Place(CONFIG_NAME).error(refused))
        return None
    return _read_bytes(path, CONFIG_NAME, problems)


def _content_files(
    root: Path, problems: list[Diagnostic], *, read: bool = True
) -> Iterator[SourceFile]:
    content = root / "content"
    for rel, path in _walk(content, root, problems, skip_private=True):
        if not rel.endswith(".md"):
            continue
        raw = _read_bytes(path, f"content/{rel}", problems) if read else b""
        if raw is not None:
            yield SourceFile(f"content/{rel}", _kind(rel), raw)


def read_source(root: Path, file: SourceFile) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of a content file listed without reading (`load_site(read_content=False)`)."""
    problems: list[Diagnostic] = []
    return _read_bytes(root / file.path, file.path, problems), problems


def _kind(rel: str) -> Kind:
    top = rel.partition("/")[0] if "/" in rel else ""
    if top == "actors":
        return Kind.ACTOR
    if top == "pages":
        return Kind.PAGE
    return Kind.EXPLAINER


def _templates(
    folder: Path, root: Path, prefix: str, problems: list[Diagnostic] | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    sources: dict[str, str] = {}
    shown: dict[str, str] = {}
    for rel, path in _walk(folder, root, problems):
        display = f"{prefix}templates/{rel}" if prefix == "" else f"{prefix}{rel}"
        raw = _read_bytes(path, display, problems)
        if raw is None:
            continue
        try:
            sources[rel] = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            if problems is not None:
                problems.append(Place(display, 1, 1).error("template is not valid UTF-8 text"))
            continue
        shown[rel] = display
    return sources, shown


_EDITOR_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".crswap")


def is_hidden_or_dropping(name: str) -> bool:
    """Hidden files and editor droppings, which are never part of a site: `.x.md.swp`, `x.md~`,
    Emacs lock files `.#x.md` and autosaves `#x.md#`, Vim's write test `4913`, Chrome's
    `.crswap`. The preview's watcher ignores the same names."""
    return name.startswith((".", "#")) or name.endswith(_EDITOR_SUFFIXES) or name == "4913"


def _ignored(name: str, *, skip_private: bool) -> bool:
    """Hidden files, editor droppings and, in content, `_drafts`."""
    return is_hidden_or_dropping(name) or (skip_private and name.startswith("_"))


def _walk(
    folder: Path,
    root: Path,
    problems: list[Diagnostic] | None = None,
    *,
    skip_private: bool = False,
) -> Iterator[tuple[str, Path]]:
    """Files under `folder` as (posix path relative to it, path), sorted, staying inside `root`.

    Symlinks are followed only when they stay inside `root`; others are reported and skipped.
    A folder reached twice through symlinks is walked once.
    """
    if not folder.is_dir():
        return
    root = root.resolve()
    refused = _refused_target(folder, root)
    if refused:
        _report(problems, folder.name, refused)
        return
    seen: set[Path] = set()
    pending: list[tuple[Path, PurePosixPath]] = [(folder, PurePosixPath())]
    found: list[tuple[str, Path]] = []
    while pending:
        directory, rel_dir = pending.pop()
        real = directory.resolve()
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as err:
            _report(
                problems, _display(folder, root, rel_dir), f"cannot read folder: {err.strerror}"
            )
            continue
        prefix = "" if rel_dir == PurePosixPath() else f"{rel_dir.as_posix()}/"
        for entry in entries:
            if _ignored(entry.name, skip_private=skip_private):
                continue
            path = Path(entry.path)
            refused = _refused_target(path, root) if entry.is_symlink() else None
            if refused:
                _report(problems, _display(folder, root, rel_dir / entry.name), refused)
                continue
            if entry.is_dir():
                pending.append((path, rel_dir / entry.name))
            elif entry.is_file():  # a plain string: a big site has tens of thousands of files
                found.append((prefix + entry.name, path))
    yield from sorted(found)


def _display(folder: Path, root: Path, rel: PurePosixPath) -> str:
    try:
        return (folder.resolve().relative_to(root) / rel).as_posix()
    except ValueError:
        return (folder / rel).as_posix()


def _report(problems: list[Diagnostic] | None, path: str, message: str) -> None:
    if problems is not None:
        problems.append(Place(path).error(message))


def _refused_target(path: Path, root: Path) -> str | None:
    """Why a path that may be a symlink must not be read, or None when it may.

    Its real location must be inside the site folder, and not in a hidden file or folder there:
    a contributed `static/x -> ../.git/config` would otherwise publish the CI token that
    `actions/checkout` keeps in .git/config, and `../.env` the secrets of a local setup.
    """
    try:
        relative = path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return "is a symlink that leads outside the site folder; refused"
    if any(part.startswith(".") for part in relative.parts):
        return f"is a symlink to the hidden `{relative.as_posix()}`; refused"
    return None


def _read_bytes(path: Path, display: str, problems: list[Diagnostic] | None) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            _report(
                problems,
                display,
                f"file is {size / 1e6:.0f} MB; a content file, template or sitegen.yaml may "
                f"be at most {MAX_FILE_BYTES // 10**6} MB",
            )
            return None
        return path.read_bytes()
    except OSError as err:
        _report(problems, display, f"cannot read file: {err.strerror}")
        return None
