"""Fixtures for the preview tests: a small site, a running server, a LiveReload client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serve.harness import LiveReloadClient, Server, small_site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return small_site(tmp_path / "site")


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    with Server(site) as running:
        yield running


@pytest.fixture
def client(server: Server) -> Iterator[LiveReloadClient]:
    connected = LiveReloadClient(server.port)
    yield connected
    connected.close()
