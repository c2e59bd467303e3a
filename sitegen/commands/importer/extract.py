# ruff: noqa: RUF001 -- curly quotes and dashes are what this code reads
"""Everything the importer reads from one piece of copy, in one value.

Kept apart from the writer so that the evaluation (`evaluate.py`) scores exactly what the command
writes, without going through files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sitegen.commands.importer.actors import Actor, Cast, KnownActor
from sitegen.commands.importer.quotes import Quote, QuoteFinder
from sitegen.commands.importer.structure import Document, read_structure


@dataclass(frozen=True, slots=True)
class Extraction:
    """The copy's layout, its quotes, the actors to list and what the importer was unsure of."""

    doc: Document
    quotes: list[Quote]
    actors: list[Actor]
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The story's first sentence: the standfirst a writer would start from."""
        paragraphs = self.doc.paragraphs
        if not paragraphs:
            return ""
        first = re.split(r"(?<=[.!?])[”\"]?\s+(?=[A-Z“\"‘])", paragraphs[0].text, maxsplit=1)[0]
        return first.strip()


def extract(text: str, known: list[KnownActor] | None = None) -> Extraction:
    """Read copy: layout first, then quotes and the actors named in it."""
    doc = read_structure(text)
    cast = Cast(known=list(known or []))
    finder = QuoteFinder(cast)
    quotes = finder.run([block.text for block in doc.paragraphs])
    actors = [a for a in cast.actors.values() if a.quoted or a.role]
    notes = list(dict.fromkeys(finder.notes))
    return Extraction(doc, quotes, actors, notes)
