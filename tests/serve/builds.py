"""The preview's output against what `sitegen build` writes: the real `build()`, with the
preview's base URL (its own origin, the configured path), compared file by file."""

from __future__ import annotations

from pathlib import Path

from sitegen.build import BuildOptions, BuildResult, build
from sitegen.core.diagnostics import Report
from sitegen.preview.incremental import Incremental, Rebuild
from sitegen.stages.write import MARKER

ORIGIN = "http://127.0.0.1:8000"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (site-relative path -> bytes), but the marker a build leaves
    in its output folder to know it as its own (`sitegen.stages.write.MARKER`)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path != folder / MARKER
    }


def settle(engine: Incremental, result: Rebuild) -> tuple[bool, list[str]]:
    """Draw the share cards and index for search as the preview does after a rebuild; whether
    all went well, and every problem reported, in the order a build reports them."""
    report = Report()
    report.extend(result.report)
    if result.ok:
        _changed, problems = engine.catch_up()
        report.extend(problems)
    return not report.has_errors, [str(d) for d in report]


def build_as_preview(
    root: Path, engine: Incremental, out: Path, *, cache: bool = True
) -> BuildResult:
    """`sitegen build` of `root` into `out`, with the base URL the preview serves (and drafts
    when the preview shows them, as `sitegen serve --drafts` and `sitegen build --drafts`)."""
    options = BuildOptions(root, out, engine.base_url, drafts=engine.parser.drafts, cache=cache)
    return build(options)


def assert_preview_equals_build(
    root: Path, engine: Incremental, settled: tuple[bool, list[str]], out: Path
) -> BuildResult:
    """A real build into `out` (with the cache, as `sitegen build` runs) succeeds exactly when
    the preview's rebuild did, reports the same problems, and `out` then holds what the
    preview folder holds, byte for byte; after a failure, both keep their last good output."""
    ok, problems = settled
    built = build_as_preview(root, engine, out)
    reported = [str(d) for d in built.report]
    assert built.ok == ok, (problems, reported)
    if ok:
        assert reported == problems
    else:  # each reports its first errors: a failed template stops the rest of a build's work
        assert {p for p in problems if ": error:" in p} & set(reported), (problems, reported)
    preview, written = tree(engine.output.out), tree(out)
    assert sorted(preview) == sorted(written)
    assert preview == written
    return built
