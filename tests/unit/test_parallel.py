"""Forked workers: results in order, and a worker's failure reaches the caller."""

from __future__ import annotations

import os

import pytest

from sitegen.parallel import can_fork, fork_map, in_child

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork")


def test_results_come_back_in_order_from_every_worker() -> None:
    assert fork_map(lambda index: [index] * 3, 9, 3) == [[index] * 3 for index in range(9)]


def test_an_exception_in_a_worker_is_raised_in_the_caller() -> None:
    def task(index: int) -> int:
        if index == 4:
            raise ValueError("chunk 4 failed")
        return index

    with pytest.raises(ValueError, match="chunk 4 failed"):
        fork_map(task, 6, 2)


def test_a_worker_that_dies_is_reported() -> None:
    parent = os.getpid()

    def task(index: int) -> int:
        if os.getpid() != parent and index == 3:
            os._exit(3)
        return index

    with pytest.raises(RuntimeError, match="died"):
        fork_map(task, 4, 2)


def test_in_child_returns_the_result() -> None:
    assert in_child(lambda: {"site": (1, 2, 3)}) == {"site": (1, 2, 3)}


def test_without_a_share_the_caller_only_collects() -> None:
    parent = os.getpid()
    done = fork_map(lambda index: (index, os.getpid()), 6, 2, share=False)
    assert [index for index, _pid in done] == list(range(6))
    assert all(pid != parent for _index, pid in done)
    assert len({pid for _index, pid in done}) == 2
