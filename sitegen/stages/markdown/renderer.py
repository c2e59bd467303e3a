"""The Markdown stage: a body in, safe HTML, its table of contents and its lifted sections out.

One `MarkdownIt` instance is built per build and reused for every file, because building it costs
more than rendering a typical body. Everything a single call needs (the file, its first line, the
link resolver, the diagnostics found) travels in markdown-it's per-call `env` dict, so calls never
share state. All the site's rules are core rules that run once over the token stream between
parsing and rendering: a body is parsed once and never re-read as HTML.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.normalize_url import validateLink as markdown_it_validate_link
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML, RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.core.model import Heading
from sitegen.core.urls import BaseUrl, is_dangerous_url, is_external, slugify

_ENV_KEY = "sitegen"
_SECTION_TOKEN = "sitegen_section"
_ANCHORED_TAGS = frozenset({"h2", "h3", "h4"})
_TOC_LEVELS = frozenset({2, 3})
_MAX_URL_IN_MESSAGE = 60
_LIST_OPENERS = ("bullet_list_open", "ordered_list_open")

_SECTION_HEADINGS = {
    "key points": "key_points",
    "actors": "actors",
    "who's who": "actors",
    "who\u2019s who": "actors",
    "quotes": "quotes",
    "what they said": "quotes",
}
_SECTION_TITLES = {"key_points": "Key points", "actors": "Actors", "quotes": "Quotes"}

# Separators between an actor's name and role, tried in this order on a `## Actors` item.
_ROLE_SEPARATORS = ("\u2014", " -- ", " \u2013 ", " - ")
# Prefixes that make the last line of a `## Quotes` blockquote its attribution.
_ATTRIBUTION_DASHES = ("\u2014", "--")


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


@dataclass(slots=True)
class _Call:
    """Per-call data carried in `env`: the file being rendered and what was found in it."""

    path: str
    first_line: int
    resolver: LinkResolver
    lift_sections: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    mentions: dict[str, None] = field(default_factory=dict)
    sections: dict[str, Token] = field(default_factory=dict)
    toc: list[Heading] = field(default_factory=list)
    source: str = ""
    value_col: int | None = None
    """For a front-matter value: the file column it starts at. Its text is YAML's reading of the
    value, not the file's line, so a column inside it would point at the wrong character."""
    indent: int = 0
    """How far a block of front-matter Markdown (`a: |`) is indented in the file."""
    _source_lines: list[str] | None = None

    def place(self, line: int, col: int = 1) -> Place:
        return Place(self.path, self.first_line + line, col)

    def column_of(self, line: int, needle: str) -> int:
        """1-based column of `needle` in body line `line`, or 1 when it cannot be found."""
        if self.value_col is not None:
            return self.value_col
        if self._source_lines is None:  # split only when a problem is found: most files have none
            self._source_lines = self.source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if 0 <= line < len(self._source_lines):
            found = self._source_lines[line].find(needle)
            if found >= 0:
                return found + 1 + self.indent
        return 1


