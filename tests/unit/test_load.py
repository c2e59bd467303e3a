"""Loading a site folder: nothing outside it is read, editor droppings are ignored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.stages.load import Kind, load_site
from tests.conftest import SiteFactory

ARTICLE = "---\ntitle: T\n---\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site holding a secret that must never be read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text("---\ntitle: SECRET\n---\n", encoding="utf-8")
    (folder / "secret.html").write_text("SECRET", encoding="utf-8")
    return folder


def loaded(site: Path) -> tuple[dict[str, bytes], list[str]]:
    files, problems = load_site(site)
    return {f.path: f.raw for f in files.content}, [str(p) for p in problems]


def test_kinds_by_folder(make_site: SiteFactory) -> None:
    site = make_site(
        {
            "content/a.md": ARTICLE,
            "content/2025/b.md": ARTICLE,
            "content/actors/putin.md": ARTICLE,
            "content/pages/about.md": ARTICLE,
            "content/actors.md": ARTICLE,
        }
    )
    files, problems = load_site(site)
    assert problems == []
    assert {f.path: f.kind for f in files.content} == {
        "content/2025/b.md": Kind.EXPLAINER,
        "content/a.md": Kind.EXPLAINER,
        "content/actors.md": Kind.EXPLAINER,
        "content/actors/putin.md": Kind.ACTOR,
        "content/pages/about.md": Kind.PAGE,
    }
    assert [f.path for f in files.content] == sorted(f.path for f in files.content)


def test_ignored_files(make_site: SiteFactory) -> None:
    site = make_site(
        {
            "content/a.md": ARTICLE,
            "content/.hidden.md": ARTICLE,
            "content/.git/x.md": ARTICLE,
            "content/a.md~": ARTICLE,
            "content/.a.md.swp": ARTICLE,
            "content/a.md.bak": ARTICLE,
            "content/4913": ARTICLE,
            "content/_drafts/x.md": ARTICLE,
            "content/_x.md": ARTICLE,
            "content/notes.txt": "not Markdown",
            "content/image.png": b"\x89PNG",
        }
    )
    assert loaded(site) == ({"content/a.md": ARTICLE.encode()}, [])


def test_config_is_read(make_site: SiteFactory) -> None:
    site = make_site({"sitegen.yaml": "title: X\n"})
    files, _ = load_site(site)
    assert files.config == b"title: X\n"
    assert load_site(make_site({"content/a.md": ARTICLE}))[0].config is None


def test_symlinked_content_file_out_of_the_site_is_refused(
    make_site: SiteFactory, outside: Path
) -> None:
    site = make_site({"content/a.md": ARTICLE})
    os.symlink(outside / "secret.md", site / "content" / "leak.md")
    content, problems = loaded(site)
    assert list(content) == ["content/a.md"]
    assert problems == [
        "content/leak.md:1:1: error: is a symlink that leads outside the site folder; refused"
    ]


def test_symlinked_folder_in_content_out_of_the_site_is_refused(
    make_site: SiteFactory, outside: Path
) -> None:
    site = make_site({"content/a.md": ARTICLE})
    os.symlink(outside, site / "content" / "more")
    content, problems = loaded(site)
    assert list(content) == ["content/a.md"]
    assert len(problems) == 1 and "content/more:" in problems[0]


def test_content_folder_itself_symlinked_out_is_refused(
    make_site: SiteFactory, outside: Path
) -> None:
    site = make_site({"sitegen.yaml": "title: X\n"})
    os.symlink(outside, site / "content")
    content, problems = loaded(site)
    assert content == {}
    assert len(problems) == 1 and "outside the site folder" in problems[0]


def test_symlinked_config_out_of_the_site_is_refused(make_site: SiteFactory, outside: Path) -> None:
    site = make_site({"content/a.md": ARTICLE})
    os.symlink(outside / "secret.md", site / "sitegen.yaml")
    files, problems = load_site(site)
    assert files.config is None
    assert [str(p) for p in problems] == [
        "sitegen.yaml:1:1: error: is a symlink that leads outside the site folder; refused"
    ]


@pytest.mark.parametrize("folder", ["templates", "static"])
def test_symlinks_out_of_templates_and_static_are_refused(
    folder: str, make_site: SiteFactory, outside: Path
) -> None:
    site = make_site({f"{folder}/own.html": "own"})
    os.symlink(outside / "secret.html", site / folder / "leak.html")
    files, problems = load_site(site)
    assert [str(p) for p in problems] == [
        f"{folder}/leak.html:1:1: error: is a symlink that leads outside the site folder; refused"
    ]
    if folder == "templates":
        assert files.templates["own.html"] == "own"
        assert "leak.html" not in files.templates
        assert all("SECRET" not in source for source in files.templates.values())
    else:
        assert "static/own.html" in files.static
        assert "static/leak.html" not in files.static


@pytest.mark.parametrize("folder", ["templates", "static"])
def test_templates_or_static_folder_symlinked_out_is_refused(
    folder: str, make_site: SiteFactory, outside: Path
) -> None:
    site = make_site({"content/a.md": ARTICLE})
    os.symlink(outside, site / folder)
    files, problems = load_site(site)
    assert len(problems) == 1 and "outside the site folder" in str(problems[0])
    assert all(not str(path).startswith(str(outside)) for path in files.static.values())
    assert all("SECRET" not in source for source in files.templates.values())


def test_symlinks_inside_the_site_are_followed(make_site: SiteFactory) -> None:
    site = make_site({"content/a.md": ARTICLE, "shared/b.md": "---\ntitle: B\n---\n"})
    os.symlink(site / "shared" / "b.md", site / "content" / "b.md")
    os.symlink(site / "shared", site / "content" / "linked")
    content, problems = loaded(site)
    assert problems == []
    assert set(content) == {"content/a.md", "content/b.md", "content/linked/b.md"}


def test_a_symlink_loop_is_walked_once(make_site: SiteFactory) -> None:
    site = make_site({"content/a/x.md": ARTICLE})
    os.symlink(site / "content", site / "content" / "a" / "loop")
    content, problems = loaded(site)
    assert problems == []
    assert "content/a/x.md" in content
    assert len(content) <= 2


def test_a_broken_symlink_is_not_fatal(make_site: SiteFactory) -> None:
    site = make_site({"content/a.md": ARTICLE})
    os.symlink(site / "nowhere.md", site / "content" / "broken.md")
    content, _problems = loaded(site)
    assert list(content) == ["content/a.md"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_file_is_a_diagnostic(make_site: SiteFactory) -> None:
    site = make_site({"content/a.md": ARTICLE})
    (site / "content" / "a.md").chmod(0)
    _content, problems = loaded(site)
    assert problems and "cannot read file" in problems[0]


def test_site_templates_override_the_theme(make_site: SiteFactory) -> None:
    site = make_site({"templates/base.html": "mine", "static/theme.css": "mine"})
    files, problems = load_site(site)
    assert problems == []
    assert files.templates["base.html"] == "mine"
    assert files.template_paths["base.html"] == "templates/base.html"
    assert files.static["static/theme.css"].read_text(encoding="utf-8") == "mine"
