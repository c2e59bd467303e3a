"""Which of the preview's outputs read each part of the site, and what that part was.

Pages read the `site` object, and a page must be rendered again when something it read of it
changed. Asking each page to repeat its reads would cost as much as the pages; the index keeps
the reads of all pages as one tree of read steps, so that each read is repeated once and a part
of the site that is the very same object as before is skipped whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sitegen.core.model import Site
from sitegen.engine.reads import NEVER, take_step


class Node:
    """One step of the reads of the site: the value it gave, the steps read from there on, and
    the outputs whose read ended here."""

    __slots__ = ("children", "readers", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.children: dict[tuple[Any, ...], Node] = {}
        self.readers: set[str] = set()


class SiteIndex:
    """Which outputs read each part of the site, and what it gave, as a tree of read steps: after
    an edit each read is repeated once, not once per page that made it, and a part that is the
    very same object as before is not looked into at all (so a list of ten thousand explainers
    of which one changed costs ten thousand identity checks and the reads of one explainer).

    Every reader of a part read the same value, because a change of it renders all of them
    again. Every node holds what its read gives of the site of the last commit, however that
    render went (one that rendered everything again too): `stale_pages` compares the next site
    with these values, and `note` derives new nodes from them."""

    def __init__(self) -> None:
        self._root = Node(None)

    def stale_pages(self, site: Site) -> tuple[set[str], list[tuple[Node, Any]]]:
        """The outputs that read something of `site` that differs now, and the new value of
        every step that is not the same object (for `refresh`, once the rebuild succeeded)."""
        stale: set[str] = set()
        refreshed: list[tuple[Node, Any]] = []
        pending: list[tuple[Node, Any]] = [(self._root, site)]
        while pending:
            node, value = pending.pop()
            for step, child in node.children.items():
                try:
                    now = NEVER if value is NEVER else take_step(value, step)
                except Exception:  # the part is gone (a shorter list, say): its readers differ
                    now = NEVER
                if now is child.value:
                    continue
                refreshed.append((child, now))
                if child.children:
                    pending.append((child, now))
                elif now != child.value:
                    stale |= child.readers
        return stale, refreshed

    @staticmethod
    def refresh(refreshed: list[tuple[Node, Any]]) -> None:
        for node, value in refreshed:
            node.value = value

    def forget(self, path: str, keys: Iterable[tuple[Any, ...]]) -> None:
        for key in keys:
            trail = [self._root]
            for step in key[1:]:
                child = trail[-1].children.get(step)
                if child is None:
                    break
                trail.append(child)
            else:
                trail[-1].readers.discard(path)
                for depth in range(len(trail) - 1, 0, -1):  # prune steps nobody reads now
                    if trail[depth].readers or trail[depth].children:
                        break
                    del trail[depth - 1].children[key[depth]]

    def note(self, path: str, keys: Iterable[tuple[Any, ...]], site: Site) -> None:
        for key in keys:
            node: Node = self._root
            value: Any = site
            for step in key[1:]:
                child = node.children.get(step)
                if child is None:
                    try:
                        value = take_step(value, step)
                    except Exception:
                        value = NEVER
                    child = node.children[step] = Node(value)
                node, value = child, child.value
            node.readers.add(path)
