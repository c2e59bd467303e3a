"""`sitegen serve`: a live preview that rebuilds what changed and reloads the browser.

Three parts, each on its own thread so none can stall the others:

- the watcher (`sitegen.preview.watcher`) reports changed paths as they happen;
- the rebuild loop gathers a burst of changes into one rebuild (`Rebuilder`) and runs the
  incremental engine (`sitegen.preview.incremental`); a change that arrives during a rebuild
  is kept and triggers exactly one more rebuild after it, so no edit is ever dropped;
- the tornado server serves the preview folder, injects the LiveReload script into every HTML
  page (the 404 page and the error overlay too), and speaks the LiveReload protocol on
  `/livereload` to tell open pages to reload, or to swap a stylesheet in place.

The preview builds into a temporary folder, never `site/`, with `base_url`'s origin pointed at
the server and its path kept, so sub-path sites are previewed as they will be deployed.
"""

from __future__ import annotations

import errno
import gc
import html
import ipaddress
import json
import mimetypes
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Collection
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

from sitegen.core.diagnostics import Diagnostic
from sitegen.preview.incremental import Incremental, Rebuild
from sitegen.preview.watcher import Watch, Watcher
from sitegen.stages.config import CONFIG_NAME
from sitegen.stages.load import theme_dir

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2
QUIET_SECONDS = 0.015
"""A burst of changes is over when no change came for this long (a `git checkout`, an editor's
save-by-rename): short, because it is added to every edit-to-reload."""
BURST_QUIET_SECONDS = 0.5
"""When changes kept coming during a rebuild, a burst is under way (a checkout, a script, a
formatter run over every file): the next rebuild waits for this much quiet, or for as long as the
last rebuild took if that is longer, so that the whole burst costs one or two rebuilds rather than
one per gap, even on a machine slowed down by other work."""
LONGEST_WAIT = 5.0
"""A change is rebuilt at the latest this long after it, even while changes keep coming."""
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


