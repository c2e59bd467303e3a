"""`sitegen check`: everything a build validates, nothing written, for editors, hooks and CI.

It runs the build's `check()` (load, parse, assemble), so it reports exactly the content problems
a build would, in the format the caller reads: text for people, JSON for programs, workflow
annotations for GitHub Actions. Diagnostics go to standard output; the one-line summary to
standard error, so that `--format json > report.json` holds JSON alone.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path, PurePath
from typing import TextIO

from sitegen.build import BuildOptions, check
from sitegen.commands.annotations import plural, render

EXIT_OK, EXIT_ERRORS = 0, 1


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Check the site at `args.path`; exit status 1 when any error was found."""
    started = time.perf_counter()
    result = check(
        BuildOptions(root=args.path, base_url=args.base_url, drafts=args.drafts, strict=args.strict)
    )
    seconds = time.perf_counter() - started
    report = result.report
    prefix = None if args.format == "text" else site_prefix(args.path)
    for text in render(report, args.format, prefix):
        print(text, file=stdout)
    counted = (
        f"{plural(len(result.site.explainers), 'explainer')}, "
        f"{plural(len(result.site.actors), 'actor')}"
        if result.site
        else plural(len(result.files.content), "content file")
    )
    print(
        f"checked {counted} in {seconds:.2f} s: "
        f"{plural(report.error_count, 'error')}, {plural(report.warning_count, 'warning')}",
        file=stderr,
    )
    return EXIT_ERRORS if report.has_errors else EXIT_OK


def site_prefix(path: Path) -> PurePath:
    """The site folder as seen from where annotations are resolved.

    GitHub resolves an annotation's `file` from the workspace (the checkout's root); elsewhere the
    current folder is the best guess. A folder outside both is given as it is.
    """
    base = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(base)
    except ValueError:
        return path