class MarkdownRenderer:
    """Markdown to safe HTML with the site's link, mention, pull-quote and section rules."""

    def __init__(self, *, allow_html: bool) -> None:
        md = MarkdownIt("commonmark", {"html": allow_html, "linkify": False})
        md.enable(["table", "strikethrough"])
        md.use(footnote_plugin)
        md.use(container_plugin, name="quote", render=_render_pull_quote)
        # Every link reaches the token stream, so that an unsafe one is reported at its line
        # (markdown-it's own check would drop it silently); `_resolve_links` decides. markdown-it
        # has no option for these checks: replacing the methods on the instance is its hook.
        md.validateLink = _accept_every_link  # type: ignore[method-assign]
        md.normalizeLink = _normalize_link  # type: ignore[method-assign]
        md.core.ruler.push("sitegen_sections", _lift_sections)
        md.core.ruler.push("sitegen_links", _resolve_links)
        md.core.ruler.push("sitegen_pull_quotes", _resolve_pull_quotes)
        md.core.ruler.push("sitegen_anchors", _anchor_headings)
        md.add_render_rule(_SECTION_TOKEN, _render_nothing)
        self._md = md
        # MarkdownIt types its renderer as the protocol any `renderer_cls` meets; the default one
        # built above is RendererHTML, which also renders a token's inline children.
        assert isinstance(md.renderer, RendererHTML)
        self._renderer = md.renderer
        self._plain_inline_is_text = _plain_inline_is_text(md)
        if self._plain_inline_is_text:
            md.core.ruler.at("inline", _parse_inlines)

    def render_body(
        self,
        text: str,
        *,
        path: str,
        first_line: int,
        resolver: LinkResolver,
        lift_sections: bool = True,
    ) -> RenderedBody:
        """An explainer body: narrative HTML, TOC, word count, and the lifted sections."""
        call = _Call(path, first_line, resolver, lift_sections)
        env: dict[str, Any] = {_ENV_KEY: call}
        tokens = self._parse(text, env, inline=False)
        html = self._render(tokens, env)
        return RenderedBody(
            html=html,
            toc=tuple(call.toc),
            word_count=_count_words(tokens),
            sections=self._sections(call, env),
            mentions=tuple(call.mentions),
            diagnostics=tuple(call.diagnostics),
        )

    def render_inline(
        self, text: str, *, path: str, line: int, resolver: LinkResolver, col: int = 1
    ) -> tuple[Markup, tuple[Diagnostic, ...]]:
        """Inline Markdown (a key point, a quote, a timeline entry): no `<p>` around it.

        The text is a front-matter value starting at `line`:`col`; problems point there.
        Most such values are plain sentences: with no character that could start Markdown, the
        result is the escaped text, as markdown-it would give, without its parse (a tenth of a
        cold build's Markdown time went into parsing plain key points and timeline entries).
        """
        plain = self.plain_inline(text)
        if plain is not None:
            return plain, ()
        call = _Call(path, line, resolver, lift_sections=False, value_col=col)
        env: dict[str, Any] = {_ENV_KEY: call}
        tokens = self._parse(text, env, inline=True)
        return self._render(tokens, env), tuple(call.diagnostics)

    def plain_inline(self, text: str) -> Markup | None:
        """`render_inline(text)` when it is `text` escaped, known without parsing it; else None."""
        if self._plain_inline_is_text and _PLAIN_INLINE.fullmatch(text):
            return Markup(escapeHtml(text))
        return None

    def render_block(
        self, text: str, *, path: str, first_line: int, resolver: LinkResolver, col: int = 1
    ) -> tuple[Markup, tuple[Diagnostic, ...]]:
        """Full Markdown without section lifting: Q&A answers, actor profiles, page bodies.

        `col` is the file column the text's lines start at (a block scalar's indentation + 1).
        """
        call = _Call(path, first_line, resolver, lift_sections=False, indent=col - 1)
        env: dict[str, Any] = {_ENV_KEY: call}
        tokens = self._parse(text, env, inline=False)
        return self._render(tokens, env), tuple(call.diagnostics)

    def _parse(self, text: str, env: dict[str, Any], *, inline: bool) -> list[Token]:
        call: _Call = env[_ENV_KEY]
        call.source = text
        try:
            return self._md.parseInline(text, env) if inline else self._md.parse(text, env)
        except RecursionError:
            # Pathological nesting can exhaust Python's stack inside markdown-it itself.
            call.diagnostics.append(call.place(0).error("Markdown nested too deeply to render"))
            return []

    def _render(self, tokens: Sequence[Token], env: dict[str, Any]) -> Markup:
        return Markup(self._renderer.render(tokens, self._md.options, env))

    def _render_inline_tokens(self, inline: Token, env: dict[str, Any]) -> str:
        return str(self._renderer.renderInline(inline.children or [], self._md.options, env))

    def _sections(self, call: _Call, env: dict[str, Any]) -> BodySections:
        found: dict[str, Any] = {}
        for kind, section in call.sections.items():
            line = call.first_line + (section.map[0] if section.map else 0)
            found[f"{kind}_line"] = line
            items = section.children or []
            if kind == "key_points":
                found[kind] = tuple(self._key_points(items, call, env))
            elif kind == "actors":
                found[kind] = tuple(_actors(items, call))
            else:
                found[kind] = tuple(self._quotes(items, call, env))
        return BodySections(**found)

    def _key_points(
        self, tokens: list[Token], call: _Call, env: dict[str, Any]
    ) -> Iterator[BodyKeyPoint]:
        for item in _list_items(tokens, call, "key_points"):
            html = " ".join(self._render_inline_tokens(t, env) for t in _item_inlines(item))
            yield BodyKeyPoint(Markup(html), call.first_line + _line_of(item[0]))

    def _quotes(self, tokens: list[Token], call: _Call, env: dict[str, Any]) -> Iterator[BodyQuote]:
        for quote in _top_level_blocks(tokens, ("blockquote_open",), call, "quotes"):
            inlines = [t for t in quote if t.type == "inline" and t.level == quote[0].level + 2]
            by, context = _take_attribution(inlines)
            html = " ".join(self._render_inline_tokens(t, env) for t in inlines if t.children)
            yield BodyQuote(Markup(html), by, context, call.first_line + _line_of(quote[0]))


