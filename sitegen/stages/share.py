"""Share images: a 1200x630 PNG card per explainer for social sites (`og:image`).

A link shared without an image shows as a bare line of text; with one it gets a large card. Each
explainer that has no lead image of its own gets a card with its headline, its first key point and
the site's name, drawn with Pillow at build time. Cards are cached under
`.sitegen-cache/share/` by a hash of everything drawn on them, so a rebuild draws only the cards
whose text changed.

Right-to-left text: with Pillow's Raqm layout engine (`PIL.features.check("raqm")`, present in
the wheels from PyPI) Arabic and Hebrew are shaped and ordered properly. Without it the text is
put in visual order here (runs reversed, left-to-right runs such as numbers kept), which keeps
the words in the right order but cannot join Arabic letters: the card stays legible, not pretty.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from markupsafe import Markup

from sitegen.core.model import Explainer, Site
from sitegen.core.outputs import Output

if TYPE_CHECKING:  # Pillow is imported only when a card is drawn
    from PIL import Image, ImageDraw, ImageFont

    # Scalable fonts only: Pillow's bitmap ImageFont has no `size` to space lines by.
    Font = ImageFont.FreeTypeFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
LAYOUT_VERSION = "1"
"""Part of every cache key: bump it when the drawing changes, so old cards are not reused."""

INK, MUTED, ACCENT, PAPER, LINE = "#1b1b1b", "#575757", "#b1241b", "#ffffff", "#d6d3cc"

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
REGULAR_FONTS = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "Arial Unicode.ttf", "arial.ttf")
BOLD_FONTS = ("DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf", "Arial Unicode.ttf", "arialbd.ttf")


@dataclass(frozen=True, slots=True)
class Card:
    """What one card shows; its hash names the cached PNG."""

    headline: str
    point: str
    site_name: str
    host: str
    rtl: bool
    lang: str

    def key(self) -> str:
        fields = [LAYOUT_VERSION, self.headline, self.point, self.site_name, self.host]
        fields += [str(self.rtl), self.lang, str(_raqm())]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:32]


def page_folder(site: Site, link: str) -> str:
    """The output folder of a page's link: `/news/eu-ai-act/` -> `eu-ai-act/`."""
    base = site.config.base_url.path
    folder = link[len(base) :] if link.startswith(base) else link
    return folder.lstrip("/")


def share_path(site: Site, explainer: Explainer) -> str:
    """The card's output path: `share.png` in the explainer's folder (`<slug>/share.png`)."""
    return f"{page_folder(site, explainer.url)}share.png"


def wants_card(site: Site, explainer: Explainer) -> bool:
    """Whether to draw a card: the site wants them, and the explainer has no image of its own
    (which takes precedence)."""
    return site.config.share_images and explainer.image is None


def card_of(site: Site, explainer: Explainer) -> Card:
    point = Markup(explainer.key_points[0]).striptags() if explainer.key_points else ""
    return Card(
        headline=explainer.title,
        point=point,
        site_name=site.config.title,
        host=site.config.base_url.origin.split("://", 1)[-1],
        rtl=explainer.dir == "rtl",
        lang=explainer.lang,
    )


