"""Where a sitegen build spends its time: per-stage times, and optionally a cProfile listing.

    python bench/profile_build.py SITE [--out DIR] [--workers N] [--no-cache] [--profile N]

Each stage (load, parse, assemble with its Markdown, render and write, cache save) is timed in
wall-clock and CPU seconds. CPU seconds include the worker processes a stage waited for, so on
a busy machine they say more than wall-clock time does. `--profile N` runs the build in one
process under cProfile and prints the N most expensive functions by their own time and by
cumulative time (one process, because cProfile does not follow forked workers).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen import build as build_module
from sitegen.build import BuildOptions, build
from sitegen.engine import store as cache_module
from sitegen.engine.run import Engine

STAGES = (
    (build_module, "load_site", "load"),
    (Engine, "parse", "parse"),
    (Engine, "assemble", "assemble + Markdown"),
    (Engine, "render", "render + write"),
    (cache_module.BuildCache, "save_entries", "cache save"),
)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def timed_stages(table: dict[str, list[float]]) -> Iterator[None]:
    """Wrap each stage's function so that its wall and CPU seconds are added to `table`."""
    import importlib

    with ExitStack() as patches:
        for owner, name, label in STAGES:
            target = importlib.import_module(owner) if isinstance(owner, str) else owner
            patches.enter_context(
                patch.object(target, name, _timed(getattr(target, name), label, table))
            )
        yield


def _timed(original: Callable[..., Any], label: str, table: dict[str, list[float]]) -> Any:
    def wrapper(*args: Any, **kw: Any) -> Any:
        wall, cpu = time.perf_counter(), _cpu()
        try:
            return original(*args, **kw)
        finally:
            spent = table.setdefault(label, [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += _cpu() - cpu

    return wrapper


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--out", type=Path, help="output folder (default: SITE/site)")
    parser.add_argument("--workers", type=int, help="processes (default: sitegen's choice)")
    parser.add_argument("--no-cache", dest="cache", action="store_false")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile, top N functions")
    args = parser.parse_args(argv)
    if args.workers:
        os.environ["SITEGEN_WORKERS"] = str(args.workers)
    options = BuildOptions(root=args.site, out=args.out, cache=args.cache)
    if args.profile:
        os.environ["SITEGEN_WORKERS"] = "1"
        profiler = cProfile.Profile()
        result = profiler.runcall(build, options)
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.profile)
    else:
        table: dict[str, list[float]] = {}
        wall, cpu = time.perf_counter(), _cpu()
        with timed_stages(table):
            result = build(options)
        total_wall, total_cpu = time.perf_counter() - wall, _cpu() - cpu
        print(f"{'stage':<22}{'wall s':>9}{'cpu s':>9}")
        for label, (stage_wall, stage_cpu) in table.items():
            print(f"{label:<22}{stage_wall:>9.2f}{stage_cpu:>9.2f}")
        print(f"{'total':<22}{total_wall:>9.2f}{total_cpu:>9.2f}")
    print(
        f"ok={result.ok} unchanged={result.unchanged} files={result.files_written} "
        f"reused={result.files_reused}",
        file=sys.stderr,
    )
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
