"""Targeted tests of the preview's rebuild engine: which pages an edit renders again, which way
it takes, how it fails and recovers, and regressions; each compares the preview's folder with a
real build. tests/serve/test_preview_equals_build.py checks the same over random edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.preview.incremental import Incremental, Rebuild
from sitegen.stages.load import MAX_FILE_BYTES
from tests.serve.builds import (
    ORIGIN,
    assert_preview_equals_build,
    build_as_preview,
    settle,
    tree,
)
from tests.serve.harness import explainer, small_site

BROKEN = "---\ntitle: [unclosed\n---\n"


@pytest.fixture(autouse=True)
def _private_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds sign their cache with a key of the test's own, not one in the user's home."""
    monkeypatch.setenv("SITEGEN_CACHE_KEY_DIR", str(tmp_path / "key"))


def test_an_edit_renders_only_the_pages_it_changes(tmp_path: Path) -> None:
    root = small_site(tmp_path / "site")
    engine = Incremental(root, tmp_path / "preview", ORIGIN)
    first = engine.rebuild()
    assert first.ok and "gamma/index.html" in first.rendered
    assert "gamma/share.png" in engine.catch_up()[0], "cards are drawn when catching up"

    (root / "content/alpha.md").write_text(explainer("Alpha", "Changed point.", day=1))
    result = engine.rebuild({(root / "content/alpha.md").resolve()})

    assert result.ok and result.quick, "an edit inside one explainer takes the short way"
    assert "alpha/index.html" in result.rendered
    assert "gamma/index.html" not in result.rendered, "an unrelated explainer is kept"
    assert "actors/someone/index.html" not in result.rendered
    assert set(result.written) <= set(result.rendered)
    assert "static/theme.css" not in result.written

    written, _problems = engine.catch_up()
    assert "alpha/share.png" in written, "its share card shows the first key point"
    assert "gamma/share.png" not in written


def test_a_failed_rebuild_keeps_the_last_good_output(tmp_path: Path) -> None:
    root = small_site(tmp_path / "site")
    out = tmp_path / "preview"
    engine = Incremental(root, out, ORIGIN)
    assert engine.rebuild().ok
    before = tree(out)

    (root / "content/alpha.md").write_text(BROKEN)
    result = engine.rebuild({(root / "content/alpha.md").resolve()})

    assert not result.ok
    assert any(d.path == "content/alpha.md" for d in result.report)
    assert tree(out) == before


def test_an_over_size_edit_is_refused_as_the_build_refuses_it(tmp_path: Path) -> None:
    """The reported bug: the quick re-read of an edited file read its bytes whatever their size,
    where `sitegen build` refuses a content file over `MAX_FILE_BYTES` with an error."""
    root = small_site(tmp_path / "site")
    out = tmp_path / "preview"
    engine = Incremental(root, out, ORIGIN)
    assert engine.rebuild().ok
    before = tree(out)
    alpha = root / "content/alpha.md"

    alpha.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    result = engine.rebuild({alpha.resolve()})
    built = build_as_preview(root, engine, tmp_path / "built")

    assert not result.ok and not built.ok
    reported = [str(d) for d in result.report]
    assert reported == [str(d) for d in built.report]
    assert len(reported) == 1 and reported[0].startswith("content/alpha.md:"), reported
    assert "error: file is 16 MB;" in reported[0] and "may be at most" in reported[0]
    assert tree(out) == before

    alpha.write_text(explainer("Alpha", "Back to size.", day=1))
    result = engine.rebuild({alpha.resolve()})
    assert result.ok
    assert_preview_equals_build(root, engine, settle(engine, result), tmp_path / "built")


