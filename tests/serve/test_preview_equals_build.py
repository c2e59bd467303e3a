"""The preview's invariant, against production: after any sequence of edits, the preview folder
holds exactly what `sitegen build` writes, byte for byte, and both fail on the same edits.

Each example makes a small site, starts the preview's engine on it (`Incremental`), then
applies random batches of edits as the watcher reports them: edits inside explainers (title,
date, topics, actors, key points, quotes, body, draft, slug...), new, deleted and renamed
content files, undos, actors, pages, the site's own templates, static files, settings and
broken files. After every batch the engine rebuilds and catches up (share cards, search), and
the real `build()` runs on the site with the preview's base URL, with its cache, into one
output folder kept across the batches (as `sitegen build` is run again and again), in a
quarter of the examples with forked workers. At the end the same build again must change
nothing, and a build from the persisted cache into a new folder must equal one without cache.

Share cards and search are off in the main test, where Pagefind would take most of the time;
a smaller test turns them on.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.preview.incremental import Incremental
from sitegen.stages import render
from sitegen.stages.load import theme_dir
from tests.serve.builds import (
    ORIGIN,
    assert_preview_equals_build,
    build_as_preview,
    settle,
    tree,
)
from tests.serve.harness import small_site


@pytest.fixture(scope="module", autouse=True)
def _quick_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A cache key of the module's own, and the built-in theme compiled as an installed wheel
    has it (`render.ThemeBytecode`): a checkout compiles the theme anew in every build and
    every preview, which would be most of the time of these small sites."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEGEN_CACHE_KEY_DIR", str(tmp_path_factory.mktemp("key")))
        patch.delenv("SITEGEN_WORKERS", raising=False)
        if not render.COMPILED_THEME.is_dir():
            compiled = tmp_path_factory.mktemp("compiled-theme")
            render.compile_theme(theme_dir() / "templates", compiled)
            patch.setattr(render, "COMPILED_THEME", compiled)
        yield


# The content: explainers are kept as field values (`Spec`) so that an edit can change one field
# of a file that exists, and written out as front matter.

EXPLAINERS = (
    "content/alpha.md",
    "content/beta.md",
    "content/gamma.md",
    "content/delta.md",
    "content/sub/epsilon.md",
)
"""Where explainers are written (a sub-folder too: it is not part of the URL)."""
TOPICS = ("Testing", "Other", "Climate", "testing")
"""`testing` is the same topic as `Testing`, written otherwise: which name the page shows
depends on the order of the explainers."""
GUEST = "guest"
"""An actor given inline in the explainer that lists it (the others have files)."""
TITLES = ("Alpha", "Beta", "A new headline", "Rates: up again")
POINTS = ("One point.", "Another point.", "Mentions [her](@someone).", "**Bold** claim.", "Boom.")
BODIES = (
    "The story.",
    "The story, with [a link](alpha.md).",
    "[She](@someone) said so.",
    "It began.\n\n## Background\n\nMore of it.",
    "It began.\n\n::: quote someone\nWe will.\n:::",
    "It began.\n\n## Who's who\n\n- **Fay Holm** — mediator",
)
QUOTES = (None, ("someone", "We will."), ("someone", "We will not."), (GUEST, "Hello."))


@dataclass(frozen=True)
class Spec:
    """One explainer's front matter and body."""

    title: str = "Alpha"
    day: int = 1
    updated: int | None = None
    topics: tuple[str, ...] = ("Testing",)
    actors: tuple[str, ...] = ()
    points: tuple[str, ...] = ("One point.",)
    quote: tuple[str, str] | None = None
    summary: str = ""
    body: str = "The story."
    draft: bool = False
    slug: str | None = None
    lang: str | None = None

    def text(self) -> str:
        lines = ["---", f"title: {json.dumps(self.title)}", f"date: 2025-03-{self.day:02d}"]
        if self.updated is not None:
            lines.append(f"updated: 2025-04-{self.updated:02d}")
        if self.summary:
            lines.append(f"summary: {json.dumps(self.summary)}")
        lines.append(f"topics: {json.dumps(list(self.topics))}")
        whos_who = "## Who's who" in self.body
        if self.actors and not whos_who:
            lines.append("actors:")
            for actor in self.actors:
                if actor == GUEST:
                    lines += [f"  - id: {GUEST}", "    name: A Guest", "    role: Visitor"]
                else:
                    lines.append(f"  - {actor}")
        lines.append("key_points:")
        lines += [f"  - {json.dumps(point)}" for point in self.points]
        if self.quote:
            by, said = self.quote
            lines += ["quotes:", f"  - by: {by}", f"    text: {json.dumps(said)}"]
        if self.draft:
            lines.append("draft: true")
        if self.slug:
            lines.append(f"slug: {self.slug}")
        if self.lang:
            lines.append(f"lang: {self.lang}")
        body = [self.body]
        if whos_who:  # the actors are listed in the section then, as the format allows
            body += [
                "- **A Guest** — Visitor" if actor == GUEST else f"- [Them](@{actor}) — listed"
                for actor in self.actors
            ]
        return "\n".join([*lines, "---", *body, ""])


FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "title": st.sampled_from(TITLES),
    "day": st.integers(1, 5),
    "updated": st.sampled_from((None, 1, 2)),
    "topics": st.lists(st.sampled_from(TOPICS), max_size=2, unique=True).map(tuple),
    "actors": st.lists(st.sampled_from(("someone", "another", GUEST)), max_size=2, unique=True).map(
        tuple
    ),
    "points": st.lists(st.sampled_from(POINTS), min_size=1, max_size=2).map(tuple),
    "quote": st.sampled_from(QUOTES),
    "summary": st.sampled_from(("", "Short.", "A longer summary.")),
    "body": st.sampled_from(BODIES),
    "draft": st.sampled_from((False, False, False, True)),
    "slug": st.sampled_from((None,) * 8 + ("custom-slug", "alpha")),
    "lang": st.sampled_from((None, None, None, "fr")),
}
"""Each field's values. Some are errors on some sites (a second explainer at `alpha`, a
mention of `@someone` once its file is gone), so that failures are compared too, but rarely."""

specs = st.builds(Spec, **FIELDS)

TEMPLATES: dict[str, tuple[str, ...]] = {
    "partials/nav.html": (
        "<nav>{{ site.pages|length }} pages:{% for p in site.pages %} {{ p.title }}"
        "{% endfor %}</nav>\n",
        "<nav>{% if %}</nav>\n",  # a syntax error
        '{% import "partials/macros.html" as m %}<nav>{{ m.count() }}</nav>\n',
    ),
    "partials/macros.html": (
        "{% macro count() %}{{ site.explainers|length }} explainers{% endmacro %}\n",
    ),
    "partials/topic_list.html": (
        "<ol>{% for topic in site.topics %}<li>{{ topic.name }} {{ topic.explainers|length }}"
        "</li>{% endfor %}</ol>\n",
    ),
    "partials/key_points.html": (  # fails on one key point only: an error the content causes
        "<ul>{% for point in points %}{% if 'Boom' in point %}{{ no_such_name }}{% endif %}"
        "<li>{{ point }}</li>{% endfor %}</ul>\n",
    ),
    "partials/explainer_item.html": (
        '<article><a href="{{ item.url }}">{{ item.title }}</a> {{ item.date.iso }}'
        " {{ item.actors|length }} {{ site.config.per_page }}</article>\n",
    ),
    "404.html": ("<p>Gone from {{ site.config.title }}: {{ site.explainers|length }}</p>\n",),
}

CONFIG = "sitegen.yaml"
SETTINGS = {
    "title": st.sampled_from(("Preview test", "Renamed desk")),
    "base_url": st.sampled_from(("https://example.org/news/", "https://example.org/")),
    "per_page": st.sampled_from((1, 2, 3, 20)),
    "description": st.sampled_from(("", "All about it.")),
    "language": st.sampled_from(("en", "en", "en", "fr")),
}


Value = Spec | dict[str, Any] | None
"""What a file holds, where the test keeps it as values: an explainer's `Spec`, the settings."""


EDITS = {
    "field": 8,  # one front-matter field or the body of an explainer
    "explainer": 2,  # a whole new explainer, over one or not
    "undo": 3,
    "delete": 1,
    "rename": 1,
    "actor": 1,
    "page": 2,
    "template": 2,
    "static": 1,
    "config": 3,
    "broken": 1,
}
"""The kinds of edits, and how often each comes among those an example makes."""


def edit_kinds(draw: st.DrawFn) -> list[str]:
    """The kinds of edits one example makes (swarm testing): a few kinds at a time make the
    sequences that take many edits of the same few things, such as a setting changed with a
    page and the page's edit undone, much likelier than all kinds mixed evenly."""
    chosen = draw(st.sets(st.sampled_from(sorted(EDITS)), min_size=1), label="edit kinds")
    return [kind for kind in sorted(chosen) for _ in range(EDITS[kind])]


