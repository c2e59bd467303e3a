"""Count the machine instructions of one cold sitegen build, for comparing two versions exactly.

    python bench/instructions.py SITE [--python PYTHON] [--imports-only] [-- BUILD-ARGS ...]

Wall-clock and even CPU times of a small build vary by 10 % and more from run to run on a shared
virtual machine, which hides the 1 % that a start-up change is worth. The number of instructions
a build executes barely varies (a few in a million from run to run): this runs the build once
under Valgrind's callgrind tool, in one process (SITEGEN_WORKERS=1, since callgrind would count
forked workers apart), with a fixed hash seed, no cache and no output folder, and prints the
count. Run it with each version's interpreter (`--python`, for instance a venv into which that
version was `pip install`ed) and compare. `--imports-only` counts importing the build's modules
alone, which is what every build pays before its first file is read.

Needs `valgrind` (Debian: `apt-get install valgrind`). A 100-explainer build takes about 25 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

IMPORTS = (
    "import sitegen.commands.cli, sitegen.build, sitegen.stages.assemble, sitegen.stages.render"
)


def count(command: Sequence[str], env: dict[str, str]) -> int:
    """Instructions executed by `command`, from callgrind's summary line."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),  # not a checkout: `-m sitegen` must find the installed one
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"failed: {' '.join(command)}\n{done.stdout}{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--python", default=sys.executable, help="interpreter with sitegen")
    parser.add_argument("--imports-only", action="store_true")
    parser.add_argument("build_args", nargs="*", help="more arguments for `sitegen build`")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    env = {**os.environ, "PYTHONHASHSEED": "0", "SITEGEN_WORKERS": "1"}
    if args.imports_only:
        print(count([args.python, "-c", IMPORTS], env))
        return 0
    site = args.site.resolve()
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="sitegen-instructions-") as out:
        build = [args.python, "-m", "sitegen", "build", str(site), "--out", f"{out}/site"]
        print(count([*build, "--quiet", *args.build_args], env))
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
