"""`sitegen check`: the build's validation with nothing written, in text, JSON and GitHub
workflow-annotation formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sitegen.commands.annotations import escape_data, escape_property, github
from sitegen.core.diagnostics import Place
from tests.conftest import SiteFactory
from tests.helpers import run_sitegen

GOOD = """---
title: A good explainer
date: 2025-03-19
key_points:
  - "It builds."
---
Body.
"""
# Line 5 is the YAML trap of FORMAT.md 3.1: a mapping where text was meant.
BAD = """---
title: A broken explainer
date: 2025-03-19
key_points:
  - Trump said: "It must end now"
key_point: typo
---
Body with [a missing actor](@nobody).
"""
ANNOTATION = re.compile(
    r"::(?P<kind>error|warning) file=(?P<file>[^,:]+)(?:,line=(?P<line>\d+))?(?:,col=(?P<col>\d+))?"
    r"::(?P<message>[^\r\n]*)"
)


def test_github_escaping_follows_the_workflow_command_rules() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    diagnostic = Place("content/x, y.md", 3, 7).error("bad: 50%\nsee docs")
    assert (
        github(diagnostic) == "::error file=content/x%2C y.md,line=3,col=7::bad: 50%25%0Asee docs"
    )
    whole_file = Place("content/x.md", 0, 0).warning("empty")
    assert github(whole_file) == "::warning file=content/x.md::empty"


def test_github_format_prints_one_annotation_per_problem(make_site: SiteFactory) -> None:
    site = make_site({"content/good.md": GOOD, "content/bad.md": BAD})
    result = run_sitegen("check", "--format", "github", cwd=site)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines, result.stderr
    for line in lines:
        assert ANNOTATION.fullmatch(line), line
    parsed = [ANNOTATION.fullmatch(line) for line in lines]
    kinds = {(m["kind"], m["file"], m["line"]) for m in parsed if m}
    assert ("error", "content/bad.md", "5") in kinds
    assert ("warning", "content/bad.md", "6") in kinds  # the unknown `key_point`
    assert any(m and "nobody" in m["message"] for m in parsed)


def test_github_paths_are_relative_to_the_current_folder(make_site: SiteFactory) -> None:
    site = make_site({"content/bad.md": BAD})
    result = run_sitegen("check", site.name, "--format", "github", cwd=site.parent)
    assert f"file={site.name}/content/bad.md," in result.stdout


def test_json_format_is_a_list_of_objects(make_site: SiteFactory) -> None:
    site = make_site({"content/bad.md": BAD})
    result = run_sitegen("check", str(site), "--format", "json")
    assert result.returncode == 1
    items = json.loads(result.stdout)
    assert isinstance(items, list) and items
    assert set(items[0]) == {"path", "line", "col", "severity", "message"}
    assert {"error", "warning"} <= {item["severity"] for item in items}


def test_text_format_matches_what_build_reports(make_site: SiteFactory) -> None:
    site = make_site({"content/good.md": GOOD, "content/bad.md": BAD})
    checked = run_sitegen("check", str(site))
    built = run_sitegen("build", str(site))
    diagnostics = [line for line in built.stderr.splitlines() if line.startswith("content/")]
    assert checked.stdout.splitlines() == diagnostics
    assert checked.returncode == built.returncode == 1
    assert re.search(r"checked .*: \d+ errors?, 1 warning$", checked.stderr.strip())


def test_check_writes_nothing(make_site: SiteFactory) -> None:
    site = make_site({"content/good.md": GOOD})
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    result = run_sitegen("check", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert "checked 1 explainer" in result.stderr


def test_strict_turns_warnings_into_errors(make_site: SiteFactory) -> None:
    site = make_site({"content/good.md": GOOD.replace("title:", "key_point: x\ntitle:")})
    assert run_sitegen("check", str(site)).returncode == 0
    strict = run_sitegen("check", "--strict", "--format", "github", cwd=site)
    assert strict.returncode == 1
    assert strict.stdout.startswith("::error file=content/good.md,line=2")


def test_drafts_are_checked_only_when_asked(make_site: SiteFactory) -> None:
    # A draft's mentions are resolved only when drafts take part (as in a build).
    draft = GOOD.replace("title:", "draft: true\ntitle:") + "[x](@nobody)\n"
    site = make_site({"content/good.md": GOOD, "content/draft.md": draft})
    assert run_sitegen("check", str(site)).returncode == 0
    assert run_sitegen("check", str(site), "--drafts").returncode == 1


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert run_sitegen("check", str(tmp_path / "nope")).returncode == 2
