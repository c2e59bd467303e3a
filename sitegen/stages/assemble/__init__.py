"""Stage 3: link the validated sources into the site model.

This stage knows the whole site: which slugs and actor ids exist, so it resolves mentions, links
between content files, quote speakers and actor overrides, renders every piece of Markdown once,
and builds the frozen `Site` that templates read. It does no I/O.

`assemble` first builds the site-wide tables (`tables`: URLs, actors, names), then each
explainer (`builder`, independently of the others, so in any process), then the lists that
group them (actor entries, topics).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from operator import attrgetter
from typing import Protocol

from sitegen.core.diagnostics import Diagnostic
from sitegen.core.model import (
    Explainer,
    Site,
    SiteConfig,
)
from sitegen.stages.assemble.builder import Builder, Built, ChunkRunner
from sitegen.stages.assemble.lists import actor_entries, group_topics
from sitegen.stages.assemble.sources import ExplainerHead, Sources
from sitegen.stages.assemble.tables import (
    SiteResolver,
    actor_link,
    claim_urls,
    first_inline_definitions,
    index_file_actors,
    index_names,
    lift_body_actors,
)
from sitegen.stages.markdown import Markdown

__all__ = ["ExplainerHead", "Memo", "Sources", "assemble"]


class Memo(Protocol):
    """Explainers kept from an earlier run, for a process that assembles the same site again and
    again (the preview's `sitegen.preview.assembly.AssemblyMemo`)."""

    builder: Builder | None
    site: Site | None

    def begin(self, context: tuple[object, ...]) -> None:
        """Start a run whose site-wide tables are `context`."""

    def explainer(self, builder: Builder, source: ExplainerHead, url: str) -> Explainer:
        """The explainer of `source` at `url`: kept, or built by `builder` from the whole
        record (which a kept one need not unpack)."""
        ...

    def may_list_actors(self, source: ExplainerHead) -> bool:
        """`source.may_list_actors`, kept."""
        ...


def assemble(
    config: SiteConfig,
    sources: Sources,
    renderer: Markdown,
    version: str,
    memo: Memo | None = None,
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
    explainer_links, page_links = claim_urls(sources, base, problems)
    file_actors = index_file_actors(sources.actors, problems)
    content_links = {**explainer_links, **page_links}
    content_links.update(
        {source.path: actor_link(base, actor_id) for actor_id, source in file_actors.items()}
    )

    name_index = index_names(source.spec for source in sources.actors)
    lifted_actors = lift_body_actors(
        sources.explainers,
        renderer,
        SiteResolver(
            base, {k: v.spec.name or k for k, v in file_actors.items()}, name_index, content_links
        ),
        memo.may_list_actors if memo else attrgetter("may_list_actors"),
    )
    inline = first_inline_definitions(sources.explainers, lifted_actors)
    actor_names = {
        actor_id: spec.name or actor_id
        for actor_id, spec in {**inline, **{k: v.spec for k, v in file_actors.items()}}.items()
    }
    name_index = index_names([*inline.values(), *(source.spec for source in sources.actors)])
    resolver = SiteResolver(base, actor_names, name_index, content_links)
    builder = Builder(config, renderer, resolver, file_actors, problems)

    def make_explainer(source: ExplainerHead, url: str) -> Explainer:
        return builder.explainer(source.record(), url)

    if memo is not None:
        memo.begin((config, file_actors, actor_names, name_index, content_links))
        memo.builder = builder
        make_explainer = partial(memo.explainer, builder)

    for source in file_actors.values():  # once, here, rather than once per worker
        builder.file_actor(source)

    def build_chunk(chunk: Sequence[ExplainerHead]) -> list[Built]:
        built = (
            builder.isolated(make_explainer, source, explainer_links[source.path])
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
    entries = actor_entries(explainers, site_actors, builder, file_actors, inline)
    topics = group_topics(explainers, base)
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


def _as_it_is(explainer: Explainer) -> Explainer:
    return explainer
