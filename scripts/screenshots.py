"""Screenshots of every page type at 390 and 1280 px, light and dark, to look at as a reader would.

    python scripts/screenshots.py [SITE_FOLDER] [--out DIR] [--built DIR]

Builds SITE_FOLDER (default: the repository root, i.e. the demo site) into a temporary folder,
serves it on 127.0.0.1 and writes `<type>-<width>-<scheme>.png` into DIR (default `screenshots/`).
`--built DIR` skips the build and serves an already built site instead.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from sitebrowser import REPO_ROOT, SCHEMES, WIDTHS, build_site, free_port, launch, page_types, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=REPO_ROOT, help="site to build")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="where PNGs go")
    parser.add_argument("--built", type=Path, help="serve this built site instead of building")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sitegen-shots-") as tmp:
        port = free_port()
        site = args.built or Path(tmp) / "site"
        if args.built is None:
            result = build_site(args.source, site, f"http://127.0.0.1:{port}/")
            if result.returncode != 0:
                sys.stderr.write(result.stdout + result.stderr)
                return 1
        args.out.mkdir(parents=True, exist_ok=True)
        with serve(site, port) as origin:
            written = shoot(origin, page_types(site), args.out)
    print(f"{written} screenshots in {args.out}")
    return 0


DECODE_IMAGES = "Promise.all([...document.images].map(i => i.decode().catch(() => null)))"
"""Waits until every image is decoded, so that none is caught blank in a screenshot."""


def shoot(origin: str, pages: dict[str, str], out: Path) -> int:
    """Full-page PNGs of each page, at each width, in each colour scheme."""
    written = 0
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for width in WIDTHS:
            for scheme in SCHEMES:
                viewport = {"width": width, "height": 900}
                context = browser.new_context(viewport=viewport, color_scheme=scheme)
                page = context.new_page()
                for kind, path in pages.items():
                    page.goto(f"{origin}/{path}")
                    page.evaluate(DECODE_IMAGES)
                    page.screenshot(path=out / f"{kind}-{width}-{scheme}.png", full_page=True)
                    written += 1
                context.close()
        browser.close()
    return written


if __name__ == "__main__":
    sys.exit(main())
