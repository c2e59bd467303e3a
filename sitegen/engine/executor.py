"""Run a build stage's independent pieces of work in forked worker processes.

Markdown and page rendering are pure Python and CPU-bound, so threads would not help; forked
workers do, and they inherit the parent's state (the site model, compiled templates, the cache)
for free instead of having it pickled to them. A task is a plain closure that the children
inherit with everything else, so only the results travel back (through a temporary file).

Results always come back in chunk order, so a parallel build produces exactly what a
one-process build does. Where fork is not available (Windows, macOS where it is unsafe), or the
work is too small to pay for starting a pool, everything runs in the calling process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import pickle
import resource
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, TypeVar

from sitegen.engine import pickling

T = TypeVar("T")
R = TypeVar("R")

WORKERS_VARIABLE = "SITEGEN_WORKERS"
"""Environment override of the number of processes: `1` forces a one-process build."""

MIN_ITEMS_PER_WORKER = 40
"""Below this many items per process a pool costs more than it saves. Measured on 2 cores, cold
builds, median of 9: 30 explainers take 0.33 s in one process and 0.37 s in two, 60 take 0.48 s
and 0.42 s, 100 take 0.58 s and 0.49 s (forking and sending results back cost about 35
explainers' work)."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run a batch build with the cyclic garbage collector off.

    A build makes hundreds of thousands of long-lived objects (records, the model) and almost
    no reference cycles, so the collector finds nothing; but each of its full passes scans all
    of them again, which makes a large build grow faster than its size, and in forked workers
    it writes to the headers of objects shared with the parent, so that each worker copies
    every page of them. Reference counting still frees everything as usual.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


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


def chunks(
    items: Sequence[T], workers: int, weight: Callable[[T], float] | None = None
) -> list[Sequence[T]]:
    """`items` cut into contiguous runs: a few per worker, so a slow run does not leave a core
    idle at the end, but few enough that per-chunk overhead stays small.

    With `weight` (an item's rough cost), runs hold about equal weight rather than equal
    numbers of items: a site's few actor pages each list hundreds of explainers, and in one run
    of equal length they kept one worker busy a second and a half after the other had finished.
    """
    if workers <= 1:
        return [items]
    count = min(len(items), workers * 4)
    if weight is not None and count:
        return _cut_by_weight(items, count, [weight(item) for item in items])
    size = -(-len(items) // count) if count else 1
    return [items[start : start + size] for start in range(0, len(items), size)]


def _cut_by_weight(items: Sequence[T], count: int, weights: list[float]) -> list[Sequence[T]]:
    """`items` in at most `count` contiguous runs, each cut where the running total of the
    weights passes the next multiple of an equal share."""
    share = sum(weights) / count
    runs: list[Sequence[T]] = []
    start, total = 0, 0.0
    for index, item_weight in enumerate(weights):
        total += item_weight
        if total >= share * (len(runs) + 1) and len(runs) < count - 1:
            runs.append(items[start : index + 1])
            start = index + 1
    if start < len(items):
        runs.append(items[start:])
    return runs


def map_chunks(
    task: Callable[[Sequence[T]], R],
    items: Sequence[T],
    workers: int,
    *,
    share: bool = True,
    weight: Callable[[T], float] | None = None,
) -> list[R]:
    """`task` applied to contiguous chunks of `items`, in order, across `workers` processes.

    `task` runs in forked children, so what it changes in its own process is lost: everything
    it produces must be in its return value (which must be picklable). `share` as in
    `fork_map`, `weight` as in `chunks`.
    """
    parts = chunks(items, workers, weight)
    if workers <= 1 or len(parts) <= 1:
        return [task(part) for part in parts]
    return fork_map(lambda index: task(parts[index]), len(parts), workers, share=share)


def fork_map(
    task: Callable[[int], R],
    count: int,
    workers: int,
    *,
    share: bool = True,
) -> list[R]:
    """`task(0) .. task(count - 1)` across `workers` processes, results in order.

    This process is one of the workers: it forks `workers - 1` children and takes its own
    share. A forked child starts out sharing all of its parent's memory, and memory counted
    per process counts it once per process, so one child fewer costs a whole copy less (and
    the parent does not sit idle). Shares are interleaved (`i`, `i + workers`, ...), so that
    expensive and cheap chunks spread evenly.

    With `share=False` this process only waits for `workers` children and takes in their
    results: for a stage whose results it keeps and later forks other workers from. Doing
    the work itself would leave the garbage of that work (a parse's syntax trees) as holes all
    through the memory its results sit in; the next workers' allocations would fill those
    holes, and so copy nearly every page they share with it.
    """
    if workers <= 1 or count <= 1:
        return [task(index) for index in range(count)]
    sys.stdout.flush()
    sys.stderr.flush()
    _trim_memory()
    first = 1 if share else 0
    children = [_fork_child(task, count, workers, one) for one in range(first, workers)]
    results: dict[int, R] = {}
    try:
        if share:
            results.update((index, task(index)) for index in range(0, count, workers))
        while children:
            pid, spool = children[0]
            results.update(_collect(pid, spool))
            children.pop(0)
    finally:
        for pid, spool in children:  # only after a failure: stop the others
            _stop(pid, spool)
    return [results[index] for index in range(count)]


def _trim_memory() -> None:
    """Give memory freed by earlier stages back to the system before forking, so that children
    do not start out with it mapped (glibc keeps freed heap pages unless asked). Not for a
    small process, which has little to give back."""
    if not sys.platform.startswith("linux") or _peak_kib() < TRIM_FROM_KIB:
        return
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is not None:
        trim(0)


TRIM_FROM_KIB = 64 * 1024
"""Peak resident size from which a process trims its heap before forking."""


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _fork_child(
    task: Callable[[int], R], count: int, workers: int, share: int
) -> tuple[int, BinaryIO]:
    """Fork a child that computes its share and writes the results to an unnamed temporary
    file, then exits. Through a file rather than a pipe, the child need not wait, holding all
    its memory, until the parent is ready to read: it is gone before the parent takes in its
    results, so the two never hold their peaks at once.

    Each result is a pickle of its own, written as soon as it is computed. One pickle of them
    all would keep every object it holds (and, for a dataclass, the list of its field values
    made to pickle it) in the pickler's memo until the last was written, and the same again in
    the unpickler's memo while the parent reads: about as much memory again as the results,
    left behind as scattered holes once the memo is freed."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _collect or _stop)
    pid = os.fork()
    if pid:
        return pid, spool
    status = 0  # in the child from here on: never return into the parent's code
    try:
        try:
            for index in range(share, count, workers):
                _record(spool, ("ok", index, task(index)))
            _record(spool, ("done", 0, None))
        except BaseException as err:
            _record(spool, ("error", 0, _portable(err)))
        spool.flush()
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _record(spool: BinaryIO, value: object) -> None:
    pickling.dump(value, spool)


def _collect(pid: int, spool: BinaryIO) -> dict[int, Any]:
    """A child's results, once it has written them all and exited."""
    _pid, status = os.waitpid(pid, 0)
    results: dict[int, Any] = {}
    error: BaseException | None = RuntimeError(f"a build worker (process {pid}) died")
    with spool:
        spool.seek(0)
        while status == 0:
            try:
                kind, index, value = pickle.load(spool)
            except Exception:  # nothing, or half a result
                break
            if kind == "ok":
                results[index] = value
                continue
            if kind == "done":
                error = None
            elif value is not None:
                error = value
            break
    if error is not None:
        raise error
    return results


def _stop(pid: int, spool: BinaryIO) -> None:
    spool.close()
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def _portable(err: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else a RuntimeError that says what it was."""
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:
        return RuntimeError(f"{type(err).__name__}: {err}")
    return err
