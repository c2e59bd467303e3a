"""The lists built once every explainer is: each actor's entry (the explainers that list, quote
or mention them, and their quotes) and each topic's explainers."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from sitegen.core.model import (
    Actor,
    ActorEntry,
    Explainer,
    QuoteIn,
    Topic,
)
from sitegen.core.urls import BaseUrl
from sitegen.stages.assemble.builder import Builder
from sitegen.stages.records import (
    ActorSource,
    ActorSpec,
)


def actor_entries(
    explainers: Sequence[Explainer],
    site_actors: dict[str, Actor],
    builder: Builder,
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


def group_topics(explainers: Sequence[Explainer], base: BaseUrl) -> tuple[Topic, ...]:
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
