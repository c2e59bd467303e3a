"""The site-wide tables assembling needs before it builds any explainer: the URL of every
content file, the actors (from actor files, inline definitions and `## Who's who` sections) and
their names."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.core.urls import BaseUrl
from sitegen.stages.assemble.sources import ExplainerHead, Sources
from sitegen.stages.markdown import ActorLink, Markdown
from sitegen.stages.records import (
    ActorSource,
    ActorSpec,
)

RESERVED_SLUGS = frozenset(("actors", "topics", "page", "static"))


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


def claim_urls(
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


def index_file_actors(
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


def index_names(specs: Iterable[ActorSpec]) -> dict[str, str]:
    """Lower-cased names and aliases -> actor id; the first actor to claim a name keeps it."""
    index: dict[str, str] = {}
    for spec in specs:
        for name in (spec.name or "", *spec.aliases):
            if name:
                index.setdefault(name.casefold(), spec.id)
    return index


def lift_body_actors(
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


def first_inline_definitions(
    explainers: Sequence[ExplainerHead], lifted: dict[str, tuple[ActorSpec, ...]]
) -> dict[str, ActorSpec]:
    """Actors defined inline (not by reference), the first definition of each id by file order."""
    found: dict[str, ActorSpec] = {}
    for source in sorted(explainers, key=lambda s: s.path):
        for spec in (*(source.actors or ()), *lifted.get(source.path, ())):
            if not spec.by_reference and spec.name:
                found.setdefault(spec.id, spec)
    return found
