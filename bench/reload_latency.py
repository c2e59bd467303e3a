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