@dataclass
class Example:
    """One random site and the edits made to it: each file's value and earlier versions, and
    the files the edits touched since the last rebuild."""

    root: Path
    values: dict[str, Value] = field(default_factory=dict)
    history: dict[str, list[tuple[str | None, Value]]] = field(default_factory=dict)
    """Every earlier version of each edited file (None: it did not exist), for undoing."""
    touched: set[Path] = field(default_factory=set)

    @property
    def explainers(self) -> dict[str, Spec]:
        return {path: v for path, v in sorted(self.values.items()) if isinstance(v, Spec)}

    @property
    def settings(self) -> dict[str, Any]:
        found = self.values.get(CONFIG)
        return found if isinstance(found, dict) else {}

    def read(self, relative: str) -> str | None:
        path = self.root / relative
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def keep(self, relative: str) -> None:
        """Remember the file's version before an edit."""
        versions = self.history.setdefault(relative, [])
        version = (self.read(relative), self.values.get(relative))
        if version not in versions:
            versions.append(version)

    def write(self, relative: str, text: str | None, value: Value = None) -> None:
        """Write a file, or delete it with None."""
        self.keep(relative)
        path = self.root / relative
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.values[relative] = value
        self.touched.add(path.resolve())

    def explainer(self, relative: str, spec: Spec) -> None:
        self.write(relative, spec.text(), spec)

    def configure(self, **changes: Any) -> None:
        settings = {**self.settings, **changes}
        text = "".join(f"{key}: {json.dumps(value)}\n" for key, value in settings.items())
        self.write(CONFIG, text, settings)

    def content(self) -> list[str]:
        folder = self.root / "content"
        return sorted(path.relative_to(self.root).as_posix() for path in folder.rglob("*.md"))

    def edit(self, draw: st.DrawFn, kinds: Sequence[str]) -> None:
        """One random edit, of one of `kinds`."""
        kind = draw(st.sampled_from(kinds))
        existing = sorted(self.explainers)
        if kind == "field" and existing:
            path = draw(st.sampled_from(existing))
            name = draw(st.sampled_from(sorted(FIELDS)))
            self.explainer(path, replace(self.explainers[path], **{name: draw(FIELDS[name])}))
        elif kind in ("field", "explainer"):
            self.explainer(draw(st.sampled_from(EXPLAINERS)), draw(specs))
        elif kind == "undo" and self.history:  # an editor's undo: an earlier version back
            path = draw(st.sampled_from(sorted(self.history)))
            self.write(path, *draw(st.sampled_from(self.history[path])))
        elif kind in ("undo", "delete"):
            self.write(draw(st.sampled_from(self.content() or ["content/alpha.md"])), None)
        elif kind == "rename":
            self.rename(draw)
        elif kind == "actor":
            actor = draw(st.sampled_from(("someone", "another")))
            role = draw(st.sampled_from(("Tester", "Editor", "Tester", None)))
            profile = f"---\nname: {actor.title()}\nrole: {role}\n---\nBio.\n"
            self.write(f"content/actors/{actor}.md", None if role is None else profile)
        elif kind == "page":
            name = draw(st.sampled_from(("about", "contact")))
            title = draw(st.sampled_from(("About", "About us", "Draft page", None)))
            draft = "draft: true\n" if title == "Draft page" else ""
            text = None if title is None else f"---\ntitle: {title}\n{draft}---\nText.\n"
            self.write(f"content/pages/{name}.md", text)
        elif kind == "template":
            name = draw(st.sampled_from(sorted(TEMPLATES)))
            self.write(f"templates/{name}", draw(st.sampled_from((*TEMPLATES[name], None))))
        elif kind == "static":
            name = draw(st.sampled_from(("static/extra.css", "static/theme.css")))
            self.write(name, draw(st.sampled_from(("a{}\n", "b{}\n", None))))
        elif kind == "config":  # one setting: a change every page shows would hide the rest
            name = draw(st.sampled_from(sorted(SETTINGS)))
            self.configure(**{name: draw(SETTINGS[name])})
        elif draw(st.booleans()):
            self.write(CONFIG, "title: Preview test\nper_page: none\n")
        else:
            broken = ("---\ntitle: [unclosed\n---\n", "---\ndate: 2025-03-01\n---\nNo title.\n")
            self.write(draw(st.sampled_from(EXPLAINERS)), draw(st.sampled_from(broken)))

    def rename(self, draw: st.DrawFn) -> None:
        """Move a content file, as an editor's rename does (one event for each name)."""
        source = draw(st.sampled_from(self.content() or ["content/alpha.md"]))
        folder = source.rsplit("/", 1)[0] + "/"
        if folder in ("content/actors/", "content/pages/"):
            names = ("someone", "another", "third") if "actors" in folder else ("about", "contact")
            target = f"{folder}{draw(st.sampled_from(names))}.md"
        else:  # `_` folders hold no content: a move there takes the explainer out
            target = draw(st.sampled_from((*EXPLAINERS, "content/_drafts/alpha.md")))
        if target == source or (self.root / target).exists() or not (self.root / source).exists():
            return
        self.keep(source)
        self.keep(target)
        (self.root / target).parent.mkdir(parents=True, exist_ok=True)
        (self.root / source).rename(self.root / target)
        self.touched |= {(self.root / source).resolve(), (self.root / target).resolve()}
        self.values[target] = self.values.pop(source, None)


