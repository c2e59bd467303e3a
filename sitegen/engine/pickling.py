"""Pickling for the engine: what workers send back and the store keeps, taken by value.

A build pickles hundreds of thousands of frozen dataclasses (records, rendered Markdown, page
records) to and from workers and the store. Their own pickling, made by `dataclasses` for
slotted classes, looks their fields up again for every object on both ways; here a dataclass is
taken as its class and its field values, so that unpickling simply calls the class, about three
times faster. Nothing is registered globally: only picklers made here do it (what they learn of
each class is remembered, since classes do not change), and anything that is not a plain
dataclass (or that pickles itself, such as a packed explainer) is left to pickle.
"""

from __future__ import annotations

import functools
import importlib
import io
import pickle
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

Reducer = Callable[[Any], Any]


class ByValuePickler(pickle.Pickler):
    """A pickler that takes the project's plain dataclasses as (class, field values).

    Through the pickler's own dispatch table, so that only those objects cost a call into
    Python. `fast` turns the memo off: equal values then give equal bytes whatever objects they
    share, for fingerprints (values with no cycles only). `extra` adds reducers of its own."""

    def __init__(
        self,
        stream: SupportsWrite[bytes],
        *,
        fast: bool = False,
        extra: dict[type, Reducer] | None = None,
    ) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = fast
        self.dispatch_table = {**dispatch_table(), **extra} if extra else dispatch_table()


MODULES = (
    "sitegen.core.diagnostics",
    "sitegen.core.model",
    "sitegen.core.outputs",
    "sitegen.stages.records",
    "sitegen.stages.markdown.interface",
    "sitegen.stages.assemble.builder",
    "sitegen.engine.compact",
    "sitegen.engine.pages",
    "sitegen.engine.store",
    "sitegen.engine.run",
)
"""The modules whose dataclasses a build sends between processes or keeps in the store."""


@functools.cache
def dispatch_table() -> dict[type, Reducer]:
    """A reducer for every plain dataclass of `MODULES`, made once a process pickles anything
    (by then the build has imported them all; importing them here, at the top, would be an
    import circle: they pickle through this module)."""
    table: dict[type, Reducer] = {}
    for name in MODULES:
        for kind in vars(importlib.import_module(name)).values():
            reducer = reducer_of(kind) if isinstance(kind, type) else None
            if reducer is not None and kind.__module__ == name:
                table[kind] = reducer
    return table


def reducer_of(kind: type) -> Reducer | None:
    """How `ByValuePickler` takes an object of `kind` apart; None: as pickle would (not a
    dataclass, one that pickles itself, or one with fields its constructor does not take)."""
    own_state = kind.__dict__.get("__getstate__")
    if (
        not is_dataclass(kind)
        or (own_state is not None and not own_state.__qualname__.startswith("_dataclass"))
        or not all(item.init for item in fields(kind))
    ):
        return None
    names = [item.name for item in fields(kind)]
    if not names:
        return lambda obj: (kind, ())
    if len(names) == 1:
        (name,) = names
        return lambda obj: (kind, (getattr(obj, name),))
    values = attrgetter(*names)
    return lambda obj: (kind, values(obj))


def dumps(value: object, *, fast: bool = False) -> bytes:
    buffer = io.BytesIO()
    ByValuePickler(buffer, fast=fast).dump(value)
    return buffer.getvalue()


def dump(value: object, stream: SupportsWrite[bytes]) -> None:
    ByValuePickler(stream).dump(value)
