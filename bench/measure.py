"""Time a command and sample the resident memory of its whole process tree.

`getrusage(RUSAGE_CHILDREN).ru_maxrss` is the largest single process, not the sum, so a build
that forks workers would look small. Instead /proc is sampled every ~20 ms: the pids whose parent
chain leads to the command are summed (VmRSS, from /proc/<pid>/statm). Reading the parent of a pid
only once, when it first appears, keeps the sampler's own cost to a directory listing and one
small read per live descendant, so it barely competes with the build for the CPU.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
INTERVAL = 0.02


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured run of a command."""

    seconds: float
    peak_rss: int
    """Bytes: the largest sum of the tree's resident sets seen (never below the largest process)."""
    cpu: float
    """User plus system seconds of the command and every descendant it waited for."""
    returncode: int
    stderr: str
    timed_out: bool = False
    """True when the command ran past its time limit and was killed."""


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
    return int(stat[stat.rindex(b")") + 2 :].split(maxsplit=2)[1])


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler:
    """Remembers each pid's parent so that a scan costs one listdir plus one read per member."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.parents: dict[int, int | None] = {}

    def members(self) -> list[int]:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
        for pid in pids:
            if pid not in self.parents:
                self.parents[pid] = _parent(pid)
        live = set(pids)
        for gone in [pid for pid in self.parents if pid not in live]:
            del self.parents[gone]
        tree = {self.root}
        changed = True
        while changed:
            changed = False
            for pid, parent in self.parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        return sorted(tree)

    def total_rss(self) -> int:
        return sum(_rss(pid) for pid in self.members())


def run(command: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float) -> Sample:
    """Run `command` to completion; its stdout is discarded, its stderr kept for reports.

    The main thread blocks in wait4 so the end time is exact; a second thread samples memory.
    """
    stderr_path = cwd.parent / "stderr.txt"
    with stderr_path.open("w+b") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group, so a timeout kills its workers too
        )
        peak = [0]
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(process, peak, done, start + timeout))
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        message = stderr.read().decode("utf-8", "replace")
    # ru_maxrss (KiB) covers the largest process, even one that lived between two samples.
    cpu = usage.ru_utime + usage.ru_stime
    rss = max(peak[0], usage.ru_maxrss * 1024)
    return Sample(seconds, rss, cpu, process.returncode, message, timed_out=seconds > timeout)


def _sample(
    process: subprocess.Popen[bytes], peak: list[int], done: threading.Event, deadline: float
) -> None:
    """Record the tree's largest total RSS in `peak[0]`; past the deadline, kill its group."""
    sampler = TreeSampler(process.pid)
    while not done.wait(INTERVAL):
        peak[0] = max(peak[0], sampler.total_rss())
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            return
