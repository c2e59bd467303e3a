"""Rendered Markdown remembered by the store, reused only while the site gives the same answers.

Each piece's HTML (and TOC, sections, problems) is kept with every question it asked the rest of
the site ("is there an actor `putin`?", "what is the URL of `other.md`?") and the answers. An
entry is reused only when the site answers the same today, so adding an actor or renaming a file
renders again just the pieces that mention them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from markupsafe import Markup

from sitegen.core.diagnostics import Diagnostic
from sitegen.engine.fingerprints import markdown_key
from sitegen.engine.store import BuildCache
from sitegen.stages.markdown import ActorLink, LinkResolver, MarkdownRenderer, RenderedBody

Lookup = tuple[str, str, Any]
"""One question a piece of Markdown asked the site: (resolver method, argument, answer)."""


T = TypeVar("T")


class RecordingResolver:
    """A resolver that notes every question asked of it and the answer given."""

    def __init__(self, inner: LinkResolver) -> None:
        self.inner = inner
        self.base_url = inner.base_url
        self.lookups: list[Lookup] = []

    def actor(self, actor_id: str) -> ActorLink | None:
        answer = self.inner.actor(actor_id)
        self.lookups.append(("actor", actor_id, answer))
        return answer

    def actor_id_for_name(self, name: str) -> str | None:
        answer = self.inner.actor_id_for_name(name)
        self.lookups.append(("actor_id_for_name", name, answer))
        return answer

    def content_link(self, target: str) -> str | None:
        answer = self.inner.content_link(target)
        self.lookups.append(("content_link", target, answer))
        return answer


def _still_valid(lookups: tuple[Lookup, ...], resolver: LinkResolver) -> bool:
    return all(
        getattr(resolver, method)(argument) == answer for method, argument, answer in lookups
    )


class CachedMarkdown:
    """The Markdown renderer's interface, answering from the cache when the answer still holds."""

    def __init__(self, renderer: MarkdownRenderer, cache: BuildCache) -> None:
        self.renderer = renderer
        self.cache = cache

    def render_body(
        self,
        text: str,
        *,
        path: str,
        first_line: int,
        resolver: LinkResolver,
        lift_sections: bool = True,
    ) -> RenderedBody:
        return self._cached(
            ("body", path, first_line, lift_sections, text),
            resolver,
            lambda recorder: self.renderer.render_body(
                text,
                path=path,
                first_line=first_line,
                resolver=recorder,
                lift_sections=lift_sections,
            ),
        )

    def render_inline(
        self, text: str, *, path: str, line: int, resolver: LinkResolver, col: int = 1
    ) -> tuple[Markup, tuple[Diagnostic, ...]]:
        """A plain sentence (most key points and timeline entries) is rendered again rather than
        cached: escaping it costs less than its cache key, and it would take room in the cache
        file and time to save and load (1% of a first build's work at 100 explainers)."""
        plain = self.renderer.plain_inline(text)
        if plain is not None:
            return plain, ()
        return self._cached(
            ("inline", path, line, col, text),
            resolver,
            lambda recorder: self.renderer.render_inline(
                text, path=path, line=line, resolver=recorder, col=col
            ),
        )

    def render_block(
        self, text: str, *, path: str, first_line: int, resolver: LinkResolver, col: int = 1
    ) -> tuple[Markup, tuple[Diagnostic, ...]]:
        return self._cached(
            ("block", path, first_line, col, text),
            resolver,
            lambda recorder: self.renderer.render_block(
                text, path=path, first_line=first_line, resolver=recorder, col=col
            ),
        )

    def _cached(
        self,
        what: tuple[str, str, int, bool | int, str],
        resolver: LinkResolver,
        render: Callable[[RecordingResolver], T],
    ) -> T:
        kind, path, line, lift, text = what
        key = markdown_key(kind, path, line, lift, text)
        cache = self.cache
        found = cache.markdown.get(key)
        if found is not None and _still_valid(found[1], resolver):
            cache.fresh.used_markdown.add(key)
            return found[0]  # type: ignore[no-any-return]
        recorder = RecordingResolver(resolver)
        result = render(recorder)
        cache.markdown[key] = cache.fresh.markdown[key] = (result, tuple(recorder.lookups))
        return result
