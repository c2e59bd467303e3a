"""The Markdown stage: a body in, safe HTML, its table of contents and its lifted sections out.

`renderer` holds the stage for now; this package is where it is split into the renderer and one
module per markdown-it plugin.
"""

from sitegen.stages.markdown.renderer import (
    ActorLink,
    BodyActor,
    BodyKeyPoint,
    BodyQuote,
    BodySections,
    LinkResolver,
    Markdown,
    MarkdownRenderer,
    RenderedBody,
)

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
