"""`sitegen serve`: a live preview that rebuilds what changed and reloads the browser.

Three parts, each on its own thread so none can stall the others:

- the watcher (`sitegen.preview.watcher`) reports changed paths as they happen;
- the rebuild loop gathers a burst of changes into one rebuild (`Rebuilder`, in
  `sitegen.preview.rebuilds`, with the `Indexer` that makes share cards and the search index
  afterwards) and runs the incremental engine (`sitegen.preview.incremental`); a change that
  arrives during a rebuild is kept and triggers exactly one more rebuild after it, so no edit is
  ever dropped;
- the tornado server, here, serves the preview folder, injects the LiveReload script into every
  HTML page (the 404 page and the error overlay too), and speaks the LiveReload protocol on
  `/livereload` to tell open pages to reload, or to swap a stylesheet in place; what it shows
  and tells after each rebuild is `PreviewState` (`sitegen.preview.state`).

This module wires them together (`run`) and holds the tornado application and its handlers.

The preview builds into a temporary folder, never `site/`, with `base_url`'s origin pointed at
the server and its path kept, so sub-path sites are previewed as they will be deployed.
"""

from __future__ import annotations

import errno
import gc
import ipaddress
import json
import mimetypes
import shutil
import signal
import sys
import tempfile
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote

import livereload
import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web
import tornado.websocket

from sitegen.preview.incremental import Incremental
from sitegen.preview.rebuilds import Indexer, Rebuilder
from sitegen.preview.state import PreviewState
from sitegen.preview.watcher import Watch, Watcher
from sitegen.stages.config import CONFIG_NAME
from sitegen.stages.load import theme_dir

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
PROTOCOL = "http://livereload.com/protocols/official-7"
LIVERELOAD_JS = Path(livereload.__file__).parent / "vendors" / "livereload.js"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """What the command line can change about the preview."""

    root: Path
    host: str = "127.0.0.1"
    port: int = 8000
    open_browser: bool = False
    drafts: bool = False


def run(options: ServeOptions, out: TextIO = sys.stderr) -> int:
    """Serve the preview until Ctrl-C; returns the exit status."""
    if not options.root.is_dir():
        print(f"sitegen: error: {options.root} is not a folder", file=out)
        return EXIT_USAGE
    try:
        sockets = tornado.netutil.bind_sockets(options.port, options.host)
    except OSError as err:
        reason = (
            f"port {options.port} is already in use; choose another with --port"
            if err.errno == errno.EADDRINUSE
            else (err.strerror or str(err))
        )
        print(f"sitegen: error: cannot listen on {options.host}:{options.port}: {reason}", file=out)
        return EXIT_USAGE
    if not is_loopback(options.host):
        print(
            f"warning: serving on {options.host}, which other machines can reach; the preview "
            "is meant for your own machine (use --host 127.0.0.1)",
            file=out,
        )
    port = sockets[0].getsockname()[1]
    preview = Path(tempfile.mkdtemp(prefix="sitegen-preview-"))
    try:
        return _serve(options, sockets, port, preview, out)
    finally:
        shutil.rmtree(preview, ignore_errors=True)


def _serve(options: ServeOptions, sockets: list[Any], port: int, preview: Path, out: TextIO) -> int:
    origin = f"http://{_url_host(options.host)}:{port}"
    engine = Incremental(options.root, preview, origin, drafts=options.drafts)
    state = PreviewState(engine, preview, port, out)
    loop = tornado.ioloop.IOLoop.current()
    rebuilder = Rebuilder(
        engine.rebuild, lambda result, changed: loop.add_callback(state.finished, result, changed)
    )
    indexer = Indexer(
        engine,
        lambda changed, problems: loop.add_callback(state.indexed, changed, problems),
        rebuilder.wait_until_idle,
    )
    rebuilder.idle = indexer.request
    watcher = Watcher(_watch_of(options.root), rebuilder.notify)
    rebuilder.settled = watcher.settled
    watcher.start()  # before the first build: an edit made during it is rebuilt right after
    state.finished(engine.rebuild(), None)
    gc.freeze()
    rebuilder.start()
    indexer.start()
    indexer.request()
    server = tornado.httpserver.HTTPServer(make_app(state))
    server.add_sockets(sockets)
    url = origin + state.base_path
    print(
        f"Serving {options.root} at {url} (watching with "
        f"{'native file events' if watcher.native else 'polling'}); Ctrl-C to stop",
        file=out,
        flush=True,
    )
    if options.open_browser:
        webbrowser.open(url)
    signal.signal(signal.SIGTERM, lambda *_: loop.add_callback_from_signal(loop.stop))
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        rebuilder.stop()
        indexer.stop()
        server.stop()
    print("stopped", file=out)
    return EXIT_OK


