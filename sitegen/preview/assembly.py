"""Explainers assembled by an earlier run, reused by a long-running process (the preview).

An explainer depends only on its source, its URL and the site-wide tables; while those are
equal, the earlier result is reused and its Markdown is not rendered again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from sitegen.core.diagnostics import Diagnostic
from sitegen.core.model import (
    ActorEntry,
    Explainer,
    QuoteIn,
    Site,
    Timestamp,
    Topic,
    TopicRef,
)
from sitegen.stages.assemble.builder import Builder
from sitegen.stages.assemble.sources import ExplainerHead
from sitegen.stages.records import (
    ExplainerSource,
    Text,
)


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
    builder: Builder | None = None
    sections: dict[str, tuple[Text, bool]] = field(default_factory=dict)
    """Per file: its body, and whether it may hold a `## Who's who` section."""

    def begin(self, context: tuple[object, ...]) -> None:
        if context != self.context:
            self.context = context
            self.explainers = {}

    def explainer(self, builder: Builder, head: ExplainerHead, url: str) -> Explainer:
        source = head.record()
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
    with the ids of the actors whose entries list it, as `actor_entries` finds them."""
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