_PLAIN_INLINE = re.compile(r"[^\n\r\x00\\`~*_\[<&]*")
"""Inline text in which no rule of `_PLAIN_INLINE_RULES` can start: no line break (newline),
backslash (escape), backtick, `~` (strikethrough), `*` or `_` (emphasis), `[` (links, images,
footnotes: `![`, `^[` and `[^` all need one), `<` (autolink, HTML) or `&` (entity); nor `\r`
or NUL, which the `normalize` rule rewrites. markdown-it reads such a text as one text token."""

_PLAIN_INLINE_RULES = (
    *("text", "newline", "escape", "backticks", "strikethrough", "emphasis", "link", "image"),
    *("footnote_inline", "footnote_ref", "autolink", "html_inline", "entity"),
)
_PLAIN_CORE_RULES = ("normalize", "block", "inline", "footnote_tail", "text_join")


def _plain_inline_is_text(md: MarkdownIt) -> bool:
    """Whether `_PLAIN_INLINE` text renders as itself, escaped: true for the rules it was worked
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
    """markdown-it's `inline` core rule, except that `_PLAIN_INLINE` text becomes its one text
    token without a parse: two thirds of a body's inline tokens are such text (table cells,
    list items, headings), and each parse costs a new inline state and a pass of every rule."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if not _PLAIN_INLINE.fullmatch(token.content):
                state.md.inline.parse(token.content, state.md, state.env, token.children)
            elif token.content:
                token.children.append(Token("text", "", 0, content=token.content))


def _accept_every_link(url: str) -> bool:
    return True


_PLAIN_LINK = re.compile(
    r"(?:https?://[a-z0-9.-]{1,63}(?=[/#]|$)|@|(?!//))[A-Za-z0-9._~/-]*(?:#[A-Za-z0-9._~-]*)?"
)
"""A link markdown-it's normalizeLink gives back as it is: a lower-case ASCII host of at most
63 characters (nothing for punycode to encode, no label or host too long), a mention, or a
path not starting with `//` (which would be read as a host); then only characters that are
never percent-encoded."""


def _normalize_link(url: str) -> str:
    """markdown-it's normalizeLink, without its parse and re-encoding for the plain links that
    most are (`https://host/path`, `@id`, `file.md`): it cost a tenth of the Markdown time."""
    return url if _PLAIN_LINK.fullmatch(url) else normalizeLink(url)


def _render_nothing(*args: object) -> str:
    return ""


def _line_of(token: Token) -> int:
    return token.map[0] if token.map else 0


def _plain_text(tokens: Iterable[Token]) -> str:
    """The text a reader sees in inline tokens, without markup."""
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(_plain_text(token.children or []))
    return "".join(parts)


def _count_words(tokens: Iterable[Token]) -> int:
    """Words in the narrative's text (lifted sections are placeholders without inline tokens)."""
    count = 0
    for token in tokens:
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    count += len(child.content.split())
    return count


# --- Section lifting (FORMAT.md 3.2) -------------------------------------------------------------


def _lift_sections(state: StateCore) -> None:
    """Move each `## Key points` / `## Actors` / `## Quotes` section into a placeholder token.

    The placeholder keeps the section's tokens as children, so that later rules still see them in
    document order (mentions in key points resolve like any other) while the narrative, the TOC
    and the word count do not.
    """
    call: _Call | None = state.env.get(_ENV_KEY)
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
        placeholder = Token(_SECTION_TOKEN, "", 0, map=tokens[index].map, info=kind)
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


def _register_section(call: _Call, kind: str, placeholder: Token) -> None:
    first = call.sections.get(kind)
    if first is None:
        call.sections[kind] = placeholder
        return
    placeholder.info = ""  # a duplicate is removed from the narrative but not lifted
    message = (
        f"duplicate `## {_SECTION_TITLES[kind]}` section "
        f"(the first is at line {call.first_line + _line_of(first)})"
    )
    call.diagnostics.append(call.place(_line_of(placeholder)).error(message))