def _watch_of(root: Path) -> Watch:
    """The site's sources, and the built-in theme when it is a checkout being edited."""
    root = root.resolve()
    trees = [root / "content", root / "templates", root / "static"]
    theme = theme_dir().resolve()
    installed = {"site-packages", "dist-packages"} & set(theme.parts)
    if not installed and theme != root:
        trees += [theme / "templates", theme / "static"]
    return Watch(trees, [root / CONFIG_NAME])


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def inject(page: bytes, script: bytes) -> bytes:
    """`page` with `script` before its last `</body>`, else its last `</head>`, else at its end;
    tags are matched in any case, anywhere in the page."""
    lowered = page.lower()
    for tag in (b"</body", b"</head"):
        at = lowered.rfind(tag)
        if at >= 0:
            return page[:at] + script + page[at:]
    return page + script


def make_app(state: PreviewState) -> tornado.web.Application:
    return tornado.web.Application(
        [
            (r"/livereload", LiveReloadSocket, {"state": state}),
            (r"/livereload\.js", ScriptHandler),
            (r"/.*", PreviewHandler, {"state": state}),
        ],
        websocket_ping_interval=20,
        log_function=lambda handler: None,
    )


class LiveReloadSocket(tornado.websocket.WebSocketHandler):
    """The LiveReload protocol: answer the hello, then send `reload` commands."""

    def initialize(self, state: PreviewState) -> None:
        self.state = state

    def check_origin(self, origin: str) -> bool:
        return True

    def open(self, *args: str, **kwargs: str) -> None:
        self.state.clients.add(self)

    def on_message(self, message: str | bytes) -> None:
        try:
            command = json.loads(message)
        except ValueError:
            return
        if isinstance(command, dict) and command.get("command") == "hello":
            self.write_message(
                json.dumps({"command": "hello", "protocols": [PROTOCOL], "serverName": "sitegen"})
            )

    def on_close(self) -> None:
        self.state.clients.discard(self)


class ScriptHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(LIVERELOAD_JS.read_bytes())


class PreviewHandler(tornado.web.RequestHandler):
    """Files of the preview folder, under the configured base path; never outside it."""

    def initialize(self, state: PreviewState) -> None:
        self.state = state

    def head(self) -> None:
        self.get()

    def get(self) -> None:
        self.set_header("Cache-Control", "no-store")
        base = self.state.base_path
        path = unquote(self.request.path)
        if path in ("/", base.rstrip("/")) and path != base:
            self.redirect(base)
            return
        target = self._file(path[len(base) :]) if path.startswith(base) else None
        if target is not None and target.is_dir():
            self.redirect(self.request.path + "/")
            return
        if target is None or not target.is_file():
            self._page(self.state.folder / "404.html", status=404)
        elif target.suffix == ".html":
            self._page(target)
        else:
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            self.set_header("Content-Type", content_type)
            self.write(target.read_bytes())

    def _file(self, relative: str) -> Path | None:
        """The file a path below the base path names; None for anything that could leave the
        preview folder (`..`, backslashes, NUL) or is hidden."""
        parts = relative.split("/")
        if any(part in ("..", ".") or part.startswith(".") for part in parts if part):
            return None
        if "\\" in relative or "\0" in relative:
            return None
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        target = self.state.folder / relative
        try:
            target.resolve().relative_to(self.state.folder)
        except (ValueError, OSError):
            return None
        return target

    def _page(self, path: Path, status: int = 200) -> None:
        if self.state.failure is not None:
            status, body = 500, self.state.overlay()
        else:
            try:
                body = path.read_bytes()
            except OSError:
                body = b"<!doctype html><title>Not found</title><h1>Not found</h1>"
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.write(inject(body, self.state.script()))
