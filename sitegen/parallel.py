"""Run a build stage's independent pieces of work in forked worker processes.

Markdown and page rendering are pure Python and CPU-bound, so threads would not help; forked
workers do, and they inherit the parent's state (the site model, compiled templates, the cache)
for free instead of having it pickled to them. A task is a plain closure: it is parked in a
module global before the fork, and the children find it there, so nothing but a chunk number and
the chunk's result ever crosses a pipe.

Results always come back in chunk order, so a parallel build produces exactly what a
one-process build does. Where fork is not available (Windows, macOS where it is unsafe), or the
work is too small to pay for starting a pool, everything runs in the calling process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS_VARIABLE = "SITEGEN_WORKERS"
"""Environment override of the number of processes: `1` forces a one-process build."""

MIN_ITEMS_PER_WORKER = 150
"""Below this many items per extra process a pool costs more than it saves (measured: starting
a forked pool and shipping results back is worth about this many explainers of work)."""

_task: Callable[[int], Any] | None = None


def can_fork() -> bool:
    """Fork-based workers only where fork is safe and cheap: Linux and the BSDs, not macOS."""
    return hasattr(os, "fork") and sys.platform != "darwin"


def worker_count(items: int) -> int:
    """How many processes to use for `items` pieces of work: one when a pool would not pay."""
    forced = os.environ.get(WORKERS_VARIABLE, "").strip()
    if forced.isdigit() and int(forced) >= 1:
        return int(forced) if can_fork() else 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not can_fork() or not cores or cores < 2:
        return 1
    return max(1, min(cores, items // MIN_ITEMS_PER_WORKER))


def chunks(items: Sequence[T], workers: int) -> list[Sequence[T]]:
    """`items` cut into contiguous runs: a few per worker, so a slow run does not leave a core
    idle at the end, but few enough that per-chunk overhead stays small."""
    if workers <= 1:
        return [items]
    count = min(len(items), workers * 4)
    size = -(-len(items) // count) if count else 1
    return [items[start : start + size] for start in range(0, len(items), size)]


def map_chunks(task: Callable[[Sequence[T]], R], items: Sequence[T], workers: int) -> list[R]:
    """`task` applied to contiguous chunks of `items`, in order, across `workers` processes.

    `task` runs in forked children, so what it changes in its own process is lost: everything
    it produces must be in its return value (which must be picklable).
    """
    parts = chunks(items, workers)
    if workers <= 1 or len(parts) <= 1:
        return [task(part) for part in parts]
    return fork_map(lambda index: task(parts[index]), len(parts), workers)


def fork_map(task: Callable[[int], R], count: int, workers: int) -> list[R]:
    """`task(0) .. task(count - 1)` across `workers` forked processes, results in order."""
    global _task
    import multiprocessing

    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, count)) as pool:
            return pool.map(_run, range(count), chunksize=1)
    finally:
        _task = None


def _run(index: int) -> Any:
    assert _task is not None, "fork_map sets the task before starting its workers"
    return _task(index)
