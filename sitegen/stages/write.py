"""Stage 5: write the outputs into a fresh folder, then swap it in for the old output at once.

A reader of `site/` (a web server, a deploy job) sees either the whole previous build or the whole
new one, never a mixture, and a build that fails or is killed leaves the previous `site/` as it
was. On Linux the swap is one atomic `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, with a
leftover from an interrupted swap put back by the next build.
"""

from __future__ import annotations

import ctypes
import filecmp
import os
import shutil
import stat
import sys
from pathlib import Path

from sitegen.core.outputs import Output

FileKey = tuple[int, int, int]
"""A file's size, modification time and inode: equal keys mean the same file, untouched."""

MARKER = ".sitegen-output"
"""A file in every output folder: sitegen only ever replaces a folder that carries it."""
MARKER_TEXT = b"Written by sitegen; this folder is replaced as a whole on every build.\n"

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class WriteError(Exception):
    """The output could not be written; the message says where and why."""


def check_output_folder(out: Path, site_root: Path) -> str | None:
    """Why `out` must not be used as the output folder, or None when it may.

    The output folder is deleted and replaced on every build, so it must not be the site folder,
    hold it, or be one of its source folders, and an existing folder must be one sitegen wrote.
    """
    if out.is_symlink():
        return f"output folder {out} is a symlink; refusing to write through it"
    out, root = out.resolve(), site_root.resolve()
    if out == root or out in root.parents:
        return (
            f"output folder {out} contains the site folder; choose a folder such as {root / 'site'}"
        )
    for source in ("content", "templates", "static"):
        if out == root / source or (root / source) in out.parents:
            return f"output folder {out} is inside the site's {source}/ folder"
    if out.exists() and not out.is_dir():
        return f"output path {out} exists and is not a folder"
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        return (
            f"output folder {out} is not empty and was not written by sitegen; "
            "refusing to replace it"
        )
    return None


class Staging:
    """A fresh folder beside `out` that a build fills, then swaps in for `out` at once.

    A file whose bytes equal the previous output's file at the same path is not written again:
    the old file is hard-linked into the new folder, so it keeps its inode and time (a deploy
    tool that syncs by time, or a browser cache keyed on them, sees it unchanged). The folder is
    filled by `put` from any process (render workers write their pages here directly, so no
    page's bytes are held longer than it takes to write them); `count` and `reused` count only
    this process's files.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _recover_interrupted_swap(self.out)
        self.folder = self.out.parent / f".{self.out.name}.new-{os.getpid()}"
        _remove(self.folder)
        self.folder.mkdir()
        (self.folder / MARKER).write_bytes(MARKER_TEXT)
        self._out_text, self._folder_text = str(self.out), str(self.folder)
        self._made: set[str] = {self._folder_text}
        """Folders of the new output made so far."""
        self.count = 0
        self.reused = 0

    def add(self, output: Output) -> None:
        """Write one output: its bytes, or a copy of its source file."""
        if output.source is not None:
            self.copy(output.path, output.source)
        else:
            self.put(output.path, output.data or b"")

    def put(self, path: str, data: bytes) -> FileKey:
        """Write one output file, or link the previous build's identical file; the file's
        size, time and inode."""
        target = self._target(path)
        previous = self.out / path
        if _same_bytes(previous, data) and _link(previous, target):
            self.reused += 1
        else:
            with open(target, "wb") as stream:
                stream.write(data)
        self.count += 1
        return _file_key(os.stat(target))

    def keep(self, path: str, expected: FileKey) -> bool:
        """Link the previous build's file at `path` as it is, if it is still the very file
        written then (same size, time and inode); False, and nothing done, if not.

        Called for nearly every page of a rebuild after a small edit, so it works on plain
        strings, not `Path` objects."""
        previous = os.path.join(self._out_text, path)
        try:
            if _file_key(os.lstat(previous)) != expected:
                return False
            os.link(previous, self._target(path))
        except OSError:
            return False
        self.count += 1
        self.reused += 1
        return True

    def copy(self, path: str, source: Path) -> None:
        """Copy a static file, or link the previous build's copy when it is still the same."""
        target = self._target(path)
        previous = self.out / path
        if _same_file(previous, source) and _link(previous, target):
            self.reused += 1
        else:
            shutil.copyfile(source, target)
        self.count += 1

    def commit(self) -> None:
        """Swap the filled folder in for `out`: readers see the old or the new site, never both."""
        try:
            _swap_in(self.folder, self.out)
        except OSError as err:
            self.abort()
            raise WriteError(
                f"cannot write {err.filename or self.out}: {err.strerror or err}"
            ) from err
        finally:
            _remove_stale(self.out)

    def abort(self) -> None:
        """Throw the new folder away; `out` stays exactly as it was."""
        _remove(self.folder)
        _remove_stale(self.out)

    def _target(self, path: str) -> str:
        """Where `path` goes in the new output, its folder made."""
        target = os.path.join(self._folder_text, path)
        parent = os.path.dirname(target)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        return target


def _file_key(info: os.stat_result) -> FileKey:
    return info.st_size, info.st_mtime_ns, info.st_ino


def _link(previous: Path, target: str) -> bool:
    """Hard-link the previous output's file; False where the file system cannot."""
    try:
        os.link(previous, target)
    except OSError:
        return False
    return True


def _same_bytes(previous: Path, data: bytes) -> bool:
    """True when `previous` is a regular file holding exactly `data`."""
    try:
        info = os.lstat(previous)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(previous, "rb") as stream:
            return stream.read() == data
    except OSError:
        return False


def _same_file(previous: Path, source: Path) -> bool:
    try:
        info = os.lstat(previous)
        if not stat.S_ISREG(info.st_mode) or info.st_size != os.stat(source).st_size:
            return False
        return filecmp.cmp(previous, source, shallow=False)
    except OSError:
        return False


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    old = out.parent / f".{out.name}.old"
    _remove(old)
    os.rename(out, old)
    os.rename(staging, out)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two folders (Linux renameat2); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        # The running interpreter's own symbols include libc's; ctypes.util.find_library would
        # spawn ldconfig and cost a second.
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    # ctypes functions return a C int (the default restype) as a Python int.
    result: int = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return result == 0


def _recover_interrupted_swap(out: Path) -> None:
    """Put back the previous output if a two-rename swap was interrupted between its renames.

    Only a real folder that sitegen wrote is put back: a `.site.old` symlink committed to a
    repository must not become the output folder.
    """
    old = out.parent / f".{out.name}.old"
    if out.exists() or out.is_symlink() or old.is_symlink():
        return
    if (old / MARKER).is_file():
        os.rename(old, out)


def _remove_stale(out: Path) -> None:
    """Remove what a swap leaves behind: the exchanged old output, and staging folders of
    builds that were killed (their process is gone)."""
    for leftover in out.parent.glob(f".{out.name}.*"):
        if leftover.name == f".{out.name}.old" or _staging_of_dead_process(leftover):
            _remove(leftover)


def _staging_of_dead_process(path: Path) -> bool:
    prefix = path.name.rpartition("-")[0]
    pid_text = path.name.rpartition("-")[2]
    if not prefix.endswith(".new") or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)
