"""What the Markdown stage is given and what it gives back.

The rest of the site answers the stage's questions through a `LinkResolver`; a render's results
are frozen values (`RenderedBody` and its `BodySections`), which the build cache keeps from one
build to the next. `Markdown` is what the other stages ask of a renderer.
These types live apart from the renderer and its plugins, which all read them, so that the
package's modules import each other in one direction only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup

from sitegen.core.diagnostics import Diagnostic
from sitegen.core.model import Heading
from sitegen.core.urls import BaseUrl


@dataclass(frozen=True, slots=True)
class ActorLink:
    """What a mention needs to know about an actor."""

    name: str
    url: str


class LinkResolver(Protocol):
    """The site, as the Markdown stage sees it: ids and files that links may point at."""

    base_url: BaseUrl

    def actor(self, actor_id: str) -> ActorLink | None: ...

    def actor_id_for_name(self, name: str) -> str | None: ...

    def content_link(self, target: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class BodyKeyPoint:
    html: Markup
    line: int


@dataclass(frozen=True, slots=True)
class BodyActor:
    name: str
    role: str
    actor_id: str
    line: int


@dataclass(frozen=True, slots=True)
class BodyQuote:
    """A quote lifted from the body; `by` is the raw attribution (an id or a name), "" if none."""

    text_html: Markup
    by: str
    context: str
    line: int


@dataclass(frozen=True, slots=True)
class BodySections:
    """The FORMAT.md 3.2 sections found in a body; None means the body has no such section."""

    key_points: tuple[BodyKeyPoint, ...] | None = None
    key_points_line: int = 0
    actors: tuple[BodyActor, ...] | None = None
    actors_line: int = 0
    quotes: tuple[BodyQuote, ...] | None = None
    quotes_line: int = 0


@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: Markup
    toc: tuple[Heading, ...]
    word_count: int
    sections: BodySections
    mentions: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


class Markdown(Protocol):
    """What the stages ask of Markdown: `MarkdownRenderer` itself, or the build cache's
    `CachedMarkdown` answering for it."""

    def render_body(
        self,
        text: str,
        *,
        path: str,
        first_line: int,
        resolver: LinkResolver,
        lift_sections: bool = True,
    ) -> RenderedBody: ...

    def render_inline(
        self, text: str, *, path: str, line: int, resolver: LinkResolver, col: int = 1
    ) -> tuple[Markup, tuple[Diagnostic, ...]]: ...

    def render_block(
        self, text: str, *, path: str, first_line: int, resolver: LinkResolver, col: int = 1
    ) -> tuple[Markup, tuple[Diagnostic, ...]]: ...
