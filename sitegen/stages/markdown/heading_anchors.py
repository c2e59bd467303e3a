"""Plugin: h2-h4 get stable, unique ids, and the call collects its table of contents.

An id is the slug of the heading's text, with `-2`, `-3` on repeats, so a link to a part of a
page keeps working for as long as the heading's words stay. The TOC lists the top-level h2 and
h3; headings inside lifted sections are no longer in the token stream when this rule runs.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from sitegen.core.model import Heading
from sitegen.core.urls import slugify
from sitegen.stages.markdown.call import call_of
from sitegen.stages.markdown.tokens import plain_text

_ANCHORED_TAGS = frozenset({"h2", "h3", "h4"})
_TOC_LEVELS = frozenset({2, 3})


def heading_anchors_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("sitegen_anchors", _anchor_headings)


def _anchor_headings(state: StateCore) -> None:
    """Give h2-h4 stable unique ids (`-2`, `-3` on repeats) and collect the TOC."""
    call = call_of(state)
    used: set[str] = set()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in _ANCHORED_TAGS:
            continue
        text = plain_text(tokens[index + 1].children or []).strip()
        anchor = _unique(slugify(text), used)
        token.attrSet("id", anchor)
        level = int(token.tag[1])
        if call is not None and level in _TOC_LEVELS and token.level == 0:
            call.toc.append(Heading(level=level, text=text, anchor=anchor))


def _unique(slug: str, used: set[str]) -> str:
    candidate = slug
    number = 1
    while candidate in used:
        number += 1
        candidate = f"{slug}-{number}"
    used.add(candidate)
    return candidate
