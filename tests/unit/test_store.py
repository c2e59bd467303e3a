"""The build store: rendered Markdown reused only while its answers hold, and the first-build
shortcuts around it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.core.urls import BaseUrl
from sitegen.engine.compact import ExplainerOutline
from sitegen.engine.fingerprints import markdown_key
from sitegen.engine.markdown_memo import CachedMarkdown
from sitegen.engine.store import CACHE_DIR, BuildCache
from sitegen.stages.config import parse_config, zone_of
from sitegen.stages.load import Kind, SourceFile
from sitegen.stages.markdown import ActorLink, MarkdownRenderer
from sitegen.stages.parse import parse_file
from sitegen.stages.records import ExplainerSource, may_list_actors

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
def test_records_know_whether_their_body_may_list_actors(section: str, listed: bool) -> None:
    source = explainer(section)
    assert may_list_actors(source.body.text) is listed
    assert source.may_list_actors is listed
    assert ExplainerOutline.of(source).may_list_actors is listed


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


def _saved(tmp_path: Path, entries: dict[bytes, str], used: set[bytes]) -> BuildCache:
    """A store as a build leaves it: loaded, `used` looked up, `entries` added, saved."""
    cache = BuildCache(tmp_path, b"generation")
    cache.load()
    for key in used:
        assert cache.get_parsed(key) is not None
    for key, value in entries.items():
        cache.put_parsed(key, value)
    cache.save_entries({})
    return cache


def _segments(tmp_path: Path) -> list[str]:
    return sorted(path.name for path in (tmp_path / CACHE_DIR).glob("segment-*"))


def test_a_small_change_adds_a_segment_and_garbage_is_merged_away(tmp_path: Path) -> None:
    first = {f"key{n}".encode(): f"value {n}" for n in range(10)}
    _saved(tmp_path, first, set())
    assert len(_segments(tmp_path)) == 1

    _saved(tmp_path, {b"key0": "value 0, edited"}, set(first) - {b"key0"})
    assert len(_segments(tmp_path)) == 2  # the edit alone, beside the first segment

    read = BuildCache(tmp_path, b"generation")
    read.load()
    assert read.parsed == {**first, b"key0": "value 0, edited"}

    _saved(tmp_path, {b"key10": "value 10"}, {b"key1"})  # most entries no longer used
    assert len(_segments(tmp_path)) == 1
    read = BuildCache(tmp_path, b"generation")
    read.load()
    assert read.parsed == {b"key1": "value 1", b"key10": "value 10"}


def test_a_lost_segment_empties_the_store(tmp_path: Path) -> None:
    _saved(tmp_path, {b"key": "value"}, set())
    _saved(tmp_path, {b"other": "value"}, {b"key"})
    (tmp_path / CACHE_DIR / _segments(tmp_path)[0]).unlink()
    read = BuildCache(tmp_path, b"generation")
    read.load()
    assert read.parsed == {}
