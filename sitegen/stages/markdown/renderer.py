"""`MarkdownRenderer`: a body in, safe HTML, its table of contents and its lifted sections out.

One `MarkdownIt` instance is built per build and reused for every file, because building it costs
more than rendering a typical body. Everything a single call needs travels in markdown-it's
per-call `env` dict (`call.Call`), so calls never share state. The site's rules are markdown-it
plugins, one a module, given to `md.use`; all but the two shortcuts add a core rule, and the
core rules run once over the token stream between parsing and rendering, in the order the
plugins are used: a body is parsed once and never re-read as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

from sitegen.core.diagnostics import Diagnostic
from sitegen.stages.markdown.call import ENV_KEY, Call
from sitegen.stages.markdown.heading_anchors import heading_anchors_plugin
from sitegen.stages.markdown.interface import LinkResolver, RenderedBody
from sitegen.stages.markdown.link_normalization import normalize_link_plugin
from sitegen.stages.markdown.links import links_plugin
from sitegen.stages.markdown.plain_inline import (
    PLAIN_INLINE,
    plain_inline_is_text,
    plain_inline_plugin,
)
from sitegen.stages.markdown.pull_quotes import pull_quotes_plugin
from sitegen.stages.markdown.section_lifting import section_lifting_plugin
from sitegen.stages.markdown.section_reading import read_sections
from sitegen.stages.markdown.tokens import count_words


class MarkdownRenderer:
    """Markdown to safe HTML with the site's link, mention, pull-quote and section rules."""

    def __init__(self, *, allow_html: bool) -> None:
        md = MarkdownIt("commonmark", {"html": allow_html, "linkify": False})
        md.enable(["table", "strikethrough"])
        md.use(footnote_plugin)
        md.use(normalize_link_plugin)
        # The site's core rules, in the order they run (each plugin pushes its rule last): the
        # sections are lifted first, so that the rules after it find them in placeholder tokens.
        md.use(section_lifting_plugin)
        md.use(links_plugin)
        md.use(pull_quotes_plugin)
        md.use(heading_anchors_plugin)
        self._md = md
        # MarkdownIt types its renderer as the protocol any `renderer_cls` meets; the default one
        # built above is RendererHTML, which also renders a token's inline children.
        assert isinstance(md.renderer, RendererHTML)
        self._renderer = md.renderer
        # Last: whether the shortcut gives what markdown-it gives depends on every rule above.
        self._plain_inline_is_text = plain_inline_is_text(md)
        md.use(plain_inline_plugin)

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
        call = Call(path, first_line, resolver, lift_sections)
        env: dict[str, Any] = {ENV_KEY: call}
        tokens = self._parse(text, env, inline=False)
        html = self._render(tokens, env)
        return RenderedBody(
            html=html,
            toc=tuple(call.toc),
            word_count=count_words(tokens),
            sections=read_sections(call, partial(self._render_inline_tokens, env=env)),
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
        call = Call(path, line, resolver, lift_sections=False, value_col=col)
        env: dict[str, Any] = {ENV_KEY: call}
        tokens = self._parse(text, env, inline=True)
        return self._render(tokens, env), tuple(call.diagnostics)

    def plain_inline(self, text: str) -> Markup | None:
        """`render_inline(text)` when it is `text` escaped, known without parsing it; else None."""
        if self._plain_inline_is_text and PLAIN_INLINE.fullmatch(text):
            return Markup(escapeHtml(text))
        return None

    def render_block(
        self, text: str, *, path: str, first_line: int, resolver: LinkResolver, col: int = 1
    ) -> tuple[Markup, tuple[Diagnostic, ...]]:
        """Full Markdown without section lifting: Q&A answers, actor profiles, page bodies.

        `col` is the file column the text's lines start at (a block scalar's indentation + 1).
        """
        call = Call(path, first_line, resolver, lift_sections=False, indent=col - 1)
        env: dict[str, Any] = {ENV_KEY: call}
        tokens = self._parse(text, env, inline=False)
        return self._render(tokens, env), tuple(call.diagnostics)

    def _parse(self, text: str, env: dict[str, Any], *, inline: bool) -> list[Token]:
        call: Call = env[ENV_KEY]
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
