"""The preview's two worker threads: `Rebuilder` runs the rebuilds, `Indexer` catches up after them.

Edits arrive in bursts (an editor's save-by-rename, a `git checkout`, a formatter run over every
file), so `Rebuilder` turns a burst into one or two rebuilds rather than one per file, and never
drops a change that arrives while one runs. The share cards and the search index take seconds on
a large site, so `Indexer` makes them on a thread of its own and only while no rebuild is due.
Neither touches the server: both report through callbacks, which `sitegen.preview.server` hands
to its IO loop.
"""

from __future__ import annotations

import gc
import threading
import time
import traceback
from collections.abc import Callable, Collection
from pathlib import Path

from sitegen.core.diagnostics import Diagnostic
from sitegen.preview.incremental import Incremental, Rebuild

QUIET_SECONDS = 0.015
"""A burst of changes is over when no change came for this long (a `git checkout`, an editor's
save-by-rename): short, because it is added to every edit-to-reload."""
BURST_QUIET_SECONDS = 0.5
"""When changes kept coming during a rebuild, a burst is under way (a checkout, a script, a
formatter run over every file): the next rebuild waits for this much quiet, or for as long as the
last rebuild took if that is longer, so that the whole burst costs one or two rebuilds rather than
one per gap, even on a machine slowed down by other work."""
LONGEST_WAIT = 5.0
"""A change is rebuilt at the latest this long after it, even while changes keep coming."""


class Rebuilder:
    """Turns a stream of change notices into as few rebuilds as possible, on its own thread.

    A burst is gathered until it has been quiet for `QUIET_SECONDS`; changes that arrive while a
    rebuild runs are gathered for the next one, which starts once they have been quiet for
    `BURST_QUIET_SECONDS`. Nothing is dropped: every notice ends up in a rebuild that starts
    after it arrived. A rebuild that failed while more changes came in is not reported: it most
    likely read a file its writer was still writing, and the next rebuild reports afresh.
    """

    def __init__(
        self,
        rebuild: Callable[[Collection[Path] | None], Rebuild],
        done: Callable[[Rebuild, Collection[Path] | None], None],
    ) -> None:
        self._rebuild = rebuild
        self._done = done
        self.idle: Callable[[], None] = lambda: None
        """Slow work that can wait for a quiet moment (cards, the search index), started after
        a rebuild when no change is pending."""
        self.settled: Callable[[], bool] = lambda: True
        """Whether the watcher has reported everything that happened (see `Watcher.settled`)."""
        self._lock = threading.Condition()
        self._pending: set[Path] | None = set()
        self._dirty = False
        self._last_notice = 0.0
        self._first_notice = 0.0
        self._stopping = False
        self._in_burst = False
        self._writing = False
        self._last_rebuild = 0.0
        self._running = False
        self._thread = threading.Thread(target=self._run, name="sitegen-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._thread.join(timeout=5)

    def notify(self, changed: set[Path] | None, writing: bool = False) -> None:
        """Record changed paths (None: unknown, rebuild everything) and whether a file is still
        being written (then the rebuild waits for it, up to `LONGEST_WAIT`); safe from any
        thread."""
        with self._lock:
            self._writing = writing
            now = time.monotonic()
            if not self._dirty:
                self._first_notice = now
            self._dirty = True
            self._last_notice = now
            if changed is None or self._pending is None:
                self._pending = None
            else:
                self._pending |= changed
            self._lock.notify_all()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._dirty and not self._stopping:
                    self._lock.wait()
                if self._stopping:
                    return
                self._wait_for_quiet()
                if self._stopping:
                    return
                changed, self._pending, self._dirty = self._pending, set(), False
                self._running = True
            started = time.monotonic()
            try:
                result = self._rebuild(changed)
            except Exception:  # a bug in sitegen must not end the preview: say so, go on
                traceback.print_exc()
                continue
            finally:
                with self._lock:
                    self._running = False
                    self._lock.notify_all()
            gc.freeze()  # what the rebuild keeps is long-lived: spare it the collector's scans
            with self._lock:
                self._in_burst = self._dirty or not self.settled()
                self._last_rebuild = time.monotonic() - started
            if result.ok or not self._in_burst:
                self._done(result, changed)
            with self._lock:
                quiet = not self._dirty
            if quiet:
                self.idle()

    def wait_until_idle(self) -> None:
        """Return once no rebuild is due or running: background work calls it between its
        steps, so that it never competes with a rebuild for the interpreter."""
        with self._lock:
            while (self._dirty or self._running) and not self._stopping:
                self._lock.wait()

    def _wait_for_quiet(self) -> None:
        while not self._stopping:
            now = time.monotonic()
            quiet = (
                max(BURST_QUIET_SECONDS, self._last_rebuild) if self._in_burst else QUIET_SECONDS
            )
            quiet_at = self._last_notice + quiet
            deadline = self._first_notice + LONGEST_WAIT
            if (now >= quiet_at and not self._writing and self.settled()) or now >= deadline:
                return
            self._lock.wait(max(min(quiet_at, deadline) - now, QUIET_SECONDS))


class Indexer:
    """Keeps the share cards and the search index up to date on a thread of its own, so that
    Pagefind's seconds on a large site never delay a rebuild; an index of pages that changed
    meanwhile is dropped and made again."""

    def __init__(
        self,
        engine: Incremental,
        done: Callable[[list[str], list[Diagnostic]], None],
        between: Callable[[], None],
    ) -> None:
        self._engine = engine
        self._done = done
        self._between = between
        """Called between steps of the work; returns when the work may go on."""
        self._wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sitegen-index", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request(self) -> None:
        self._wanted.set()

    def stop(self) -> None:
        self._stopping = True
        self._wanted.set()
        self._thread.join(timeout=1)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            cards = self._engine.draw_cards(self._between)
            self._between()
            job = self._engine.search_job()
            if job is not None:
                found, problems = job.run()
                self._done([*cards, *self._engine.adopt_index(job, found, problems)], problems)
            elif cards:
                self._done(cards, [])
