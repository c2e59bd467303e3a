"""The parallel build and the build cache never change the output.

Every build here is compared byte for byte with a one-process build without cache of the same
content, after edits, additions and deletions too; and a rebuild with nothing changed must not
write a single file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen import build as build_module
from sitegen.build import BuildOptions, BuildResult, build
from sitegen.engine import run as engine_run
from sitegen.engine.store import CACHE_DIR
from tests.helpers import REPO, write_files

ACTORS = ("ana-reyes", "boris-lind", "central-bank", "dara-okoye", "emil-varga")


def _actor(actor_id: str) -> str:
    name = actor_id.replace("-", " ").title()
    return (
        f'---\nname: "{name}"\nrole: "Minister"\naliases: ["{name.split()[-1]}"]\n---\n\n'
        f"{name} has held office since 2019. See [the first explainer](../story-00.md).\n"
    )


def _explainer(number: int, count: int) -> str:
    actors = [ACTORS[(number + k) % len(ACTORS)] for k in range(3)]
    topics = ["Energy", "Elections", "Trade"][: 1 + number % 3]
    earlier = f" See [the earlier one](story-{number - 1:02d}.md)." if number else ""
    body = (
        f"[{actors[0].title()}](@{actors[0]}) said on day {number} that the plan "
        f"would go ahead.{earlier}\n\n## What happened\n\nTalks resumed after *{number}* days; "
        f"[{actors[1]}](@{actors[1]}) agreed.\n\n## What comes next\n\n- a vote\n- a review\n"
    )
    if number == 3:
        body += "\n## Who's who\n\n- **Fay Holm** — mediator\n"
    quotes = "".join(
        f'  - by: {actor}\n    text: "We will see *results* by {number}."\n' for actor in actors[:2]
    )
    return (
        f'---\ntitle: "Story number {number}"\ndate: 2025-01-{1 + number % 28:02d}\n'
        f'summary: "Summary {number}."\ntopics: [{", ".join(topics)}]\n'
        f'key_points:\n  - "Point one of {number}, with [a link](https://example.org/{number})."\n'
        f'  - "Point two."\n'
        + ("actors:\n" + "".join(f"  - {a}\n" for a in actors) if number != 3 else "")
        + f"quotes:\n{quotes}---\n\n{body}"
    )


def _site_files(count: int = 14) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "sitegen.yaml": "title: Test desk\nbase_url: https://example.org/news/\nper_page: 4\n",
        "content/pages/about.md": "---\ntitle: About\n---\n\nWho we are.\n",
    }
    files.update({f"content/actors/{a}.md": _actor(a) for a in ACTORS})
    files.update({f"content/story-{n:02d}.md": _explainer(n, count) for n in range(count)})
    return files


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _identities(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(autouse=True)
def _private_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test signs its cache with its own key, outside the site and the user's home."""
    monkeypatch.setenv("SITEGEN_CACHE_KEY_DIR", str(tmp_path / "key"))


def _build(
    root: Path, monkeypatch: pytest.MonkeyPatch, *, workers: int, cache: bool, out: Path
) -> BuildResult:
    monkeypatch.setenv("SITEGEN_WORKERS", str(workers))
    result = build(BuildOptions(root=root, out=out, cache=cache))
    assert result.ok, [str(d) for d in result.report]
    return result


def _reference(root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, bytes]:
    """What a one-process build without cache writes for the site as it is now."""
    out = tmp_path / "reference"
    _build(root, monkeypatch, workers=1, cache=False, out=out)
    return _snapshot(out)


def test_parallel_build_is_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_files(tmp_path / "src", _site_files())
    expected = _reference(root, monkeypatch, tmp_path)
    _build(root, monkeypatch, workers=2, cache=False, out=tmp_path / "parallel")
    assert _snapshot(tmp_path / "parallel") == expected
    assert "story-03/index.html" in expected and "actors/fay-holm/index.html" in expected


@pytest.mark.parametrize("workers", [1, 2])
def test_cached_builds_match_fresh_builds_through_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    root = write_files(tmp_path / "src", _site_files())
    out = tmp_path / "site"
    edits: list[dict[str, str | bytes]] = [
        {},  # a warm rebuild of the same content
        {"content/story-05.md": _explainer(5, 14).replace("Story number 5", "Story five")},
        {"content/actors/ana-reyes.md": _actor("ana-reyes").replace("Minister", "Mayor")},
        {"content/story-20.md": _explainer(20, 21)},  # a new file
        {"content/story-01.md": ""},  # deleted below: links to it now warn
        {"sitegen.yaml": "title: Renamed desk\nbase_url: https://example.org/news/\n"},
    ]
    for number, edit in enumerate(edits):
        for path, text in edit.items():
            if text == "":
                (root / path).unlink()
            else:
                write_files(root, {path: text})
        _build(root, monkeypatch, workers=workers, cache=True, out=out)
        reference = _reference(root, monkeypatch, tmp_path / f"ref{number}")
        assert _snapshot(out) == reference, f"after edit {number}"