def _top_level_blocks(
    tokens: list[Token], openers: tuple[str, ...], call: _Call, kind: str
) -> Iterator[list[Token]]:
    """The section's top-level blocks opened by one of `openers`; warns about other content."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _block_end(tokens, index)
        if token.type in openers:
            yield tokens[index:end]
        elif token.type != "heading_open":  # sub-headings may group the items
            what = "a blockquote" if kind == "quotes" else "a list item"
            title = _SECTION_TITLES[kind]
            call.diagnostics.append(
                call.place(_line_of(token)).warning(
                    f"content in the `## {title}` section that is not {what} is left out"
                )
            )
        index = end


def _block_end(tokens: list[Token], index: int) -> int:
    """Index just after the block that starts at `index` (its matching close, or itself)."""
    if tokens[index].nesting != 1:
        return index + 1
    depth = 0
    for end in range(index, len(tokens)):
        depth += tokens[end].nesting
        if depth == 0:
            return end + 1
    return len(tokens)


def _list_items(tokens: list[Token], call: _Call, kind: str) -> Iterator[list[Token]]:
    """Every item of the section's top-level lists, each as its tokens."""
    for block in _top_level_blocks(tokens, _LIST_OPENERS, call, kind):
        inner = block[1:-1]
        index = 0
        while index < len(inner):
            end = _block_end(inner, index)
            if inner[index].type == "list_item_open":
                yield inner[index:end]
            index = end


def _item_inlines(item: list[Token]) -> list[Token]:
    """The inline tokens of an item's own paragraphs (nested lists and quotes left aside)."""
    level = item[0].level + 2
    return [t for t in item if t.type == "inline" and t.level == level]


def _actors(tokens: list[Token], call: _Call) -> Iterator[BodyActor]:
    for item in _list_items(tokens, call, "actors"):
        inlines = _item_inlines(item)
        children = (inlines[0].children or []) if inlines else []
        name, role, actor_id = _split_actor(children, call)
        yield BodyActor(name, role, actor_id, call.first_line + _line_of(item[0]))


def _split_actor(children: list[Token], call: _Call) -> tuple[str, str, str]:
    """`Name — role`, where Name may be bold, a link, or a mention; returns name, role, id."""
    actor_id = ""
    if children and children[0].type in ("strong_open", "em_open", "link_open"):
        close = _block_end(children, 0)
        name = _plain_text(children[1 : close - 1]).strip()
        role = _strip_separator(_plain_text(children[close:]))
        if children[0].type == "link_open":
            actor_id = _actor_id_from_href(str(children[0].attrGet("href") or ""), call)
    else:
        name, role = _split_on_separator(_plain_text(children))
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


def _actor_id_from_href(href: str, call: _Call) -> str:
    """The id a name's link names: a mention's id, or the stem of a link to an actor file."""
    if href.startswith("@"):
        return href[1:]
    target = _content_target(href, call.path)
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
    line = _plain_text(line_tokens).strip()
    dash = next((d for d in _ATTRIBUTION_DASHES if line.startswith(d)), None)
    if dash is None:
        return "", ""
    by, _, context = line[len(dash) :].partition(",")
    mention = next((t.meta["mention"] for t in line_tokens if "mention" in t.meta), None)
    if mention is not None:
        by = mention
    last.children = children[: max(start - 1, 0)]
    return by.strip(), context.strip()


# --- Links, mentions and content files (FORMAT.md 3.3) --------------------------------------------


def _resolve_links(state: StateCore) -> None:
    """Check and rewrite every link and image of the call, in document order."""
    call: _Call | None = state.env.get(_ENV_KEY)
    if call is None:
        return
    for token in state.tokens:
        if token.type == "inline":
            token.children = _links_in(token, call)
        elif token.type == _SECTION_TOKEN and token.info in ("key_points", "quotes"):
            for inner in token.children or []:
                if inner.type == "inline":
                    inner.children = _links_in(inner, call)


def _links_in(inline: Token, call: _Call) -> list[Token]:
    """The inline's children with links rewritten; links that may not be written become text."""
    line = _line_of(inline)
    out: list[Token] = []
    dropped: list[bool] = []  # one entry per open link: was its link_open dropped?
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        if child.type == "link_open":
            keep = _rewrite_link(child, line, call)
            dropped.append(not keep)
            if not keep:
                continue
        elif child.type == "link_close" and dropped and dropped.pop():
            continue
        elif child.type == "image" and not _rewrite_image(child, line, call):
            child = Token("text", "", 0, content=_plain_text(child.children or []))
        out.append(child)
    return out


def _rewrite_link(token: Token, line: int, call: _Call) -> bool:
    """Give a link its final href; False when it must be written as plain text."""
    href = str(token.attrGet("href") or "")
    if _is_unsafe(href, image=False):
        _warn_unsafe(href, line, call)
        return False
    if href.startswith("@"):
        return _rewrite_mention(token, href[1:], line, call)
    if href.startswith("/") and not is_external(href):
        token.attrSet("href", call.resolver.base_url.link(href))
        return True
    target = _content_target(href, call.path)
    if target is None:
        return True
    site_path, fragment = target
    written = unquote(href.partition("#")[0])
    place = call.place(line, call.column_of(line, "(" + written))
    if site_path.startswith("../") or site_path == "..":
        call.diagnostics.append(place.error(f"link to `{written}` points outside the site folder"))
        return False
    link = call.resolver.content_link(site_path)
    if link is None:
        call.diagnostics.append(place.warning(f"link to missing file `{written}`"))
        return False
    token.attrSet("href", link + fragment)
    return True


