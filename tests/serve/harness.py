"""A `sitegen serve` in a subprocess, and a LiveReload client speaking to it over its websocket."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from tornado.websocket import WebSocketClientConnection, websocket_connect

from tests.helpers import REPO, write_files

CSS = "body { color: black; }\n"


def explainer(title: str, point: str, *, topic: str = "Testing", day: int = 1) -> str:
    """A small valid explainer."""
    return f"""---
title: {title}
date: 2025-03-{day:02d}
topics: [{topic}]
key_points:
  - "{point}"
---
The story of {title}.
"""


def small_site(root: Path) -> Path:
    """Three explainers, an actor, a page and a stylesheet of the site's own."""
    return write_files(
        root,
        {
            "sitegen.yaml": "title: Preview test\nbase_url: https://example.org/news/\n",
            "content/alpha.md": explainer("Alpha", "Alpha point one.", day=1),
            "content/beta.md": explainer("Beta", "Beta point one.", day=2),
            "content/gamma.md": explainer("Gamma", "Gamma point one.", day=3, topic="Other"),
            "content/actors/someone.md": "---\nname: Some One\nrole: Tester\n---\nA profile.\n",
            "content/pages/about.md": "---\ntitle: About\n---\nAbout this site.\n",
            "static/theme.css": CSS,
        },
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`python -m sitegen serve` on a free port; its stderr is collected line by line."""

    def __init__(self, root: Path, *args: str, port: int | None = None) -> None:
        self.root = root
        self.port = port or free_port()
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", str(root), "--port", str(self.port), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = 60, start: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines[start:]):
                return
            if self.process.poll() is not None:
                self._reader.join(timeout=2)
                raise AssertionError(f"server exited early:\n{self.output}")
            time.sleep(0.02)
        raise AssertionError(f"no {text!r} within {timeout} s:\n{self.output}")

    def started(self) -> Server:
        self.wait_for("Serving ")
        return self

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def url(self, path: str = "/news/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str = "/news/") -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)

    def __enter__(self) -> Server:
        return self.started()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


class LiveReloadClient:
    """A browser's side of the LiveReload protocol: hello, then collect commands.

    The websocket runs on an event loop in a thread of its own, so the client works beside
    Playwright's sync API, which keeps a loop running on the main thread.
    """

    def __init__(self, port: int) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._arrived = threading.Condition()
        self.messages: list[dict[str, Any]] = []
        future = asyncio.run_coroutine_threadsafe(self._connect(port), self.loop)
        self.connection = future.result(timeout=30)
        self.hello = self.next(timeout=10)

    async def _connect(self, port: int) -> WebSocketClientConnection:
        connection = await websocket_connect(
            f"ws://127.0.0.1:{port}/livereload", on_message_callback=self._received
        )
        hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
        await connection.write_message(json.dumps(hello))
        return connection

    def _received(self, message: str | bytes | None) -> None:
        if message is not None:
            with self._arrived:
                self.messages.append(json.loads(message))
                self._arrived.notify_all()

    def next(self, timeout: float = 20) -> dict[str, Any] | None:
        """The next command, or None when none came within `timeout`."""
        with self._arrived:
            self._arrived.wait_for(lambda: bool(self.messages), timeout=timeout)
            return self.messages.pop(0) if self.messages else None

    def reloads(self, quiet: float, first: float = 30) -> list[dict[str, Any]]:
        """Every reload command until none has come for `quiet` seconds; the first may take
        up to `first` seconds (a rebuild on a slow machine)."""
        found: list[dict[str, Any]] = []
        timeout = first
        while (message := self.next(timeout=timeout)) is not None:
            timeout = quiet
            if message.get("command") == "reload":
                found.append(message)
        return found

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.connection.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()
