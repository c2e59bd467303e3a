"""What a page read of the site while it was rendered: the engine's record of page inputs.

A template may read anything of the `site` object (and of its page's variables), so what a page
depends on is learnt by watching it render: the values it reads are stand-ins (`Traced`) that
note each read as a path of steps from a root ("site", attribute "explainers", item 3,
attribute "title") and the value it gave. After an edit, `read_again` asks the same paths of the
new site: a page whose reads all give the same values would be rendered to the same bytes.
The preview keeps these records in memory between rebuilds; `sitegen build` keeps them in the
store (`sitegen.engine.pages`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from markupsafe import escape

LEAVES = (str, int, float, bool, bytes, date, type(None), dict)
"""Values a template read takes as they are; a dict is handed on whole so that template tests
such as `is mapping` see the real thing."""

Reads = dict[tuple[Any, ...], Any]
"""What one output read while it was rendered: (root, step, step...) -> the value it got."""


class Traced:
    """Stands in for a value that templates read (the `site` object, a page's variables, and
    what is reached through them) and notes each read as a path of steps and the value it gave,
    so that an edit re-renders only the pages that read something the edit changed.

    Following an attribute, an index or a call gives another stand-in; asking for the truth,
    the length, the text or the items of a value notes it and hands the real value on.
    """

    __slots__ = ("_t_key", "_t_reads", "_t_value")

    def __init__(self, value: Any, key: tuple[Any, ...], reads: Reads) -> None:
        self._t_value = value
        self._t_key = key
        self._t_reads = reads

    def _t_next(self, step: tuple[Any, ...], value: Any) -> Any:
        try:
            hash(step)
        except TypeError:
            self._t_reads[(NEVER,)] = None
            return value
        return traced(value, (*self._t_key, step), self._t_reads)

    def _t_note(self, step: tuple[Any, ...], value: Any) -> Any:
        self._t_reads[(*self._t_key, step)] = value
        return value

    def _t_whole(self) -> Any:
        return self._t_note(("whole",), self._t_value)

    def __getattr__(self, name: str) -> Any:
        return self._t_next(("attr", name), getattr(self._t_value, name))

    def __getitem__(self, index: Any) -> Any:
        step = (
            ("slice", index.start, index.stop, index.step)
            if isinstance(index, slice)
            else ("item", index)
        )
        return self._t_next(step, self._t_value[index])

    def __call__(self, *args: Any) -> Any:
        return self._t_next(("call", *args), self._t_value(*args))

    def __bool__(self) -> bool:
        return bool(self._t_note(("bool",), bool(self._t_value)))

    def __len__(self) -> int:
        return int(self._t_note(("len",), len(self._t_value)))

    def __iter__(self) -> Iterator[Any]:
        """A list of the site is read item by item, so that a page listing every explainer
        (search, directories) is not rendered again when one of them changes in a way the
        page does not show; lists in a page's own variables are short and are read whole."""
        items = self._t_value
        if self._t_key[0] != "site" or not isinstance(items, tuple):
            return iter(self._t_whole())
        self._t_note(("len",), len(items))
        return (self._t_next(("item", number), item) for number, item in enumerate(items))

    def __contains__(self, item: object) -> bool:
        return item in self._t_whole()

    def __str__(self) -> str:
        return str(self._t_whole())

    def __html__(self) -> str:
        return str(escape(self._t_whole()))

    def __eq__(self, other: object) -> bool:
        return bool(self._t_whole() == other)

    def __hash__(self) -> int:
        return hash(self._t_whole())


NEVER = "(a read that cannot be repeated)"


def traced(value: Any, key: tuple[Any, ...], reads: Reads) -> Any:
    """`value` itself when it is a leaf (noted as read), else a stand-in for it."""
    if isinstance(value, LEAVES):
        reads[(*key, ("whole",))] = value
        return value
    return Traced(value, key, reads)


def read_again(roots: dict[str, Any], key: tuple[Any, ...]) -> Any:
    """What a noted read gives now, from `roots` (`site` and the page's variables)."""
    if key[0] not in roots:
        return NEVER
    value = roots[key[0]]
    for step in key[1:]:
        value = take_step(value, step)
    return value


def take_step(value: Any, step: tuple[Any, ...]) -> Any:
    """What one step of a noted read gives from `value`."""
    kind = step[0]
    if kind == "attr":
        return getattr(value, step[1])
    if kind == "item":
        return value[step[1]]
    if kind == "slice":
        return value[slice(*step[1:])]
    if kind == "call":
        return value(*step[1:])
    if kind == "bool":
        return bool(value)
    if kind == "len":
        return len(value)
    return value


def untraced(function: Callable[..., Any]) -> Callable[..., Any]:
    """A template global that gets real values: a stand-in argument counts as read whole,
    except the site itself: the helpers (`link`, `absolute`, the metadata functions) read only
    its settings, and a change of settings renders every page again anyway."""

    def real(value: Any) -> Any:
        if not isinstance(value, Traced):
            return value
        return value._t_value if value._t_key == ("site",) else value._t_whole()

    def call(*args: Any, **kwargs: Any) -> Any:
        return function(*map(real, args), **{name: real(v) for name, v in kwargs.items()})

    return call


def untraced_helpers(helpers: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Each of `helpers` (template globals) as `untraced` makes it."""
    return {name: untraced(helper) for name, helper in helpers.items()}
