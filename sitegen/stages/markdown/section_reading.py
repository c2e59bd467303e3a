"""What the lifted sections say: key points, actors (`Name — role`) and quotes (`— by, context`).

`section_lifting` keeps each section's tokens in a placeholder; they are read here once every
core rule has run, so their links and mentions are already resolved. A section holds lists
(`## Key points`, `## Actors`) or blockquotes (`## Quotes`), which sub-headings may group; other
content is reported and left out.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from typing import Any

from markdown_it.token import Token
from markupsafe import Markup

from sitegen.core.urls import slugify
from sitegen.stages.markdown.call import Call
from sitegen.stages.markdown.interface import BodyActor, BodyKeyPoint, BodyQuote, BodySections
from sitegen.stages.markdown.links import content_target
from sitegen.stages.markdown.section_lifting import SECTION_TITLES
from sitegen.stages.markdown.tokens import block_end, line_of, plain_text

_LIST_OPENERS = ("bullet_list_open", "ordered_list_open")
# Separators between an actor's name and role, tried in this order on a `## Actors` item.
_ROLE_SEPARATORS = ("\u2014", " -- ", " \u2013 ", " - ")
# Prefixes that make the last line of a `## Quotes` blockquote its attribution.
_ATTRIBUTION_DASHES = ("\u2014", "--")

RenderInline = Callable[[Token], str]
"""Renders an inline token's children to HTML, as the call's renderer does."""


def read_sections(call: Call, render_inline: RenderInline) -> BodySections:
    """The sections the call lifted, in the order they appear in the body."""
    found: dict[str, Any] = {}
    for kind, section in call.sections.items():
        line = call.first_line + (section.map[0] if section.map else 0)
        found[f"{kind}_line"] = line
        items = section.children or []
        if kind == "key_points":
            found[kind] = tuple(_key_points(items, call, render_inline))
        elif kind == "actors":
            found[kind] = tuple(_actors(items, call))
        else:
            found[kind] = tuple(_quotes(items, call, render_inline))
    return BodySections(**found)


def _key_points(
    tokens: list[Token], call: Call, render_inline: RenderInline
) -> Iterator[BodyKeyPoint]:
    for item in _list_items(tokens, call, "key_points"):
        html = " ".join(render_inline(t) for t in _item_inlines(item))
        yield BodyKeyPoint(Markup(html), call.first_line + line_of(item[0]))


def _quotes(tokens: list[Token], call: Call, render_inline: RenderInline) -> Iterator[BodyQuote]:
    for quote in _top_level_blocks(tokens, ("blockquote_open",), call, "quotes"):
        inlines = [t for t in quote if t.type == "inline" and t.level == quote[0].level + 2]
        by, context = _take_attribution(inlines)
        html = " ".join(render_inline(t) for t in inlines if t.children)
        yield BodyQuote(Markup(html), by, context, call.first_line + line_of(quote[0]))


def _actors(tokens: list[Token], call: Call) -> Iterator[BodyActor]:
    for item in _list_items(tokens, call, "actors"):
        inlines = _item_inlines(item)
        children = (inlines[0].children or []) if inlines else []
        name, role, actor_id = _split_actor(children, call)
        yield BodyActor(name, role, actor_id, call.first_line + line_of(item[0]))


def _top_level_blocks(
    tokens: list[Token], openers: tuple[str, ...], call: Call, kind: str
) -> Iterator[list[Token]]:
    """The section's top-level blocks opened by one of `openers`; warns about other content."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = block_end(tokens, index)
        if token.type in openers:
            yield tokens[index:end]
        elif token.type != "heading_open":  # sub-headings may group the items
            what = "a blockquote" if kind == "quotes" else "a list item"
            title = SECTION_TITLES[kind]
            call.diagnostics.append(
                call.place(line_of(token)).warning(
                    f"content in the `## {title}` section that is not {what} is left out"
                )
            )
        index = end


def _list_items(tokens: list[Token], call: Call, kind: str) -> Iterator[list[Token]]:
    """Every item of the section's top-level lists, each as its tokens."""
    for block in _top_level_blocks(tokens, _LIST_OPENERS, call, kind):
        inner = block[1:-1]
        index = 0
        while index < len(inner):
            end = block_end(inner, index)
            if inner[index].type == "list_item_open":
                yield inner[index:end]
            index = end


def _item_inlines(item: list[Token]) -> list[Token]:
    """The inline tokens of an item's own paragraphs (nested lists and quotes left aside)."""
    level = item[0].level + 2
    return [t for t in item if t.type == "inline" and t.level == level]


def _split_actor(children: list[Token], call: Call) -> tuple[str, str, str]:
    """`Name — role`, where Name may be bold, a link, or a mention; returns name, role, id."""
    actor_id = ""
    if children and children[0].type in ("strong_open", "em_open", "link_open"):
        close = block_end(children, 0)
        name = plain_text(children[1 : close - 1]).strip()
        role = _strip_separator(plain_text(children[close:]))
        if children[0].type == "link_open":
            actor_id = _actor_id_from_href(str(children[0].attrGet("href") or ""), call)
    else:
        name, role = _split_on_separator(plain_text(children))
    if not actor_id:
        actor_id = call.resolver.actor_id_for_name(name) or slugify(name)
    return name, role, actor_id


def _split_on_separator(text: str) -> tuple[str, str]:
    for separator in _ROLE_SEPARATORS:
        name, found, role = text.partition(separator)
        if found:
            return name.strip(), role.strip()
    return text.strip(), ""


def _strip_separator(text: str) -> str:
    text = text.strip()
    for separator in _ROLE_SEPARATORS:
        if text.startswith(separator.strip()):
            return text[len(separator.strip()) :].strip()
    return text


def _actor_id_from_href(href: str, call: Call) -> str:
    """The id a name's link names: a mention's id, or the stem of a link to an actor file."""
    if href.startswith("@"):
        return href[1:]
    target = content_target(href, call.path)
    if target is not None and target[0].startswith("content/actors/"):
        return posixpath.splitext(posixpath.basename(target[0]))[0]
    return ""


def _take_attribution(inlines: list[Token]) -> tuple[str, str]:
    """Remove a quote's `— by, context` last line from its tokens and return (by, context)."""
    if not inlines:
        return "", ""
    last = inlines[-1]
    children = last.children or []
    start = 0
    for index, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            start = index + 1
    line_tokens = children[start:]
    line = plain_text(line_tokens).strip()
    dash = next((d for d in _ATTRIBUTION_DASHES if line.startswith(d)), None)
    if dash is None:
        return "", ""
    by, _, context = line[len(dash) :].partition(",")
    mention = next((t.meta["mention"] for t in line_tokens if "mention" in t.meta), None)
    if mention is not None:
        by = mention
    last.children = children[: max(start - 1, 0)]
    return by.strip(), context.strip()
