"""Search without a server: a Pagefind index of explainers and actors, made at build time.

Pagefind (https://pagefind.app, `pip install 'pagefind[bin]'`) splits the index into small
fragments that the reader's browser fetches only for the words searched, so a search costs a
few tens of kilobytes however large the site, and any static host serves it. The index is made
from the rendered pages (in memory, or in a build's staging folder): the pages to index are put
in a temporary folder, the Pagefind binary indexes them, and its bundle comes back as `Output`
values under `pagefind/`. Nothing touches the output folder, so a failed index leaves the
previous site as it was.

Only explainer and actor pages are indexed (quotes are on both); lists, topics and pages would
only repeat them. `main` is the indexed root, so headers and footers are not searched. The index
is one index in the site's language, even for pages in other languages: Pagefind would otherwise
make one index per language and the site's search page would never find an Arabic explainer on
an English site (words in other languages are still found, without stemming).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.core.model import Site
from sitegen.core.outputs import Output
from sitegen.stages.config import CONFIG_NAME
from sitegen.stages.share import page_folder

BUNDLE = "pagefind/"
ENTRY = "pagefind-entry.json"
KEPT = ("pagefind.", "pagefind-entry.json", "pagefind-worker.js", "wasm.", "index/", "fragment/")
"""Bundle files the search page uses; Pagefind's own UI scripts and styles are left out."""
TIMEOUT = 300
GENTLE_NICENESS = 10
"""How far the preview lowers Pagefind's priority (0 normal, 19 lowest)."""


def pagefind_executable() -> str | None:
    """The Pagefind binary from the `pagefind[bin]` wheel, or one on PATH; None when absent."""
    try:
        from pagefind_bin import get_executable  # deferred: Pagefind, only a site with search
    except ImportError:
        return shutil.which("pagefind")
    try:
        return str(get_executable())
    except (FileNotFoundError, OSError):
        return shutil.which("pagefind")


def search_outputs(
    site: Site, outputs: list[Output], *, gentle: bool = False
) -> tuple[list[Output], list[Diagnostic]]:
    """The search bundle for `site`'s pages among `outputs` (rendered in memory); `gentle`
    runs Pagefind at a low priority, so that it slows no rebuild of the preview."""
    pages = {output.path: output.data for output in outputs if output.data is not None}

    def stage(path: str, target: Path) -> None:
        if path in pages:
            target.write_bytes(pages[path])

    return _index(site, stage, None, gentle)


def search_outputs_of_folder(site: Site, folder: Path) -> tuple[list[Output], list[Diagnostic]]:
    """The search bundle for `site`'s pages already written into `folder` (a build's staging
    folder): the pages are hard-linked into Pagefind's folder, not copied or held in memory."""

    def stage(path: str, target: Path) -> None:
        source = folder / path
        if source.is_file():
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)

    return _index(site, stage, folder.parent, gentle=False)


def _index(
    site: Site, stage: Callable[[str, Path], None], work_in: Path | None, gentle: bool
) -> tuple[list[Output], list[Diagnostic]]:
    """Stage every indexed page into a temporary folder, run Pagefind, return its bundle; none
    when search is off."""
    if not site.config.search:
        return [], []
    wanted = sorted(indexed_paths(site))
    if not wanted:  # nothing to search: the page lists nothing too
        return [], []
    executable = pagefind_executable()
    if executable is None:
        return [], [
            Place(CONFIG_NAME).warning(
                "search: Pagefind is not installed (pip install 'pagefind[bin]'), so /search/ "
                "lists every explainer and actor instead of searching; set `search: false` to "
                "leave search out"
            )
        ]
    with tempfile.TemporaryDirectory(prefix=".sitegen-search-", dir=work_in) as work:
        pages, bundle = Path(work, "pages"), Path(work, "bundle")
        for path in wanted:
            target = pages / path
            target.parent.mkdir(parents=True, exist_ok=True)
            stage(path, target)
        problem = _run(executable, pages, bundle, site.config.language.split("-")[0], gentle)
        if problem:
            return [], [Place(CONFIG_NAME).error(problem)]
        return _collect(bundle), []


def indexed_paths(site: Site) -> set[str]:
    """The output paths of every explainer and actor page."""
    links = [explainer.url for explainer in site.explainers]
    links += [entry.actor.page_url for entry in site.actors]
    return {f"{page_folder(site, link)}index.html" for link in links}


def _run(executable: str, pages: Path, bundle: Path, language: str, gentle: bool) -> str | None:
    """Run Pagefind; the reason it failed, or None. `gentle` runs it at a low priority."""
    command = [executable, "--site", str(pages), "--output-path", str(bundle)]
    command += ["--root-selector", "main", "--force-language", language.lower(), "--silent"]
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError as err:
        return f"search: Pagefind could not run: {err}"
    if gentle:
        _lower_priority(process.pid)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired as err:
        process.kill()
        process.communicate()
        return f"search: Pagefind could not run: {err}"
    if process.returncode != 0:
        detail = (stderr or stdout).strip().splitlines()
        return f"search: Pagefind failed: {detail[-1] if detail else process.returncode}"
    return None


def _lower_priority(pid: int) -> None:
    """Let every other process go first (Linux and macOS; elsewhere nothing happens). Set as
    Pagefind starts, so the threads it starts next inherit it."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, pid, GENTLE_NICENESS)


def _collect(bundle: Path) -> list[Output]:
    """The bundle's files as outputs with their bytes (the temporary folder is about to go)."""
    found = []
    for path in sorted(bundle.rglob("*")):
        relative = path.relative_to(bundle).as_posix()
        if path.is_file() and relative.startswith(KEPT):
            data = path.read_bytes()
            if relative == ENTRY:
                data = _sorted_json(data)
            found.append(Output(BUNDLE + relative, data=data))
    return found


def _sorted_json(data: bytes) -> bytes:
    """Pagefind writes its entry file's languages in hash-map order; sorted, two builds of the
    same site are byte for byte the same."""
    parsed = json.loads(data)
    return json.dumps(parsed, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
