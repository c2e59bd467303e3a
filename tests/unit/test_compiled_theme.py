"""The built-in theme's templates compiled ahead (`render.ThemeBytecode`): used as they are
when the source matches, compiled anew when it does not, and the same pages either way."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from sitegen.stages.render import ThemeBytecode, compile_theme, make_environment

TEMPLATES = {
    "base.html": "<h1>{{ title }}</h1>{% block main %}{% endblock %}\n",
    "page.html": '{% extends "base.html" %}{% block main %}<p>{{ text }}</p>{% endblock %}',
}


@pytest.fixture
def compiled(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    for name, source in TEMPLATES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(source, "utf-8")
    compile_theme(folder, tmp_path / "compiled")
    return tmp_path / "compiled"


def _refusing(templates: dict[str, str], compiled: Path) -> jinja2.Environment:
    env = make_environment(templates, ThemeBytecode(compiled))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled a template that was compiled ahead")

    env.compile = refuse  # type: ignore[method-assign]
    return env


def test_compiled_templates_are_used_and_render_the_same(compiled: Path) -> None:
    assert len(list(compiled.glob("*.jbc"))) == len(TEMPLATES)
    fresh = make_environment(TEMPLATES, ThemeBytecode(compiled.parent / "none"))
    loaded = _refusing(TEMPLATES, compiled)
    for env in (fresh, loaded):
        page = env.get_template("page.html").render(title="A & B", text="<x>")
        assert page == "<h1>A &amp; B</h1><p>&lt;x&gt;</p>"


def test_a_changed_template_is_compiled_anew(compiled: Path) -> None:
    changed = {**TEMPLATES, "page.html": TEMPLATES["page.html"].replace("<p>", "<p class=x>")}
    with pytest.raises(AssertionError, match="compiled ahead"):
        _refusing(changed, compiled).get_template("page.html")
    env = make_environment(changed, ThemeBytecode(compiled))
    assert "<p class=x>" in env.get_template("page.html").render(title="t", text="x")


def test_a_build_never_writes_compiled_code(compiled: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    make_environment(TEMPLATES, ThemeBytecode(empty)).get_template("page.html")
    assert list(empty.iterdir()) == []
