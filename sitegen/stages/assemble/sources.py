"""What the assemble stage takes in: the parse records of the files that take part in a build."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sitegen.core.diagnostics import Place
from sitegen.stages.records import (
    ActorSource,
    ActorSpec,
    ExplainerSource,
    PageSource,
    Text,
)


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
