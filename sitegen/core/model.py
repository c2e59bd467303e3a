"""The site model: the typed, frozen values that templates receive.

Nothing here reads files or renders anything; the parse stage builds these values and the render
stage reads them. Every URL held here is a link that already carries `base_url`'s path (for
example `/explainers/actors/putin/`), and every `Markup` value is HTML that sitegen itself made
from escaped content, so templates never need `|safe`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup

from sitegen.core.urls import BaseUrl


@dataclass(frozen=True, slots=True)
class Publisher:
    """The organisation behind the site, for metadata (`publisher` in sitegen.yaml)."""

    name: str
    url: str = ""
    logo: str = ""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """sitegen.yaml after validation, with command-line overrides applied."""

    title: str = "Explainers"
    description: str = ""
    base_url: BaseUrl = field(default_factory=lambda: BaseUrl.parse("http://localhost:8000/"))
    language: str = "en"
    timezone: str = "UTC"
    publisher: Publisher | None = None
    per_page: int = 20
    allow_html: bool = False
    search: bool = True
    """A search page at /search/ with a Pagefind index (docs/deploy.md, issue 8)."""
    share_images: bool = True
    """A 1200x630 card per explainer without an image, for social previews (`share.py`)."""


@dataclass(frozen=True, slots=True)
class Timestamp:
    """A date or date-time from content, always with a time zone.

    `has_time` is False when the writer gave a bare date; templates then show the date alone, while
    metadata still gets a full ISO 8601 value (midnight in the site's time zone).
    """

    value: datetime
    has_time: bool

    @property
    def iso(self) -> str:
        """ISO 8601 with offset, for `<time datetime>`, feeds and JSON-LD."""
        return self.value.isoformat()

    @property
    def date_iso(self) -> str:
        """`YYYY-MM-DD`, for sitemaps and compact displays."""
        return self.value.date().isoformat()

    @property
    def human(self) -> str:
        """`19 March 2025`, or `19 March 2025, 09:00 +13:00` when a time was given."""
        return _human_date(self.value, self.value.utcoffset(), self.has_time)


@functools.lru_cache(maxsize=4096)
def _human_date(value: datetime, offset: timedelta | None, has_time: bool) -> str:
    """Kept per date: an explainer's date is shown on its page and on every list that holds it.
    `offset` is part of the key because aware datetimes at one instant are equal, whatever
    their offsets, while the text shows the local time."""
    day = f"{value.day} {value:%B %Y}"
    if not has_time:
        return day
    hhmm = value.strftime("%z")
    zone = "UTC" if hhmm in ("+0000", "") else f"{hhmm[:3]}:{hhmm[3:]}"
    return f"{day}, {value:%H:%M} {zone}"


@dataclass(frozen=True, slots=True)
class Image:
    """An image with its required alt text; `src` is a ready link."""

    src: str
    alt: str
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    """A person or organisation: from `content/actors/<id>.md`, inline, or both merged.

    In an explainer, an actor carries that explainer's overrides (a role at the time of the story);
    on the actor's own page it is the site-wide version.
    """

    id: str
    name: str
    page_url: str
    role: str = ""
    description: str = ""
    image: Image | None = None
    url: str = ""
    aliases: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    kind: str = "Person"
    """`Person` or `Organization` (schema.org types), for metadata and the card's look."""
    profile_html: Markup = field(default_factory=Markup)

    @property
    def initials(self) -> str:
        """Up to two letters for the card when there is no photo ("Vladimir Putin" -> "VP")."""
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalpha()]
        if not words:
            return self.name[:1].upper()
        if len(words) == 1:
            return words[0][:2].upper() if self.kind == "Organization" else words[0][0].upper()
        return (words[0][0] + words[-1][0]).upper()


@dataclass(frozen=True, slots=True)
class Quote:
    """Something an actor said. `by` is the actor when one is known, else None."""

    text_html: Markup
    by_name: str
    by: Actor | None = None
    context: str = ""
    date: Timestamp | None = None
    url: str = ""


