"""Issue 5, fuzzing: generated hostile sites never crash, hang or ship script.

The fast profile runs here (well under a minute); `python bench/fuzz_long.py` is the long run.
Every failure either run found is pinned below as a fixed regression case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SiteFactory
from tests.helpers import run_sitegen, write_files
from tests.security.fuzz import (
    Options,
    TimeBoundExceeded,
    build_and_read,
    build_options,
    compiled_templates_cached,
    invariant_problems,
    sites,
    time_bound,
)

FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
EXAMPLE_SECONDS = 30.0
"""The hang bound per example, in CPU seconds: far above the slowest example seen (1.3 s)."""


@pytest.fixture(scope="module", autouse=True)
def _cached_templates() -> Iterator[None]:
    with compiled_templates_cached():
        yield


def assert_invariant(files: dict[str, bytes], options: Options) -> None:
    result = build_and_read(files, options, seconds=EXAMPLE_SECONDS)
    assert invariant_problems(files, result) == []


@FAST
@given(sites(), build_options)
def test_generated_sites_keep_the_invariant(files: dict[str, bytes], options: Options) -> None:
    assert_invariant(files, options)


DIAGNOSTIC_LINE = re.compile(r"^.+:\d+:\d+: (error|warning): .+$")
SUMMARY_LINE = re.compile(r"^(built \d+ .* in .*|build failed: \d+ error\(s\); .*)$")


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=sites(), strict=st.booleans())
def test_the_command_line_prints_only_diagnostics(
    files: dict[str, bytes], strict: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Through the real CLI: exit 0 or 1, and every line on stderr is a diagnostic or the
    summary, so a traceback (or any other stray output, or a diagnostic split over lines by
    a control character in a file name) fails the test."""
    root = write_files(tmp_path_factory.mktemp("site"), files)
    out = tmp_path_factory.mktemp("out") / "site"
    completed = run_sitegen(
        "build", str(root), "--out", str(out), *(["--strict"] if strict else []), timeout=120
    )
    assert completed.returncode in (0, 1), completed.stderr
    for line in completed.stderr.splitlines():
        assert DIAGNOSTIC_LINE.match(line) or SUMMARY_LINE.match(line), line
    assert (out / "index.html").is_file() == (completed.returncode == 0)


# -- regression cases: each was a failure of the fuzz runs, now fixed -----------------------------

MINIMAL = "---\ntitle: T\ndate: 2025-01-01\n---\n## Key points\n\n- {point}\n\n{body}\n"

REGRESSIONS = {
    # urlsplit raises ValueError on an unclosed IPv6 bracket: a `base_url` or a link written
    # `https://exampl<![CDATA[xe.org/` ended the build in a traceback (found by the long run).
    "unsplittable base_url": {
        "content/a.md": MINIMAL.format(
            point="x", body="[a](https://exa[mple.org/x) ![b](http://[)"
        ).encode(),
        "sitegen.yaml": b"base_url: https://exampl<![CDATA[xe.org/news/\n",
    },
    "unsplittable links": {
        "content/a.md": MINIMAL.format(point="[p](http://[::1)", body="[a](https://exa[mple.org/)")
        .encode()
        .replace(b"title: T", b"title: T\nsources: [{title: s, url: 'http://[x'}]"),
    },
    # An explicit `!!timestamp` tag on text that is no date crashed PyYAML's constructor with an
    # AttributeError; it is now text, which the date check reports at its line.
    "explicit timestamp tag on text": {
        "content/a.md": b"---\ntitle: T\ndate: !!timestamp yesterday\nkey_points: [x]\n---\n"
    },
    # feed.xml was not well-formed XML: XML 1.0 forbids C0 control characters, and a key point
    # carried one straight into the Atom feed. Control characters are now replaced at decoding.
    "control character in a key point": {
        "content/a.md": MINIMAL.format(point="x\x0by", body="b\x1bc").encode()
    },
    # The same through YAML escapes, which decoding cannot see: `"\v"`, `"\e"`, `"\0"`.
    "control characters as YAML escapes": {
        "content/a.md": b'---\ntitle: "a\\0b"\ndate: 2000-01-01\nkey_points:\n'
        b'- "\\v\\f\\e[31m\\x7F\\N\\uFFFE"\n---\n'
    },
    "control character in the site title": {
        "content/a.md": MINIMAL.format(point="x", body="b").encode(),
        "sitegen.yaml": b"title: a\x01b\ndescription: \xef\xbf\xbe\n",
    },
}


@pytest.mark.parametrize("files", REGRESSIONS.values(), ids=REGRESSIONS.keys())
def test_regression(files: dict[str, bytes]) -> None:
    result = build_and_read(files, Options(), seconds=EXAMPLE_SECONDS)
    assert invariant_problems(files, result) == []


def test_content_cannot_forge_lines_in_the_build_log(make_site: SiteFactory) -> None:
    """A file name or a YAML key with a line break would print a second line that CI takes for
    its own: on GitHub Actions, `::error::` or `::add-mask::` is a workflow command. Found by
    the command-line fuzz test (a file name with U+001C, which `splitlines` breaks on)."""
    root = make_site(
        {
            "content/a\n::error file=x::forged\x1b[2J\u202e.md": "---\ntitle: T\n---\n",
            "content/b.md": "---\ntitle: T\ndate: 2025-01-01\nkey_points: [k]\n"
            '"x\\n::add-mask::y\\u2028z": 1\n---\n',
        }
    )
    completed = run_sitegen("build", str(root))
    assert completed.returncode == 1
    lines = completed.stderr.splitlines()
    assert all(DIAGNOSTIC_LINE.match(line) or SUMMARY_LINE.match(line) for line in lines), lines
    assert not any(line.startswith("::") for line in lines)
    assert "content/a\\n::error file=x::forged\\x1b[2J\\u202e.md:1:1: error:" in completed.stderr


def test_an_explicit_timestamp_tag_on_text_is_a_date_error() -> None:
    result = build_and_read(
        REGRESSIONS["explicit timestamp tag on text"], Options(), seconds=EXAMPLE_SECONDS
    )
    assert [str(d) for d in result.report] == [
        "content/a.md:3:7: error: `date` must be a date (YYYY-MM-DD) or an ISO 8601 date-time, "
        "got text (yesterday)"
    ]


def test_control_characters_build_with_a_warning() -> None:
    for name in (
        "control character in a key point",
        "control characters as YAML escapes",
        "control character in the site title",
    ):
        result = build_and_read(REGRESSIONS[name], Options(), seconds=EXAMPLE_SECONDS)
        assert result.ok, [str(d) for d in result.report]


def test_control_characters_are_reported_where_they_stand(tmp_path: Path) -> None:
    files = {"content/a.md": MINIMAL.format(point="x\x0by", body="b").encode()}
    result = build_and_read(files, Options(), seconds=EXAMPLE_SECONDS)
    assert "content/a.md:7:4: warning: control character U+000B replaced by a space" in [
        str(d) for d in result.report
    ]


def test_the_time_bound_catches_a_hang() -> None:
    """The "never a hang" half of the invariant can fail: an endless loop is stopped."""
    with pytest.raises(TimeBoundExceeded), time_bound(0.2):
        while True:
            pass
