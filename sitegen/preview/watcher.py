"""File watching for the preview: native events where the platform has them, polling elsewhere.

With native events the watcher also knows which files are being written (modified, not yet
closed) and says whether any are, so that a rebuild can wait for the writer to finish rather than
read a file half-written.

On Linux, inotify (through ctypes, no extra dependency) wakes the watcher only when something
changes, so an idle preview uses no CPU. Elsewhere, or when inotify cannot be set up, the trees
are polled twice a second. Either way the watcher reports sets of changed paths; `None` in place
of a set means "something changed, but what is unknown" (an event queue overflow), and asks for a
full rebuild.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import struct
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from sitegen.stages.load import is_hidden_or_dropping

ChangeCallback = Callable[[set[Path] | None, bool], None]
"""Called with the changed paths (None: unknown, rebuild everything) and whether some watched
file is still being written."""

POLL_SECONDS = 0.5


def is_dropping(path: Path) -> bool:
    """Files that never change the site: those the load stage skips (hidden files, editor
    droppings) and anything under `.git/`."""
    return is_hidden_or_dropping(path.name) or ".git" in path.parts


class Watch:
    """What to watch: whole trees, and single files (watched through their folder)."""

    def __init__(self, trees: list[Path], files: list[Path]) -> None:
        self.trees = [tree.resolve() for tree in trees]
        self.files = {file.resolve() for file in files}
        self.folders = {file.parent for file in self.files}

    def wanted(self, path: Path) -> bool:
        """Whether a change at `path` can change the site."""
        if is_dropping(path):
            return False
        if path in self.files or path in self.trees:
            return True
        return any(tree in path.parents for tree in self.trees)


class Watcher:
    """Reports changes under a `Watch` to a callback, from a thread of its own."""

    def __init__(self, watch: Watch, on_change: ChangeCallback) -> None:
        self.watch = watch
        self.on_change = on_change
        self._stop = threading.Event()
        self._handling = False
        """True from reading events off the kernel's queue until they are reported."""
        self._inotify = _Inotify.create()
        self._thread = threading.Thread(target=self._run, name="sitegen-watch", daemon=True)

    @property
    def native(self) -> bool:
        return self._inotify is not None

    def settled(self) -> bool:
        """Whether every event that has happened has been reported: the kernel's queue is
        empty. A rebuild started while it is not might read a file its writer just emptied."""
        if self._inotify is None:
            return True
        return self._inotify.empty() and not self._handling

    def start(self) -> None:
        if self._inotify is not None:
            for folder in self._folders():
                self._inotify.add(folder)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._inotify is not None:
            self._inotify.wake()
        self._thread.join(timeout=2)

    def _folders(self) -> Iterator[Path]:
        yield from self.watch.folders
        for tree in self.watch.trees:
            yield from _tree_folders(tree)

    def _run(self) -> None:
        if self._inotify is not None:
            self._run_native(self._inotify)
        else:
            self._run_polling()

    def _run_native(self, inotify: _Inotify) -> None:
        writing: set[Path] = set()
        while not self._stop.is_set():
            inotify.wait()
            self._handling = True
            try:
                self._handle(inotify, inotify.read(), writing)
            finally:
                self._handling = False
        inotify.close()

    def _handle(
        self, inotify: _Inotify, events: list[tuple[Path, int]] | None, writing: set[Path]
    ) -> None:
        if events is None:
            self.on_change(None, False)
            return
        changed: set[Path] = set()
        for path, mask in events:
            if not self.watch.wanted(path):
                continue
            if mask & _IN_MODIFY:
                writing.add(path)
            else:
                writing.discard(path)
            if mask & _IN_ISDIR and mask & (_IN_CREATE | _IN_MOVED_TO):
                # Files may have landed in the folder before its watch was added.
                for folder in _tree_folders(path):
                    inotify.add(folder)
                changed.update(_tree_files(path))
            changed.add(path)
        if changed:
            self.on_change(changed, bool(writing))

    def _run_polling(self) -> None:
        seen = self._snapshot()
        while not self._stop.wait(POLL_SECONDS):
            now = self._snapshot()
            changed = {path for path in now.keys() | seen.keys() if now.get(path) != seen.get(path)}
            seen = now
            if changed:
                self.on_change(changed, False)

    def _snapshot(self) -> dict[Path, tuple[int, int]]:
        found: dict[Path, tuple[int, int]] = {}
        candidates = [*self.watch.files]
        for tree in self.watch.trees:
            candidates.extend(_tree_files(tree))
        for path in candidates:
            try:
                info = path.stat()
            except OSError:
                continue
            if self.watch.wanted(path):
                found[path] = (info.st_mtime_ns, info.st_size)
        return found