def test_a_template_mistake_fails_the_rebuild_and_its_fix_recovers(tmp_path: Path) -> None:
    root = small_site(tmp_path / "site")
    engine = Incremental(root, tmp_path / "preview", ORIGIN)
    assert engine.rebuild().ok
    nav = root / "templates/partials/nav.html"
    nav.parent.mkdir(parents=True)

    nav.write_text("<nav>\n{% if %}</nav>\n")
    result = engine.rebuild({nav.resolve()})
    assert not result.ok
    assert [d.path for d in result.report if d.is_error] == ["templates/partials/nav.html"]

    nav.write_text("<nav>{{ site.pages|length }} pages</nav>\n")
    result = engine.rebuild({nav.resolve()})
    assert result.ok and "about/index.html" in result.rendered
    assert_preview_equals_build(root, engine, settle(engine, result), tmp_path / "built")


def test_macros_imported_without_context_see_the_current_site(tmp_path: Path) -> None:
    root = small_site(tmp_path / "site")
    macros = root / "templates/partials/macros.html"
    nav = root / "templates/partials/nav.html"
    macros.parent.mkdir(parents=True)
    macros.write_text("{% macro count() %}{{ site.explainers|length }} explainers{% endmacro %}\n")
    nav.write_text('{% import "partials/macros.html" as m %}<nav>{{ m.count() }}</nav>\n')
    engine = Incremental(root, tmp_path / "preview", ORIGIN)
    assert engine.rebuild().ok

    (root / "content/delta.md").write_text(explainer("Delta", "New.", day=9))
    result = engine.rebuild({(root / "content/delta.md").resolve()})

    assert_preview_equals_build(root, engine, settle(engine, result), tmp_path / "built")
    assert "4 explainers" in (tmp_path / "preview/about/index.html").read_text()


def test_the_short_way_is_taken_only_for_edits_that_stay_inside(tmp_path: Path) -> None:
    root = small_site(tmp_path / "site")
    engine = Incremental(root, tmp_path / "preview", ORIGIN)
    assert engine.rebuild().ok
    alpha = root / "content/alpha.md"

    def edit(text: str) -> Rebuild:
        alpha.write_text(text)
        result = engine.rebuild({alpha.resolve()})
        assert_preview_equals_build(root, engine, settle(engine, result), tmp_path / "built")
        return result

    renamed = edit(explainer("A new title", "Alpha point one.", day=1))
    assert renamed.quick and "index.html" in renamed.rendered, "the home page lists the title"
    assert not edit(explainer("A new title", "Alpha point one.", day=5)).quick, "order changes"
    assert not edit(explainer("A new title", "Point.", day=5, topic="Other")).quick, "topics"
    assert not edit(BROKEN).quick
    assert not edit(explainer("Alpha", "Back.", day=1)).quick, "the last rebuild failed"
    assert edit(explainer("Alpha", "Again.", day=1)).quick


def test_a_full_render_leaves_the_index_with_the_values_it_rendered(tmp_path: Path) -> None:
    """The reported bug: a rebuild that renders every page (here a change of a setting no page
    shows) kept the values the pages had read before it, so when a later edit gave a read its
    old value back, its pages were thought unchanged: the list of topics lacked one that a
    build had."""
    root = small_site(tmp_path / "site")
    config, gamma = root / "sitegen.yaml", root / "content/gamma.md"
    config.write_text(f"{config.read_text()}share_images: false\nsearch: false\n")
    engine = Incremental(root, tmp_path / "preview", ORIGIN)
    assert engine.rebuild().ok
    topics = tmp_path / "preview/topics/index.html"
    assert "Other" in topics.read_text()

    config.write_text(f"{config.read_text()}per_page: 10\n")
    gamma.write_text(explainer("Gamma", "Gamma point one.", day=3, topic="Testing"))
    result = engine.rebuild({config.resolve(), gamma.resolve()})
    assert result.ok and "Other" not in topics.read_text()

    gamma.write_text(explainer("Gamma", "Gamma point one.", day=3, topic="Other"))
    result = engine.rebuild({gamma.resolve()})
    assert result.ok
    assert "Other" in topics.read_text(), "the topic is back, as in a build"
    assert_preview_equals_build(root, engine, settle(engine, result), tmp_path / "built")
