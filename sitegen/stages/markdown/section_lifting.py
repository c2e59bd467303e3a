"""Plugin: the `## Key points`, `## Actors` and `## Quotes` sections (FORMAT.md 3.2) are lifted
out of the narrative.

The `sitegen_sections` core rule moves each such section into a placeholder token that renders
as nothing. The placeholder keeps the section's tokens as children, so that the rules after it
still see them in document order (mentions in key points resolve like any other) while the
narrative, the TOC and the word count do not. `section_reading` reads them once every rule has
run. A second section of a kind is dropped from the narrative too, but reported, not lifted.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.stages.markdown.call import Call, call_of
from sitegen.stages.markdown.tokens import line_of

SECTION_TOKEN = "sitegen_section"
"""The placeholder's type; its `info` is the kind of section (`key_points`, `actors`, `quotes`),
or "" for a duplicate."""

_SECTION_HEADINGS = {
    "key points": "key_points",
    "actors": "actors",
    "who's who": "actors",
    "who\u2019s who": "actors",
    "quotes": "quotes",
    "what they said": "quotes",
}
SECTION_TITLES = {"key_points": "Key points", "actors": "Actors", "quotes": "Quotes"}


def section_lifting_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("sitegen_sections", _lift_sections)
    md.add_render_rule(SECTION_TOKEN, _render_nothing)


def _lift_sections(state: StateCore) -> None:
    """Move each `## Key points` / `## Actors` / `## Quotes` section into a placeholder token."""
    call = call_of(state)
    if call is None or not call.lift_sections:
        return
    tokens = state.tokens
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        kind = _section_kind(tokens, index)
        if kind is None:
            out.append(tokens[index])
            index += 1
            continue
        end = _section_end(tokens, index + 3)
        placeholder = Token(SECTION_TOKEN, "", 0, map=tokens[index].map, info=kind)
        placeholder.children = tokens[index + 3 : end]
        _register_section(call, kind, placeholder)
        out.append(placeholder)
        index = end
    state.tokens = out


def _section_kind(tokens: list[Token], index: int) -> str | None:
    token = tokens[index]
    if token.type != "heading_open" or token.tag != "h2" or token.level != 0:
        return None
    title = " ".join(tokens[index + 1].content.split()).lower()
    return _SECTION_HEADINGS.get(title)


def _section_end(tokens: list[Token], start: int) -> int:
    """Index of the first token after a section: the next h1/h2 or the footnote block."""
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.level != 0:
            continue
        if token.type == "footnote_block_open":
            return index
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            return index
    return len(tokens)


def _register_section(call: Call, kind: str, placeholder: Token) -> None:
    first = call.sections.get(kind)
    if first is None:
        call.sections[kind] = placeholder
        return
    placeholder.info = ""  # a duplicate is removed from the narrative but not lifted
    message = (
        f"duplicate `## {SECTION_TITLES[kind]}` section "
        f"(the first is at line {call.first_line + line_of(first)})"
    )
    call.diagnostics.append(call.place(line_of(placeholder)).error(message))


def _render_nothing(*args: object) -> str:
    return ""
