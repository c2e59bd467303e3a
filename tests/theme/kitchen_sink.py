"""A site that uses every field of FORMAT.md, with a plain explainer, a right-to-left one, an
actor with a photo and a page: the theme's tests build it to see every section on the page."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.helpers import write_files

FULL = """---
title: "Everything <at once>"
date: 2025-03-19T09:00:00+13:00
updated: 2025-03-20
summary: A standfirst.
authors: [Ann Author, Bo Writer, Cy Reporter]
source: Agence France-Presse
topics: [Ukraine war, Energy]
image: {src: /static/lead.png, alt: A map of the front, caption: The front line., credit: Demo desk}
key_points:
  - "First **point**."
  - Second point.
actors:
  - putin
  - {id: kremlin, name: The Kremlin, role: Russia's presidency}
quotes:
  - {by: putin, text: We agree., context: after the call, date: 2025-03-18, url: "https://example.org/q"}
  - {by: A diplomat, text: Maybe.}
timeline:
  - {date: 2025-03-18, text: The call.}
  - {date: 2022-02-24, text: The invasion.}
sources:
  - {title: Readout, url: "https://example.org/readout", publisher: The White House}
related:
  - {title: Another explainer, url: other.md}
questions:
  - {q: Is it a ceasefire?, a: "Only *in part*."}
updates:
  - {date: 2025-03-20, text: Adds reaction.}
corrections:
  - {date: 2025-03-20, text: Fixes the length of the call.}
---
Intro with [Putin](@putin).

## One

Text.

## Two

Text.

## Three

Text.
"""

MINIMAL = """---
title: Other
date: 2025-01-01
key_points: [Just one.]
---
Body.
"""

ARABIC = """---
title: عنوان
date: 2025-02-01
lang: ar
key_points: [نقطة.]
---
نص.
"""

PUTIN = """---
name: Vladimir Putin
role: President of Russia
image: {src: /static/putin.png, alt: Vladimir Putin in 2024}
same_as: ["https://www.wikidata.org/wiki/Q7747"]
---
Profile.
"""


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
"""A 1x1 image, so that browsers load real pictures."""


def write_kitchen_sink(root: Path, base_url: str) -> Path:
    """The site folder, with `base_url` in its sitegen.yaml; returns `root`."""
    return write_files(
        root,
        {
            "sitegen.yaml": f"title: Test Site\nbase_url: {base_url}\n",
            "content/full.md": FULL,
            "content/other.md": MINIMAL,
            "content/arabic.md": ARABIC,
            "content/actors/putin.md": PUTIN,
            "content/pages/about.md": "---\ntitle: About\n---\nAbout us.\n",
            "static/lead.png": PNG,
            "static/putin.png": PNG,
        },
    )
