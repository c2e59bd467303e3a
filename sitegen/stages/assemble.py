"""Stage 3: link the validated sources into the site model.

This stage knows the whole site: which slugs and actor ids exist, so it resolves mentions, links
between content files, quote speakers and actor overrides, renders every piece of Markdown once,
and builds the frozen `Site` that templates read. It does no I/O.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from operator import attrgetter
from typing import Protocol

from markupsafe import Markup

from sitegen.core.diagnostics import Diagnostic, Place, did_you_mean
from sitegen.core.model import (
    Actor,
    ActorEntry,
    DatedText,
    Explainer,
    Image,
    Link,
    Page,
    Question,
    Quote,
    QuoteIn,
    Site,
    SiteConfig,
    SourceRef,
    Timestamp,
    Topic,
    TopicRef,
)
from sitegen.core.urls import SLUG_PATTERN, BaseUrl, is_external, resolve_relative, slugify
from sitegen.stages.markdown import ActorLink, BodySections, Markdown, RenderedBody
from sitegen.stages.parse import (
    ActorSource,
    ActorSpec,
    DatedSpec,
    ExplainerSource,
    PageSource,
    QuoteSpec,
    Text,
    text_direction,
)

RESERVED_SLUGS = frozenset(("actors", "topics", "page", "static"))


class ExplainerHead(Protocol):
    """What assembling reads of every explainer's record before it builds any: the site-wide
    tables (URLs, actors, `## Who's who` sections) need all of them first. A parse record is
    one; a build may hand in a compact stand-in (`sitegen.engine.compact.ExplainerOutline`)."""

    @property
    def path(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def slug_place(self) -> Place: ...
    @property
    def actors(self) -> tuple[ActorSpec, ...] | None: ...
    @property
    def body(self) -> Text: ...
    @property
    def may_list_actors(self) -> bool: ...
    def record(self) -> ExplainerSource:
        """The whole record, to build the explainer from."""
        ...


@dataclass(frozen=True, slots=True)
class Sources:
    """What the parse stage produced for the files that take part in this build."""

    explainers: tuple[ExplainerHead, ...]
    actors: tuple[ActorSource, ...]
    pages: tuple[PageSource, ...]

    @classmethod
    def of(cls, records: Iterable[ExplainerHead | ActorSource | PageSource | None]) -> Sources:
        """The parsed records sorted by kind, in file order (None: a file left out)."""
        explainers: list[ExplainerHead] = []
        actors: list[ActorSource] = []
        pages: list[PageSource] = []
        for record in records:
            if isinstance(record, ActorSource):
                actors.append(record)
            elif isinstance(record, PageSource):
                pages.append(record)
            elif record is not None:
                explainers.append(record)
        return cls(tuple(explainers), tuple(actors), tuple(pages))


class SiteResolver:
    """Answers the Markdown stage's questions about the rest of the site."""

    def __init__(
        self,
        base_url: BaseUrl,
        actor_names: dict[str, str],
        name_index: dict[str, str],
        content_links: dict[str, str],
    ) -> None:
        self.base_url = base_url
        self._actor_names = actor_names
        self._name_index = name_index
        self._content_links = content_links
        self._links: dict[str, ActorLink] = {}
        """One answer per actor, shared by every mention (the cache keeps each answer given)."""

    def actor(self, actor_id: str) -> ActorLink | None:
        found = self._links.get(actor_id)
        if found is None:
            name = self._actor_names.get(actor_id)
            if name is None:
                return None
            found = self._links[actor_id] = ActorLink(name, actor_link(self.base_url, actor_id))
        return found

    def actor_id_for_name(self, name: str) -> str | None:
        return self._name_index.get(name.casefold())

    def content_link(self, target: str) -> str | None:
        """The page of a content file; a path that misses is also tried from `content/`, so that
        `../actors/putin.md` works from any explainer, as FORMAT.md writes it."""
        found = self._content_links.get(target)
        if found is None and not target.startswith("content/"):
            found = self._content_links.get(f"content/{target}")
        return found

    def known_actor_ids(self) -> Iterable[str]:
        return self._actor_names.keys()


def actor_link(base_url: BaseUrl, actor_id: str) -> str:
    return base_url.link(f"actors/{actor_id}/")


@dataclass(frozen=True, slots=True)
class _Assembled:
    source: ExplainerSource
    url: str
    explainer: Explainer
    problems: tuple[Diagnostic, ...]
    mentions: tuple[str, ...]


