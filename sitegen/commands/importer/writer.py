"""The draft explainer a writer starts from: FORMAT.md front matter, then the story in Markdown.

The front matter is written by `yaml.safe_dump`, never by string formatting, so that a key point
such as `Trump said: "It must end"` comes out quoted and reads back as text, not as a mapping
(the classic trap FORMAT.md 3.1 warns about).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import yaml

from sitegen.commands.importer.actors import Actor
from sitegen.commands.importer.extract import Extraction
from sitegen.commands.importer.quotes import Quote

_MARKDOWN_START = re.compile(r"^(?:#{1,6}(?:\s|$)|[-+*](?:\s|$)|\d+[.)](?:\s|$)|>|:::|=+$|-+$)")


def render(found: Extraction, *, title: str, when: date | datetime) -> str:
    """The content file for `found`; `title` is the headline to use (already decided)."""
    meta: dict[str, Any] = {"title": title, "date": when, "draft": True}
    doc = found.doc
    if doc.authors:
        meta["authors"] = list(doc.authors)
    if doc.source:
        meta["source"] = doc.source
    if found.summary:
        meta["summary"] = found.summary
    meta["key_points"] = list(doc.key_points) or [found.summary or title]
    if found.actors:
        meta["actors"] = [_actor_entry(actor) for actor in found.actors]
    if found.quotes:
        meta["quotes"] = [_quote_entry(q, q.speaker) for q in found.quotes if q.speaker]
    linked = [{"title": link.title, "url": link.url} for link in doc.related if link.url]
    if linked:
        meta["related"] = linked
    unlinked = [link.title for link in doc.related if not link.url]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    body = _body(found, unlinked)
    return f"---\n{front}---\n\n{body}"


def _actor_entry(actor: Actor) -> str | dict[str, str]:
    """A bare id for an actor the site already has a file for; a mapping otherwise."""
    if actor.known:
        return str(actor.id)
    entry = {"id": actor.id, "name": actor.name}
    if actor.role:
        entry["role"] = actor.role
    return entry


def _quote_entry(quote: Quote, speaker: Actor) -> dict[str, str]:
    entry = {"text": quote.words, "by": speaker.id}
    if quote.context:
        entry["context"] = quote.context
    return entry


def _body(found: Extraction, unlinked: list[str]) -> str:
    """Paragraphs, `##` sub-headings and in-body lists; related headlines without a URL go in a
    closing `## Related` list, where the writer sees them and can add links."""
    chunks: list[str] = []
    for block in found.doc.blocks:
        if block.kind == "heading":
            chunks.append(f"## {block.text}")
        elif block.kind == "list" and chunks and chunks[-1].startswith("- "):
            chunks[-1] += f"\n- {block.text}"
        elif block.kind == "list":
            chunks.append(f"- {block.text}")
        else:
            chunks.append(_escape_start(block.text))
    if unlinked:
        chunks.append("## Related")
        chunks.append("\n".join(f"- {title}" for title in unlinked))
    return "\n\n".join(chunks) + "\n"


def _escape_start(text: str) -> str:
    """A paragraph that Markdown would read as a heading, list or quote is escaped to stay prose
    (`1. The first…` stays a sentence)."""
    return "\\" + text if _MARKDOWN_START.match(text) else text
