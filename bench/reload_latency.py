"""Edit-to-reload latency of `sitegen serve`: from a file write to the reload message.

Generates a simple valid site of N explainers in /dev/shm, starts `python -m sitegen serve` on a
free port, connects to its LiveReload websocket like a browser would, then repeatedly rewrites one
explainer and times the gap between the write and the `reload` message. Prints the median and the
worst of the timed edits. Not a test: timings depend on the machine.

    python bench/reload_latency.py 1000 10000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tornado.websocket import WebSocketClientConnection, websocket_connect

REPO = Path(__file__).resolve().parent.parent
TOPICS = ("Climate", "Energy", "Europe", "Elections", "Health", "Trade", "Science", "Courts")
ACTOR_COUNT = 50


def make_corpus(root: Path, count: int) -> Path:
    """A valid site of `count` explainers sharing actors and topics, the theme's templates."""
    content = root / "content"
    (content / "actors").mkdir(parents=True, exist_ok=True)
    (root / "sitegen.yaml").write_text(
        "title: Bench\nbase_url: https://example.org/news/\nper_page: 10\n", encoding="utf-8"
    )
    for number in range(ACTOR_COUNT):
        (content / "actors" / f"actor-{number}.md").write_text(
            f"---\nname: Actor {number}\nrole: Role {number}\n---\nProfile of actor {number}.\n",
            encoding="utf-8",
        )
    for number in range(count):
        write_explainer(content, number, "first version")
    return root


def write_explainer(content: Path, number: int, note: str) -> Path:
    """Write explainer `number`; `note` lands in a key point, so every edit changes the page."""
    actor = number % ACTOR_COUNT
    topics = f"[{TOPICS[number % len(TOPICS)]}, {TOPICS[(number * 3 + 1) % len(TOPICS)]}]"
    day = 1 + number % 28
    month = 1 + (number // 28) % 12
    year = 2000 + number // 336
    path = content / f"{year}" / f"story-{number}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""---
title: Story number {number}
date: {year}-{month:02d}-{day:02d}
summary: A generated explainer for the reload benchmark.
topics: {topics}
key_points:
  - "The first point of story {number}: {note}."
  - "The second point, mentioning [Actor {actor}](@actor-{actor})."
actors:
  - actor-{actor}
quotes:
  - by: actor-{actor}
    text: Something quotable about story {number}.
---
The story of number {number}, told in a few paragraphs of **Markdown**.

It goes on for a while, so that parsing it costs something like a real explainer would.
""",
        encoding="utf-8",
    )
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Preview:
    """`sitegen serve` in a subprocess, started and waited for; its output is collected."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", str(root), "--port", str(self.port)],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        while not any(line.startswith("Serving ") for line in self.lines):
            if self.process.poll() is not None:
                raise SystemExit("the server did not start:\n" + "\n".join(self.lines))
            time.sleep(0.05)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def stop(self) -> list[tuple[float, float]]:
        """Stop the server; returns the (wall, CPU) rebuild times it printed, the first build
        excluded."""
        self.process.terminate()
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)
        rebuilds = [line for line in self.lines if line.startswith("rebuilt in")]
        return [(float(line.split()[2]), float(line.split()[4][1:])) for line in rebuilds[1:]]


async def _connect(port: int) -> WebSocketClientConnection:
    connection = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
    await connection.write_message(json.dumps(hello))
    answer = await connection.read_message()
    assert answer is not None and json.loads(answer)["command"] == "hello"
    return connection


async def _time_edits(root: Path, port: int, count: int, edits: int) -> list[float]:
    """Seconds from each write to the reload message it causes."""
    connection = await _connect(port)
    content = root / "content"
    timings: list[float] = []
    for edit in range(edits):
        number = (edit * 7919) % count
        started = time.perf_counter()
        write_explainer(content, number, f"edit {edit}")
        message = await asyncio.wait_for(connection.read_message(), timeout=60)
        timings.append(time.perf_counter() - started)
        assert message is not None and json.loads(message)["command"] == "reload"
        await asyncio.sleep(0.3)  # let the server settle, as a writer's pause between saves
    connection.close()
    return timings


def measure(count: int, edits: int, keep: bool) -> tuple[list[float], list[tuple[float, float]]]:
    folder = Path(tempfile.mkdtemp(prefix=f"sitegen-reload-{count}-", dir="/dev/shm"))
    try:
        started = time.perf_counter()
        make_corpus(folder, count)
        print(f"{count} explainers: corpus written in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        preview = Preview(folder)
        print(f"  server up (first build included) in {time.perf_counter() - started:.1f} s")
        try:
            timings = asyncio.run(_time_edits(folder, preview.port, count, edits + 1))[1:]
        finally:
            rebuilds = preview.stop()
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    return timings, rebuilds[-len(timings) :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=20, help="timed edits per size")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus")
    args = parser.parse_args()
    for count in args.sizes:
        timings, rebuilds = measure(count, args.edits, args.keep)
        print(
            f"  edit-to-reload over {len(timings)} edits: median "
            f"{statistics.median(timings) * 1000:.0f} ms, best {min(timings) * 1000:.0f} ms, "
            f"worst {max(timings) * 1000:.0f} ms; the server's rebuild alone: median "
            f"{statistics.median(wall for wall, _cpu in rebuilds) * 1000:.0f} ms, "
            f"{statistics.median(cpu for _wall, cpu in rebuilds) * 1000:.0f} ms of CPU; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )


if __name__ == "__main__":
    main()
