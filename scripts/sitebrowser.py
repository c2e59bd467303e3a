"""What the screenshot command and the browser tests share: build a site, serve it, drive chromium.

Kept apart from both so that the pages a person looks at in screenshots are exactly the pages the
tests check. Uses Debian's chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")


def free_port() -> int:
    """A TCP port nobody listens on right now, so the site can be built for its final URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_site(source: Path, out: Path, base_url: str) -> subprocess.CompletedProcess[str]:
    """`sitegen build` in a subprocess, with this checkout's sitegen first on the path."""
    path = os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    command = [sys.executable, "-m", "sitegen", "build", str(source), "--out", str(out)]
    command += ["--base-url", base_url, "--quiet"]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder; a missing path gets the site's 404.html, as static hosts do."""

    def log_message(self, format: str, *args: object) -> None:
        return

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve(folder: Path, port: int = 0) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 in a thread; yields the origin (`http://127.0.0.1:PORT`)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def page_types(site: Path) -> dict[str, str]:
    """One site path per page type (`explainer`, `actor`, ...), found by walking the output.

    Explainers and plain pages share the URL shape `/<slug>/`, so they are told apart by the
    theme's `<article class="explainer">`. The explainer chosen is the largest, the one most
    likely to show every section; `explainer-rtl` is the first right-to-left one, if any.
    """
    found = {"home": "", "actors": "actors/", "topics": "topics/", "404": "404.html"}
    explainers: list[tuple[int, str]] = []
    for index in sorted(site.rglob("index.html")):
        path = index.parent.relative_to(site).as_posix() + "/"
        kind = _kind(path.split("/")[:-1], index)
        if kind == "explainer":
            explainers.append((index.stat().st_size, path))
            if _is_rtl(index):
                found.setdefault("explainer-rtl", path)
        elif kind:
            found.setdefault(kind, path)
    if explainers:
        found["explainer"] = max(explainers)[1]
    return {kind: path for kind, path in found.items() if path == "" or (site / path).exists()}


def _kind(parts: list[str], index: Path) -> str:
    if parts == ["."] or parts[0] == "static":
        return ""
    if parts[0] in ("actors", "topics") and len(parts) == 2:
        return parts[0][:-1]
    if parts[0] == "page" and len(parts) == 2:
        return "home-page-2"
    if len(parts) == 1:
        return "explainer" if 'class="explainer"' in index.read_text("utf-8") else "page"
    return ""


def _is_rtl(index: Path) -> bool:
    return 'dir="rtl">' in index.read_text("utf-8").split("<head>", 1)[0]


def launch(playwright: object) -> object:
    """Debian's chromium with the flags that keep it offline and quiet."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: run .ci/browser-setup.sh")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)  # type: ignore[attr-defined]
