"""What a sitegen build holds in memory at the end of each stage, by the line that allocated it.

    python bench/profile_memory.py SITE [--out DIR] [--top N] [--frames N] [--no-cache]

The build runs in one process (tracemalloc does not follow forked workers) with the memory
tracer on, which makes it several times slower. When parsing, assembling and rendering end
(and halfway through rendering, when the model and the renderer are both at work), it prints
the Python memory then alive, then the lines whose allocations are still alive, largest first,
with how many blocks each holds: divide by the number of explainers to see what each costs.
With `--frames N` > 1 the largest tracebacks follow, N frames deep.
"""

from __future__ import annotations

import argparse
import importlib
import linecache
import os
import sys
import tracemalloc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.build import BuildOptions, build

ROOT = str(Path(__file__).resolve().parent.parent) + os.sep
IGNORED = (tracemalloc.__file__, linecache.__file__, "<frozen importlib._bootstrap>")


def report(label: str, top: int, frames: int) -> None:
    """The memory alive now: its total, then the `top` lines (and tracebacks) holding most."""
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, name) for name in IGNORED]
    )
    now, peak = tracemalloc.get_traced_memory()
    print(f"\n== {label}: {now / 2**20:.1f} MiB alive, peak so far {peak / 2**20:.1f} MiB")
    for stat in snapshot.statistics("lineno")[:top]:
        frame = stat.traceback[0]
        code = linecache.getline(frame.filename, frame.lineno).strip()[:70]
        where = f"{frame.filename.removeprefix(ROOT)}:{frame.lineno}"
        print(f"{stat.size / 2**20:8.2f} MiB {stat.count:9,d} blocks  {where}  {code}")
    if frames > 1:
        for stat in snapshot.statistics("traceback")[: min(top, 8)]:
            print(f"-- {stat.size / 2**20:.2f} MiB in {stat.count:,} blocks")
            for line in stat.traceback.format():
                print(f"   {line}")


@contextmanager
def reporting(top: int, frames: int) -> Iterator[None]:
    """Report when the engine's parse and assemble return, and halfway and at the end of
    `render_into` (counted by the outputs it hands over)."""
    run = importlib.import_module("sitegen.engine.run")

    def after(owner: Any, name: str, label: str) -> Any:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            report(label, top, frames)
            return result

        return patch.object(owner, name, wrapper)

    original_render = run.render_into

    def render_into(site: Any, templates: Any, paths: Any, static: Any, sink: Any, *args: Any,
                    **kwargs: Any) -> Any:  # fmt: skip
        halfway = (len(site.explainers) + len(site.actors)) // 2
        handed = [0]

        def counting_sink(output: Any) -> None:
            handed[0] += 1
            if handed[0] == halfway:
                report("halfway through rendering", top, frames)
            sink(output)

        result = original_render(site, templates, paths, static, counting_sink, *args, **kwargs)
        report("after rendering", top, frames)
        return result

    with (
        after(run.Engine, "parse", "after parsing"),
        after(run.Engine, "assemble", "after assembling (the Markdown rendered)"),
        patch.object(run, "render_into", render_into),
    ):
        yield


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--out", type=Path, help="output folder (default: SITE/site)")
    parser.add_argument("--top", type=int, default=20, help="lines shown per stage")
    parser.add_argument("--frames", type=int, default=1, help="traceback depth")
    parser.add_argument("--no-cache", dest="cache", action="store_false")
    args = parser.parse_args(argv)
    os.environ["SITEGEN_WORKERS"] = "1"
    tracemalloc.start(args.frames)
    with reporting(args.top, args.frames):
        result = build(BuildOptions(root=args.site, out=args.out, cache=args.cache))
    print(f"ok={result.ok} files={result.files_written}", file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
