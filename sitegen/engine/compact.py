"""How a build holds parse records and explainers compactly: engine machinery, not the model.

A big site's records are held from parsing until the site is assembled, and its explainers
from assembly until the last page is written, because any page may list any explainer. Forked
workers then copy every memory page of them they touch. The stages and the model know nothing
of this: they make and read plain frozen dataclasses, and the build hands them these stand-ins
through seams: `ExplainerHead` (what assembling reads of every record before it builds one),
the `keep` hook of `assemble`, and the `render_page` hook of `render_into`, through which the
engine renders each page:

- `ExplainerOutline`: a parse record as the build holds it between the two stages, with the
  body and everything but the site-wide facts packed (`pack_pickle`);
- `PackedExplainer`: an explainer with what only its own page shows packed, and the values
  many explainers repeat shared (`Compactor.keep`); its own page gets the plain `Explainer`
  (`Compactor.prepare`), so that page unpacks it once.

LZ4, not zlib: a build packs every record and explainer once and unpacks most of them once or
twice, and zlib cost several times more (docs/performance.md).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, fields, replace
from typing import Any

import lz4.block

from sitegen.core.diagnostics import Place
from sitegen.core.model import Explainer
from sitegen.core.outputs import PageJob
from sitegen.engine import pickling
from sitegen.stages.records import ActorSpec, ExplainerSource, Text, may_list_actors


def pack(data: bytes) -> bytes:
    """`data` compressed for keeping in memory, or in the store, until it is read again."""
    return bytes(lz4.block.compress(data))


def unpack(packed: bytes) -> bytes:
    """The bytes `pack` compressed."""
    return bytes(lz4.block.decompress(packed))


def pack_pickle(value: object) -> bytes:
    """`value` as a packed pickle (`unpack_pickle` reads it, and `pack_value`'s)."""
    return pack(pickling.dumps(value))


def pack_value(value: object) -> bytes:
    """`value` as a packed pickle that depends only on what it holds: with the pickler's memo off,
    equal values give equal bytes whichever objects they share, so the page records of
    `sitegen.engine.pages` can fingerprint a packed explainer as it is. For values without
    cycles, such as the model's."""
    return pack(pickling.dumps(value, fast=True))


def unpack_pickle(packed: bytes) -> Any:
    """The value `pack_pickle` packed."""
    return pickle.loads(unpack(packed))


# -- parse records ---------------------------------------------------------------------------------

_RECORD_FIELDS = tuple(item.name for item in fields(ExplainerSource))
_HEAD_FIELDS = frozenset(("path", "slug", "slug_place", "actors", "body"))


@dataclass(frozen=True, slots=True)
class ExplainerOutline:
    """An explainer's parse record as a build holds it between parsing and assembling: what
    the site-wide checks read in the clear (`sitegen.stages.assemble.ExplainerHead`), the body
    and the rest packed. A worker that builds part of the site unpacks only its own records."""

    path: str
    slug: str
    slug_place: Place
    actors: tuple[ActorSpec, ...] | None
    may_list_actors: bool
    """Asked in the parse worker: the process that gathers every record would otherwise read
    every body alone."""
    body_place: Place
    packed_body: bytes
    packed_rest: bytes

    @classmethod
    def of(cls, source: ExplainerSource) -> ExplainerOutline:
        rest = tuple(getattr(source, name) for name in _RECORD_FIELDS if name not in _HEAD_FIELDS)
        return cls(
            source.path,
            source.slug,
            source.slug_place,
            source.actors,
            may_list_actors(source.body.text),
            source.body.place,
            pack(source.body.text.encode("utf-8", "surrogatepass")),
            pack_pickle(rest),
        )

    @property
    def body(self) -> Text:
        return Text(unpack(self.packed_body).decode("utf-8", "surrogatepass"), self.body_place)

    def record(self) -> ExplainerSource:
        rest = iter(unpack_pickle(self.packed_rest))
        head = {name: getattr(self, name) for name in _HEAD_FIELDS}
        return ExplainerSource(
            **{name: head[name] if name in head else next(rest) for name in _RECORD_FIELDS}
        )


# -- explainers ------------------------------------------------------------------------------------

PAGE_ONLY = (
    "body_html",
    "timeline",
    "sources",
    "related",
    "questions",
    "updates",
    "corrections",
    "toc",
)
"""Fields no built-in list, feed or sitemap reads: packing them takes about a sixth off a large
build's peak memory. A custom template may still read them anywhere; each read of another
explainer's field unpacks that explainer's fields again."""

_KEPT = tuple(item.name for item in fields(Explainer) if item.name not in PAGE_ONLY)
_SHARED_FIELDS = ("lang", "dir", "source", "authors", "topics", "actors")


class PackedExplainer(Explainer):
    """An `Explainer` whose `PAGE_ONLY` fields are one packed pickle, unpacked on each read.

    Equality, hashing, pickling and every field read give what the plain explainer gives;
    pickles carry the packed bytes, so an explainer travels from a worker still packed. It also
    carries its fingerprint, taken by value where it is packed, for the page records
    (`sitegen.engine.pages`): lists hold every explainer, and taking it apart again for each
    of them would cost more than packing it.
    """

    __slots__ = ("_page_only", "_print")
    _page_only: bytes
    _print: bytes

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Made from the fields of an `Explainer` (so that `dataclasses.replace` works)."""
        self._take(Explainer(*args, **kwargs))

    @classmethod
    def of(cls, explainer: Explainer) -> PackedExplainer:
        packed = object.__new__(cls)
        packed._take(explainer)
        return packed

    def _take(self, explainer: Explainer) -> None:
        for name in _KEPT:
            object.__setattr__(self, name, getattr(explainer, name))
        page_only = pack_value(tuple(getattr(explainer, name) for name in PAGE_ONLY))
        kept = pickling.dumps(tuple(getattr(explainer, name) for name in _KEPT), fast=True)
        fingerprint = hashlib.blake2b(kept, digest_size=16)
        fingerprint.update(page_only)  # packed by value: equal fields, equal bytes
        object.__setattr__(self, "_page_only", page_only)
        object.__setattr__(self, "_print", fingerprint.digest())

    def fingerprint(self) -> bytes:
        """A digest of every field's value: equal explainers have equal fingerprints."""
        return self._print

    def opened(self) -> Explainer:
        """The plain explainer, every field unpacked."""
        values = dict(zip(PAGE_ONLY, unpack_pickle(self._page_only), strict=True))
        return Explainer(**{name: getattr(self, name) for name in _KEPT}, **values)

    def __getstate__(self) -> tuple[Any, ...]:
        return (*(getattr(self, name) for name in _KEPT), self._page_only, self._print)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip((*_KEPT, "_page_only", "_print"), state, strict=True):
            object.__setattr__(self, name, value)


def _page_only_field(index: int) -> property:
    def read(self: PackedExplainer) -> Any:
        return unpack_pickle(self._page_only)[index]

    return property(read)


for _index, _name in enumerate(PAGE_ONLY):
    setattr(PackedExplainer, _name, _page_only_field(_index))


class Compactor:
    """One build's compaction: explainers packed as they are built, values that many of them
    repeat (topic references, actors, language, authors) held once, and each explainer's own
    page given the plain explainer.

    Explainers arrive in the build's process each in a pickle of its own, from the worker that
    built it, so without `keep` every one would bring its own copy of each repeated value.
    """

    def __init__(self) -> None:
        self._shared: dict[Any, Any] = {}
        self._kept: dict[int, PackedExplainer] = {}
        """Explainers already kept by the build's own process, by identity: `assemble` hands
        each over twice (where it is built and where it is gathered), and when both are here
        that is the same object. Workers note none: they hand theirs on and let go of them."""
        self._process = os.getpid()

    def keep(self, explainer: Explainer) -> Explainer:
        """The explainer packed (if it is not yet), its repeated values replaced by the build's
        one copy of each."""
        if self._kept.get(id(explainer)) is explainer:
            return explainer
        packed = (
            explainer if isinstance(explainer, PackedExplainer) else PackedExplainer.of(explainer)
        )
        for name in _SHARED_FIELDS:
            object.__setattr__(packed, name, self._one_copy(getattr(packed, name)))
        if os.getpid() == self._process:
            self._kept[id(packed)] = packed
        return packed

    def prepare(self, job: PageJob) -> PageJob:
        """An explainer's page gets the plain explainer, so that the template's many reads of
        its fields unpack them once."""
        explainer = job.variables.get("explainer")
        if not isinstance(explainer, PackedExplainer):
            return job
        return replace(job, variables={**job.variables, "explainer": explainer.opened()})

    def _one_copy(self, value: Any) -> Any:
        """The build's shared object equal to `value` (a string, or a frozen value or tuple)."""
        if type(value) is str:
            return sys.intern(value)
        if type(value) is tuple:
            value = tuple(self._one_copy(item) for item in value)
        try:
            return self._shared.setdefault(value, value)
        except TypeError:  # unhashable: kept as it is
            return value
