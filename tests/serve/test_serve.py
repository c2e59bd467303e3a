"""`sitegen serve` end to end: a real server in a subprocess, spoken to like a browser would."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

from sitegen.preview.server import inject, is_loopback
from tests.serve.harness import CSS, LiveReloadClient, Server, explainer

SCRIPT = '<script src="/livereload.js?port='
BROKEN = "---\ntitle: [unclosed\n---\n"
QUIET = 1.0
"""How long without a message counts as "no more reloads are coming"."""


def test_hello_handshake(client: LiveReloadClient) -> None:
    assert client.hello is not None
    assert client.hello["command"] == "hello"
    assert "http://livereload.com/protocols/official-7" in client.hello["protocols"]


def test_an_edit_gives_exactly_one_reload_and_the_new_text(
    site: Path, server: Server, client: LiveReloadClient
) -> None:
    status, page = server.get("/news/alpha/")
    assert status == 200 and "Alpha point one." in page

    (site / "content/alpha.md").write_text(explainer("Alpha", "Alpha point two."))

    reloads = client.reloads(quiet=QUIET)
    assert len(reloads) == 1, reloads
    assert reloads[0]["liveCSS"] is True
    status, page = server.get("/news/alpha/")
    assert status == 200
    assert "Alpha point two." in page and "Alpha point one." not in page


def test_a_burst_of_edits_is_one_or_two_rebuilds_with_the_last_text(
    site: Path, server: Server, client: LiveReloadClient
) -> None:
    before = server.count("rebuil")
    for number in range(200):
        (site / "content/beta.md").write_text(explainer("Beta", f"Beta edit {number}."))

    reloads = client.reloads(quiet=QUIET)
    assert 1 <= len(reloads) <= 2, server.output
    assert 1 <= server.count("rebuil") - before <= 2, server.output
    status, page = server.get("/news/beta/")
    assert status == 200 and "Beta edit 199." in page


def test_a_broken_file_shows_the_overlay_and_fixing_it_recovers(
    site: Path, server: Server, client: LiveReloadClient
) -> None:
    start = len(server.lines)
    broken = explainer("Alpha", "x").replace('  - "x"', "  - Trump said: <b>Alpha")
    (site / "content/alpha.md").write_text(broken)

    assert len(client.reloads(quiet=QUIET)) == 1
    server.wait_for("content/alpha.md:6:", start=start)
    for path in ("/news/alpha/", "/news/", "/news/no-such-page/"):
        status, page = server.get(path)
        assert status == 500
        assert "could not be built" in page
        assert "content/alpha.md:6:" in page
        assert "Trump said: &lt;b&gt;Alpha" in page, "the source line, escaped"
        assert SCRIPT in page

    (site / "content/alpha.md").write_text(explainer("Alpha", "Alpha fixed."))
    assert len(client.reloads(quiet=QUIET)) == 1
    status, page = server.get("/news/alpha/")
    assert status == 200 and "Alpha fixed." in page


def test_a_stylesheet_edit_is_swapped_without_a_page_reload(
    site: Path, server: Server, client: LiveReloadClient
) -> None:
    (site / "static/theme.css").write_text(CSS.replace("black", "navy"))

    reloads = client.reloads(quiet=QUIET)
    assert reloads == [{"command": "reload", "path": "/news/static/theme.css", "liveCSS": True}]
    status, css = server.get("/news/static/theme.css")
    assert status == 200 and "navy" in css


def test_every_html_page_carries_the_reload_script(server: Server) -> None:
    for path in ("/news/", "/news/alpha/", "/news/actors/someone/", "/news/about/"):
        status, page = server.get(path)
        assert status == 200 and SCRIPT in page, path
    status, page = server.get("/news/missing/")
    assert status == 404 and SCRIPT in page and "<html" in page.lower()


def test_the_preview_uses_the_local_origin_and_keeps_the_base_path(
    site: Path, server: Server
) -> None:
    _status, page = server.get("/news/")
    assert f'href="http://127.0.0.1:{server.port}/news/"' in page or "/news/alpha/" in page
    assert "https://example.org/news/" not in page
    assert server.get("/")[0] == 200, "the root redirects to the base path"
    assert not (site / "site").exists(), "the preview never writes site/"


def test_paths_outside_the_preview_are_not_found(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        for path in ("/news/../../../etc/passwd", "/news/%2e%2e/%2e%2e/etc/passwd", "/news/.x"):
            raw.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            answer = raw.recv(65536).decode(errors="replace")
            assert answer.startswith("HTTP/1.1 404"), (path, answer[:80])
            assert "root:" not in answer


def test_a_port_in_use_is_a_clear_error(site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = Server(site, port=taken.getsockname()[1])
        assert server.process.wait(timeout=30) == 2
        server.stop()
    assert "already in use" in server.output
    assert "Traceback" not in server.output


def test_ctrl_c_stops_cleanly(server: Server) -> None:
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=20) == 0
    server.stop()
    assert "Traceback" not in server.output
    assert "stopped" in server.output


def test_creating_and_deleting_explainers(
    site: Path, server: Server, client: LiveReloadClient
) -> None:
    (site / "content/delta.md").write_text(explainer("Delta", "Delta is new.", day=9))
    assert client.reloads(quiet=QUIET)
    assert "Delta is new." in server.get("/news/delta/")[1]
    assert "Delta" in server.get("/news/")[1]

    (site / "content/delta.md").unlink()
    assert client.reloads(quiet=QUIET)
    assert server.get("/news/delta/")[0] == 404


def test_editor_droppings_do_not_rebuild(
    site: Path, server: Server, client: LiveReloadClient
) -> None:
    before = server.count("rebuil")
    for name in (".alpha.md.swp", "alpha.md~", ".#alpha.md", "4913"):
        (site / "content" / name).write_text("junk")
    assert client.reloads(quiet=QUIET, first=2 * QUIET) == []
    assert server.count("rebuil") == before


def test_inject_finds_closing_tags_in_any_case_and_anywhere() -> None:
    script = b"<s>"
    assert inject(b"<html><BODY>x</Body ></html>", script) == b"<html><BODY>x<s></Body ></html>"
    assert inject(b"<head></HEAD>text", script) == b"<head><s></HEAD>text"
    assert inject(b"plain", script) == b"plain<s>"
    long_page = b"<html>" + b"x" * 100_000 + b"</body>"
    assert inject(long_page, script).endswith(b"<s></body>")


def test_a_site_broken_from_the_start_is_served_as_the_overlay(site: Path) -> None:
    (site / "content/alpha.md").write_text(BROKEN)
    with Server(site) as server:
        client = LiveReloadClient(server.port)
        try:
            status, page = server.get("/news/alpha/")
            assert status == 500 and "content/alpha.md" in page and SCRIPT in page

            (site / "content/alpha.md").write_text(explainer("Alpha", "Now it works."))
            assert len(client.reloads(quiet=QUIET)) == 1
            assert "Now it works." in server.get("/news/alpha/")[1]
        finally:
            client.close()


def test_only_loopback_addresses_pass_without_a_warning() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
