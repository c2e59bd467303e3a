"""Share cards: one 1200x630 PNG per explainer without its own image, referenced from og:image
and twitter:image, cached by content, readable for long and right-to-left headlines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from sitegen.build import BuildOptions, check
from sitegen.stages import share
from tests.conftest import SiteFactory
from tests.helpers import run_sitegen

EXPLAINER = """---
title: {title}
date: 2025-03-19
lang: {lang}
key_points:
  - "The **first** point."
{extra}---
Body.
"""


def explainer(title: str, lang: str = "en", extra: str = "") -> str:
    return EXPLAINER.format(title=title, lang=lang, extra=extra)


def meta(html: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return found.group(1) if found else None


def test_an_explainer_gets_a_card_in_its_metadata(make_site: SiteFactory) -> None:
    site = make_site(
        {
            "sitegen.yaml": "base_url: https://example.org/news/\n",
            "content/plain.md": explainer("Plain"),
        }
    )
    assert run_sitegen("build", str(site)).returncode == 0
    html = (site / "site" / "plain" / "index.html").read_text(encoding="utf-8")
    assert meta(html, "og:image") == "https://example.org/news/plain/share.png"
    assert meta(html, "twitter:image") == "https://example.org/news/plain/share.png"
    assert meta(html, "twitter:card") == "summary_large_image"
    with Image.open(site / "site" / "plain" / "share.png") as card:
        assert card.format == "PNG"
        assert card.size == (1200, 630)


def test_an_explainers_own_image_takes_precedence(make_site: SiteFactory) -> None:
    own = "image: {src: /static/lead.png, alt: A lead picture}\n"
    site = make_site(
        {
            "content/pictured.md": explainer("Pictured", extra=own),
            "static/lead.png": b"\x89PNG\r\n\x1a\n",
        }
    )
    assert run_sitegen("build", str(site)).returncode == 0
    html = (site / "site" / "pictured" / "index.html").read_text(encoding="utf-8")
    assert meta(html, "og:image") == "http://localhost:8000/static/lead.png"
    assert not (site / "site" / "pictured" / "share.png").exists()


def test_a_site_can_turn_cards_off(make_site: SiteFactory) -> None:
    site = make_site(
        {"sitegen.yaml": "share_images: false\n", "content/plain.md": explainer("Plain")}
    )
    assert run_sitegen("build", str(site)).returncode == 0
    html = (site / "site" / "plain" / "index.html").read_text(encoding="utf-8")
    assert meta(html, "og:image") is None
    assert not (site / "site" / "plain" / "share.png").exists()
    assert not (site / ".sitegen-cache" / "share").exists() or not any(
        (site / ".sitegen-cache" / "share").iterdir()
    )


def test_cards_are_cached_by_content(
    make_site: SiteFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site({"content/a.md": explainer("A"), "content/b.md": explainer("B")})
    cache = root / ".sitegen-cache" / "share"
    site = check(BuildOptions(root=root)).site
    assert site is not None
    first = share.share_images(site, cache)
    assert len({output.source for output in first}) == 2

    def no_drawing(card: share.Card) -> None:
        raise AssertionError(f"{card.headline} was drawn again")

    monkeypatch.setattr(share, "draw", no_drawing)
    assert share.share_images(site, cache) == first
    (root / "content" / "b.md").write_text(explainer("B, rewritten"), encoding="utf-8")
    changed = check(BuildOptions(root=root)).site
    assert changed is not None
    with pytest.raises(AssertionError, match="B, rewritten"):
        share.share_images(changed, cache)


def test_stale_cards_are_pruned(make_site: SiteFactory) -> None:
    root = make_site({"content/a.md": explainer("A")})
    cache = root / "cache"
    stale = cache / "0123.png"
    cache.mkdir()
    stale.write_bytes(b"old")
    site = check(BuildOptions(root=root)).site
    assert site is not None
    share.share_images(site, cache)
    assert not stale.exists()
    assert len(list(cache.glob("*.png"))) == 1


def test_a_long_headline_is_cut_with_an_ellipsis() -> None:
    font = share._font(True, 42)
    long_title = "A headline that goes on " * 20
    lines = share.wrap(long_title, font, 1056, False, "en")
    clipped = share._clip(lines, 4, font, 1056, False, "en")
    assert len(clipped) == 4
    assert clipped[-1].endswith("…")
    assert all(font.getlength(line) <= 1056 for line in clipped)


def test_a_word_longer_than_a_line_is_broken() -> None:
    font = share._font(True, 68)
    lines = share.wrap("x" * 200, font, 1056, False, "en")
    assert len(lines) > 1 and "".join(lines) == "x" * 200


def test_visual_order_reverses_arabic_but_keeps_numbers() -> None:
    assert share.visual_order("قوة 7.8 درجة") == "ةجرد 7.8 ةوق"
    assert share.visual_order("plain English (kept)") == "plain English (kept)"
    # A combining mark stays after the letter it belongs to.
    assert share.visual_order("ثانٍ") == "نٍاث"


@pytest.mark.parametrize(
    "title,rtl",
    [
        ("Short", False),
        ("A very long headline " * 8, False),
        ("زلزالا تركيا وسوريا: لماذا تأخرت المساعدات؟", True),
    ],
)
def test_cards_draw_for_short_long_and_rtl_headlines(title: str, rtl: bool, tmp_path: Path) -> None:
    card = share.Card(
        title, "The first key point.", "Site", "example.org", rtl, "ar" if rtl else "en"
    )
    image = share.draw(card)
    assert image.size == (1200, 630)
    # Ink only inside the margins: nothing drawn off the edge.
    box = (
        image.convert("L").point(lambda v: 255 if v < 200 else 0).crop((0, 20, 1200, 630)).getbbox()
    )
    assert box is not None
    assert box[0] >= share.MARGIN - 2 and box[2] <= 1200 - share.MARGIN + 2