class Rebuilder:
    """Turns a stream of change notices into as few rebuilds as possible, on its own thread.

    A burst is gathered until it has been quiet for `QUIET_SECONDS`; changes that arrive while a
    rebuild runs are gathered for the next one, which starts once they have been quiet for
    `BURST_QUIET_SECONDS`. Nothing is dropped: every notice ends up in a rebuild that starts
    after it arrived. A rebuild that failed while more changes came in is not reported: it most
    likely read a file its writer was still writing, and the next rebuild reports afresh.
    """

    def __init__(
        self,
        rebuild: Callable[[Collection[Path] | None], Rebuild],
        done: Callable[[Rebuild, Collection[Path] | None], None],
    ) -> None:
        self._rebuild = rebuild
        self._done = done
        self.idle: Callable[[], None] = lambda: None
        """Slow work that can wait for a quiet moment (cards, the search index), started after
        a rebuild when no change is pending."""
        self.settled: Callable[[], bool] = lambda: True
        """Whether the watcher has reported everything that happened (see `Watcher.settled`)."""
        self._lock = threading.Condition()
        self._pending: set[Path] | None = set()
        self._dirty = False
        self._last_notice = 0.0
        self._first_notice = 0.0
        self._stopping = False
        self._in_burst = False
        self._writing = False
        self._last_rebuild = 0.0
        self._running = False
        self._thread = threading.Thread(target=self._run, name="sitegen-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._thread.join(timeout=5)

    def notify(self, changed: set[Path] | None, writing: bool = False) -> None:
        """Record changed paths (None: unknown, rebuild everything) and whether a file is still
        being written (then the rebuild waits for it, up to `LONGEST_WAIT`); safe from any
        thread."""
        with self._lock:
            self._writing = writing
            now = time.monotonic()
            if not self._dirty:
                self._first_notice = now
            self._dirty = True
            self._last_notice = now
            if changed is None or self._pending is None:
                self._pending = None
            else:
                self._pending |= changed
            self._lock.notify_all()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._dirty and not self._stopping:
                    self._lock.wait()
                if self._stopping:
                    return
                self._wait_for_quiet()
                if self._stopping:
                    return
                changed, self._pending, self._dirty = self._pending, set(), False
                self._running = True
            started = time.monotonic()
            try:
                result = self._rebuild(changed)
            except Exception:  # a bug in sitegen must not end the preview: say so, go on
                traceback.print_exc()
                continue
            finally:
                with self._lock:
                    self._running = False
                    self._lock.notify_all()
            gc.freeze()  # what the rebuild keeps is long-lived: spare it the collector's scans
            with self._lock:
                self._in_burst = self._dirty or not self.settled()
                self._last_rebuild = time.monotonic() - started
            if result.ok or not self._in_burst:
                self._done(result, changed)
            with self._lock:
                quiet = not self._dirty
            if quiet:
                self.idle()

    def wait_until_idle(self) -> None:
        """Return once no rebuild is due or running: background work calls it between its
        steps, so that it never competes with a rebuild for the interpreter."""
        with self._lock:
            while (self._dirty or self._running) and not self._stopping:
                self._lock.wait()

    def _wait_for_quiet(self) -> None:
        while not self._stopping:
            now = time.monotonic()
            quiet = (
                max(BURST_QUIET_SECONDS, self._last_rebuild) if self._in_burst else QUIET_SECONDS
            )
            quiet_at = self._last_notice + quiet
            deadline = self._first_notice + LONGEST_WAIT
            if (now >= quiet_at and not self._writing and self.settled()) or now >= deadline:
                return
            self._lock.wait(max(min(quiet_at, deadline) - now, QUIET_SECONDS))


class Indexer:
    """Keeps the share cards and the search index up to date on a thread of its own, so that
    Pagefind's seconds on a large site never delay a rebuild; an index of pages that changed
    meanwhile is dropped and made again."""

    def __init__(
        self,
        engine: Incremental,
        done: Callable[[list[str], list[Diagnostic]], None],
        between: Callable[[], None],
    ) -> None:
        self._engine = engine
        self._done = done
        self._between = between
        """Called between steps of the work; returns when the work may go on."""
        self._wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sitegen-index", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request(self) -> None:
        self._wanted.set()

    def stop(self) -> None:
        self._stopping = True
        self._wanted.set()
        self._thread.join(timeout=1)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            cards = self._engine.draw_cards(self._between)
            self._between()
            job = self._engine.search_job()
            if job is not None:
                found, problems = job.run()
                self._done([*cards, *self._engine.adopt_index(job, found, problems)], problems)
            elif cards:
                self._done(cards, [])


class PreviewState:
    """What the server shows: the preview folder, or the error overlay after a failed rebuild,
    and the open pages to tell about each rebuild. Used from the IO loop's thread only."""

    def __init__(self, engine: Incremental, folder: Path, port: int, out: TextIO) -> None:
        self.engine = engine
        self.folder = folder.resolve()
        self.port = port
        self.out = out
        self.clients: set[LiveReloadSocket] = set()
        self.failure: Rebuild | None = None

    @property
    def base_path(self) -> str:
        base = self.engine.base_url
        return base.path if base is not None else "/"

    def finished(self, result: Rebuild, changed: Collection[Path] | None) -> None:
        """Report a rebuild in the terminal and tell the open pages what to reload."""
        failed_before = self.failure is not None
        for diagnostic in result.report:
            print(diagnostic, file=self.out)
        if not result.ok:
            self.failure = result
            print(
                f"rebuild failed: {result.report.error_count} error(s); the browser shows them "
                "until they are fixed",
                file=self.out,
                flush=True,
            )
            self._send(self.base_path)
            return
        self.failure = None
        print(
            f"rebuilt in {result.seconds:.3f} s ({result.cpu_seconds:.3f} s CPU): "
            f"{len(result.rendered)} rendered, "
            f"{len(result.written)} written, {len(result.deleted)} deleted",
            file=self.out,
            flush=True,
        )
        changed_outputs = [*result.written, *result.deleted]
        if failed_before or (changed is None and changed_outputs):
            self._send(self.base_path)
        elif changed_outputs and all(path.endswith(".css") for path in changed_outputs):
            for path in changed_outputs:
                self._send(self.base_path + path)
        elif changed_outputs:
            self._send(self.base_path + changed_outputs[0])

    def indexed(self, changed: list[str], problems: list[Diagnostic]) -> None:
        """Report share cards and a search index brought up to date; open pages need no reload
        (cards show only where the page is shared, the search page fetches the index when it
        is used)."""
        for diagnostic in problems:
            print(diagnostic, file=self.out)
        if changed:
            print(
                f"share cards and search index updated: {len(changed)} files",
                file=self.out,
                flush=True,
            )

    def _send(self, path: str) -> None:
        message = json.dumps({"command": "reload", "path": path, "liveCSS": True})
        for client in list(self.clients):
            client.write_message(message)

    def overlay(self) -> bytes:
        """The error page shown in place of every page while the last rebuild failed."""
        assert self.failure is not None
        items = "\n".join(self._overlay_item(d) for d in self.failure.report if d.is_error)
        return (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>Build failed - sitegen preview</title>"
            "<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#222}"
            "h1{color:#b00020}li{margin:0 0 1.2rem}code,pre{font:14px ui-monospace,monospace}"
            "pre{background:#fff4f4;border-left:4px solid #b00020;padding:.5rem 1rem;"
            "overflow:auto}</style></head><body>"
            "<h1>The site could not be built</h1>"
            "<p>Fix the problems below and save: this page reloads by itself.</p>"
            f"<ol>{items}</ol></body></html>\n"
        ).encode()

    def _overlay_item(self, diagnostic: Diagnostic) -> str:
        line = self._source_line(diagnostic)
        shown = f"<pre>{diagnostic.line:>5} | {html.escape(line)}</pre>" if line else ""
        return f"<li><code>{html.escape(str(diagnostic))}</code>{shown}</li>"

    def _source_line(self, diagnostic: Diagnostic) -> str | None:
        theme_prefix = "(built-in theme)/"
        if diagnostic.path.startswith(theme_prefix):
            path = theme_dir() / "templates" / diagnostic.path[len(theme_prefix) :]
        else:
            path = self.engine.root / diagnostic.path
        if diagnostic.line < 1:
            return None
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        return lines[diagnostic.line - 1] if diagnostic.line <= len(lines) else None

    def script(self) -> bytes:
        return f'<script src="/livereload.js?port={self.port}"></script>'.encode()


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
