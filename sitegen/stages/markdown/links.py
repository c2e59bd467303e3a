"""Plugin: every link and image is checked and given its final address (FORMAT.md 3.3).

markdown-it drops a link it deems unsafe without a word; the site reports it at its line and
writes the link's text instead. So every link reaches the token stream (`validateLink` accepts
them all: markdown-it has no option for its check, replacing the method on the instance is its
hook), and the `sitegen_links` core rule decides, in document order, also inside lifted key
points and quotes:

- an unsafe address (`javascript:` and the like, also behind percent-escapes) is plain text;
- a mention `[Name](@id)` links to the actor's page and is recorded among the call's mentions
  (an unknown id is an error, and plain text);
- a relative link to a content file (`other.md#part`) gets the file's URL (a missing file is
  a warning, a file outside the site folder an error; both plain text);
- a site-absolute path (`/x`) is put under the site's base URL.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import validateLink as markdown_it_validate_link
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.core.urls import is_dangerous_url, is_external
from sitegen.stages.markdown.call import Call, call_of
from sitegen.stages.markdown.section_lifting import SECTION_TOKEN
from sitegen.stages.markdown.tokens import line_of, plain_text

_MAX_URL_IN_MESSAGE = 60


def links_plugin(md: MarkdownIt) -> None:
    md.validateLink = _accept_every_link  # type: ignore[method-assign]
    md.core.ruler.push("sitegen_links", _resolve_links)


def _accept_every_link(url: str) -> bool:
    return True


def _resolve_links(state: StateCore) -> None:
    """Check and rewrite every link and image of the call, in document order."""
    call = call_of(state)
    if call is None:
        return
    for token in state.tokens:
        if token.type == "inline":
            token.children = _links_in(token, call)
        elif token.type == SECTION_TOKEN and token.info in ("key_points", "quotes"):
            for inner in token.children or []:
                if inner.type == "inline":
                    inner.children = _links_in(inner, call)


def _links_in(inline: Token, call: Call) -> list[Token]:
    """The inline's children with links rewritten; links that may not be written become text."""
    line = line_of(inline)
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
            child = Token("text", "", 0, content=plain_text(child.children or []))
        out.append(child)
    return out


def _rewrite_link(token: Token, line: int, call: Call) -> bool:
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
    target = content_target(href, call.path)
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


def _rewrite_mention(token: Token, actor_id: str, line: int, call: Call) -> bool:
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


def _rewrite_image(token: Token, line: int, call: Call) -> bool:
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


def _warn_unsafe(url: str, line: int, call: Call) -> None:
    shown = url if len(url) <= _MAX_URL_IN_MESSAGE else url[:_MAX_URL_IN_MESSAGE] + "…"
    column = call.column_of(line, "](" + url)
    place = call.place(line, column if column > 1 else call.column_of(line, "]("))
    call.diagnostics.append(place.warning(f"unsafe link `{shown}` is written as plain text"))


def content_target(href: str, path: str) -> tuple[str, str] | None:
    """(site-relative path, `#fragment`) for a relative link to a `.md` file, else None."""
    if not href or href.startswith(("/", "#", "@")) or is_external(href):
        return None
    target, hash_mark, fragment = href.partition("#")
    target = unquote(target)
    if not target.lower().endswith(".md"):
        return None
    site_path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return site_path, hash_mark + fragment