def _draw(missing: dict[Path, Card], on_progress: Callable[[int, int], None] | None) -> None:
    """Draw the missing cards into the cache, on threads."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for done, _ in enumerate(pool.map(save_card, missing.keys(), missing.values()), 1):
            if on_progress is not None:
                on_progress(done, len(missing))


def share_images(
    site: Site, cache_dir: Path, on_progress: Callable[[int, int], None] | None = None
) -> list[Output]:
    """A card for every explainer without its own image, drawn or taken from the cache.

    Missing cards are drawn on threads: Pillow releases the GIL while it draws and compresses.
    `on_progress(done, total)` is told as they are drawn (a cold build of a large site spends
    most of its time here).
    """
    cached_ok = cache_usable(cache_dir)
    outputs = []
    missing: dict[Path, Card] = {}
    for explainer in site.explainers:
        if not wants_card(site, explainer):
            continue
        card = card_of(site, explainer)
        cached = cache_dir / f"{card.key()}.png"
        if not cached_ok:
            outputs.append(Output(share_path(site, explainer), data=_png(card)))
            continue
        if not cached.is_file() or cached.is_symlink():
            missing[cached] = card
        outputs.append(Output(share_path(site, explainer), source=cached))
    if missing:
        _draw(missing, on_progress)
    if cached_ok:
        _prune(cache_dir, {output.source for output in outputs})
    return outputs


def cache_usable(cache_dir: Path) -> bool:
    """Whether cards may be kept in `cache_dir`, which lies inside the site folder.

    A pull request can commit anything there, so the cache is trusted only as real folders:
    `.sitegen-cache/share -> ~/.ssh` would otherwise have cards written and stale `*.png`
    deleted outside the site, and a committed `<key>.png -> ../../.git/config` would be copied
    into the site as a share card (a cached card that is a symlink is drawn again instead).
    A read-only checkout cannot hold a cache either; the cards are then drawn in memory.
    """
    if cache_dir.is_symlink() or cache_dir.parent.is_symlink():
        return False
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return True


def _png(card: Card) -> bytes:
    buffer = io.BytesIO()
    draw(card).save(buffer, format="PNG")
    return buffer.getvalue()


def _prune(cache_dir: Path, used: set[Path | None]) -> None:
    """Remove cards no explainer uses any more, so the cache does not grow without end."""
    for stale in cache_dir.glob("*.png"):
        if stale not in used:
            stale.unlink(missing_ok=True)


def save_card(path: Path, card: Card) -> None:
    """Draw and write one card; written under another name first so a killed build never
    leaves a truncated PNG in the cache."""
    partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    draw(card).save(partial, format="PNG")
    partial.replace(path)  # replaces a committed symlink itself, never what it points at


def draw(card: Card) -> Image.Image:
    """The card as a Pillow image: site name, headline (as large as fits), first key point."""
    from PIL import Image, ImageDraw  # deferred: Pillow, only when a card is drawn

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, WIDTH, 12), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN
    writer = _Writer(pen, card.rtl, card.lang)
    writer.lines([card.site_name], _font(True, 30), ACCENT, MARGIN, 56)
    top = 120
    for size in (68, 60, 54, 48, 42):
        lines = wrap(card.headline, _font(True, size), text_width, card.rtl, card.lang)
        if len(lines) <= 4:
            break
    headline_font = _font(True, size)
    lines = _clip(lines, 4, headline_font, text_width, card.rtl, card.lang)
    top = writer.lines(lines, headline_font, INK, MARGIN, top, spacing=1.18)
    if card.point:
        point_font = _font(False, 32)
        room = max(0, (HEIGHT - 90 - top - 28) // int(32 * 1.35))
        point = wrap(card.point, point_font, text_width, card.rtl, card.lang)
        point = _clip(point, min(room, 3), point_font, text_width, card.rtl, card.lang)
        writer.lines(point, point_font, MUTED, MARGIN, top + 28, spacing=1.35)
    pen.line((MARGIN, HEIGHT - 84, WIDTH - MARGIN, HEIGHT - 84), fill=LINE, width=2)
    writer.lines([card.host], _font(False, 26), MUTED, MARGIN, HEIGHT - 66, rtl=False)
    return image


class _Writer:
    """Draws lines aligned to the reading direction's start (right edge for RTL)."""

    def __init__(self, pen: ImageDraw.ImageDraw, rtl: bool, lang: str) -> None:
        self.pen = pen
        self.rtl = rtl
        self.lang = lang

    def lines(
        self,
        lines: list[str],
        font: Font,
        fill: str,
        left: int,
        top: int,
        *,
        spacing: float = 1.2,
        rtl: bool | None = None,
    ) -> int:
        """Draw `lines` from `top`; returns the y below the last line."""
        rtl = self.rtl if rtl is None else rtl
        step = int(font.size * spacing)
        for line in lines:
            shown, options = _layout(line, rtl, self.lang)
            width = font.getlength(shown, **options)
            x = WIDTH - left - width if rtl else left
            self.pen.text((x, top), shown, font=font, fill=fill, **options)
            top += step
        return top


MAX_WRAPPED_LINES = 12
"""Wrapping stops past this many lines: a card shows at most a few, and `_clip` only needs to
know that more followed. Wrapping a whole 16 MB key point would take hours."""