def _rewrite_mention(token: Token, actor_id: str, line: int, call: _Call) -> bool:
    actor = call.resolver.actor(actor_id) if actor_id else None
    if actor is None:
        place = call.place(line, call.column_of(line, "(@" + actor_id))
        message = f"unknown actor `{actor_id}` in mention" if actor_id else "mention without an id"
        call.diagnostics.append(place.error(message))
        return False
    title = token.attrGet("title")
    token.attrs = {"class": "mention", "href": actor.url}
    token.meta["mention"] = actor_id  # the attribution of a lifted quote reads it
    if title is not None:
        token.attrSet("title", title)
    call.mentions.setdefault(actor_id, None)
    return True


def _rewrite_image(token: Token, line: int, call: _Call) -> bool:
    src = str(token.attrGet("src") or "")
    if _is_unsafe(src, image=True):
        _warn_unsafe(src, line, call)
        return False
    if src.startswith("/") and not is_external(src):
        token.attrSet("src", call.resolver.base_url.link(src))
    return True


def _is_unsafe(url: str, *, image: bool) -> bool:
    """Unsafe by our rule (which also sees through percent-escapes) or by markdown-it's."""
    if is_dangerous_url(url, image=image):
        return True
    return not image and not markdown_it_validate_link(url.strip().lower())


def _warn_unsafe(url: str, line: int, call: _Call) -> None:
    shown = url if len(url) <= _MAX_URL_IN_MESSAGE else url[:_MAX_URL_IN_MESSAGE] + "…"
    column = call.column_of(line, "](" + url)
    place = call.place(line, column if column > 1 else call.column_of(line, "]("))
    call.diagnostics.append(place.warning(f"unsafe link `{shown}` is written as plain text"))


def _content_target(href: str, path: str) -> tuple[str, str] | None:
    """(site-relative path, `#fragment`) for a relative link to a `.md` file, else None."""
    if not href or href.startswith(("/", "#", "@")) or is_external(href):
        return None
    target, hash_mark, fragment = href.partition("#")
    target = unquote(target)
    if not target.lower().endswith(".md"):
        return None
    site_path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return site_path, hash_mark + fragment


# --- Pull quotes ---------------------------------------------------------------------------------


def _resolve_pull_quotes(state: StateCore) -> None:
    """Attach the quoted actor to each `::: quote ID` container, reporting a missing or bad id."""
    call: _Call | None = state.env.get(_ENV_KEY)
    if call is None:
        return
    openers: list[Token] = []
    for token in state.tokens:
        if token.type == "container_quote_open":
            openers.append(token)
            token.meta = {"actor": _pull_quote_actor(token, call)}
        elif token.type == "container_quote_close" and openers:
            token.meta = openers.pop().meta


def _pull_quote_actor(token: Token, call: _Call) -> ActorLink | None:
    words = token.info.split()
    place = call.place(_line_of(token))
    if len(words) < 2:
        call.diagnostics.append(place.error("`::: quote` needs the id of who said it"))
        return None
    actor = call.resolver.actor(words[1])
    if actor is None:
        call.diagnostics.append(place.error(f"unknown actor `{words[1]}` in pull quote"))
    return actor


def _render_pull_quote(
    renderer: RendererProtocol,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    token = tokens[idx]
    if token.nesting == 1:
        return '<figure class="pull-quote"><blockquote>\n'
    actor: ActorLink | None = (token.meta or {}).get("actor")
    if actor is None:
        return "</blockquote></figure>\n"
    link = f'<a href="{escapeHtml(actor.url)}">{escapeHtml(actor.name)}</a>'
    return f"</blockquote>\n<figcaption>\u2014 {link}</figcaption></figure>\n"


# --- Heading anchors and the table of contents ----------------------------------------------------


def _anchor_headings(state: StateCore) -> None:
    """Give h2-h4 stable unique ids (`-2`, `-3` on repeats) and collect the TOC."""
    call: _Call | None = state.env.get(_ENV_KEY)
    used: set[str] = set()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in _ANCHORED_TAGS:
            continue
        text = _plain_text(tokens[index + 1].children or []).strip()
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
