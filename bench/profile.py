"""Profile sitegen building a generated corpus, to see where the time goes before optimising.

    PYTHONPATH=/path/to/sitegen-checkout python bench/profile.py [--size 1000] [--build-args "..."]

Prints the top 25 functions by cumulative time and by own (total) time. The build runs in this
process, so only this process is profiled: pass the option that keeps sitegen to one process
(e.g. --build-args "--jobs 1") once the build renders in workers.
"""

from __future__ import annotations

import argparse
import io
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import corpus

TOP = 25


def profile_build(site: Path, out: Path, extra: list[str]) -> str:
    """Run `sitegen build` under cProfile and return the two reports.

    This file is named profile.py and its folder comes first on sys.path, where cProfile's own
    `import profile` would find it; the folder is dropped from sys.path before that import.
    """
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [entry for entry in sys.path if str(Path(entry or ".").resolve()) != here]
    import cProfile
    import pstats

    from sitegen.cli import main as sitegen_main

    profiler = cProfile.Profile()
    argv = ["build", str(site), "--out", str(out), "--quiet", *extra]
    status = profiler.runcall(sitegen_main, argv)
    if status != 0:
        sys.exit(f"sitegen build exited {status}")
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report).strip_dirs()
    for order in ("cumulative", "tottime"):
        print(f"\n=== top {TOP} by {order} ===", file=report)
        stats.sort_stats(order).print_stats(TOP)
    return report.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="explainers in the corpus")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/sitegen-profile"))
    parser.add_argument("--build-args", default="", help="extra `sitegen build` options")
    args = parser.parse_args(argv)
    site, out = args.work / "site", args.work / "out"
    if args.work.exists():
        shutil.rmtree(args.work)
    corpus.write_sitegen(corpus.generate(args.size), site)
    print(profile_build(site, out, shlex.split(args.build_args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
