"""The Markdown stage: a body in, safe HTML, its table of contents and its lifted sections out.

The site's Markdown is markdown-it's CommonMark with tables, strikethrough, footnotes and the
site's own rules, each a markdown-it plugin in a module of its own, as markdown-it-py and
mdit-py-plugins write theirs:

- `interface`: what the stage is given (`LinkResolver`) and gives back (`RenderedBody`), and
  what the other stages ask of it (`Markdown`);
- `renderer`: `MarkdownRenderer`, which builds the one `MarkdownIt` of a build from the plugins
  and renders bodies, inline values and blocks with it;
- `call`: the state of one render call, which the rules find in markdown-it's `env`;
- the plugins, in the order their core rules run: `section_lifting` (`## Key points`,
  `## Actors`, `## Quotes` out of the narrative), `links` (link safety, mentions, links to
  content files), `pull_quotes` (`::: quote ID`) and `heading_anchors` (ids and the TOC);
- two plugins that only save time, giving what markdown-it would: `link_normalization` and
  `plain_inline`;
- `section_reading`: the key points, actors and quotes read from the lifted sections;
- `tokens`: readings of the token stream the rules share.
"""

from sitegen.stages.markdown.interface import (
    ActorLink,
    BodyActor,
    BodyKeyPoint,
    BodyQuote,
    BodySections,
    LinkResolver,
    Markdown,
    RenderedBody,
)
from sitegen.stages.markdown.renderer import MarkdownRenderer

__all__ = [
    "ActorLink",
    "BodyActor",
    "BodyKeyPoint",
    "BodyQuote",
    "BodySections",
    "LinkResolver",
    "Markdown",
    "MarkdownRenderer",
    "RenderedBody",
]