def start(root: Path, draw: st.DrawFn, *, rich: bool) -> Example:
    """The harness's small site, with explainers from `Spec` and settings of the example."""
    small_site(root)
    example = Example(root)
    example.configure(**draw(st.fixed_dictionaries(SETTINGS)), share_images=rich, search=rich)
    example.write("content/actors/another.md", "---\nname: Another\n---\nBio.\n")
    for day, topic in enumerate(("Testing", "Testing", "Other"), 1):
        path = EXPLAINERS[day - 1]
        spec = Spec(title=Path(path).stem.title(), day=day, topics=(topic,))
        example.explainer(path, spec)
    example.touched.clear()
    example.history.clear()
    return example


def run(
    data: st.DataObject, folder: Path, *, rich: bool, batches: int, workers: int | None
) -> tuple[int, int]:
    """One example: the preview after each batch of edits equals a real build; returns how
    many batches the preview and the build both succeeded on, and how many there were."""
    if workers:
        os.environ["SITEGEN_WORKERS"] = str(workers)
    try:
        example = start(folder / "site", data.draw, rich=rich)
        drafts = data.draw(st.sampled_from((False, False, False, True)), label="drafts")
        kinds = edit_kinds(data.draw)
        engine = Incremental(example.root, folder / "preview", ORIGIN, drafts=drafts)
        out = folder / "built"
        succeeded = 0
        steps = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=batches))
        for number, edits in enumerate([0, *steps]):
            for _ in range(edits):
                example.edit(data.draw, kinds)
            result = engine.rebuild(example.touched if number else None)
            example.touched = set()
            settled = settle(engine, result)
            built = assert_preview_equals_build(example.root, engine, settled, out)
            succeeded += built.ok
        # Built again, nothing has changed: the build says so and leaves the folder as it is.
        again = build_as_preview(example.root, engine, out)
        assert again.ok == built.ok and again.unchanged == built.ok
        assert [str(d) for d in again.report] == [str(d) for d in built.report]
        assert tree(out) == tree(engine.output.out)
        # Into a new folder, from what the builds above left in the cache, it equals a build
        # that reads no cache at all.
        warm = build_as_preview(example.root, engine, folder / "warm")
        cold = build_as_preview(example.root, engine, folder / "cold", cache=False)
        assert warm.ok == cold.ok == built.ok
        assert [str(d) for d in warm.report] == [str(d) for d in cold.report]
        if built.ok:
            assert tree(folder / "warm") == tree(folder / "cold") == tree(out)
        return succeeded, len(steps) + 1
    finally:
        os.environ.pop("SITEGEN_WORKERS", None)


TALLY: list[tuple[int, int]] = []


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_preview_equals_a_real_build_after_any_edits(data: st.DataObject) -> None:
    workers = data.draw(st.sampled_from((None, None, None, 2)), label="workers")
    with tempfile.TemporaryDirectory() as temporary:
        TALLY.append(run(data, Path(temporary), rich=False, batches=5, workers=workers))


def test_most_examples_built() -> None:
    """The examples above (run before this test, in file order) compare output, not only
    failures: most of their batches must build."""
    if not TALLY:
        pytest.skip("runs after the property test above, in the same session")
    succeeded, total = map(sum, zip(*TALLY, strict=True))
    assert succeeded >= 0.7 * total, (succeeded, total)


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_share_cards_and_search_equal_a_real_build(data: st.DataObject) -> None:
    """The same with share cards and the search index on (Pagefind takes a while: fewer and
    shorter sequences)."""
    with tempfile.TemporaryDirectory() as temporary:
        run(data, Path(temporary), rich=True, batches=2, workers=None)
