"""How the site model holds its explainers compactly while pages are rendered.

Every explainer is held from assembly to the last page, because any page may list any
explainer; forked render workers then copy each memory page they touch. Two things keep that
small, with no change to what templates, equality or pickling see:

- what only an explainer's own page shows (its body, timeline, contents, sources, ...) is kept
  as one compressed pickle, unpacked when a template first asks for it;
- values that many explainers repeat (topic references, actors, language, authors) are one
  shared object per build instead of one copy per explainer, as each comes in from a worker.
"""

from __future__ import annotations

import sys
from dataclasses import fields
from typing import Any

from sitegen.core.model import Explainer
from sitegen.stages.parse import compress_pickle, decompress_pickle

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
"""Fields no built-in list, feed or sitemap reads: measured at 10,000 explainers, packing them
took the build's peak memory from 261 to about 225 MB. A custom template may still read them
anywhere; each read of another explainer's field unpacks that explainer's fields again."""

_KEPT = tuple(item.name for item in fields(Explainer) if item.name not in PAGE_ONLY)
_SHARED_FIELDS = ("lang", "dir", "source", "authors", "topics", "actors")

_shared: dict[Any, Any] = {}
_last_unpacked: tuple[bytes, tuple[Any, ...]] = (b"", ())


def start_sharing() -> None:
    """Forget the shared values of an earlier build, so that a long preview session does not
    hold every variant it has seen."""
    _shared.clear()


def _one_copy(value: Any) -> Any:
    """The build's shared object equal to `value` (a string, or a frozen value or tuple)."""
    if type(value) is str:
        return sys.intern(value)
    if type(value) is tuple:
        value = tuple(_one_copy(item) for item in value)
    try:
        return _shared.setdefault(value, value)
    except TypeError:  # unhashable: kept as it is
        return value


class PackedExplainer(Explainer):
    """An `Explainer` that keeps its `PAGE_ONLY` fields packed and its repeated values shared.

    The dataclass `__init__` sets the page-only fields through the properties below, which
    collect them; `__init__` then packs them. Reading one unpacks all of them, and the last
    explainer read stays unpacked, so rendering its page unpacks once.
    """

    __slots__ = ("_page_only",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "_page_only", compress_pickle(tuple(self._page_only)))
        self._share_repeated()

    def _unpacked(self) -> tuple[Any, ...]:
        global _last_unpacked
        packed = self._page_only
        last = _last_unpacked
        if last[0] is not packed:
            last = _last_unpacked = (packed, decompress_pickle(packed))
        return last[1]

    def _share_repeated(self) -> None:
        for name in _SHARED_FIELDS:
            object.__setattr__(self, name, _one_copy(getattr(self, name)))

    def __getstate__(self) -> tuple[Any, ...]:
        """The kept fields and the packed ones, still packed (to and from worker processes)."""
        return (*(getattr(self, name) for name in _KEPT), self._page_only)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip((*_KEPT, "_page_only"), state, strict=True):
            object.__setattr__(self, name, value)
        self._share_repeated()


def _page_only_field(index: int) -> property:
    def read(self: PackedExplainer) -> Any:
        return self._unpacked()[index]

    def collect(self: PackedExplainer, value: Any) -> None:
        # Reached only from the dataclass __init__, before `PackedExplainer.__init__` packs.
        try:
            collected = self._page_only
        except AttributeError:
            collected = [None] * len(PAGE_ONLY)
            object.__setattr__(self, "_page_only", collected)
        collected[index] = value

    return property(read, collect)


for _index, _name in enumerate(PAGE_ONLY):
    setattr(PackedExplainer, _name, _page_only_field(_index))
