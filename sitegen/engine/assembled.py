"""Explainers the store assembled in an earlier build, reused while nothing they depend on has
changed.

An explainer depends on its parse record, its URL and the site-wide tables assembling builds
first (the settings, the actor files, every actor's name and alias, the URL of every content
file). This is the `Memo` that `assemble` accepts (`sitegen.stages.assemble.Memo`): it keys
each explainer by its file's content key, its URL and a fingerprint of those tables, and keeps
it in the store with the problems and mentions found while building it. A build after an edit
inside one explainer then builds that one alone; an edit to a site-wide table (a new file, an
actor's name) builds every explainer again, from the store's rendered Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

from sitegen.core.model import Explainer, Site
from sitegen.engine import pickling
from sitegen.engine.fingerprints import digest
from sitegen.engine.store import BuildCache
from sitegen.stages.assemble import ExplainerHead
from sitegen.stages.assemble.builder import Builder


class StoredAssembly:
    """The store's assembled explainers, as `assemble`'s memo.

    `records` maps each content file to its content key (the store's `stats`); `keep` is how
    the build holds an explainer (`Compactor.keep`), applied before it is kept in the store.
    """

    def __init__(
        self,
        store: BuildCache,
        records: dict[str, bytes],
        keep: Callable[[Explainer], Explainer],
    ) -> None:
        self.store = store
        self.records = records
        self.keep = keep
        self.builder: Builder | None = None
        self.site: Site | None = None
        self._tables = b""

    def begin(self, context: tuple[object, ...]) -> None:
        self._tables = digest(pickling.dumps(context, fast=True))

    def explainer(self, builder: Builder, source: ExplainerHead, url: str) -> Explainer:
        record = self.records.get(source.path)
        if record is None:
            return builder.explainer(source.record(), url)
        key = digest(record, url, self._tables)
        found = self.store.get_assembled(key)
        if found is not None:
            explainer, problems, mentions = found
            builder.problems.extend(problems)
            builder.mentions[source.path] = mentions
            return explainer  # type: ignore[no-any-return]
        start = len(builder.problems)
        explainer = self.keep(builder.explainer(source.record(), url))
        found = (explainer, tuple(builder.problems[start:]), builder.mentions.get(source.path, ()))
        self.store.put_assembled(key, found)
        return explainer

    def may_list_actors(self, source: ExplainerHead) -> bool:
        return source.may_list_actors