def test_unchanged_rebuild_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_files(tmp_path / "src", _site_files())
    out = tmp_path / "site"
    first = _build(root, monkeypatch, workers=2, cache=True, out=out)
    before = _identities(out)
    again = _build(root, monkeypatch, workers=2, cache=True, out=out)
    assert again.unchanged and not first.unchanged
    assert _identities(out) == before
    assert again.files_written == first.files_written


def test_one_edit_rewrites_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_files(tmp_path / "src", _site_files())
    out = tmp_path / "site"
    _build(root, monkeypatch, workers=2, cache=True, out=out)
    before = _identities(out)
    story = root / "content/story-07.md"
    story.write_text(story.read_text().replace("would go ahead", "would be delayed"))
    result = _build(root, monkeypatch, workers=2, cache=True, out=out)
    after = _identities(out)
    assert not result.unchanged
    assert after["story-07/index.html"] != before["story-07/index.html"]
    assert after["story-02/index.html"] == before["story-02/index.html"]
    assert after["static/theme.css"] == before["static/theme.css"]
    assert 0 < result.files_reused < result.files_written


def test_rebuild_after_output_was_touched_repairs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_files(tmp_path / "src", _site_files())
    out = tmp_path / "site"
    _build(root, monkeypatch, workers=1, cache=True, out=out)
    expected = _snapshot(out)
    (out / "story-02/index.html").unlink()
    result = _build(root, monkeypatch, workers=1, cache=True, out=out)
    assert not result.unchanged
    assert _snapshot(out) == expected


def _parse_count(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    original = engine_run.parse_file

    def counting(file, *args):  # type: ignore[no-untyped-def]
        parsed.append(file.path)
        return original(file, *args)

    monkeypatch.setattr(engine_run, "parse_file", counting)
    return parsed


@pytest.mark.parametrize(
    "change",
    ["version", "config", "template", "nothing"],
)
def test_cache_is_invalidated_by_version_config_and_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    root = write_files(tmp_path / "src", _site_files(4))
    out = tmp_path / "site"
    _build(root, monkeypatch, workers=1, cache=True, out=out)
    if change == "version":
        monkeypatch.setattr(build_module, "__version__", "99.0")
    elif change == "config":
        write_files(root, {"sitegen.yaml": "title: Other\nbase_url: https://example.org/news/\n"})
    elif change == "template":
        write_files(root, {"templates/404.html": "<p>gone</p>\n"})
    else:  # defeat the "nothing changed" shortcut so the per-file cache is what is tested
        os.utime(root / "content/story-00.md", ns=(1, 1))
    parsed = _parse_count(monkeypatch)
    _build(root, monkeypatch, workers=1, cache=True, out=out)
    if change == "nothing":
        assert parsed == []  # its time changed, so it was read, but its bytes had not
    else:
        assert len(parsed) == 4 + len(ACTORS) + 1


def test_a_forged_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_files(tmp_path / "src", _site_files(4))
    out = tmp_path / "site"
    _build(root, monkeypatch, workers=1, cache=True, out=out)
    expected = _snapshot(out)
    for path in (root / CACHE_DIR).glob("*.pickle"):
        data = bytearray(path.read_bytes())
        data[-5] ^= 0xFF
        path.write_bytes(bytes(data))
    parsed = _parse_count(monkeypatch)
    _build(root, monkeypatch, workers=1, cache=True, out=out)
    assert len(parsed) == 4 + len(ACTORS) + 1
    assert _snapshot(out) == expected


def test_a_failed_build_leaves_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_files(tmp_path / "src", _site_files())
    out = tmp_path / "site"
    _build(root, monkeypatch, workers=2, cache=True, out=out)
    before = _identities(out)
    write_files(root, {"templates/actor.html": "{{ entry.no_such_field.x }}\n"})
    monkeypatch.setenv("SITEGEN_WORKERS", "2")
    result = build(BuildOptions(root=root, out=out))
    assert not result.ok
    assert len([d for d in result.report if d.is_error]) == 1
    assert _identities(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_missing_libyaml_is_a_notice_not_a_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_files(tmp_path / "src", _site_files(2))
    monkeypatch.setattr(build_module, "HAS_LIBYAML", False)
    result = build(BuildOptions(root=root, out=tmp_path / "site", strict=True))
    assert result.ok
    assert any("libyaml" in notice for notice in result.notices)


def test_help_and_version_import_no_engine() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nfrom sitegen.commands import cli\n"
        "for args in (['--version'], ['--help'], ['build', '--help']):\n"
        "    try:\n        cli.main(args)\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in ('jinja2', 'markdown_it', 'yaml') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_site_named_relative_or_absolute_is_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_files(tmp_path / "src", _site_files())
    assert build(BuildOptions(root=root)).ok
    monkeypatch.chdir(tmp_path)
    again = build(BuildOptions(root=Path("src")))
    assert again.ok and again.unchanged
