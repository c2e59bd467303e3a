"""Plugin: inline text in which no Markdown can start becomes its one text token, unparsed.

Two thirds of a body's inline tokens are such text (table cells, list items, headings), and each
parse costs a new inline state and a pass of every inline rule. `MarkdownRenderer.plain_inline`
uses the same test to skip the whole render of a plain front-matter value. The shortcut gives
what markdown-it gives only for the rules it was worked out for, so it is used last, after every
other plugin, and only when `plain_inline_is_text` finds those rules and no more.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

PLAIN_INLINE = re.compile(r"[^\n\r\x00\\`~*_\[<&]*")
"""Inline text in which no rule of `_PLAIN_INLINE_RULES` can start: no line break (newline),
backslash (escape), backtick, `~` (strikethrough), `*` or `_` (emphasis), `[` (links, images,
footnotes: `![`, `^[` and `[^` all need one), `<` (autolink, HTML) or `&` (entity); nor `\r`
or NUL, which the `normalize` rule rewrites. markdown-it reads such a text as one text token."""

_PLAIN_INLINE_RULES = (
    *("text", "newline", "escape", "backticks", "strikethrough", "emphasis", "link", "image"),
    *("footnote_inline", "footnote_ref", "autolink", "html_inline", "entity"),
)
_PLAIN_CORE_RULES = ("normalize", "block", "inline", "footnote_tail", "text_join")


def plain_inline_plugin(md: MarkdownIt) -> None:
    """Parse `PLAIN_INLINE` text without markdown-it's inline parser, when that gives the same."""
    if plain_inline_is_text(md):
        md.core.ruler.at("inline", _parse_inlines)


def plain_inline_is_text(md: MarkdownIt) -> bool:
    """Whether `PLAIN_INLINE` text renders as itself, escaped: true for the rules it was worked
    out for, and false (every text parsed) as soon as a plugin or option could change that."""
    core = tuple(
        name for name in md.core.ruler.get_active_rules() if not name.startswith("sitegen")
    )
    return (
        tuple(md.inline.ruler.get_active_rules()) == _PLAIN_INLINE_RULES
        and core == _PLAIN_CORE_RULES
        and not md.options["typographer"]
        and not md.options["linkify"]
    )


def _parse_inlines(state: StateCore) -> None:
    """markdown-it's `inline` core rule, except that `PLAIN_INLINE` text becomes its one text
    token without a parse."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if not PLAIN_INLINE.fullmatch(token.content):
                state.md.inline.parse(token.content, state.md, state.env, token.children)
            elif token.content:
                token.children.append(Token("text", "", 0, content=token.content))