def wrap(text: str, font: Font, width: int, rtl: bool, lang: str) -> list[str]:
    """Greedy word wrap to `width` pixels; a word longer than a line is cut by characters.

    At most MAX_WRAPPED_LINES + 1 lines come back, however long the text.
    """
    lines: list[str] = []
    current = ""
    # No line of a 1200-pixel card holds 200 characters: the rest could never be shown.
    for word in text[: (MAX_WRAPPED_LINES + 1) * 200].split():
        if len(lines) > MAX_WRAPPED_LINES:
            return lines
        candidate = f"{current} {word}".strip()
        if _width(candidate, font, rtl, lang) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while _width(word, font, rtl, lang) > width and len(lines) <= MAX_WRAPPED_LINES:
            cut = _fit(word, font, width, rtl, lang)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _clip(lines: list[str], count: int, font: Font, width: int, rtl: bool, lang: str) -> list[str]:
    """At most `count` lines, the last ending in an ellipsis when text was left out."""
    if len(lines) <= count:
        return lines
    if count == 0:
        return []
    last = lines[count - 1]
    while last and _width(last + "…", font, rtl, lang) > width:
        last = last[:-1]
    return [*lines[: count - 1], last.rstrip(" ,;:") + "…"]


def _fit(word: str, font: Font, width: int, rtl: bool, lang: str) -> int:
    """How many leading characters of `word` fit in `width` (at least one): a binary search,
    so a 60,000-letter word costs a few dozen measurements, not 60,000 per line."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(word[:middle], font, rtl, lang) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _width(text: str, font: Font, rtl: bool, lang: str) -> float:
    shown, options = _layout(text, rtl, lang)
    return float(font.getlength(shown, **options))


class _LayoutOptions(TypedDict, total=False):
    """The keyword arguments of Pillow's text layout that `_layout` chooses."""

    direction: str
    language: str


def _layout(text: str, rtl: bool, lang: str) -> tuple[str, _LayoutOptions]:
    """The string to draw and Pillow's layout options for it.

    With Raqm, Pillow shapes and orders the text itself given the base direction. Without it,
    right-to-left text is turned into visual order here.
    """
    if _raqm():
        options: _LayoutOptions = {"direction": "rtl" if rtl else "ltr"}
        if lang:
            options["language"] = lang
        return text, options
    return (visual_order(text) if rtl else text), {}


_CLUSTER = re.compile(
    r".[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0591-\u05c7]*", re.S
)
"""A character with the combining marks that follow it (Arabic harakat, Hebrew points), kept
together when a line is reversed."""
_MIRRORED = str.maketrans("()[]{}<>", ")(][}{><")
_LTR_RUN = re.compile(r"[0-9A-Za-z.,:%/+\-]+(?: [0-9A-Za-z.,:%/+\-]+)*")


def visual_order(text: str) -> str:
    """Logical right-to-left text in left-to-right drawing order, without a bidi engine.

    The whole line is reversed, then each left-to-right run (Latin words, numbers such as 7.8) is
    reversed back, so that "قوة 7.8 درجة" is drawn as "ةجرد 7.8 ةوق". Mirrored brackets swap.
    """
    if not any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return text
    clusters = _CLUSTER.findall(text)
    reversed_text = "".join(reversed(clusters)).translate(_MIRRORED)
    return _LTR_RUN.sub(lambda match: match.group(0)[::-1], reversed_text)


@cache
def _raqm() -> bool:
    from PIL import features  # deferred: Pillow, only when a card is drawn

    return bool(features.check("raqm"))


@cache
def _font(bold: bool, size: int) -> Font:
    """A TrueType font with Latin, Arabic and Hebrew glyphs (DejaVu Sans on Debian), or
    Pillow's own scalable default when none is installed."""
    from PIL import ImageFont  # deferred: Pillow, only when a card is drawn

    for folder in FONT_DIRS:
        for name in BOLD_FONTS if bold else REGULAR_FONTS:
            path = folder / name
            if path.is_file():
                engine = ImageFont.Layout.RAQM if _raqm() else ImageFont.Layout.BASIC
                return ImageFont.truetype(str(path), size, layout_engine=engine)
    font = ImageFont.load_default(size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        # Only a Pillow built without FreeType falls back to its bitmap font, which has no size.
        raise RuntimeError("share images need Pillow with FreeType support")
    return font
