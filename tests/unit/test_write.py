"""Writing the output: an atomic swap, the old output kept on any failure, folders refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from sitegen.core.outputs import Output
from sitegen.stages.write import MARKER, Staging, check_output_folder
from tests.conftest import SiteFactory


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*"))


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def write_site(outputs: list[Output], out: Path) -> int:
    """Write `outputs` as a build does: into a staging folder, swapped in only if all went well."""
    staging = Staging(out)
    try:
        for output in outputs:
            staging.add(output)
    except OSError:
        staging.abort()
        raise
    staging.commit()
    return staging.count


def test_write_a_fresh_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    source = tmp_path / "style.css"
    source.write_text("body{}", encoding="utf-8")
    count = write_site(
        [
            Output("index.html", b"home"),
            Output("a/b/index.html", b"b"),
            Output("s.css", None, source),
        ],
        out,
    )
    assert count == 3
    assert snapshot(out) == {
        MARKER: snapshot(out)[MARKER],
        "a/b/index.html": b"b",
        "index.html": b"home",
        "s.css": b"body{}",
    }
    assert leftovers(out) == []


def test_a_second_write_replaces_the_whole_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([Output("old.html", b"old")], out)
    write_site([Output("new.html", b"new")], out)
    assert set(snapshot(out)) == {MARKER, "new.html"}
    assert leftovers(out) == []


def test_a_failed_write_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([Output("index.html", b"old")], out)
    before = snapshot(out)
    vanished = tmp_path / "gone.css"
    with pytest.raises(OSError) as raised:
        write_site([Output("index.html", b"new"), Output("s.css", None, vanished)], out)
    assert "gone.css" in str(raised.value)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_interrupted_two_rename_swap_is_recovered(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([Output("index.html", b"old")], out)
    os.rename(out, tmp_path / ".site.old")  # killed between the two renames
    write_site([Output("index.html", b"new")], out)
    assert (out / "index.html").read_bytes() == b"new"
    assert leftovers(out) == []


def test_stale_staging_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    stale = tmp_path / f".site.new-{dead_pid()}"
    stale.mkdir()
    (stale / "x.html").write_bytes(b"x")
    live = tmp_path / f".site.new-{os.getppid()}"
    live.mkdir()
    write_site([Output("index.html", b"new")], out)
    assert not stale.exists()
    assert live.exists()  # another build that is still running keeps its folder


def test_output_folder_rules(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site({"content/a.md": "x"})
    assert check_output_folder(site / "site", site) is None
    assert check_output_folder(tmp_path / "elsewhere" / "new", site) is None
    (tmp_path / "empty").mkdir()
    assert check_output_folder(tmp_path / "empty", site) is None


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (".", "contains the site folder"),
        ("..", "contains the site folder"),
        ("content", "inside the site's content/ folder"),
        ("content/out", "inside the site's content/ folder"),
        ("static", "inside the site's static/ folder"),
        ("templates", "inside the site's templates/ folder"),
    ],
)
def test_output_folder_refused_for_site_folders(
    where: str, reason: str, make_site: SiteFactory
) -> None:
    site = make_site({"content/a.md": "x", "static/a.css": "x", "templates/a.html": "x"})
    problem = check_output_folder(site / where, site)
    assert problem is not None and reason in problem


def test_output_folder_refused_when_not_written_by_sitegen(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    site = make_site({"content/a.md": "x"})
    other = tmp_path / "important"
    other.mkdir()
    (other / "thesis.tex").write_text("precious", encoding="utf-8")
    problem = check_output_folder(other, site)
    assert problem is not None and "not written by sitegen" in problem


def test_output_folder_refused_when_a_file_or_a_symlink(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    site = make_site({"content/a.md": "x"})
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    assert "not a folder" in (check_output_folder(file, site) or "")
    real = tmp_path / "real"
    write_site([Output("index.html", b"x")], real)
    link = tmp_path / "link"
    os.symlink(real, link)
    assert "symlink" in (check_output_folder(link, site) or "")


ARTICLE = "---\ntitle: A\ndate: 2025-01-01\nkey_points: [One]\n---\nBody.\n"


def test_a_failing_build_leaves_the_previous_output_exactly(make_site: SiteFactory) -> None:
    site = make_site({"content/a.md": ARTICLE})
    assert build(BuildOptions(root=site)).ok
    before = snapshot(site / "site")
    (site / "content" / "b.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = build(BuildOptions(root=site))
    assert not result.ok
    assert snapshot(site / "site") == before
    assert leftovers(site / "site") == []


def test_build_refuses_a_foreign_output_folder(make_site: SiteFactory, tmp_path: Path) -> None:
    site = make_site({"content/a.md": ARTICLE})
    other = tmp_path / "docs"
    other.mkdir()
    (other / "keep.txt").write_text("keep", encoding="utf-8")
    result = build(BuildOptions(root=site, out=other))
    assert not result.ok
    assert snapshot(other) == {"keep.txt": b"keep"}
    assert any("not written by sitegen" in str(d) for d in result.report)
