"""The checkers the browser tests run on more than one site: axe-core and the Nu Html Checker."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def run_axe(browser: Any, axe_script: Path, url: str, width: int, scheme: str) -> list[str]:
    """axe-core's violations on `url` at a viewport width and colour scheme, one line each."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    context.close()
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def vnu_errors(jar: Path, folder: Path) -> list[str]:
    """The Nu Html Checker's errors over every HTML file under `folder`."""
    command = ["java", "-jar", str(jar), "--format", "json", "--skip-non-html", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
