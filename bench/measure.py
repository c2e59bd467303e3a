"""Time a command and sample the memory of its whole process tree.

    python bench/measure.py [--timeout S] -- COMMAND [ARG ...]

`getrusage(RUSAGE_CHILDREN).ru_maxrss` is the largest single process, not the sum, so a build
that forks workers would look small. Instead /proc is sampled every ~20 ms: the pids whose parent
chain leads to the command are summed. Reading the parent of a pid only once, when it first
appears, keeps the sampler's own cost to a directory listing and one small read per live
descendant, so it barely competes with the build for the CPU.

The figure reported as the peak memory is the sum of the processes' proportional set sizes
(`Pss:` in /proc/<pid>/smaps_rollup): a page shared by k processes counts 1/k in each, so the
sum is the memory the tree really holds. Summed resident sets (`Rss:`) count a page that forked
workers still share with their parent once per process, which overstates a forking build; that
sum is kept beside it, from the same read. Where smaps_rollup is missing (kernels before 4.14,
other systems' /proc), both fall back to the resident set from /proc/<pid>/statm.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
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
    peak_memory: int
    """Bytes: the largest sum of the tree's proportional set sizes (PSS) seen."""
    peak_rss: int
    """Bytes: the largest sum of the tree's resident sets seen (never below the largest
    process); counts pages shared between processes once per process."""
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


def usage(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in bytes; both its RSS where smaps_rollup cannot be read."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_bytes()
    except OSError:
        rss = _rss(pid)
        return rss, rss
    pss = rss = 0
    for line in rollup.splitlines():
        if line.startswith(b"Pss:"):
            pss = int(line.split()[1]) * 1024
        elif line.startswith(b"Rss:"):
            rss = int(line.split()[1]) * 1024
    return pss, rss


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

    def total(self) -> tuple[int, int]:
        """(summed PSS, summed RSS) of the tree now, in bytes."""
        pss = rss = 0
        for pid in self.members():
            one_pss, one_rss = usage(pid)
            pss += one_pss
            rss += one_rss
        return pss, rss


def run(
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    stderr_path: Path | None = None,
    *,
    sample_memory: bool = True,
) -> Sample:
    """Run `command` to completion; its stdout is discarded, its stderr kept for reports (in
    `stderr_path`, by default `stderr.txt` beside `cwd`).

    The main thread blocks in wait4 so the end time is exact; a second thread samples memory.
    Sampling is not free: reading smaps_rollup walks a process's page tables, and on a 2-core
    machine it took 2 to 3 s from a 17 s build that uses both cores. With
    `sample_memory=False` the thread only enforces the time limit, and the memory figures are
    the largest process's RSS (from wait4): time a command that way, and measure its memory in
    a run of its own.
    """
    with (stderr_path or cwd.parent / "stderr.txt").open("w+b") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group, so a timeout kills its workers too
        )
        peak = [0, 0]
        done = threading.Event()
        sampler = threading.Thread(
            target=_sample, args=(process, peak, done, start + timeout, sample_memory)
        )
        sampler.start()
        _, status, rusage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        message = stderr.read().decode("utf-8", "replace")
    # ru_maxrss (KiB) covers the largest process, even one that lived between two samples. It
    # floors the RSS sum only: a process's PSS is below its RSS, so it would inflate the PSS.
    cpu = rusage.ru_utime + rusage.ru_stime
    rss = max(peak[1], rusage.ru_maxrss * 1024)
    return Sample(
        seconds, peak[0], rss, cpu, process.returncode, message, timed_out=seconds > timeout
    )


def _sample(
    process: subprocess.Popen[bytes],
    peak: list[int],
    done: threading.Event,
    deadline: float,
    sample_memory: bool,
) -> None:
    """Record the tree's largest summed PSS in `peak[0]` and RSS in `peak[1]` (if
    `sample_memory`); past the deadline, kill its group."""
    sampler = TreeSampler(process.pid)
    while not done.wait(INTERVAL if sample_memory else 1.0):
        if sample_memory:
            pss, rss = sampler.total()
            peak[0] = max(peak[0], pss)
            peak[1] = max(peak[1], rss)
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            return


def main(argv: Sequence[str] | None = None) -> int:
    """Measure one command from the shell: its time, CPU and peak memory, on stderr."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds (default 3600)")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        errors = Path(folder) / "stderr.txt"
        sample = run(args.command, Path.cwd(), os.environ, args.timeout, errors)
    sys.stderr.write(sample.stderr)
    print(
        f"{sample.seconds:.2f} s, {sample.cpu:.2f} s CPU, peak memory (PSS sum) "
        f"{sample.peak_memory / 2**20:.0f} MiB, peak RSS sum {sample.peak_rss / 2**20:.0f} MiB, "
        f"exit {sample.returncode}",
        file=sys.stderr,
    )
    return sample.returncode


if __name__ == "__main__":
    sys.exit(main())
