"""Readings of a markdown-it token stream that several of the site's rules share: where a token
is, what text a reader sees in it, where a block ends, how many words a body has."""

from __future__ import annotations

from collections.abc import Iterable

from markdown_it.token import Token


def line_of(token: Token) -> int:
    return token.map[0] if token.map else 0


def plain_text(tokens: Iterable[Token]) -> str:
    """The text a reader sees in inline tokens, without markup."""
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(plain_text(token.children or []))
    return "".join(parts)


def block_end(tokens: list[Token], index: int) -> int:
    """Index just after the block that starts at `index` (its matching close, or itself)."""
    if tokens[index].nesting != 1:
        return index + 1
    depth = 0
    for end in range(index, len(tokens)):
        depth += tokens[end].nesting
        if depth == 0:
            return end + 1
    return len(tokens)


def count_words(tokens: Iterable[Token]) -> int:
    """Words in the narrative's text (lifted sections are placeholders without inline tokens)."""
    count = 0
    for token in tokens:
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    count += len(child.content.split())
    return count
