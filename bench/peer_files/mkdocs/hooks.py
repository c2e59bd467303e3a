"""MkDocs' side of the benchmark: a filter for inline Markdown in front-matter fields, a slug
filter for topic links, and the actors' names for the explainer template."""

import json
import re
from pathlib import Path
from typing import Any

import markdown

PEOPLE = json.loads((Path(__file__).parent / "people.json").read_text(encoding="utf-8"))


def inline(text: object) -> str:
    html = markdown.markdown(str(text))
    return html[3:-4] if html.startswith("<p>") and html.endswith("</p>") else html


def slug(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def on_env(env: Any, config: Any, files: Any) -> Any:
    env.filters["mdi"] = inline
    env.filters["slug"] = slug
    env.globals["people"] = PEOPLE
    return env
