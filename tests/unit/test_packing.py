"""What a build keeps packed between stages, and the first-build shortcuts around the cache."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from markupsafe import Markup

from sitegen.build import parse_file
from sitegen.core.urls import BaseUrl
from sitegen.engine.store import BuildCache, CachedMarkdown, markdown_key
from sitegen.stages.assemble import _may_list_actors
from sitegen.stages.config import parse_config, zone_of
from sitegen.stages.load import Kind, SourceFile
from sitegen.stages.markdown import ActorLink, MarkdownRenderer
from sitegen.stages.parse import (
    ExplainerOutline,
    ExplainerSource,
    PackedText,
    compress_pickle,
    decompress_pickle,
    may_list_actors,
    pack,
    unpack,
)

EXPLAINER = """---
title: Grain corridor reopens
date: 2025-03-19
summary: Ships sail again.
key_points:
  - Ships sail again from Odesa.
  - Insurers *return*.
actors:
  - id: kyiv
    name: Kyiv
---
The corridor reopened on Wednesday.

{section}
"""


def explainer(section: str = "") -> ExplainerSource:
    config, problems = parse_config(None)
    assert not problems
    file = SourceFile(
        "content/explainers/grain.md", Kind.EXPLAINER, EXPLAINER.format(section=section).encode()
    )
    source, problems = parse_file(file, config, zone_of(config), drafts=False)
    assert not problems
    assert isinstance(source, ExplainerSource)
    return source


@pytest.mark.parametrize("data", [b"", b"x", "Énergie \u2019 \U0001f30d".encode() * 500])
def test_packed_bytes_come_back_the_same(data: bytes) -> None:
    assert unpack(pack(data)) == data


def test_a_packed_pickle_comes_back_equal() -> None:
    value = {"title": "Grain", "points": (Markup("<em>One</em>"), 2, None), "empty": b""}
    assert decompress_pickle(compress_pickle(value)) == value


def test_packed_text_reads_its_text_and_compares_by_bytes() -> None:
    source = explainer()
    assert isinstance(source.body, PackedText)
    assert source.body.text.startswith("The corridor reopened")
    assert explainer().body == source.body


def test_an_outline_unpacks_to_the_whole_record() -> None:
    source = explainer("## Who's who\n\n- [Kyiv](@kyiv) \u2014 the capital\n")
    outline = ExplainerOutline.of(source)
    assert outline.full() == source
    assert (outline.slug, outline.actors, outline.body) == (source.slug, source.actors, source.body)


@pytest.mark.parametrize(
    ("section", "listed"),
    [
        ("", False),
        ("## Who's who\n\n- Kyiv", True),
        ("## Who\u2019s   who ##", True),
        ("Actors\n------", True),
        ("The actors met on Monday.", False),
        ("    ## Actors", False),  # indented code, not a heading
    ],
)
def test_outlines_know_whether_their_body_may_list_actors(section: str, listed: bool) -> None:
    source = explainer(section)
    assert may_list_actors(source.body.text) is listed
    assert ExplainerOutline.of(source).may_list_actors is listed
    assert _may_list_actors(ExplainerOutline.of(source)) is _may_list_actors(source) is listed


class _Resolver:
    base_url = BaseUrl.parse("https://example.org/")

    def actor(self, actor_id: str) -> ActorLink | None:
        return ActorLink("Kyiv", "/actors/kyiv/") if actor_id == "kyiv" else None

    def actor_id_for_name(self, name: str) -> str | None:
        return None

    def content_link(self, target: str) -> str | None:
        return None


def test_plain_inline_text_skips_the_markdown_cache(tmp_path: Path) -> None:
    renderer = MarkdownRenderer(allow_html=False)
    cache = BuildCache(tmp_path, b"generation")
    cached = CachedMarkdown(renderer, cache)
    where = {"path": "content/explainers/grain.md", "line": 6, "resolver": _Resolver()}

    plain = "Ships sail again from Odesa, Constanța and Varna."
    assert cached.render_inline(plain, **where) == renderer.render_inline(plain, **where)
    assert cache.markdown == {}

    marked = "Insurers *return* to [Kyiv](@kyiv)."
    html, problems = cached.render_inline(marked, **where)
    assert (html, problems) == renderer.render_inline(marked, **where)
    assert "<em>return</em>" in html and problems == ()
    assert list(cache.markdown) == [markdown_key("inline", where["path"], 6, 1, marked)]


class _Unreadable:
    """A body whose text must not be read."""

    @property
    def text(self) -> str:
        raise AssertionError("read a body")


@dataclass
class _Source:
    path: str
    body: _Unreadable


def test_a_first_build_counts_its_bodies_without_reading_them(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, b"generation")
    sources = [_Source(f"content/explainers/{n}.md", _Unreadable()) for n in range(3)]
    assert cache.unrendered(sources) == 3  # type: ignore[arg-type]


def test_a_later_build_counts_only_the_bodies_it_has_no_rendering_of(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, b"generation")
    cached = CachedMarkdown(MarkdownRenderer(allow_html=False), cache)
    rendered, other = explainer(), explainer("A new paragraph.")
    body = rendered.body
    cached.render_body(
        body.text, path=rendered.path, first_line=body.place.line, resolver=_Resolver()
    )
    assert cache.unrendered([rendered, other]) == 1
