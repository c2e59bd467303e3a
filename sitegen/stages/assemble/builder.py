"""Building model objects from parse records: explainers, actors, quotes and pages, with every
piece of Markdown rendered through one shared resolver."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup

from sitegen.core.diagnostics import Diagnostic, Place, did_you_mean
from sitegen.core.model import (
    Actor,
    DatedText,
    Explainer,
    Image,
    Link,
    Page,
    Question,
    Quote,
    SiteConfig,
    SourceRef,
    TopicRef,
)
from sitegen.core.urls import SLUG_PATTERN, BaseUrl, is_external, resolve_relative, slugify
from sitegen.stages.assemble.sources import ExplainerHead
from sitegen.stages.assemble.tables import SiteResolver, actor_link
from sitegen.stages.markdown import BodySections, Markdown, RenderedBody
from sitegen.stages.records import (
    ActorSource,
    ActorSpec,
    DatedSpec,
    ExplainerSource,
    PageSource,
    QuoteSpec,
    Text,
    text_direction,
)


@dataclass(frozen=True, slots=True)
class Built:
    """One explainer with the problems and mentions found while building it."""

    explainer: Explainer
    problems: tuple[Diagnostic, ...]
    mentions: tuple[str, ...]


ChunkRunner = Callable[
    [Callable[[Sequence[ExplainerHead]], list[Built]], Sequence[ExplainerHead]],
    list[list[Built]],
]


class Builder:
    """Turns sources into model objects, rendering their Markdown with one shared resolver."""

    def __init__(
        self,
        config: SiteConfig,
        renderer: Markdown,
        resolver: SiteResolver,
        file_actors: dict[str, ActorSource],
        problems: list[Diagnostic],
    ) -> None:
        self.config = config
        self.base = config.base_url
        self.renderer = renderer
        self.resolver = resolver
        self.file_actors = file_actors
        self.problems = problems
        self._file_actor_cache: dict[str, Actor] = {}
        self.mentions: dict[str, tuple[str, ...]] = {}

    def isolated(
        self, make: Callable[[ExplainerHead, str], Explainer], source: ExplainerHead, url: str
    ) -> Built:
        """Build one explainer, taking what it adds to the shared problems and mentions back
        out, so that the result is the same in whichever process it is built."""
        start = len(self.problems)
        explainer = make(source, url)
        found = tuple(self.problems[start:])
        del self.problems[start:]
        return Built(explainer, found, self.mentions.pop(source.path, ()))

    # pieces of Markdown

    def inline(self, text: Text) -> Markup:
        html, problems = self.renderer.render_inline(
            text.text,
            path=text.place.path,
            line=text.place.line,
            col=text.place.col,
            resolver=self.resolver,
        )
        self.problems.extend(problems)
        return html

    def block(self, text: Text) -> Markup:
        html, problems = self.renderer.render_block(
            text.text,
            path=text.place.path,
            first_line=text.place.line,
            col=text.place.col,
            resolver=self.resolver,
        )
        self.problems.extend(problems)
        return html

    def body(self, source_path: str, text: Text, *, lift: bool) -> RenderedBody:
        body = self.renderer.render_body(
            text.text,
            path=source_path,
            first_line=text.place.line,
            resolver=self.resolver,
            lift_sections=lift,
        )
        self.problems.extend(body.diagnostics)
        return body

    def link(self, url: str, from_path: str, place: Place) -> tuple[str, bool]:
        """A front-matter URL made ready: `.md` targets resolved, `/` paths under base_url."""
        if not url or is_external(url) or url.startswith("#"):
            return url, False
        if url.startswith("/"):
            return self.base.link(url), True
        path_part, _, fragment = url.partition("#")
        if path_part.endswith(".md"):
            target = resolve_relative(from_path, path_part)
            link = self.resolver.content_link(target) if target else None
            if link is None:
                self.problems.append(place.warning(f"link to missing file `{path_part}`"))
                return "", True
            return link + (f"#{fragment}" if fragment else ""), True
        return self.base.link(url), True

    def image(self, image: Image | None, from_path: str, place: Place) -> Image | None:
        if image is None:
            return None
        src, _internal = self.link(image.src, from_path, place)
        return replace(image, src=src) if src else None

    # actors

    def file_actor(self, source: ActorSource) -> Actor:
        if source.spec.id not in self._file_actor_cache:
            spec = source.spec
            actor = merge_actor(None, spec, actor_link(self.base, spec.id))
            actor = replace(
                actor,
                image=self.image(spec.image, source.path, spec.place),
                profile_html=self.block(source.profile),
            )
            self._file_actor_cache[spec.id] = actor
        return self._file_actor_cache[source.spec.id]

    def site_actor(self, actor_id: str, spec: ActorSpec) -> Actor:
        actor = merge_actor(None, spec, actor_link(self.base, actor_id))
        return replace(actor, image=self.image(spec.image, spec.place.path, spec.place))

    def explainer_actor(self, spec: ActorSpec) -> Actor | None:
        source = self.file_actors.get(spec.id)
        if spec.by_reference and source is None:
            known = list(self.file_actors)
            self.problems.append(
                spec.place.error(
                    f"unknown actor `{spec.id}`: there is no content/actors/{spec.id}.md"
                    f"{did_you_mean(spec.id, known)}"
                )
            )
            return None
        base = self.file_actor(source) if source else None
        if base is None and not spec.name:
            self.problems.append(
                spec.place.error(f"actor `{spec.id}` needs `name`: there is no actor file for it")
            )
            return None
        merged = merge_actor(base, spec, actor_link(self.base, spec.id))
        if spec.image:
            merged = replace(merged, image=self.image(spec.image, spec.place.path, spec.place))
        # An explainer that names an actor without changing anything shares the site-wide
        # object: on a big site most of them do, and a copy per explainer adds up.
        return base if merged == base else merged

    def speaker(self, by: str, place: Place, actors: dict[str, Actor]) -> Actor | None:
        """The actor a quote's `by` names: an id, or a name or alias; None for a plain name."""
        actor_id = (
            by if by in actors or self.resolver.actor(by) else self.resolver.actor_id_for_name(by)
        )
        if actor_id is None:
            if SLUG_PATTERN.fullmatch(by):
                known = [*actors, *self.resolver.known_actor_ids()]
                self.problems.append(
                    place.warning(
                        f"quote by `{by}`: no actor has this id, so it is shown as a plain name"
                        f"{did_you_mean(by, known)}"
                    )
                )
            return None
        if actor_id in actors:
            return actors[actor_id]
        source = self.file_actors.get(actor_id)
        return (
            self.file_actor(source)
            if source
            else actors.get(actor_id) or self._inline_site_actor(actor_id)
        )

    def _inline_site_actor(self, actor_id: str) -> Actor | None:
        link = self.resolver.actor(actor_id)
        return Actor(id=actor_id, name=link.name, page_url=link.url) if link else None

    # explainers

    def explainer(self, source: ExplainerSource, url: str) -> Explainer:
        body = self.body(source.path, source.body, lift=True)
        self.mentions[source.path] = body.mentions
        sections = body.sections
        _check_given_once(source, sections, self.problems)
        actor_specs = (
            source.actors
            if source.actors is not None
            else self._body_actor_specs(source.path, sections)
        )
        actors: dict[str, Actor] = {}
        for spec in actor_specs:
            actor = self.explainer_actor(spec)
            if actor is not None:
                if actor.id in actors:
                    self.problems.append(spec.place.warning(f"actor `{actor.id}` is listed twice"))
                actors.setdefault(actor.id, actor)
        key_points = self._key_points(source, sections)
        return Explainer(
            source_path=source.path,
            slug=source.slug,
            url=url,
            title=source.title,
            date=source.date,
            lang=source.lang,
            dir=text_direction(source.lang),
            body_html=body.html,
            key_points=key_points,
            updated=source.updated,
            summary=source.summary,
            authors=source.authors,
            source=source.source,
            topics=tuple(_unique_topics(source.topics, self.base)),
            image=self.image(source.image, source.path, source.image_place or source.body.place),
            draft=source.draft,
            actors=tuple(actors.values()),
            quotes=self._quotes(source, sections, actors),
            timeline=tuple(
                sorted(self._dated(source.timeline), key=lambda event: event.date.value)
            ),
            sources=tuple(self._sources(source)),
            related=tuple(self._related(source)),
            questions=tuple(Question(q.question, self.block(q.answer)) for q in source.questions),
            updates=tuple(
                sorted(self._dated(source.updates), key=lambda u: u.date.value, reverse=True)
            ),
            corrections=tuple(
                sorted(self._dated(source.corrections), key=lambda c: c.date.value, reverse=True)
            ),
            extra=source.extra,
            toc=body.toc,
            word_count=body.word_count,
        )

    def _body_actor_specs(self, path: str, sections: BodySections) -> tuple[ActorSpec, ...]:
        return tuple(
            ActorSpec(
                id=item.actor_id,
                place=Place(path, item.line, 1),
                name=item.name,
                role=item.role or None,
            )
            for item in sections.actors or ()
        )

    def _key_points(self, source: ExplainerSource, sections: BodySections) -> tuple[Markup, ...]:
        if source.key_points is not None:
            return tuple(self.inline(point) for point in source.key_points)
        if sections.key_points is None:
            self.problems.append(
                Place(source.path, 1, 1).error(
                    "an explainer needs `key_points`, in the front matter or as a "
                    "`## Key points` section"
                )
            )
            return ()
        if not sections.key_points:
            self.problems.append(
                Place(source.path, sections.key_points_line, 1).error(
                    "`## Key points` has no list items"
                )
            )
        return tuple(point.html for point in sections.key_points)

    def _quotes(
        self, source: ExplainerSource, sections: BodySections, actors: dict[str, Actor]
    ) -> tuple[Quote, ...]:
        quotes: list[Quote] = []
        for spec in source.quotes or ():
            quotes.append(self._quote(spec, actors))
        for item in sections.quotes or ():
            place = Place(source.path, item.line, 1)
            if not item.by:
                self.problems.append(
                    place.error(
                        "quote has no attribution: end it with a line `— actor-id, context`"
                    )
                )
                continue
            speaker = self.speaker(item.by, place, actors)
            quotes.append(
                Quote(
                    text_html=item.text_html,
                    by_name=speaker.name if speaker else item.by,
                    by=speaker,
                    context=item.context,
                )
            )
        return tuple(quotes)

    def _quote(self, spec: QuoteSpec, actors: dict[str, Actor]) -> Quote:
        speaker = self.speaker(spec.by, spec.by_place, actors)
        url, _internal = self.link(spec.url, spec.text.place.path, spec.url_place or spec.by_place)
        return Quote(
            text_html=self.inline(spec.text),
            by_name=speaker.name if speaker else spec.by,
            by=speaker,
            context=spec.context,
            date=spec.date,
            url=url,
        )

    def _dated(self, entries: Sequence[DatedSpec]) -> Iterable[DatedText]:
        return (DatedText(entry.date, self.inline(entry.text)) for entry in entries)

    def _sources(self, source: ExplainerSource) -> Iterable[SourceRef]:
        for ref in source.sources:
            url, _internal = self.link(ref.url, source.path, ref.place)
            yield SourceRef(ref.title, url, ref.publisher)

    def _related(self, source: ExplainerSource) -> Iterable[Link]:
        for ref in source.related:
            url, internal = self.link(ref.url, source.path, ref.place)
            if url:
                yield Link(ref.title, url, internal)

    # pages

    def page(self, source: PageSource, url: str) -> Page:
        body = self.body(source.path, source.body, lift=False)
        return Page(
            source_path=source.path,
            slug=source.slug,
            url=url,
            title=source.title,
            body_html=body.html,
            lang=source.lang,
            dir=text_direction(source.lang),
            summary=source.summary,
            toc=body.toc,
        )