@dataclass(slots=True)
class AssemblyMemo:
    """Explainers assembled by an earlier run, for a long-running process (the preview server).

    An explainer depends only on its source, its URL and the site-wide tables (settings, actor
    files, actor names, content links); while those are equal, the earlier result is reused and
    its Markdown is not rendered again. Any change to the tables forgets everything.

    It also keeps the last site it assembled, with the builder that made it, so that
    `replace_explainers` can swap edited explainers into that site without a full run.
    """

    context: tuple[object, ...] | None = None
    explainers: dict[str, _Assembled] = field(default_factory=dict)
    site: Site | None = None
    builder: _Builder | None = None
    sections: dict[str, tuple[Text, bool]] = field(default_factory=dict)
    """Per file: its body, and whether it may hold a `## Who's who` section."""

    def begin(self, context: tuple[object, ...]) -> None:
        if context != self.context:
            self.context = context
            self.explainers = {}

    def explainer(self, builder: _Builder, source: ExplainerSource, url: str) -> Explainer:
        done = self.explainers.get(source.path)
        if (
            done is not None
            and done.url == url
            and (done.source is source or done.source == source)
        ):
            builder.problems.extend(done.problems)
            builder.mentions[source.path] = done.mentions
            return done.explainer
        start = len(builder.problems)
        explainer = builder.explainer(source, url)
        self.explainers[source.path] = _Assembled(
            source, url, explainer, tuple(builder.problems[start:]), builder.mentions[source.path]
        )
        return explainer

    def may_list_actors(self, source: ExplainerHead) -> bool:
        """`source.may_list_actors`, asked again only for a changed body: every full rebuild asks
        it of every explainer, and each answer searches a whole body."""
        known = self.sections.get(source.path)
        if known is None or known[0] is not source.body:
            known = self.sections[source.path] = (source.body, source.may_list_actors)
        return known[1]

    def replace_explainers(
        self, site: Site, sources: Sequence[ExplainerSource]
    ) -> tuple[Site, Replaced] | None:
        """`site` with the explainers of `sources` built again and swapped in, or None when an
        edit reaches past its own explainer and only a full `assemble` gives the right site.

        An edit stays inside its explainer when it changes none of the site-wide tables (its
        URL, the actors it defines, a `## Who's who` section) and nothing the site sorts or
        groups explainers by (date, topics, the actors it lists, quotes or mentions), and adds
        no problem. Then every list keeps its order and members, and only the lists holding
        the explainer (its topics, its actors' entries) are made anew around the new object.
        """
        builder = self.builder
        if builder is None or site is not self.site:
            return None
        pairs: list[tuple[Explainer, Explainer]] = []
        actor_ids: set[str] = set()
        for source in sources:
            done = self.explainers.get(source.path)
            inputs = _table_inputs(source, self.may_list_actors)
            if done is None or _table_inputs(done.source, self.may_list_actors) != inputs:
                return None
            built = builder.isolated(partial(self.explainer, builder), source, done.url)
            if built.problems or done.problems:
                return None
            standing = _standing(built.explainer, built.mentions)
            if _standing(done.explainer, done.mentions) != standing:
                return None
            pairs.append((done.explainer, built.explainer))
            actor_ids.update(actor_id for ids in standing[3:] for actor_id in ids if actor_id)
        replaced = _replace_in_site(site, pairs, actor_ids)
        self.site = replaced[0]
        return replaced


@dataclass(frozen=True, slots=True)
class Replaced:
    """What `AssemblyMemo.replace_explainers` made anew: each (old, new) explainer, and the
    topics and actor entries that hold the new ones."""

    explainers: tuple[tuple[Explainer, Explainer], ...]
    topics: tuple[Topic, ...]
    entries: tuple[ActorEntry, ...]


def _table_inputs(
    source: ExplainerSource, may_list_actors: Callable[[ExplainerHead], bool]
) -> tuple[object, ...]:
    """What an explainer contributes to the site-wide tables `assemble` builds first."""
    defined = tuple(spec for spec in source.actors or () if not spec.by_reference and spec.name)
    return source.slug, defined, may_list_actors(source)


Standing = tuple[
    Timestamp,
    Timestamp,
    tuple[TopicRef, ...],
    tuple[str, ...],
    tuple[str | None, ...],
    tuple[str, ...],
]