def _tree_folders(tree: Path) -> Iterator[Path]:
    if not tree.is_dir():
        return
    for folder, subfolders, _files in os.walk(tree):
        subfolders[:] = [name for name in subfolders if not is_dropping(Path(folder, name))]
        yield Path(folder)


def _tree_files(tree: Path) -> Iterator[Path]:
    if not tree.is_dir():
        return
    for folder, subfolders, files in os.walk(tree):
        subfolders[:] = [name for name in subfolders if not is_dropping(Path(folder, name))]
        for name in files:
            yield Path(folder, name)


# inotify(7) constants
_IN_MODIFY = 0x2
_IN_ATTRIB = 0x4
_IN_CLOSE_WRITE = 0x8
_IN_MOVED_FROM = 0x40
_IN_MOVED_TO = 0x80
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_MOVE_SELF = 0x800
_IN_Q_OVERFLOW = 0x4000
_IN_ISDIR = 0x40000000
_IN_NONBLOCK = os.O_NONBLOCK
_IN_CLOEXEC = os.O_CLOEXEC
_MASK = (
    _IN_MODIFY
    | _IN_ATTRIB
    | _IN_CLOSE_WRITE
    | _IN_MOVED_FROM
    | _IN_MOVED_TO
    | _IN_CREATE
    | _IN_DELETE
    | _IN_DELETE_SELF
    | _IN_MOVE_SELF
)
_HEADER = struct.Struct("iIII")


class _Inotify:
    """A minimal inotify binding: watch folders, read (path, event mask) events."""

    def __init__(self, libc: ctypes.CDLL, fd: int) -> None:
        self._libc = libc
        self._fd = fd
        self._folders: dict[int, Path] = {}
        self._wake_read, self._wake_write = os.pipe()

    @classmethod
    def create(cls) -> _Inotify | None:
        """An inotify instance, or None where there is none (not Linux, no libc, limits)."""
        if not sys.platform.startswith("linux"):
            return None
        name = ctypes.util.find_library("c")
        if not name:
            return None
        libc = ctypes.CDLL(name, use_errno=True)
        if not hasattr(libc, "inotify_init1"):
            return None
        fd = libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        return cls(libc, fd) if fd >= 0 else None

    def add(self, folder: Path) -> None:
        descriptor = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), _MASK)
        if descriptor >= 0:
            self._folders[descriptor] = folder

    def empty(self) -> bool:
        return not select.select([self._fd], [], [], 0)[0]

    def wake(self) -> None:
        os.write(self._wake_write, b"x")

    def close(self) -> None:
        for fd in (self._fd, self._wake_read, self._wake_write):
            os.close(fd)

    def wait(self) -> None:
        """Block until events arrive or `wake` is called."""
        select.select([self._fd, self._wake_read], [], [])

    def read(self) -> list[tuple[Path, int]] | None:
        """The queued events; None when the kernel dropped some (queue overflow)."""
        try:
            data = os.read(self._fd, 1 << 16)
        except OSError as err:
            if err.errno == errno.EAGAIN:
                return []
            raise
        events: list[tuple[Path, int]] = []
        offset = 0
        overflow = False
        while offset < len(data):
            descriptor, mask, _cookie, length = _HEADER.unpack_from(data, offset)
            offset += _HEADER.size
            name = data[offset : offset + length].rstrip(b"\0")
            offset += length
            if mask & _IN_Q_OVERFLOW:
                overflow = True
                continue
            folder = self._folders.get(descriptor)
            if folder is None:
                continue
            events.append((folder / os.fsdecode(name) if name else folder, mask))
        return None if overflow else events
