"""`sitegen import FILE|- [--out PATH] [--date DATE] [--title TITLE]`.

The command never overwrites a file and always says what it found and what it guessed, because
its output is a draft a writer must check: the report tells them where to look first.
"""

from __future__ import annotations

import pathlib
from datetime import UTC, date, datetime
from typing import TextIO

from sitegen.commands.importer.actors import load_known_actors
from sitegen.commands.importer.extract import Extraction, extract
from sitegen.commands.importer.writer import render
from sitegen.core.urls import slugify


def run(
    source: str,
    *,
    out: str | None,
    date: str | None,
    title: str | None,
    site_root: pathlib.Path,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    """Import `source` (a path, or `-` for stdin) as a draft; returns the exit status.

    0: written. 1: the input could not be read or holds no story, or the output exists.
    2: a wrong option value (`--date` that is not a date).
    """
    when = _parse_date(date)
    if when is None:
        stderr.write(f"sitegen import: error: --date {date!r} is not YYYY-MM-DD or ISO 8601\n")
        return 2
    text = _read(source, stdin, stderr)
    if text is None:
        return 1
    found = extract(text, load_known_actors(site_root))
    if not found.doc.paragraphs:
        stderr.write(f"sitegen import: error: {_name(source)}: no story paragraphs found\n")
        return 1
    notes = list(found.notes)
    headline = title or found.doc.title or _fallback_title(found, notes)
    document = render(found, title=headline, when=when)
    target = out or str(site_root / "content" / f"{_file_slug(headline)}.md")
    if not _write(target, document, stdout, stderr):
        return 1
    if date is None:
        notes.append(f"no --date given: used today, {when.isoformat()}")
    _report(found, target, notes, stderr)
    return 0


def _file_slug(headline: str) -> str:
    """A file name from the headline's first eight words: short enough to type and to read."""
    return slugify(" ".join(headline.split()[:8]))


def _parse_date(value: str | None) -> date | datetime | None:
    """`--date` as a date or a date-time; today (UTC) when it is not given."""
    if value is None:
        return datetime.now(UTC).date()
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(value)
        except ValueError:
            continue
    return None


def _read(source: str, stdin: TextIO, stderr: TextIO) -> str | None:
    if source == "-":
        return stdin.read()
    try:
        return pathlib.Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        stderr.write(f"sitegen import: error: cannot read {source}: {reason}\n")
        return None


def _name(source: str) -> str:
    return "<stdin>" if source == "-" else source


def _fallback_title(found: Extraction, notes: list[str]) -> str:
    """With no headline in the copy, the first key point (or sentence) stands in for one."""
    candidate = (found.doc.key_points or [found.summary])[0].rstrip(".")
    notes.append("no headline found: the title is the first key point; give --title TITLE")
    return candidate


def _write(target: str, document: str, stdout: TextIO, stderr: TextIO) -> bool:
    """Write the draft (`-` is stdout); an existing file is never replaced."""
    if target == "-":
        stdout.write(document)
        return True
    path = pathlib.Path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(document)
    except FileExistsError:
        stderr.write(
            f"sitegen import: error: {target} already exists; not overwriting it (use --out)\n"
        )
        return False
    except OSError as error:
        stderr.write(f"sitegen import: error: cannot write {target}: {error.strerror}\n")
        return False
    return True


def _report(found: Extraction, target: str, notes: list[str], stderr: TextIO) -> None:
    """What was found, as counts, then every guess the writer should check."""
    doc = found.doc
    sections = sum(1 for block in doc.blocks if block.kind == "heading")
    byline = ", ".join(doc.authors) or "none"
    if doc.source:
        byline += f" ({doc.source})"
    unlinked = [link.title for link in doc.related if not link.url]
    if unlinked:
        notes.append(
            f"{len(unlinked)} related headline(s) have no URL: listed under '## Related' at the "
            "end of the body; add links and move them to `related`"
        )
    if not doc.key_points:
        notes.append("no key points (leading bullet lines) found: used the first sentence")
    where = "stdout" if target == "-" else target
    stderr.write(
        f"sitegen import: wrote {where} (draft: true)\n"
        f"  found: {len(doc.key_points)} key points, {len(found.quotes)} quotes, "
        f"{len(found.actors)} actors, {sections} sections, "
        f"{len(doc.related) - len(unlinked)} related links ({len(unlinked)} without URL), "
        f"byline: {byline}, "
        f"{len(doc.dropped)} boilerplate line(s) dropped\n"
    )
    if notes:
        stderr.write("  unsure:\n" + "".join(f"    - {note}\n" for note in notes))
