"""The source records: what the parse stage makes of each content file.

The records are read far more widely than they are made: the assemble stage builds the site from
them, the engine packs and pickles them, the preview reassembles explainers from them. Those
readers need the shapes, not the field checks that fill them in, so the records live here, with
the names of the fields each kind of file may have and two small facts read from a record
(`may_list_actors`, `text_direction`); the checks are in `parse.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sitegen.core.diagnostics import Place
from sitegen.core.model import Image, Timestamp

EXPLAINER_FIELDS = frozenset(
    [
        "title",
        "date",
        "updated",
        "summary",
        "slug",
        "authors",
        "source",
        "topics",
        "image",
        "lang",
        "draft",
        "key_points",
        "actors",
        "quotes",
        "timeline",
        "sources",
        "related",
        "questions",
        "updates",
        "corrections",
        "extra",
    ]
)
ACTOR_FIELDS = frozenset(
    ["name", "role", "description", "image", "url", "aliases", "same_as", "kind"]
)
INLINE_ACTOR_FIELDS = frozenset({"id", *ACTOR_FIELDS})
PAGE_FIELDS = frozenset(["title", "summary", "slug", "lang", "draft"])
IMAGE_KEYS = frozenset(["src", "alt", "caption", "credit"])
QUOTE_KEYS = frozenset(["text", "by", "context", "date", "url"])
DATED_KEYS = frozenset(["date", "text"])
ACTOR_KINDS = ("Person", "Organization")

_RTL_LANGUAGES = frozenset(
    ["ar", "arc", "ckb", "dv", "fa", "he", "khw", "ks", "ps", "sd", "syr", "ug", "ur", "yi"]
)


@dataclass(frozen=True, slots=True)
class Text:
    """Markdown text waiting to be rendered, with the place it was written."""

    text: str
    place: Place


@dataclass(frozen=True, slots=True)
class ActorSpec:
    """An actor as one file or one explainer describes it; None means "not given here"."""

    id: str
    place: Place
    name: str | None = None
    role: str | None = None
    description: str | None = None
    image: Image | None = None
    url: str | None = None
    aliases: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    kind: str | None = None
    by_reference: bool = False
    """True for a bare id in `actors`, which must name an actor file."""


@dataclass(frozen=True, slots=True)
class QuoteSpec:
    text: Text
    by: str
    by_place: Place
    context: str = ""
    date: Timestamp | None = None
    url: str = ""
    url_place: Place | None = None


@dataclass(frozen=True, slots=True)
class DatedSpec:
    date: Timestamp
    text: Text


@dataclass(frozen=True, slots=True)
class LinkSpec:
    title: str
    url: str
    place: Place
    publisher: str = ""


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    question: str
    answer: Text


@dataclass(frozen=True, slots=True)
class ExplainerSource:
    """One explainer file after front-matter validation."""

    path: str
    slug: str
    slug_place: Place
    title: str
    date: Timestamp
    lang: str
    body: Text
    updated: Timestamp | None = None
    summary: str = ""
    authors: tuple[str, ...] = ()
    source: str = ""
    topics: tuple[str, ...] = ()
    image: Image | None = None
    image_place: Place | None = None
    """Where `image.src` was written, for a link to a missing file."""
    draft: bool = False
    key_points: tuple[Text, ...] | None = None
    actors: tuple[ActorSpec, ...] | None = None
    quotes: tuple[QuoteSpec, ...] | None = None
    timeline: tuple[DatedSpec, ...] = ()
    sources: tuple[LinkSpec, ...] = ()
    related: tuple[LinkSpec, ...] = ()
    questions: tuple[QuestionSpec, ...] = ()
    updates: tuple[DatedSpec, ...] = ()
    corrections: tuple[DatedSpec, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    field_places: dict[str, Place] = field(default_factory=dict)
    """Where `key_points`, `actors` and `quotes` were given, for "given twice" errors."""

    @property
    def may_list_actors(self) -> bool:
        """Whether the body may hold a `## Who's who` section."""
        return may_list_actors(self.body.text)

    def record(self) -> ExplainerSource:
        """The whole record: itself (`sitegen.stages.assemble.ExplainerHead`)."""
        return self


# A cheap filter for bodies that may hold an actors section: an ATX `## Actors` or the text line of
# a setext heading, any spacing. A false match costs one extra render; a miss would lose actors.
_ACTORS_SECTION = re.compile(
    r"^ {0,3}(?:##[ \t]+)?(?:actors|who['\u2019]s[ \t]+who)[ \t#]*$", re.I | re.M
)


def may_list_actors(body: str) -> bool:
    """Whether a body may hold a `## Who's who` section (see `_ACTORS_SECTION`)."""
    return bool(_ACTORS_SECTION.search(body))


@dataclass(frozen=True, slots=True)
class ActorSource:
    """One actor file: its spec and its profile body."""

    path: str
    spec: ActorSpec
    profile: Text


@dataclass(frozen=True, slots=True)
class PageSource:
    """One plain page."""

    path: str
    slug: str
    slug_place: Place
    title: str
    lang: str
    body: Text
    summary: str = ""
    draft: bool = False


def text_direction(lang: str) -> str:
    """`rtl` for right-to-left scripts (Arabic, Hebrew, Persian, Urdu...), else `ltr`."""
    primary = lang.split("-")[0].lower()
    script_rtl = any(part.lower() in ("arab", "hebr", "thaa", "syrc") for part in lang.split("-"))
    return "rtl" if primary in _RTL_LANGUAGES or script_rtl else "ltr"


ParsedSource = ExplainerSource | ActorSource | PageSource
