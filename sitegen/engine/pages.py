"""Which pages an edit reaches: each page's record of what it was made from, kept in the store.

A page's bytes are decided by its template (and every template it includes), its job (path,
title, description, language), its variables (the explainer, the list of a home or topic page,
the actor entry) and what it read of the `site` object. Templates, settings and sitegen's
version are part of the store's generation, so a change to any of them starts from an empty
store; the rest is recorded per page when it is rendered:

- `inputs`: a fingerprint of the job and its variables, taken by value;
- `reads`: the path of every read it made of the site (`sitegen.engine.reads`);
- `output`: the size, time and inode of the file written.

What each read gave is kept once for the whole site, not once per page (`ReadValues`): pages
share most of their reads (the settings, the navigation), and every page of a successful build
was made from the site of that build, so one fingerprint per path describes them all. On the
next build a page whose inputs are equal, whose reads all give the same values of the new site,
and whose previous output file is still the one written, is not rendered: the previous file is
linked into the new output (`Staging.keep`). Any doubt renders it again.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from sitegen.core.model import ActorEntry, Explainer, Pager, QuoteIn, Site, Topic
from sitegen.core.outputs import Output, PageJob
from sitegen.engine.compact import PackedExplainer
from sitegen.engine.fingerprints import digest
from sitegen.engine.pickling import ByValuePickler, Reducer
from sitegen.engine.reads import Reads, Traced, read_again, untraced_helpers
from sitegen.stages.render import Renderer, metadata_helpers
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
    output: FileKey


ReadValues = dict[tuple[Any, ...], bytes]
"""Path of a read of the site -> the fingerprint of the value it gave, for every read of every
page of one build."""


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
        """Explainers by their fingerprint (except `root` itself, being fingerprinted), and the
        lists that hold many of them by one fingerprint of theirs."""
        plain: Reducer = _by_fields if isinstance(root, Explainer) else self._shared
        return {PackedExplainer: _packed, Explainer: plain, **_LISTS}

    def _shared(self, obj: object) -> tuple[Any, ...]:
        known = self._known.get(id(obj))
        if known is None or known[0] is not obj:
            known = self._known[id(obj)] = (obj, self.of(obj))
        return Print, (known[1],)


def _packed(obj: PackedExplainer) -> tuple[Any, ...]:
    return Print, (obj.fingerprint(),)


def _folded(obj: object) -> tuple[Any, ...]:
    """A list page's value (a pager, topic or actor entry) with each tuple of packed explainers,
    and the explainers of a tuple of quotes, as one fingerprint of theirs: an actor page lists
    hundreds of explainers, and one call per explainer cost more than the rest of the page."""
    return type(obj), tuple(_fold(getattr(obj, item.name)) for item in fields(obj))  # type: ignore[arg-type]


def _fold(value: object) -> object:
    if type(value) is not tuple or not value:
        return value
    if all(type(item) is PackedExplainer for item in value):
        return Print(_joined(item._print for item in value))
    if all(type(item) is QuoteIn and type(item.explainer) is PackedExplainer for item in value):
        quotes = tuple(item.quote for item in value)
        return quotes, Print(_joined(item.explainer._print for item in value))
    return value


def _joined(prints: Iterable[bytes]) -> bytes:
    return hashlib.blake2b(b"".join(prints), digest_size=16).digest()


_LISTS: dict[type, Reducer] = {Pager: _folded, Topic: _folded, ActorEntry: _folded}


def _by_fields(obj: Explainer) -> tuple[Any, ...]:
    return Explainer, tuple(getattr(obj, item.name) for item in fields(Explainer))


class PageRecorder:
    """Renders a build's pages into `staging`, each only when its record says it may have
    changed, and hands every page's record to `note` (the store's, from any process).

    `previous` is the last successful build's records (empty after a change of generation)
    and `read_before` what their reads gave then; `note_reads` is told what the reads of the
    pages of this build give. `prepare` is the engine's last word on a page's variables before
    it renders (`sitegen.engine.compact.Compactor.prepare`).
    """

    def __init__(
        self,
        site: Site,
        previous: tuple[dict[str, PageRecord], ReadValues],
        staging: Staging,
        note: Callable[[str, PageRecord], None],
        note_reads: Callable[[ReadValues], None],
        prepare: Callable[[PageJob], PageJob],
    ) -> None:
        self.site = site
        self.previous, self.read_before = previous
        self.staging = staging
        self.note = note
        self.note_reads = note_reads
        self.prepare = prepare
        self.prints = Fingerprints()
        self._untraced: set[int] = set()
        self._read_now: dict[tuple[Any, ...], bytes | None] = {}
        """What each path read so far gives of this build's site (None: it leads nowhere)."""
        self._paths: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        """One object for each path of reads, which most pages repeat."""
        self._held: set[str] = set()
        """Pages whose previous output `keep_unchanged` kept."""
        self._checked = False
        """Whether `keep_unchanged` has checked every page's record."""

    def keep_unchanged(self, jobs: Sequence[PageJob]) -> list[str]:
        """Keep the previous output of every page of `jobs` whose record holds, before any
        page is rendered (in any process): how many pages are left to render then decides how
        many processes rendering them pays for (after a small edit, none). Returns the pages
        kept, for `held` in the process that renders."""
        return [job.path for job in jobs if self._keep(job, self._inputs_of(job))]

    def held(self, paths: Iterable[str]) -> None:
        """Pages kept by `keep_unchanged`, here or in a worker: `render` skips them, and
        renders every other page without checking its record again."""
        self._held.update(paths)
        self._checked = True

    def render(self, renderer: Renderer, job: PageJob) -> Output | None:
        """Write the page, or keep its previous output; None either way (and when its template
        failed, which the renderer notes)."""
        if job.path in self._held:
            return None
        inputs = self._inputs_of(job)
        if not self._checked and self._keep(job, inputs):
            return None
        self._untrace_helpers(renderer)
        reads: Reads = {}
        site = Traced(self.site, ("site",), reads)
        page = self.prepare(job)
        output = renderer.page(replace(page, variables={**page.variables, "site": site}))
        if output is not None and output.data is not None:
            written = self.staging.put(job.path, output.data)
            paths = tuple(self._paths.setdefault(path, path) for path in reads)
            fresh = {
                path: self.prints.of(value)
                for path, value in reads.items()
                if self._read_now.get(path) is None
            }
            self._read_now.update(fresh)
            self.note_reads(fresh)
            self.note(job.path, PageRecord(inputs, paths, written))
        return None

    def _inputs_of(self, job: PageJob) -> bytes:
        """The fingerprint of the job and its variables. An explainer's page, nearly every page
        of a site, holds its explainer alone, which stands for itself by its fingerprint: the
        job's text and that fingerprint are hashed as they are, without a pickler."""
        explainer = job.variables.get("explainer")
        if len(job.variables) == 1 and type(explainer) is PackedExplainer:
            fields = (job.path, job.template, job.link, job.title, job.description, job.lang)
            return digest(*fields, job.dir, explainer.fingerprint())
        return self.prints.of(_job_inputs(job))

    def _keep(self, job: PageJob, inputs: bytes) -> bool:
        """Keep the page's previous output if its record shows that nothing it was made from
        changed (and the file is still the one written); whether it did."""
        known = self.previous.get(job.path)
        if (
            known is not None
            and known.inputs == inputs
            and self._reads_hold(known)
            and self.staging.keep(job.path, known.output)
        ):
            self.note(job.path, known)
            return True
        return False

    def _reads_hold(self, record: PageRecord) -> bool:
        """Whether every read of the record gives the value it gave in the last build; each
        path is read once per process, however many pages made it."""
        before = self.read_before
        for path in record.reads:
            now = self._read_now.get(path, _UNREAD)
            if now is _UNREAD:
                now = self._read_again(path)
            if now is None or now != before.get(path):
                return False
        return True

    def _read_again(self, path: tuple[Any, ...]) -> bytes | None:
        try:
            value = read_again({"site": self.site}, path)
        except Exception:  # a path that no longer leads anywhere (a shorter list)
            self._read_now[path] = None
            return None
        now = self._read_now[path] = self.prints.of(value)
        self.note_reads({path: now})
        return now

    def _untrace_helpers(self, renderer: Renderer) -> None:
        """The metadata helpers get real values (`untraced`): they read only the site's
        settings, which are part of the store's generation. Once per environment."""
        env = renderer.env
        if id(env) not in self._untraced:
            self._untraced.add(id(env))
            env.globals.update(untraced_helpers(metadata_helpers()))


_UNREAD: Any = object()


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
