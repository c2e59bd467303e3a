"""Forked workers: results in order, and a worker's failure reaches the caller."""

from __future__ import annotations

import os

import pytest

from sitegen.engine.executor import can_fork, chunks, fork_map

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


def test_without_a_share_the_caller_only_collects() -> None:
    parent = os.getpid()
    done = fork_map(lambda index: (index, os.getpid()), 6, 2, share=False)
    assert [index for index, _pid in done] == list(range(6))
    assert all(pid != parent for _index, pid in done)
    assert len({pid for _index, pid in done}) == 2


def test_chunks_are_contiguous_runs_of_about_equal_length() -> None:
    runs = chunks(list(range(100)), 2)
    assert [item for run in runs for item in run] == list(range(100))
    assert len(runs) == 8 and {len(run) for run in runs[:-1]} == {13}


@pytest.mark.parametrize("heavy_at", [0, 50, 99])
def test_weighted_chunks_hold_about_equal_weight(heavy_at: int) -> None:
    """Ten heavy items among a hundred light ones, as actor pages among explainer pages."""
    weights = [1.0] * 100
    weights[heavy_at : heavy_at + 10] = [20.0] * len(weights[heavy_at : heavy_at + 10])
    runs = chunks(list(range(100)), 2, weights.__getitem__)
    assert [item for run in runs for item in run] == list(range(100))
    assert len(runs) <= 8
    share = sum(weights) / 8
    assert max(sum(weights[item] for item in run) for run in runs) < share + 20
