"""The command line: exit statuses (FORMAT.md 7) and the options that override sitegen.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.commands.cli import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, main
from tests.conftest import SiteFactory
from tests.helpers import run_sitegen

ARTICLE = "---\ntitle: A\ndate: 2025-01-01\nkey_points: [One]\n---\nBody.\n"
DRAFT = "---\ntitle: D\ndate: 2025-01-02\ndraft: true\nkey_points: [One]\n---\n"


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--no-such-option"],
        ["no-such-command"],
        [],
        ["build", "--base-url", "not a url"],
        ["build", "--base-url", "javascript:alert(1)"],
    ],
)
def test_wrong_command_line_exits_2(args: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(args)
    assert raised.value.code == EXIT_USAGE


def test_a_path_that_is_not_a_folder_exits_2(tmp_path: Path) -> None:
    assert main(["build", str(tmp_path / "missing")]) == EXIT_USAGE


def test_subprocess_exit_statuses(make_site: SiteFactory) -> None:
    good = make_site({"content/a.md": ARTICLE})
    bad = make_site({"content/a.md": '---\ntitle: "unclosed\n---\n'})
    assert run_sitegen("build", str(good)).returncode == EXIT_OK
    completed = run_sitegen("build", str(bad))
    assert completed.returncode == EXIT_ERRORS
    assert completed.stderr.startswith("content/a.md:2:")
    assert run_sitegen("build", "--bogus").returncode == EXIT_USAGE


def test_drafts_option(make_site: SiteFactory, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/a.md": ARTICLE, "content/d.md": DRAFT})
    assert main(["build", str(site)]) == EXIT_OK
    assert not (site / "site" / "d").exists()
    assert main(["build", str(site), "--drafts"]) == EXIT_OK
    assert (site / "site" / "d" / "index.html").is_file()


def test_base_url_option_overrides_the_file(make_site: SiteFactory) -> None:
    site = make_site({"sitegen.yaml": "base_url: https://file.example/\n", "content/a.md": ARTICLE})
    assert main(["build", str(site), "--base-url", "https://cli.example/sub/"]) == EXIT_OK
    page = (site / "site" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'href="/sub/' in page
    assert "file.example" not in page


def test_out_option(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site({"content/a.md": ARTICLE})
    out = tmp_path / "public"
    assert main(["build", str(site), "--out", str(out)]) == EXIT_OK
    assert (out / "a" / "index.html").is_file()
    assert not (site / "site").exists()


def test_strict_turns_warnings_into_errors(
    make_site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": ARTICLE.replace("title: A", "title: A\ntitel: B")})
    assert main(["build", str(site)]) == EXIT_OK
    assert "warning: unknown field `titel`" in capsys.readouterr().err
    assert main(["build", str(site), "--strict"]) == EXIT_ERRORS
    assert "content/a.md:3:1: error: unknown field `titel`" in capsys.readouterr().err
