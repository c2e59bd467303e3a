"""Whole-site builds, checked by parsing what was written: links, feed, sitemap, atomicity,
determinism. The demo site in content/ is the input: it uses every field of FORMAT.md."""

from __future__ import annotations

import hashlib
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.helpers import REPO, run_sitegen

SUB_PATH_BASE = "https://example.org/news/explainers/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class LinkCollector(HTMLParser):
    """Every URL an HTML page points at: href, src, and the srcset/content URLs crawlers follow."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            if name in ("href", "src"):
                self.urls.append((tag, name, value))


def copy_demo(tmp_path: Path) -> Path:
    """The repository's demo site (content, config, its static images) in a fresh folder."""
    root = tmp_path / "demo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "sitegen.yaml", root / "sitegen.yaml")
    shutil.copytree(REPO / "static" / "images", root / "static" / "images")
    return root


def digest_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def built_under_sub_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_demo(tmp_path_factory.mktemp("sub"))
    result = run_sitegen("build", str(root), "--base-url", SUB_PATH_BASE, "--strict")
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_every_url_of_format_section_6_is_written(built_under_sub_path: Path) -> None:
    site = built_under_sub_path
    for expected in (
        "index.html",
        "page/2/index.html",
        "actors/index.html",
        "actors/putin/index.html",
        "topics/index.html",
        "about/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "static/theme.css",
    ):
        assert (site / expected).is_file(), expected
    topic_pages = list((site / "topics").glob("*/index.html"))
    assert topic_pages


def test_every_internal_link_resolves_to_a_file_under_the_sub_path(
    built_under_sub_path: Path,
) -> None:
    site = built_under_sub_path
    base_path = urlsplit(SUB_PATH_BASE).path
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    broken = []
    for page in pages:
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for tag, attribute, url in collector.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc != "example.org":
                continue
            if parts.scheme in ("mailto", "tel"):
                continue
            assert parts.scheme in ("", "https"), f"{page}: {tag} {attribute}={url}"
            path = parts.path
            if not path:  # a fragment on the same page
                continue
            where = f"{page.relative_to(site)}: {url}"
            assert path.startswith(base_path), f"{where} ignores base_url's path"
            target = site / unquote(path[len(base_path) :])
            if path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {url}")
    assert not broken


def test_fragment_links_point_at_ids_on_their_page(built_under_sub_path: Path) -> None:
    for page in sorted(built_under_sub_path.rglob("*.html")):
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for _tag, attribute, url in collector.urls:
            if attribute == "href" and url.startswith("#") and len(url) > 1:
                assert unquote(url[1:]) in collector.ids, f"{page}: {url}"


def test_feed_is_atom_with_absolute_links(built_under_sub_path: Path) -> None:
    feed = ET.parse(built_under_sub_path / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith(SUB_PATH_BASE)
        assert entry.find(f"{ATOM}updated").text >= entry.find(f"{ATOM}published").text[:10]
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and "<li>" in content.text
    updated = [entry.find(f"{ATOM}updated").text for entry in entries]
    assert feed.find(f"{ATOM}updated").text == max(updated)


def test_sitemap_lists_every_page_and_only_pages(built_under_sub_path: Path) -> None:
    root = ET.parse(built_under_sub_path / "sitemap.xml").getroot()
    listed = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    site = built_under_sub_path
    folders = (page.relative_to(site).parent for page in site.rglob("index.html"))
    written = {
        SUB_PATH_BASE + ("" if folder == Path(".") else f"{folder.as_posix()}/")
        for folder in folders
    }
    assert listed == written


def test_robots_points_at_the_sitemap(built_under_sub_path: Path) -> None:
    robots = (built_under_sub_path / "robots.txt").read_text()
    assert f"Sitemap: {SUB_PATH_BASE}sitemap.xml" in robots


def test_no_script_url_is_written(built_under_sub_path: Path) -> None:
    for page in built_under_sub_path.rglob("*.html"):
        collector = LinkCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        for _tag, _attribute, url in collector.urls:
            assert not url.strip().lower().startswith(("javascript:", "vbscript:", "data:text"))


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    assert run_sitegen("build", str(root), "--out", str(tmp_path / "one")).returncode == 0
    assert run_sitegen("build", str(root), "--out", str(tmp_path / "two")).returncode == 0
    assert digest_tree(tmp_path / "one") == digest_tree(tmp_path / "two")


def test_a_failed_build_leaves_the_previous_output_unchanged(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    assert run_sitegen("build", str(root)).returncode == 0
    before = digest_tree(root / "site")
    explainer = next((root / "content").rglob("eu-ai-act.md"))
    explainer.write_text(explainer.read_text().replace("title:", "title: [broken", 1))
    result = run_sitegen("build", str(root))
    assert result.returncode == 1
    assert "eu-ai-act.md:" in result.stderr and "Traceback" not in result.stderr
    assert digest_tree(root / "site") == before
    assert not [p for p in root.iterdir() if p.name.startswith(".site.")]


def test_pages_of_deleted_content_disappear(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    assert run_sitegen("build", str(root)).returncode == 0
    assert (root / "site" / "swimming-in-the-seine" / "index.html").is_file()
    next((root / "content").rglob("swimming-in-the-seine.md")).unlink()
    assert run_sitegen("build", str(root)).returncode == 0
    assert not (root / "site" / "swimming-in-the-seine").exists()


def test_drafts_only_with_the_flag(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    assert run_sitegen("build", str(root)).returncode == 0
    assert not (root / "site" / "myanmar-earthquake").exists()
    assert run_sitegen("build", str(root), "--drafts").returncode == 0
    assert (root / "site" / "myanmar-earthquake" / "index.html").is_file()


def test_command_line_exit_statuses(tmp_path: Path) -> None:
    assert run_sitegen("build", "--no-such-option").returncode == 2
    assert run_sitegen("build", "--base-url", "not a url", str(tmp_path)).returncode == 2
    assert run_sitegen("build", str(tmp_path / "missing")).returncode == 2
    version = run_sitegen("--version")
    assert version.returncode == 0 and version.stdout.startswith("sitegen ")
    for command in ("build", "import"):
        assert run_sitegen(command, "--help").returncode == 0


def test_a_site_with_only_content_uses_the_built_in_theme(example_site: Path) -> None:
    result = run_sitegen("build", str(example_site))
    assert result.returncode == 0, result.stderr
    assert (example_site / "site" / "static" / "theme.css").is_file()
    assert (example_site / "site" / "trump-putin-ceasefire-call" / "index.html").is_file()


def test_a_site_template_overrides_the_theme(example_site: Path) -> None:
    (example_site / "templates").mkdir()
    override = "<!doctype html><title>{{ title }}</title>gone"
    (example_site / "templates" / "404.html").write_text(override)
    assert run_sitegen("build", str(example_site)).returncode == 0
    assert (example_site / "site" / "404.html").read_text().endswith("gone")


def test_a_template_mistake_is_reported_at_its_line(example_site: Path) -> None:
    (example_site / "templates").mkdir()
    mistake = "<!doctype html>\n{{ site.no_such_thing }}\n"
    (example_site / "templates" / "404.html").write_text(mistake)
    result = run_sitegen("build", str(example_site))
    assert result.returncode == 1
    assert "templates/404.html:2:1: error:" in result.stderr
    assert "Traceback" not in result.stderr
