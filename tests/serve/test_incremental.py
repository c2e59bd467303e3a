"""The incremental engine's invariant: after any sequence of edits, the preview folder holds
exactly what a fresh full build writes, byte for byte, and reports the same problems."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import BuildOptions, generate
from sitegen.core.diagnostics import Report
from sitegen.preview.incremental import Incremental, Rebuild
from tests.serve.harness import explainer, small_site

NAMES = ("alpha", "beta", "gamma", "delta", "epsilon")
TOPICS = ("Testing", "Other", "Climate")
ACTORS = ("someone", "another")
BROKEN = "---\ntitle: [unclosed\n---\n"


def _explainer_text(draw: st.DrawFn) -> str:
    title = draw(st.sampled_from(("Alpha", "Beta", "Gamma", "A new headline")))
    point = draw(st.sampled_from(("One point.", "Another point.", "Mentions [her](@someone).")))
    text = explainer(
        title,
        point,
        topic=draw(st.sampled_from(TOPICS)),
        day=draw(st.integers(1, 28)),
    )
    if draw(st.booleans()):
        text = text.replace(
            "key_points:", f"actors:\n  - {draw(st.sampled_from(ACTORS))}\nkey_points:"
        )
    if draw(st.booleans()):
        text = text.replace("---\nThe story", "slug: same-slug\n---\nThe story")
    return text


@st.composite
def operations(draw: st.DrawFn) -> tuple[str, ...]:
    kind = draw(
        st.sampled_from(
            (
                "write",
                "write",
                "write",
                "delete",
                "rename",
                "actor",
                "page",
                "static",
                "template",
                "config",
                "broken",
                "draft",
            )
        )
    )
    name = draw(st.sampled_from(NAMES))
    if kind == "write":
        return ("write", f"content/{name}.md", _explainer_text(draw))
    if kind == "delete":
        return ("delete", f"content/{name}.md")
    if kind == "rename":
        other = draw(st.sampled_from(NAMES))
        return (
            "rename",
            f"content/{name}.md",
            f"content/{draw(st.sampled_from(('', 'sub/')))}{other}.md",
        )
    if kind == "actor":
        actor = draw(st.sampled_from(ACTORS))
        role = draw(st.sampled_from(("Tester", "Editor", "Reader")))
        return (
            "write",
            f"content/actors/{actor}.md",
            f"---\nname: {actor.title()}\nrole: {role}\n---\nProfile.\n",
        )
    if kind == "page":
        title = draw(st.sampled_from(("About", "About us", "Contact")))
        return ("write", "content/pages/about.md", f"---\ntitle: {title}\n---\nText.\n")
    if kind == "static":
        if draw(st.booleans()):
            return ("delete", "static/extra.css")
        return ("write", "static/extra.css", draw(st.sampled_from(("a{}", "b{}", "c{}"))))
    if kind == "template":
        choice = draw(st.sampled_from(("delete", "broken", "write")))
        if choice == "delete":
            return ("delete", "templates/partials/nav.html")
        if choice == "broken":
            return ("write", "templates/partials/nav.html", "<nav>{% if %}</nav>\n")
        label = draw(st.sampled_from(("One", "Two")))
        return (
            "write",
            "templates/partials/nav.html",
            f"<nav>{label} {{{{ site.pages|length }}}}</nav>\n",
        )
    if kind == "config":
        per_page = draw(st.integers(1, 3))
        return (
            "write",
            "sitegen.yaml",
            f"title: Preview test\nbase_url: https://example.org/news/\nper_page: {per_page}\n",
        )
    if kind == "draft":
        return (
            "write",
            f"content/{name}.md",
            _explainer_text(draw).replace("---\nThe", "draft: true\n---\nThe"),
        )
    return ("write", f"content/{name}.md", BROKEN)


def apply(root: Path, operation: tuple[str, ...]) -> set[Path]:
    """Carry out one operation; returns the paths it touched, as the watcher would report."""
    kind, path = operation[0], root / operation[1]
    if kind == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(operation[2], encoding="utf-8")
        return {path}
    if kind == "delete":
        path.unlink(missing_ok=True)
        return {path}
    target = root / operation[2]
    if not path.exists() or target.exists():
        return set()
    target.parent.mkdir(parents=True, exist_ok=True)
    path.rename(target)
    return {path, target}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def settle(engine: Incremental, result: Rebuild) -> tuple[bool, list[str]]:
    """Index for search as the preview does after a rebuild; whether all went well, and every
    problem reported, in the order a build reports them."""
    report = Report()
    report.extend(result.report)
    if result.ok:
        _changed, problems = engine.catch_up()
        report.extend(problems)
    return not report.has_errors, [str(d) for d in report]


def assert_same_as_fresh_build(
    root: Path, engine: Incremental, ok: bool, problems: list[str]
) -> None:
    fresh = generate(BuildOptions(root=root, base_url=engine.base_url))
    assert fresh.ok == ok, (problems, [str(d) for d in fresh.report])
    reported = [str(d) for d in fresh.report]
    if not ok:
        # A full build also runs the search indexer after a template error, which then fails
        # on the missing pages; the preview does not index a failed build.
        assert set(problems) <= set(reported)
        return
    assert reported == problems
    expected = {
        output.path: output.data if output.source is None else output.source.read_bytes()
        for output in fresh.outputs
    }
    assert tree(engine.output.out) == expected


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=st.lists(st.lists(operations(), min_size=1, max_size=3), min_size=1, max_size=6))
def test_incremental_output_equals_a_fresh_build(steps: list[list[tuple[str, ...]]]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = small_site(Path(temporary) / "site")
        out = Path(temporary) / "preview"
        engine = Incremental(root, out, "http://127.0.0.1:8000")
        assert_same_as_fresh_build(root, engine, *settle(engine, engine.rebuild()))
        for batch in steps:
            touched: set[Path] = set()
            for operation in batch:
                touched |= apply(root, operation)
            result = engine.rebuild({path.resolve() for path in touched})
            assert_same_as_fresh_build(root, engine, *settle(engine, result))


def test_an_edit_renders_only_the_pages_it_changes(tmp_path: Path) -> None:
    root = small_site(tmp_path / "site")
    engine = Incremental(root, tmp_path / "preview", "http://127.0.0.1:8000")
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
    engine = Incremental(root, out, "http://127.0.0.1:8000")
    assert engine.rebuild().ok
    before = tree(out)

    (root / "content/alpha.md").write_text(BROKEN)
    result = engine.rebuild({(root / "content/alpha.md").resolve()})

    assert not result.ok
    assert any(d.path == "content/alpha.md" for d in result.report)
    assert tree(out) == before


def test_a_template_mistake_fails_the_rebuild_and_its_fix_recovers(tmp_path: Path) -> None:
    root = small_site(tmp_path / "site")
    engine = Incremental(root, tmp_path / "preview", "http://127.0.0.1:8000")
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
    assert_same_as_fresh_build(root, engine, *settle(engine, result))


def test_macros_imported_without_context_see_the_current_site(tmp_path: Path) -> None:
    root = small_site(tmp_path / "site")
    macros = root / "templates/partials/macros.html"
    nav = root / "templates/partials/nav.html"
    macros.parent.mkdir(parents=True)
    macros.write_text("{% macro count() %}{{ site.explainers|length }} explainers{% endmacro %}\n")
    nav.write_text('{% import "partials/macros.html" as m %}<nav>{{ m.count() }}</nav>\n')
    engine = Incremental(root, tmp_path / "preview", "http://127.0.0.1:8000")
    assert engine.rebuild().ok

    (root / "content/delta.md").write_text(explainer("Delta", "New.", day=9))
    result = engine.rebuild({(root / "content/delta.md").resolve()})

    assert_same_as_fresh_build(root, engine, *settle(engine, result))
    assert "4 explainers" in (tmp_path / "preview/about/index.html").read_text()


def _rich_explainer(
    name: str, title: str, summary: str, point: str, quote: str, mention: bool
) -> str:
    """An explainer that lists and quotes an actor, and perhaps mentions it."""
    day = NAMES.index(name) + 1
    said = " [She](@someone) said so." if mention else ""
    return f"""---
