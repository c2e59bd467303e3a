"""The `sitegen` command line: parses arguments and calls the build, the preview or the tools.

Exit status: 0 done, 1 content or config errors, 2 a wrong command line (FORMAT.md 7). Commands
other than `build` are imported only when used, so `sitegen build` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sitegen import __version__
from sitegen.urls import BaseUrl

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Build static explainer sites: key points, actors and quotes first, "
        "the story below.",
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    build = commands.add_parser(
        "build",
        help="build the site into site/",
        description="Build the site folder PATH into its output folder.",
    )
    _site_options(build)
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: PATH/site)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--quiet", action="store_true", help="print errors only")
    build.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="parse and render everything anew, without reading or writing .sitegen-cache/",
    )
    build.set_defaults(run=_run_build)

    importer = commands.add_parser(
        "import",
        help="turn raw news copy into a draft explainer",
        description="Read a wire story (a file, or - for standard input) "
        "and write a draft explainer.",
    )
    importer.add_argument(
        "source", metavar="FILE", help="text or Markdown file, or - for standard input"
    )
    importer.add_argument(
        "--out", metavar="PATH", help="content file to write (default: content/<slug>.md)"
    )
    importer.add_argument("--date", metavar="DATE", help="publication date (default: today)")
    importer.add_argument(
        "--title", metavar="TITLE", help="headline (default: the story's first line)"
    )
    importer.add_argument(
        "--site", type=Path, default=Path("."), metavar="PATH", help="site folder (default: .)"
    )
    importer.set_defaults(run=_run_import)
    return parser


def _site_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path("."),
        metavar="PATH",
        help="site folder (default: .)",
    )
    command.add_argument(
        "--base-url", type=_base_url, metavar="URL", help="override base_url from sitegen.yaml"
    )
    command.add_argument(
        "--drafts", action="store_true", help="include explainers marked draft: true"
    )


def _base_url(value: str) -> BaseUrl:
    from sitegen.config import parse_base_url

    parsed = parse_base_url(value)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not an absolute http(s) URL")
    return parsed


def _run_build(args: argparse.Namespace) -> int:
    from sitegen.build import BuildOptions, build

    if not args.path.is_dir():
        print(f"sitegen: error: {args.path} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    result = build(
        BuildOptions(
            root=args.path,
            out=args.out,
            base_url=args.base_url,
            drafts=args.drafts,
            strict=args.strict,
            cache=args.cache,
        )
    )
    print_report(result.report, sys.stderr, quiet=args.quiet)
    if not args.quiet:
        for notice in result.notices:
            print(f"sitegen: note: {notice}", file=sys.stderr)
    if not result.ok:
        print(
            f"build failed: {result.report.error_count} error(s); the previous output is unchanged",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    if not args.quiet:
        warnings = result.report.warning_count
        done = (
            f"nothing changed: {result.files_written} files left as they were"
            if result.unchanged
            else f"built {result.files_written} files ({result.files_reused} unchanged)"
        )
        print(
            f"{done} in {result.seconds:.2f} s"
            + (f" with {warnings} warning(s)" if warnings else ""),
            file=sys.stderr,
        )
    return EXIT_OK


def print_report(report: object, stream: TextIO, *, quiet: bool = False) -> None:
    """Print each diagnostic as `path:line:col: severity: message`; warnings only when not quiet."""
    for diagnostic in report:  # type: ignore[attr-defined]
        if diagnostic.is_error or not quiet:
            print(diagnostic, file=stream)


def _run_import(args: argparse.Namespace) -> int:
    from sitegen.importer.command import run

    return run(
        args.source,
        out=args.out,
        date=args.date,
        title=args.title,
        site_root=args.site,
        stdin=sys.stdin,
        stdout=sys.stdout,
        stderr=sys.stderr,
    )