def merge_actor(base: Actor | None, spec: ActorSpec, link: str) -> Actor:
    """An actor with a spec's given fields laid over `base` (an actor file's version)."""
    if base is None:
        base = Actor(id=spec.id, name=spec.name or spec.id, page_url=link)
    return replace(
        base,
        name=spec.name or base.name,
        role=base.role if spec.role is None else spec.role,
        description=base.description if spec.description is None else spec.description,
        image=spec.image or base.image,
        url=base.url if spec.url is None else spec.url,
        aliases=spec.aliases or base.aliases,
        same_as=spec.same_as or base.same_as,
        kind=spec.kind or base.kind,
    )


def _check_given_once(
    source: ExplainerSource, sections: BodySections, problems: list[Diagnostic]
) -> None:
    """A field given in the front matter and as a body section is an error naming both places."""
    for name, heading, line in (
        (
            "key_points",
            "Key points",
            sections.key_points_line if sections.key_points is not None else 0,
        ),
        ("actors", "Who's who", sections.actors_line if sections.actors is not None else 0),
        ("quotes", "What they said", sections.quotes_line if sections.quotes is not None else 0),
    ):
        front = source.field_places.get(name)
        if front is not None and line:
            problems.append(
                Place(source.path, line, 1).error(
                    f"`{name}` is given twice: in the front matter (line {front.line}) "
                    f"and as a `## {heading}` section here"
                )
            )


def _unique_topics(names: Iterable[str], base: BaseUrl) -> Iterable[TopicRef]:
    seen: set[str] = set()
    for name in names:
        slug = slugify(name)
        if slug not in seen:
            seen.add(slug)
            yield TopicRef(name, slug, base.link(f"topics/{slug}/"))
