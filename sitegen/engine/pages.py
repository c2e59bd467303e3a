"""Which pages an edit reaches: each page's record of what it was made from, kept in the store.

A page's bytes are decided by its template (and every template it includes), its job (path,
title, description, language), its variables (the explainer, the list of a home or topic page,
the actor entry) and what it read of the `site` object. Templates, settings and sitegen's
version are part of the store's generation, so a change to any of them starts from an empty
store; the rest is recorded per page when it is rendered:

- `inputs`: a fingerprint of the job and its variables, taken by value;
- `reads` and `values`: the path of every read it made of the site (`sitegen.engine.reads`),
  and one fingerprint of the values they gave;
- `output`: the size, time and inode of the file written.

On the next build a page whose inputs are equal, whose reads all give the same values of the
new site, and whose previous output file is still the one written, is not rendered: the
previous file is linked into the new output (`Staging.keep`). Any doubt renders it again.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

from sitegen.core.model import Explainer, Site
from sitegen.core.outputs import Output, PageJob
from sitegen.engine.compact import PackedExplainer
from sitegen.engine.pickling import ByValuePickler, Reducer
from sitegen.engine.reads import Reads, Traced, read_again, untraced
from sitegen.stages import metadata
from sitegen.stages.render import Renderer
from sitegen.stages.write import FileKey, Staging


@dataclass(frozen=True, slots=True)
class Print:
    """A model object in a fingerprinted value, by its own fingerprint."""

    digest: bytes


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What one page was made from, and the file it was written to."""

    inputs: bytes
    """The fingerprint of its job and variables."""
    reads: tuple[tuple[Any, ...], ...]
    """The path of every read it made of the site, in order."""
    values: bytes
    """The fingerprint of the values those reads gave."""
    output: FileKey


class Fingerprints:
    """Fingerprints of values, by what they hold rather than how they are shared.

    Pickled with the memo off, so that two equal values give equal bytes whichever objects
    they share (a build shares equal values across explainers in whatever order its workers
    hand them in), each dataclass by its field values (`pickling.ByValuePickler`). An explainer,
    which many pages hold, stands for itself by its own fingerprint: a packed one by the one it
    was packed with, a plain one by one made once.
    """

    def __init__(self) -> None:
        self._known: dict[int, tuple[object, bytes]] = {}

    def of(self, value: object) -> bytes:
        buffer = io.BytesIO()
        ByValuePickler(buffer, fast=True, extra=self._reducers(value)).dump(value)
        return hashlib.blake2b(buffer.getvalue(), digest_size=16).digest()

    def _reducers(self, root: object) -> dict[type, Reducer]:
        """Explainers by their fingerprint (except `root` itself, being fingerprinted)."""
        plain: Reducer = _by_fields if isinstance(root, Explainer) else self._shared
        return {PackedExplainer: _packed, Explainer: plain}

    def _shared(self, obj: object) -> tuple[Any, ...]:
        known = self._known.get(id(obj))
        if known is None or known[0] is not obj:
            known = self._known[id(obj)] = (obj, self.of(obj))
        return Print, (known[1],)


def _packed(obj: PackedExplainer) -> tuple[Any, ...]:
    return Print, (obj.fingerprint(),)


def _by_fields(obj: Explainer) -> tuple[Any, ...]:
    return Explainer, tuple(getattr(obj, item.name) for item in fields(Explainer))


class PageRecorder:
    """Renders a build's pages into `staging`, each only when its record says it may have
    changed, and hands every page's record to `note` (the store's, from any process).

    `previous` is the last successful build's records (empty after a change of generation).
    `prepare` is the engine's last word on a page's variables before it renders
    (`sitegen.engine.compact.Compactor.prepare`).
    """

    def __init__(
        self,
        site: Site,
        previous: dict[str, PageRecord],
        staging: Staging,
        note: Callable[[str, PageRecord], None],
        prepare: Callable[[PageJob], PageJob],
    ) -> None:
        self.site = site
        self.previous = previous
        self.staging = staging
        self.note = note
        self.prepare = prepare
        self.prints = Fingerprints()
        self._untraced: set[int] = set()
        self._paths: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        """One object for each path of reads, which most pages repeat."""

    def render(self, renderer: Renderer, job: PageJob) -> Output | None:
        """Write the page, or keep its previous output; None either way (and when its template
        failed, which the renderer notes)."""
        inputs = self.prints.of(_job_inputs(job))
        known = self.previous.get(job.path)
        if (
            known is not None
            and known.inputs == inputs
            and self._reads_hold(known)
            and self.staging.keep(job.path, known.output)
        ):
            self.note(job.path, known)
            return None
        self._untrace_helpers(renderer)
        reads: Reads = {}
        site = Traced(self.site, ("site",), reads)
        page = self.prepare(job)
        output = renderer.page(replace(page, variables={**page.variables, "site": site}))
        if output is not None and output.data is not None:
            written = self.staging.put(job.path, output.data)
            paths = tuple(self._paths.setdefault(path, path) for path in reads)
            values = self.prints.of(tuple(reads.values()))
            self.note(job.path, PageRecord(inputs, paths, values, written))
        return None

    def _reads_hold(self, record: PageRecord) -> bool:
        """Whether every read of the record gives the same value of this build's site."""
        roots = {"site": self.site}
        try:
            values = tuple(read_again(roots, path) for path in record.reads)
        except Exception:  # a path that no longer leads anywhere (a shorter list)
            return False
        return self.prints.of(values) == record.values

    def _untrace_helpers(self, renderer: Renderer) -> None:
        """The metadata helpers get real values (`untraced`): they read only the site's
        settings, which are part of the store's generation. Once per environment."""
        env = renderer.env
        if id(env) not in self._untraced:
            self._untraced.add(id(env))
            env.globals.update(
                {name: untraced(getattr(metadata, name)) for name in metadata.__all__}
            )


def _job_inputs(job: PageJob) -> tuple[object, ...]:
    return (
        job.path,
        job.template,
        job.link,
        job.title,
        job.description,
        job.lang,
        job.dir,
        job.variables,
    )
