"""Page records: a build renders again only the pages an edit reaches, and the output is still
byte for byte that of a build without a store."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from sitegen.core.outputs import Output, PageJob
from sitegen.stages.render import Renderer
from tests.helpers import REPO, write_files
from tests.test_parallel_cache import _explainer, _site_files, _snapshot


@pytest.fixture(autouse=True)
def _one_process_and_a_private_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_CACHE_KEY_DIR", str(tmp_path / "key"))
    monkeypatch.setenv("SITEGEN_WORKERS", "1")


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages rendered (not kept) by the builds of a test, in order."""
    paths: list[str] = []
    original = Renderer.page

    def page(self: Renderer, job: PageJob) -> Output | None:
        paths.append(job.path)
        return original(self, job)

    monkeypatch.setattr(Renderer, "page", page)
    return paths


def _build_and_compare(root: Path, tmp_path: Path) -> None:
    result = build(BuildOptions(root=root))
    assert result.ok, [str(d) for d in result.report]
    fresh = tmp_path / "fresh"
    assert build(BuildOptions(root=root, out=fresh, cache=False)).ok
    assert _snapshot(root / "site") == _snapshot(fresh)


def test_an_edit_renders_only_the_pages_that_hold_the_explainer(
    tmp_path: Path, rendered: list[str]
) -> None:
    """Its own page and the lists that hold it (their variables hold the whole explainer);
    no other explainer's page, and no list without it."""
    root = write_files(tmp_path / "src", _site_files(8))
    assert build(BuildOptions(root=root)).ok
    everything = list(rendered)
    rendered.clear()
    path = root / "content" / "story-06.md"
    path.write_text(path.read_text() + "\nOne more paragraph.\n")
    result = build(BuildOptions(root=root))
    assert result.ok and not result.unchanged
    assert "story-06/index.html" in rendered
    others = [page for page in everything if page.startswith("story-") and "06" not in page]
    assert others and not set(others) & set(rendered)
    assert "topics/trade/index.html" not in rendered  # story 6 is about energy alone
    assert len(rendered) < len(everything) / 2
    rendered.clear()
    _build_and_compare(root, tmp_path)


def test_a_new_title_renders_the_lists_that_show_it(tmp_path: Path, rendered: list[str]) -> None:
    root = write_files(tmp_path / "src", _site_files(8))
    assert build(BuildOptions(root=root)).ok
    rendered.clear()
    path = root / "content" / "story-05.md"
    path.write_text(path.read_text().replace("Story number 5", "Story number five"))
    assert build(BuildOptions(root=root)).ok
    assert "story-05/index.html" in rendered
    assert any(path.startswith("topics/") for path in rendered), rendered
    assert any(path.startswith("actors/") for path in rendered), rendered
    assert "story-01/index.html" not in rendered
    _build_and_compare(root, tmp_path)


def test_a_page_edited_in_the_output_is_written_again(tmp_path: Path) -> None:
    root = write_files(tmp_path / "src", _site_files(6))
    assert build(BuildOptions(root=root)).ok
    page = root / "site" / "story-02" / "index.html"
    expected = page.read_bytes()
    page.write_bytes(b"edited by hand")
    write_files(root, {"content/story-04.md": _explainer(4, 6) + "\nA new line.\n"})
    assert build(BuildOptions(root=root)).ok
    assert page.read_bytes() == expected


def test_a_failed_build_keeps_the_records_of_the_output_it_left(
    tmp_path: Path, rendered: list[str]
) -> None:
    root = write_files(tmp_path / "src", _site_files(6))
    assert build(BuildOptions(root=root)).ok
    write_files(root, {"content/story-04.md": "---\ntitle: [broken\n---\n"})
    assert not build(BuildOptions(root=root)).ok
    write_files(root, {"content/story-04.md": _explainer(4, 6) + "\nA new line.\n"})
    rendered.clear()
    assert build(BuildOptions(root=root)).ok
    assert "story-04/index.html" in rendered
    assert "story-01/index.html" not in rendered
    _build_and_compare(root, tmp_path)


def test_a_template_change_renders_every_page(tmp_path: Path, rendered: list[str]) -> None:
    root = write_files(tmp_path / "src", _site_files(4))
    assert build(BuildOptions(root=root)).ok
    count = len(rendered)
    rendered.clear()
    nav = (REPO / "templates" / "partials" / "nav.html").read_text()
    write_files(root, {"templates/partials/nav.html": nav.replace("<nav", "<nav data-desk")})
    assert build(BuildOptions(root=root)).ok
    assert len(rendered) == count
    _build_and_compare(root, tmp_path)


def test_a_macro_imported_without_context_renders_every_page(
    tmp_path: Path, rendered: list[str]
) -> None:
    """Jinja renders such a macro module once, with the site of that moment, out of sight of
    the read tracing: a page using it cannot be kept on its record."""
    home = (REPO / "templates" / "home.html").read_text()
    files = _site_files(4)
    files["templates/macros/topics.html"] = (
        "{% macro all() %}{% for t in site.topics %}[{{ t.name }}]{% endfor %}{% endmacro %}\n"
    )
    files["templates/home.html"] = '{% import "macros/topics.html" as m %}' + home.replace(
        "{% block main %}", "{% block main %}{{ m.all() }}", 1
    )
    root = write_files(tmp_path / "src", files)
    assert build(BuildOptions(root=root)).ok
    first = set(rendered)
    rendered.clear()
    path = root / "content" / "story-02.md"
    path.write_text(path.read_text().replace("topics: [", "topics: [Weather, ", 1))
    assert build(BuildOptions(root=root)).ok
    assert first <= set(rendered)
    assert b"[Weather]" in (root / "site" / "index.html").read_bytes()
    _build_and_compare(root, tmp_path)