def _standing(explainer: Explainer, mentions: tuple[str, ...]) -> Standing:
    """What the site's lists sort and group an explainer by (and the sitemap's date); it ends
    with the ids of the actors whose entries list it, as `_actor_entries` finds them."""
    speakers = tuple(quote.by.id if quote.by else None for quote in explainer.quotes)
    actors = tuple(actor.id for actor in explainer.actors)
    return explainer.date, explainer.modified, explainer.topics, actors, speakers, mentions


def _replace_in_site(
    site: Site, pairs: Sequence[tuple[Explainer, Explainer]], actor_ids: set[str]
) -> tuple[Site, Replaced]:
    """`site` with each old explainer of `pairs` replaced by its new one, wherever it is held."""
    swaps = {id(old): new for old, new in pairs}
    quotes = {
        id(old_quote): new_quote
        for old, new in pairs
        for old_quote, new_quote in zip(old.quotes, new.quotes, strict=True)
    }

    def swapped(explainers: tuple[Explainer, ...]) -> tuple[Explainer, ...]:
        return tuple(swaps.get(id(explainer), explainer) for explainer in explainers)

    def entry_of(entry: ActorEntry) -> ActorEntry:
        return replace(
            entry,
            explainers=swapped(entry.explainers),
            quotes=tuple(
                QuoteIn(quotes[id(item.quote)], swaps[id(item.explainer)])
                if id(item.explainer) in swaps
                else item
                for item in entry.quotes
            ),
        )

    slugs = {ref.slug for _old, new in pairs for ref in new.topics}
    topics = {
        t.slug: replace(t, explainers=swapped(t.explainers)) for t in site.topics if t.slug in slugs
    }
    entries = {
        entry.actor.id: entry_of(entry) for entry in site.actors if entry.actor.id in actor_ids
    }
    new_site = replace(
        site,
        explainers=swapped(site.explainers),
        topics=tuple(topics.get(topic.slug, topic) for topic in site.topics),
        actors=tuple(entries.get(entry.actor.id, entry) for entry in site.actors),
        actors_by_id={**site.actors_by_id, **entries},
    )
    return new_site, Replaced(tuple(pairs), tuple(topics.values()), tuple(entries.values()))


def assemble(
    config: SiteConfig,
    sources: Sources,
    renderer: Markdown,
    version: str,
    memo: AssemblyMemo | None = None,
    run_chunks: ChunkRunner | None = None,
    keep: Callable[[Explainer], Explainer] | None = None,
) -> tuple[Site, list[Diagnostic]]:
    """The site model from all sources, with every cross-reference checked.

    Explainers are independent of each other once the site-wide tables exist, so `run_chunks`
    may build them in worker processes (it returns each chunk's results, in order). `keep`,
    if given, is how the caller holds each explainer once it is built: it must return an equal
    explainer, and is applied where the explainer is built and again where it is gathered
    (`sitegen.engine.compact.Compactor.keep`).
    """
    hold = keep or _as_it_is
    problems: list[Diagnostic] = []
    base = config.base_url
    explainer_links, page_links = _claim_urls(sources, base, problems)
    file_actors = _file_actors(sources.actors, problems)
    content_links = {**explainer_links, **page_links}
    content_links.update(
        {source.path: actor_link(base, actor_id) for actor_id, source in file_actors.items()}
    )

    name_index = _name_index(source.spec for source in sources.actors)
    lifted_actors = _lift_body_actors(
        sources.explainers,
        renderer,
        SiteResolver(
            base, {k: v.spec.name or k for k, v in file_actors.items()}, name_index, content_links
        ),
        memo.may_list_actors if memo else attrgetter("may_list_actors"),
    )
    inline = _first_inline_definitions(sources.explainers, lifted_actors)
    actor_names = {
        actor_id: spec.name or actor_id
        for actor_id, spec in {**inline, **{k: v.spec for k, v in file_actors.items()}}.items()
    }
    name_index = _name_index([*inline.values(), *(source.spec for source in sources.actors)])
    resolver = SiteResolver(base, actor_names, name_index, content_links)
    builder = _Builder(config, renderer, resolver, file_actors, problems)
    make_explainer = builder.explainer
    if memo is not None:
        memo.begin((config, file_actors, actor_names, name_index, content_links))
        memo.builder = builder
        make_explainer = partial(memo.explainer, builder)

    for source in file_actors.values():  # once, here, rather than once per worker
        builder.file_actor(source)

    def build_chunk(chunk: Sequence[ExplainerHead]) -> list[_Built]:
        built = (
            builder.isolated(make_explainer, source.record(), explainer_links[source.path])
            for source in chunk
        )
        return [replace(item, explainer=hold(item.explainer)) for item in built]

    todo = [source for source in sources.explainers if source.path in explainer_links]
    built = [
        item
        for chunk in (run_chunks(build_chunk, todo) if run_chunks else [build_chunk(todo)])
        for item in chunk
    ]
    for item in built:
        problems.extend(item.problems)
        builder.mentions[item.explainer.source_path] = item.mentions
    explainers = sorted(
        (hold(item.explainer) for item in built),
        key=lambda e: (-e.date.value.timestamp(), e.slug),
    )
    site_actors = {
        actor_id: builder.site_actor(actor_id, spec)
        for actor_id, spec in sorted(inline.items())
        if actor_id not in file_actors
    }
    site_actors.update(
        {actor_id: builder.file_actor(source) for actor_id, source in sorted(file_actors.items())}
    )
    entries = _actor_entries(explainers, site_actors, builder, file_actors, inline)
    topics = _topics(explainers, base)
    pages = tuple(
        builder.page(source, page_links[source.path])
        for source in sources.pages
        if source.path in page_links
    )
    site = Site(
        config=config,
        explainers=tuple(explainers),
        actors=entries,
        topics=topics,
        pages=tuple(sorted(pages, key=lambda page: page.slug)),
        actors_by_id={entry.actor.id: entry for entry in entries},
        version=version,
    )
    if memo is not None:
        memo.site = site
    return site, problems


