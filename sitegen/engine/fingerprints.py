"""Fingerprints: short hashes of inputs, the settings that invalidate everything, and the size,
time and inode of files, from which the store decides what an earlier build already did."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from sitegen.core.urls import BaseUrl


def digest(*parts: bytes | str) -> bytes:
    """A short hash of `parts`, each length-prefixed: ("ab", "c") differs from ("a", "bc")."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


def generation(
    version: str,
    config: bytes | None,
    templates: dict[str, str],
    base_url: BaseUrl | None,
    drafts: bool,
) -> bytes:
    """Everything that invalidates the whole cache when it changes."""
    parts: list[bytes | str] = [
        version,
        sys.version,
        b"\x00" if config is None else b"\x01" + config,
        repr(base_url),
        str(drafts),
    ]
    for name in sorted(templates):
        parts += [name, templates[name]]
    return digest(*parts)


def stat_key(path: Path | str) -> tuple[int, int, int] | None:
    """(size, modification time, inode) of a file: equal keys mean "not touched since"."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns, found.st_ino


def folder_listing(folder: Path) -> bytes:
    """A hash of every file under `folder` with its size, time and inode; b"" if there is none.

    A build that finds the listing of its output exactly as it left it knows that nobody has
    deleted or edited an output file since.
    """
    if not folder.is_dir():
        return b""
    entries: list[str] = []
    pending = [str(folder)]
    start = len(pending[0])  # paths from the folder on: the same whether it was named relative
    while pending:
        current = pending.pop()
        with os.scandir(current) as found:
            for entry in found:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    info = entry.stat(follow_symlinks=False)
                    entries.append(
                        f"{entry.path[start:]}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}"
                    )
    entries.sort()
    return digest("\n".join(entries))


def markdown_key(kind: str, path: str, line: int, how: bool | int, text: str) -> bytes:
    """The cache key of one piece of Markdown: its text, where it stands (line, and for a
    front-matter value its column), how it is rendered (a body: with sections lifted or not)."""
    return digest(kind, path, str(line), str(how), text)