title: {title}
date: 2025-03-{day:02d}
summary: {summary}
topics: [{TOPICS[day % 2]}]
actors:
  - someone
key_points:
  - "{point}"
quotes:
  - by: someone
    text: "{quote}"
---
The story of {title}.{said}
"""


@st.composite
def rich_edits(draw: st.DrawFn) -> tuple[str, str]:
    """A new version of one explainer: most differ from the last only inside the explainer,
    so that the short way is taken; a mention added or removed takes the full way."""
    name = draw(st.sampled_from(NAMES[:3]))
    text = _rich_explainer(
        name,
        draw(st.sampled_from(("Alpha", "Beta", "A new headline"))),
        draw(st.sampled_from(("Short.", "A longer summary."))),
        draw(st.sampled_from(("One point.", "Another point."))),
        draw(st.sampled_from(("We will.", "We will not."))),
        draw(st.sampled_from((False, False, False, True))),
    )
    return name, text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.lists(rich_edits(), min_size=1, max_size=2), min_size=1, max_size=8))
def test_edits_inside_explainers_equal_a_fresh_build(steps: list[list[tuple[str, str]]]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = small_site(Path(temporary) / "site")
        for name in NAMES[:3]:
            text = _rich_explainer(name, name.title(), "Short.", "One point.", "We will.", False)
            (root / f"content/{name}.md").write_text(text)
        out = Path(temporary) / "preview"
        engine = Incremental(root, out, "http://127.0.0.1:8000")
        assert_same_as_fresh_build(root, engine, *settle(engine, engine.rebuild()))
        for batch in steps:
            touched = set()
            for name, text in batch:
                path = root / f"content/{name}.md"
                path.write_text(text)
                touched.add(path.resolve())
            result = engine.rebuild(touched)
            assert_same_as_fresh_build(root, engine, *settle(engine, result))


def test_the_short_way_is_taken_only_for_edits_that_stay_inside(tmp_path: Path) -> None:
    root = small_site(tmp_path / "site")
    engine = Incremental(root, tmp_path / "preview", "http://127.0.0.1:8000")
    assert engine.rebuild().ok
    alpha = root / "content/alpha.md"

    def edit(text: str) -> Rebuild:
        alpha.write_text(text)
        result = engine.rebuild({alpha.resolve()})
        assert_same_as_fresh_build(root, engine, *settle(engine, result))
        return result

    renamed = edit(explainer("A new title", "Alpha point one.", day=1))
    assert renamed.quick and "index.html" in renamed.rendered, "the home page lists the title"
    assert not edit(explainer("A new title", "Alpha point one.", day=5)).quick, "order changes"
    assert not edit(explainer("A new title", "Point.", day=5, topic="Other")).quick, "topics"
    assert not edit(BROKEN).quick
    assert not edit(explainer("Alpha", "Back.", day=1)).quick, "the last rebuild failed"
    assert edit(explainer("Alpha", "Again.", day=1)).quick
