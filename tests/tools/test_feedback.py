"""Feedback on long work: a progress bar only on a terminal, the one-line summary, and search
switched off or unavailable."""

from __future__ import annotations

import io
import re

import pytest

from sitegen.build import BuildOptions, build
from sitegen.commands import progress
from sitegen.stages import search
from tests.conftest import SiteFactory
from tests.helpers import run_sitegen

EXPLAINER = """---
title: Story {n}
date: 2025-03-19
key_points:
  - "Point {n}."
---
Body {n}.
"""


def stories(count: int) -> dict[str, str | bytes]:
    return {f"content/story-{n}.md": EXPLAINER.format(n=n) for n in range(count)}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_when_the_stream_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    stream = io.StringIO()
    bar = progress.ProgressBar(stream)
    for done in range(1, 11):
        bar(done, 10)
    bar.close()
    assert stream.getvalue() == ""


def test_the_bar_redraws_one_line_and_clears_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    stream = Terminal()
    bar = progress.ProgressBar(stream)
    bar(5, 10)
    bar(10, 10)
    bar.close()
    drawn = stream.getvalue()
    assert "\n" not in drawn
    assert "\r" + progress.line(10, 10, "building") in drawn
    assert drawn.endswith("\r\x1b[2K")


def test_a_short_build_draws_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = Terminal()
    bar = progress.ProgressBar(stream)
    bar(1, 2)
    assert stream.getvalue() == ""


def test_the_build_reports_progress_to_the_end(make_site: SiteFactory) -> None:
    site = make_site(stories(3))
    calls: list[tuple[int, int]] = []
    result = build(
        BuildOptions(root=site), on_progress=lambda done, total: calls.append((done, total))
    )
    assert result.ok
    # Pages are counted, then the share cards drawn (three stories: three cards).
    assert all(1 <= done <= total for done, total in calls)
    ends = [i for i, (done, total) in enumerate(calls) if done == total]
    assert len(ends) == 2 and ends[-1] == len(calls) - 1
    assert calls[-1] == (3, 3)


def test_the_summary_line(make_site: SiteFactory) -> None:
    site = make_site(stories(2))
    result = run_sitegen("build", str(site))
    assert result.returncode == 0, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"built 2 explainers \(\d+ files, \d+ unchanged\) into .*site/ in \d+\.\d\d s, no warnings",
        last,
    ), last
    assert "\r" not in result.stderr


def test_search_off_leaves_out_the_page_and_its_link(make_site: SiteFactory) -> None:
    site = make_site({"sitegen.yaml": "search: false\n", **stories(1)})
    assert run_sitegen("build", str(site)).returncode == 0
    assert not (site / "site" / "search").exists()
    assert not (site / "site" / "pagefind").exists()
    assert 'href="/search/"' not in (site / "site" / "index.html").read_text(encoding="utf-8")


def test_search_without_pagefind_warns_and_lists_everything(
    make_site: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "pagefind_executable", lambda: None)
    site = make_site(stories(2))
    result = build(BuildOptions(root=site))
    assert result.ok
    assert any("Pagefind is not installed" in d.message for d in result.report)
    page = (site / "site" / "search" / "index.html").read_text(encoding="utf-8")
    assert "Story 0" in page and "Story 1" in page
    assert not (site / "site" / "pagefind").exists()


def test_search_bundle_is_written_without_pagefinds_own_ui(make_site: SiteFactory) -> None:
    if search.pagefind_executable() is None:
        pytest.skip("Pagefind is not installed")
    site = make_site(stories(2))
    assert build(BuildOptions(root=site)).ok
    bundle = site / "site" / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert list((bundle / "fragment").iterdir())
    assert not (bundle / "pagefind-ui.js").exists()