# -- URLs ------------------------------------------------------------------------------------------


def _as_it_is(explainer: Explainer) -> Explainer:
    return explainer


def _claim_urls(
    sources: Sources, base: BaseUrl, problems: list[Diagnostic]
) -> tuple[dict[str, str], dict[str, str]]:
    """Give each explainer and page its URL; two claims on one URL are an error naming both."""
    owners: dict[str, str] = {}
    explainers: dict[str, str] = {}
    pages: dict[str, str] = {}
    claims: list[tuple[str, str, Place, dict[str, str]]] = [
        (page.slug, page.path, page.slug_place, pages) for page in sources.pages
    ] + [(e.slug, e.path, e.slug_place, explainers) for e in sources.explainers]
    for slug, path, place, table in claims:
        if slug in RESERVED_SLUGS:
            problems.append(
                place.error(
                    f"slug `{slug}` is reserved for sitegen's own `/{slug}/` pages; choose another"
                )
            )
            continue
        folded = slug.casefold()
        if folded in owners:
            problems.append(
                place.error(
                    f"slug `{slug}` is already used by {owners[folded]}; both would write /{slug}/"
                )
            )
            continue
        owners[folded] = path
        table[path] = base.link(f"{slug}/")
    return explainers, pages


# -- actors ----------------------------------------------------------------------------------------


def _file_actors(
    actors: Sequence[ActorSource], problems: list[Diagnostic]
) -> dict[str, ActorSource]:
    """Actor files by id; two files with one id (`Putin.md` and `putin.md`) are an error naming
    both, instead of the later one silently replacing the other."""
    found: dict[str, ActorSource] = {}
    for source in actors:
        other = found.setdefault(source.spec.id, source)
        if other is not source:
            problems.append(
                Place(source.path).error(
                    f"actor id `{source.spec.id}` is already used by {other.path}"
                )
            )
    return found


def _name_index(specs: Iterable[ActorSpec]) -> dict[str, str]:
    """Lower-cased names and aliases -> actor id; the first actor to claim a name keeps it."""
    index: dict[str, str] = {}
    for spec in specs:
        for name in (spec.name or "", *spec.aliases):
            if name:
                index.setdefault(name.casefold(), spec.id)
    return index


