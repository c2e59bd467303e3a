"""The `sitegen` command line: parses arguments and calls the build, the preview or the tools.

Exit status: 0 done, 1 content or config errors, 2 a wrong command line (FORMAT.md 7). Each
command's implementation is imported only when it runs: the build, `check` and `import` bring
PyYAML, the preview tornado and livereload, none of which `--help`, `--version` or a wrong
command line need.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sitegen import __version__
from sitegen.commands import new
from sitegen.commands.annotations import plural
from sitegen.commands.progress import ProgressBar
from sitegen.core.urls import BaseUrl

if TYPE_CHECKING:
    from sitegen.build import BuildResult
    from sitegen.core.diagnostics import Diagnostic

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

    serve = commands.add_parser(
        "serve",
        help="preview the site, rebuilding and reloading the browser on every change",
        description="Build the site folder PATH into a temporary folder, serve it, and rebuild "
        "what changed on every edit; open pages reload by themselves.",
    )
    _site_options(serve, base_url=False)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default: %(default)s)"
    )
    serve.add_argument("--open", action="store_true", help="open the preview in a web browser")
    serve.set_defaults(run=_run_serve)

    check = commands.add_parser(
        "check",
        help="validate the site without writing anything",
        description="Report every problem a build would report, writing nothing. "
        "Exit 1 when there are errors.",
    )
    _site_options(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (default), json (a list of objects) or github (workflow annotations)",
    )
    check.set_defaults(run=_run_check)

    new = commands.add_parser(
        "new",
        help="start a site, an explainer or an actor",
        description="`sitegen new SITE` makes a site folder that builds at once; "
        '`sitegen new explainer "Title"` and `sitegen new actor "Name"`, run in a site folder, '
        "write a skeleton content file.",
    )
    new.add_argument("what", metavar="SITE|explainer|actor", help="a new folder, or what to add")
    new.add_argument("name", nargs="?", metavar="TITLE|NAME", help="the headline or the name")
    new.add_argument(
        "--site", type=Path, default=Path("."), metavar="PATH", help="site folder (default: .)"
    )
    new.set_defaults(run=_run_new)

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


def _site_options(command: argparse.ArgumentParser, *, base_url: bool = True) -> None:
    """PATH and the options every command that reads a site takes. The preview has no
    `--base-url`: it points base_url at its own server."""
    command.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path("."),
        metavar="PATH",
        help="site folder (default: .)",
    )
    if base_url:
        command.add_argument(
            "--base-url", type=_base_url, metavar="URL", help="override base_url from sitegen.yaml"
        )
    command.add_argument(
        "--drafts", action="store_true", help="include explainers marked draft: true"
    )


def _base_url(value: str) -> BaseUrl:
    from sitegen.stages.config import parse_base_url  # deferred: PyYAML, see the docstring

    parsed = parse_base_url(value)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not an absolute http(s) URL")
    return parsed


def _run_build(args: argparse.Namespace) -> int:
    from sitegen.build import BuildOptions, build  # deferred: PyYAML, see the docstring

    if not args.path.is_dir():
        print(f"sitegen: error: {args.path} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    bar = ProgressBar(sys.stderr)
    options = BuildOptions(
        root=args.path,
        out=args.out,
        base_url=args.base_url,
        drafts=args.drafts,
        strict=args.strict,
        cache=args.cache,
    )
    try:
        result = build(options, on_progress=None if args.quiet else bar)
    finally:
        bar.close()
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
        print(summary(result, options.out_dir), file=sys.stderr)
    return EXIT_OK


def summary(result: BuildResult, out_dir: Path) -> str:
    """`built 12 explainers (61 files, 58 unchanged) into site/ in 0.84 s, no warnings`, or
    `nothing changed: site/ left as it was (61 files) in 0.05 s, no warnings`."""
    warnings = result.report.warning_count
    tail = f" in {result.seconds:.2f} s, " + (
        plural(warnings, "warning") if warnings else "no warnings"
    )
    if result.unchanged:
        files = plural(result.files_written, "file")
        return f"nothing changed: {_shown(out_dir)} left as it was ({files}){tail}"
    explainers = plural(len(result.site.explainers), "explainer") if result.site else "the site"
    files = f"{plural(result.files_written, 'file')}, {result.files_reused} unchanged"
    return f"built {explainers} ({files}) into {_shown(out_dir)}{tail}"


def _shown(path: Path) -> str:
    """A path as short as it can be: relative to the current folder when inside it."""
    try:
        return f"{path.resolve().relative_to(Path.cwd().resolve()).as_posix()}/"
    except ValueError:
        return f"{path}/"


def _run_check(args: argparse.Namespace) -> int:
    from sitegen.commands.check import run  # deferred: PyYAML, see the docstring

    if not args.path.is_dir():
        print(f"sitegen: error: {args.path} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    return run(args, sys.stdout, sys.stderr)


def _run_new(args: argparse.Namespace) -> int:
    return new.run(args.what, args.name, args.site, sys.stdout, sys.stderr)


def print_report(report: Iterable[Diagnostic], stream: TextIO, *, quiet: bool = False) -> None:
    """Print each diagnostic as `path:line:col: severity: message`; warnings only when not quiet."""
    for diagnostic in report:
        if diagnostic.is_error or not quiet:
            print(diagnostic, file=stream)


def _run_serve(args: argparse.Namespace) -> int:
    from sitegen.preview.server import ServeOptions, run  # deferred: tornado, livereload

    return run(
        ServeOptions(
            root=args.path,
            host=args.host,
            port=args.port,
            open_browser=args.open,
            drafts=args.drafts,
        )
    )


def _run_import(args: argparse.Namespace) -> int:
    from sitegen.commands.importer.command import run  # deferred: PyYAML, see the docstring

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