@dataclass(frozen=True, slots=True)
class DatedText:
    """A timeline event, an update or a correction: a date and inline HTML."""

    date: Timestamp
    text_html: Markup


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a fact comes from."""

    title: str
    url: str = ""
    publisher: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """A related link; `url` is resolved when it named a content file."""

    title: str
    url: str
    internal: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    """A question readers ask, with its answer rendered from Markdown."""

    question: str
    answer_html: Markup


@dataclass(frozen=True, slots=True)
class Heading:
    """A section of the body, for the table of contents."""

    level: int
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class TopicRef:
    """A topic as an explainer names it."""

    name: str
    slug: str
    url: str


@dataclass(frozen=True, slots=True)
class Explainer:
    """One explainer, everything FORMAT.md section 3 allows, ready to show."""

    source_path: str
    slug: str
    url: str
    title: str
    date: Timestamp
    lang: str
    dir: str
    body_html: Markup
    key_points: tuple[Markup, ...]
    updated: Timestamp | None = None
    summary: str = ""
    authors: tuple[str, ...] = ()
    source: str = ""
    topics: tuple[TopicRef, ...] = ()
    image: Image | None = None
    draft: bool = False
    actors: tuple[Actor, ...] = ()
    quotes: tuple[Quote, ...] = ()
    timeline: tuple[DatedText, ...] = ()
    """Oldest first."""
    sources: tuple[SourceRef, ...] = ()
    related: tuple[Link, ...] = ()
    questions: tuple[Question, ...] = ()
    updates: tuple[DatedText, ...] = ()
    """Newest first."""
    corrections: tuple[DatedText, ...] = ()
    """Newest first."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    toc: tuple[Heading, ...] = ()
    word_count: int = 0

    @property
    def modified(self) -> Timestamp:
        """The last substantive change: `updated` when given, else `date`."""
        return self.updated or self.date

    @property
    def reading_minutes(self) -> int:
        """Minutes to read at 220 words a minute, never less than one."""
        return max(1, round(self.word_count / 220))


@dataclass(frozen=True, slots=True)
class QuoteIn:
    """A quote together with the explainer it appears in (for actor pages)."""

    quote: Quote
    explainer: Explainer


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """An actor's page: the site-wide actor, every explainer involving them, every quote by them."""

    actor: Actor
    explainers: tuple[Explainer, ...]
    quotes: tuple[QuoteIn, ...]
    source_path: str = ""
    """The actor file, or the first explainer that defines the actor inline."""


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic page: the explainers tagged with it, newest first."""

    name: str
    slug: str
    url: str
    explainers: tuple[Explainer, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """A plain page from `content/pages/`."""

    source_path: str
    slug: str
    url: str
    title: str
    body_html: Markup
    lang: str
    dir: str
    summary: str = ""
    toc: tuple[Heading, ...] = ()


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a paginated list (home, a topic)."""

    number: int
    count: int
    items: tuple[Explainer, ...]
    url: str
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True, slots=True)
class Site:
    """The whole site, as the templates see it."""

    config: SiteConfig
    explainers: tuple[Explainer, ...]
    """Newest first."""
    actors: tuple[ActorEntry, ...]
    """By name."""
    topics: tuple[Topic, ...]
    """By name."""
    pages: tuple[Page, ...]
    """By slug."""
    actors_by_id: Mapping[str, ActorEntry] = field(default_factory=dict)
    """The same entries as `actors`, by id."""
    version: str = ""
    """sitegen's version, for the generator tag."""

    def actor_entry(self, actor_id: str) -> ActorEntry | None:
        """The page entry of an actor, for cards that count "other explainers"."""
        return self.actors_by_id.get(actor_id)

    def link(self, site_path: str) -> str:
        """A link to a path of this site, with `base_url`'s path in front."""
        return self.config.base_url.link(site_path)

    def absolute(self, site_path_or_link: str) -> str:
        """The absolute URL of a link made by `link` (or of a site path)."""
        base = self.config.base_url
        if site_path_or_link.startswith(base.path):
            return base.origin + site_path_or_link
        return base.absolute(site_path_or_link)
