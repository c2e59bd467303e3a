"""Pickling for the engine: what workers send back and the store keeps, taken by value.

A build pickles hundreds of thousands of frozen dataclasses (records, rendered Markdown, page
records) to and from workers and the store. Their own pickling, made by `dataclasses` for
slotted classes, looks their fields up again for every object on both ways; here a dataclass is
taken as its class and its field values, so that unpickling simply calls the class, about three
times faster. Nothing is registered globally: only picklers made here do it, and anything that
is not a plain dataclass (or that pickles itself, such as a packed explainer) is left to pickle.
"""

from __future__ import annotations

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
    """A pickler that takes plain dataclasses as (class, field values).

    `fast` turns the memo off: equal values then give equal bytes whatever objects they
    share, for fingerprints (values with no cycles only)."""

    def __init__(self, stream: SupportsWrite[bytes], *, fast: bool = False) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = fast
        self._reducers: dict[type, Reducer] = {}

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        reducer = self._reducers.get(kind)
        if reducer is None:
            reducer = self._reducers[kind] = reducer_of(kind)
        return reducer(obj)


def reducer_of(kind: type) -> Reducer:
    """How `ByValuePickler` takes an object of `kind` apart (NotImplemented: as pickle would)."""
    own_state = kind.__dict__.get("__getstate__")
    if (
        not is_dataclass(kind)
        or (own_state is not None and not own_state.__qualname__.startswith("_dataclass"))
        or not all(item.init for item in fields(kind))
    ):
        return _as_pickle_would
    names = [item.name for item in fields(kind)]
    if not names:
        return lambda obj: (kind, ())
    if len(names) == 1:
        (name,) = names
        return lambda obj: (kind, (getattr(obj, name),))
    values = attrgetter(*names)
    return lambda obj: (kind, values(obj))


def _as_pickle_would(_obj: Any) -> Any:
    return NotImplemented


def dumps(value: object, *, fast: bool = False) -> bytes:
    buffer = io.BytesIO()
    ByValuePickler(buffer, fast=fast).dump(value)
    return buffer.getvalue()


def dump(value: object, stream: SupportsWrite[bytes]) -> None:
    ByValuePickler(stream).dump(value)
