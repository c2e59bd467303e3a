"""The long fuzz run of issue 5: many generated hostile sites, each built in-process.

    python bench/fuzz_long.py --examples 100000 --workers 2 --out bench/out/fuzz

Each worker is a separate process with its own seed running the strategies of
tests/security/fuzz.py; after each generated site it builds MUTANTS byte-level mutants of it,
and every build counts as one example. Unlike the fast profile in the suite, a broken
invariant does not stop the run: the first example of each distinct failure (exception type
and innermost sitegen frame, or the kind of output problem) is saved under OUT/crashes/ to
become a regression case, and the run goes on. OUT/progress-<worker>.json is rewritten as the
run goes, so a run stopped early still says how many examples it ran. Exit status 1 if
anything failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PER_EXAMPLE_SECONDS = 20.0
"""The hang bound, in CPU seconds (wall time gets twenty times that): far above the slowest
legitimate example seen (1.3 s of CPU for a 1.3 MB body)."""
MUTANTS = 9
"""The default number of cheap byte-level mutants built after each generated site (see
tests/security/fuzz.mutant): generating a site costs several builds' time, so this multiplies
the examples per hour."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100_000, help="total, over all workers")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "fuzz")
    parser.add_argument(
        "--mutants", type=int, default=MUTANTS, help="byte-level mutants built per generated site"
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.worker is not None:
        return run_worker(
            args.worker, args.examples, args.seed + args.worker, args.out, args.mutants
        )
    return run_all(args)


def run_all(args: argparse.Namespace) -> int:
    share = -(-args.examples // args.workers)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                f"--worker={index}",
                f"--examples={share}",
                f"--seed={args.seed}",
                f"--out={args.out}",
                f"--mutants={args.mutants}",
            ]
        )
        for index in range(args.workers)
    ]
    codes = [worker.wait() for worker in workers]
    total = summarise(args.out)
    print(json.dumps(total, indent=2))
    return 1 if any(codes) or total["failures"] else 0


def summarise(out: Path) -> dict[str, Any]:
    """The figures of every worker together."""
    reports = [json.loads(path.read_text()) for path in sorted(out.glob("progress-*.json"))]
    signatures: dict[str, int] = {}
    for report in reports:
        for signature, count in report["failures"].items():
            signatures[signature] = signatures.get(signature, 0) + count
    return {
        "examples": sum(report["examples"] for report in reports),
        "seconds": max((report["seconds"] for report in reports), default=0),
        "failures": signatures,
        "ok_builds": sum(report["ok_builds"] for report in reports),
    }


def run_worker(index: int, examples: int, seed: int, out: Path, mutants: int) -> int:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed

    from tests.security.fuzz import (
        Options,
        build_and_read,
        build_options,
        compiled_templates_cached,
        invariant_problems,
        mutant,
        sites,
    )

    state: dict[str, Any] = {
        "worker": index,
        "seed": seed,
        "examples": 0,
        "ok_builds": 0,
        "failures": {},
        "started": time.time(),
    }
    progress = out / f"progress-{index}.json"
    folder = Path(tempfile.mkdtemp(prefix=f"sitegen-fuzz-{index}-"))

    def record(signature: str, files: dict[str, bytes], detail: str) -> None:
        failures = state["failures"]
        failures[signature] = failures.get(signature, 0) + 1
        if failures[signature] == 1:
            save_crash(out / "crashes" / f"{index}-{len(failures)}", files, signature, detail)

    def check(files: dict[str, bytes], options: Options) -> None:
        state["examples"] += 1
        try:
            result = build_and_read(files, options, seconds=PER_EXAMPLE_SECONDS, folder=folder)
        except Exception as err:
            record(signature_of(err), files, traceback.format_exc())
        else:
            state["ok_builds"] += result.ok
            for problem in invariant_problems(files, result):
                record(problem.split(":")[0] + ": " + problem.split(": ")[1][:60], files, problem)
        if state["examples"] % 500 == 0:
            write_progress(progress, state)

    @fixed_seed(seed)
    @settings(
        max_examples=-(-examples // (1 + mutants)),
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(sites(), build_options)
    def one(files: dict[str, bytes], options: Options) -> None:
        check(files, options)
        rng = random.Random(f"{seed}-{state['examples']}")
        for _ in range(mutants):
            check(mutant(files, rng), options)

    with compiled_templates_cached():
        one()
    write_progress(progress, state)
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if state["failures"] else 0


def signature_of(err: BaseException) -> str:
    """Exception type and the innermost frame inside sitegen: one entry per distinct bug."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if "sitegen" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(err).__name__} at {where}"


def save_crash(folder: Path, files: dict[str, bytes], signature: str, detail: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SIGNATURE.txt").write_text(f"{signature}\n\n{detail}\n", encoding="utf-8")
    (folder / "site.json").write_text(
        json.dumps({path: data.decode("latin-1") for path, data in files.items()}),
        encoding="utf-8",
    )


def write_progress(path: Path, state: dict[str, Any]) -> None:
    shown = {key: value for key, value in state.items() if key != "started"}
    shown["seconds"] = round(time.time() - state["started"], 1)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(shown, indent=2), encoding="utf-8")
    temporary.replace(path)


if __name__ == "__main__":
    sys.exit(main())