def _lift_body_actors(
    explainers: Sequence[ExplainerHead],
    renderer: Markdown,
    resolver: SiteResolver,
    may_list_actors: Callable[[ExplainerHead], bool],
) -> dict[str, tuple[ActorSpec, ...]]:
    """Actors written as a `## Who's who` section, read before mentions can be checked.

    Mentions anywhere in the site may name these actors, so they must be known before any body
    is rendered for real. Only the few files that have such a section are read twice.
    """
    lifted: dict[str, tuple[ActorSpec, ...]] = {}
    for source in explainers:
        if not may_list_actors(source):
            continue
        body = renderer.render_body(
            source.body.text, path=source.path, first_line=source.body.place.line, resolver=resolver
        )
        if body.sections.actors is not None:
            lifted[source.path] = tuple(
                ActorSpec(
                    id=item.actor_id,
                    place=Place(source.path, item.line, 1),
                    name=item.name,
                    role=item.role or None,
                )
                for item in body.sections.actors
            )
    return lifted


def _first_inline_definitions(
    explainers: Sequence[ExplainerHead], lifted: dict[str, tuple[ActorSpec, ...]]
) -> dict[str, ActorSpec]:
    """Actors defined inline (not by reference), the first definition of each id by file order."""
    found: dict[str, ActorSpec] = {}
    for source in sorted(explainers, key=lambda s: s.path):
        for spec in (*(source.actors or ()), *lifted.get(source.path, ())):
            if not spec.by_reference and spec.name:
                found.setdefault(spec.id, spec)
    return found


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


# -- the builder -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Built:
    """One explainer with the problems and mentions found while building it."""

    explainer: Explainer
    problems: tuple[Diagnostic, ...]
    mentions: tuple[str, ...]


ChunkRunner = Callable[
    [Callable[[Sequence[ExplainerHead]], list[_Built]], Sequence[ExplainerHead]],
    list[list[_Built]],
]


class _Builder:
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
        self, make: Callable[[ExplainerSource, str], Explainer], source: ExplainerSource, url: str
    ) -> _Built:
        """Build one explainer, taking what it adds to the shared problems and mentions back
        out, so that the result is the same in whichever process it is built."""
        start = len(self.problems)
        explainer = make(source, url)
        found = tuple(self.problems[start:])
        del self.problems[start:]
        return _Built(explainer, found, self.mentions.pop(source.path, ()))

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


def _actor_entries(
    explainers: Sequence[Explainer],
    site_actors: dict[str, Actor],
    builder: _Builder,
    file_actors: dict[str, ActorSource],
    inline: dict[str, ActorSpec],
) -> tuple[ActorEntry, ...]:
    """Each actor's page: explainers that list, quote or mention them; quotes by them."""
    involved: dict[str, list[Explainer]] = defaultdict(list)
    quotes: dict[str, list[QuoteIn]] = defaultdict(list)
    for explainer in explainers:
        ids = [actor.id for actor in explainer.actors]
        for quote in explainer.quotes:
            if quote.by is not None:
                ids.append(quote.by.id)
                quotes[quote.by.id].append(QuoteIn(quote, explainer))
        ids.extend(builder.mentions.get(explainer.source_path, ()))
        for actor_id in dict.fromkeys(ids):
            involved[actor_id].append(explainer)
    entries = [
        ActorEntry(
            actor=actor,
            explainers=tuple(involved.get(actor_id, ())),
            quotes=tuple(quotes.get(actor_id, ())),
            source_path=file_actors[actor_id].path
            if actor_id in file_actors
            else inline[actor_id].place.path,
        )
        for actor_id, actor in site_actors.items()
    ]
    return tuple(sorted(entries, key=lambda entry: (_sort_key(entry.actor.name), entry.actor.id)))


def _topics(explainers: Sequence[Explainer], base: BaseUrl) -> tuple[Topic, ...]:
    """Topics with their explainers (already newest first); one name per slug, the first seen."""
    names: dict[str, str] = {}
    members: dict[str, list[Explainer]] = defaultdict(list)
    for explainer in sorted(explainers, key=lambda e: e.source_path):
        for ref in explainer.topics:
            names.setdefault(ref.slug, ref.name)
    for explainer in explainers:
        for ref in explainer.topics:
            members[ref.slug].append(explainer)
    topics = [
        Topic(names[slug], slug, base.link(f"topics/{slug}/"), tuple(members[slug]))
        for slug in names
    ]
    return tuple(sorted(topics, key=lambda topic: (_sort_key(topic.name), topic.slug)))


def _sort_key(name: str) -> str:
    """Alphabetical as a reader expects: "Énergie" sorts with the e's, not after "Z"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
