"""Plugin: a `::: quote ID` container is a pull quote, credited to the actor `ID`.

mdit-py-plugins' container plugin parses the block. The `sitegen_pull_quotes` core rule looks
the actor up, reporting a missing or unknown id at the container's line, and puts it in the meta
of both the opening and the closing token; rendering the closing token writes the caption.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.container import container_plugin

from sitegen.stages.markdown.call import Call, call_of
from sitegen.stages.markdown.interface import ActorLink
from sitegen.stages.markdown.tokens import line_of


def pull_quotes_plugin(md: MarkdownIt) -> None:
    md.use(container_plugin, name="quote", render=_render_pull_quote)
    md.core.ruler.push("sitegen_pull_quotes", _resolve_pull_quotes)


def _resolve_pull_quotes(state: StateCore) -> None:
    """Attach the quoted actor to each `::: quote ID` container, reporting a missing or bad id."""
    call = call_of(state)
    if call is None:
        return
    openers: list[Token] = []
    for token in state.tokens:
        if token.type == "container_quote_open":
            openers.append(token)
            token.meta = {"actor": _pull_quote_actor(token, call)}
        elif token.type == "container_quote_close" and openers:
            token.meta = openers.pop().meta


def _pull_quote_actor(token: Token, call: Call) -> ActorLink | None:
    words = token.info.split()
    place = call.place(line_of(token))
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
