"""Hostile site folders as hypothesis strategies, and the invariant every build must keep.

Shared by the fast profile in the suite (tests/security/test_fuzz.py) and the long run
(bench/fuzz_long.py). The invariant (issue 5): a build either succeeds with valid, script-free
output, or fails with diagnostics that each name a file and a line; it never raises and never
hangs. Generated sites mix plausible explainers (so that the renderer and the theme are reached)
with arbitrary YAML values in any field, hostile text in every field, deep nesting, huge
strings, every Unicode plane, and byte-level damage (BOMs, mixed line ends, NUL bytes, invalid
UTF-8, truncation).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import shutil
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from hypothesis import strategies as st

from sitegen.build import BuildOptions, BuildResult, build
from sitegen.core.diagnostics import Report
from sitegen.stages import config, records, render
from sitegen.stages.write import MARKER
from tests.helpers import write_files
from tests.security.htmlcheck import output_problems

HOSTILE_TEXT = (
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</SCRIPT ><!--",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "<svg/onload=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "{{ 7*7 }}",
    "{% for x in range(99999999) %}x{% endfor %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "${7*7}",
    "]]>",
    "<![CDATA[x",
    "<!-- x",
    "&amp;&lt;&#0;&#x110000;&#xD800;",
    "\u2028\u2029",
    "\ufeff",
    "\u202e\u2066",
    "\x0b\x0c\x1b[31m\x7f\x85",
    "\U0001d54f\U0001f3f3\ufe0f\u200d\U0001f308",
    "\U0010fffd\ue000\U000e0001",
    "\ufb03\u0130\u00df\u0345",
    "\u0645\u0631\u062d\u0628\u0627",
    "../../../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "CON",
    "nul.txt",
    "@",
    ":",
    "- a: b",
    'Trump said: "It must end now"',
)
HOSTILE_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " \x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&colon;alert(1)",
    "%6Aavascript:alert(1)",
    "javascript%3Aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "data:image/png;base64,iVBORw0KGgo=",
    "file:///etc/passwd",
    "//evil.example/x",
    "https://example.org/a?b=<script>",
    "mailto:a@example.org",
    "/absolute/path",
    "/static/x.png",
    "#frag",
    "other.md",
    "../actors/putin.md",
    "../../../etc/passwd.md",
    "/etc/passwd.md",
    "actors/a.md#x",
    "@a",
    "@putin",
    "@",
    "",
)
RAW_YAML = (
    "!!python/object/apply:os.system ['touch /tmp/sitegen-pwned']",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!timestamp 2025-13-45",
    "!!float nan",
    "!!int 0x" + "f" * 40,
    "&a [*a]",
    "*undefined",
    "? [a, b]\n: c",
    "? {a: b}\n: c",
    "<<: {title: merged}",
    "\t- tab",
    "[" * 60,
    "{" * 60,
    "- " * 60 + "x",
    "a: &x [1, 2]\nb: [*x, *x, *x, *x]",
    "title: a\ntitle: b",
    "%YAML 1.1\n---",
    "...",
    "'unterminated",
    '"\\x00\\uD800"',
    "1e400",
    "-.inf",
    "0o777777777777777777777777",
    "2025-02-30",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+14:00",
)
EXPLAINER_FIELDS = tuple(sorted(records.EXPLAINER_FIELDS))
CONFIG_KEYS = tuple(sorted(config.CONFIG_KEYS))

# -- text ------------------------------------------------------------------------------------------


def one_in(times: int) -> st.SearchStrategy[bool]:
    """True about once in `times` draws. Hypothesis favours small integers, so the rare case is
    a middle value, never 0."""
    return st.integers(0, times - 1).map(lambda roll: roll == times // 2)


# Strategies are built once: building one inside a draw costs more than the draw itself.
ONE_IN_3, ONE_IN_4, ONE_IN_5, ONE_IN_6, ONE_IN_20, ONE_IN_30 = map(one_in, (3, 4, 5, 6, 20, 30))


any_char_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
"""Any code point of any plane (surrogates aside: they cannot be written as UTF-8 at all)."""

huge_text = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(("a", "\U0001f600", "<b>", "x y ", "&", "{{", "\u0645")),
    st.integers(1_000, 60_000),
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Text for any field: ordinary, hostile, any Unicode, sometimes huge, often a mixture."""
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(HOSTILE_TEXT),
                st.sampled_from(HOSTILE_URLS),
                any_char_text,
                st.sampled_from(("Peace talks", "Kyiv", "**bold**", "[x](@a)", "`code`")),
                st.sampled_from(("Peace talks", "Kyiv", "Zelenskyy", "Moscow", "ceasefire")),
            ),
            min_size=1,
            max_size=4,
        )
    )
    text = " ".join(parts)
    if draw(ONE_IN_30):
        text += draw(huge_text)
    return text


TEXT = texts()
urls = st.one_of(st.sampled_from(HOSTILE_URLS), TEXT)

# -- YAML values -----------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.dates(),
    st.datetimes(timezones=st.sampled_from((None, dt.UTC))),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(TEXT, st.sampled_from(EXPLAINER_FIELDS)), children, max_size=4),
    ),
    max_leaves=16,
)
DATE = st.dates()
dates = st.one_of(
    st.dates(),
    st.datetimes(timezones=st.sampled_from((None, dt.UTC, dt.timezone(dt.timedelta(hours=-12))))),
    st.sampled_from(("2025-01-01", "2025-13-01", "2025-02-30", "yesterday", "0000-00-00")),
)
actor_ids = st.one_of(
    st.sampled_from(("a", "a", "a", "b", "putin")),
    st.sampled_from(("A", "../a", "a b", "", "actors", "x" * 300, "a\u0301")),
)


def mostly(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually a plausible value (hypothesis favours the first branch), sometimes any YAML value
    at all: enough valid sites get through validation to reach the renderer and the theme."""
    return st.one_of(plausible, yaml_values)


def _mapping(
    required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """A list item: its required keys, any subset of the optional ones, rarely an unknown key."""
    extra = st.one_of(st.just({}), st.just({}), st.fixed_dictionaries({"unknown": yaml_values}))
    return st.builds(
        lambda item, more: {**item, **more},
        st.fixed_dictionaries(
            {key: mostly(value) for key, value in required.items()},
            optional={key: mostly(value) for key, value in optional.items()},
        ),
        extra,
    )


image = _mapping({"src": urls, "alt": TEXT}, {"caption": TEXT, "credit": TEXT})
dated_list = st.lists(_mapping({"date": dates, "text": TEXT}, {}), max_size=3)
link_list = st.lists(_mapping({"title": TEXT, "url": urls}, {"publisher": TEXT}), max_size=3)
inline_actor = _mapping(
    {"name": TEXT},
    {"id": actor_ids, "role": TEXT, "description": TEXT, "url": urls, "image": image},
)

PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "title": TEXT,
    "date": dates,
    "updated": dates,
    "summary": TEXT,
    "slug": st.one_of(actor_ids, TEXT, st.sampled_from(("con", "nul", "aux", "com1", "page"))),
    "authors": st.one_of(TEXT, st.lists(TEXT, max_size=3)),
    "source": TEXT,
    "topics": st.lists(st.one_of(TEXT, st.sampled_from(("CON", "..", "Ukraine"))), max_size=3),
    "image": image,
    "lang": st.one_of(st.sampled_from(("en", "ar", "he-IL", "zz-Arab", "x", "../")), TEXT),
    "draft": st.booleans(),
    "key_points": st.lists(TEXT, min_size=1, max_size=4),
    "actors": st.lists(st.one_of(actor_ids, inline_actor), max_size=4),
    "quotes": st.lists(
        _mapping(
            {"text": TEXT, "by": actor_ids},
            {"context": TEXT, "date": dates, "url": urls},
        ),
        max_size=3,
    ),
    "timeline": dated_list,
    "sources": link_list,
    "related": link_list,
    "questions": st.lists(_mapping({"q": TEXT, "a": TEXT}, {}), max_size=3),
    "updates": dated_list,
    "corrections": dated_list,
    "extra": yaml_values,
}


MOSTLY_PLAUSIBLE = {name: mostly(value) for name, value in PLAUSIBLE.items()}
FIELD_SUBSETS = st.lists(st.sampled_from(EXPLAINER_FIELDS), max_size=6, unique=True)
KEY_POINTS = st.lists(TEXT, min_size=1, max_size=3)


@st.composite
def front_matter(draw: st.DrawFn) -> dict[str, Any]:
    """An explainer's fields: each one absent, plausible, or any YAML value at all."""
    data: dict[str, Any] = {
        "title": draw(TEXT),
        "date": draw(DATE),
        "key_points": draw(KEY_POINTS),
    }
    for name in draw(FIELD_SUBSETS):
        data[name] = draw(MOSTLY_PLAUSIBLE[name])
    if draw(ONE_IN_4):
        data[draw(TEXT)] = draw(yaml_values)
    return data


BOOLEAN = st.booleans()
FLOW_STYLE = st.sampled_from((False, None, True))
WIDTH = st.sampled_from((80, 20, 10_000))
RAW_YAML_LINE = st.builds(
    lambda key, raw, form: form.format(key=key, raw=raw),
    st.sampled_from((*EXPLAINER_FIELDS, "zzz")),
    st.sampled_from(RAW_YAML),
    st.sampled_from(("{key}: {raw}", "{raw}", "  - {raw}")),
)


@st.composite
def yaml_text(draw: st.DrawFn, data: dict[str, Any]) -> str:
    """`data` as YAML in a random style, sometimes with raw hostile YAML spliced in."""
    try:
        text = yaml.safe_dump(
            data,
            allow_unicode=draw(BOOLEAN),
            default_flow_style=draw(FLOW_STYLE),
            width=draw(WIDTH),
            sort_keys=False,
        )
    except yaml.YAMLError:
        text = "title: unrepresentable\n"
    if draw(ONE_IN_5):
        lines = text.split("\n")
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(RAW_YAML_LINE))
        text = "\n".join(lines)
    return text


# -- Markdown --------------------------------------------------------------------------------------


BLOCK_KIND = st.integers(0, 15)
DEPTH = st.integers(1, 1000)
NESTING_PREFIX = st.sampled_from(("> ", "- ", "1. ", "* ", "  "))
REPEATED = st.sampled_from(("*", "_", "`", "<", "~", "\\", "!["))


@st.composite
def markdown_blocks(draw: st.DrawFn) -> str:
    kind = draw(BLOCK_KIND)
    text = draw(TEXT)
    url = draw(urls)
    depth = draw(DEPTH)
    blocks = (
        lambda: text,
        lambda: f"## {text}",
        lambda: f"[{text}]({url})",
        lambda: f"![{text}]({url})",
        lambda: f"<{url}>",
        lambda: f"[ref][r]\n\n[r]: {url}",
        lambda: f"## Key points\n\n- {text}\n- [x]({url})",
        lambda: f"## Who's who\n\n- **{text}** \u2014 role\n- [{text}]({url}) - x",
        lambda: f"## What they said\n\n> {text}\n> \u2014 {draw(actor_ids)}, ctx",
        lambda: f"::: quote {draw(actor_ids)}\n{text}\n:::",
        lambda: f"{text}[^1]\n\n[^1]: {text}",
        lambda: f"| a | b |\n|---|---|\n| {text} | [x]({url}) |",
        lambda: draw(NESTING_PREFIX) * depth + text,
        lambda: "[" * depth + text + "](x)" * min(depth, 50),
        lambda: draw(REPEATED) * depth,
        lambda: f"```\n{text}\n```\n<div onclick=x>{text}</div>\n<script>alert(1)</script>",
    )
    return blocks[kind]()


bodies = st.lists(markdown_blocks(), max_size=6).map("\n\n".join)

# -- bytes -----------------------------------------------------------------------------------------


LINE_END = st.sampled_from(("\n", "\r\n", "\r", "mixed"))
ONE_LINE_END = st.sampled_from(("\n", "\r\n", "\r"))
JUNK_BYTES = st.sampled_from((b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"))
ONE_OR_TWO = st.integers(1, 2)


@st.composite
def damaged(draw: st.DrawFn, text: str) -> bytes:
    """A file's text as bytes, sometimes damaged the ways real files are."""
    line_end = draw(LINE_END)
    if line_end == "mixed":
        text = "".join(part + draw(ONE_LINE_END) for part in text.split("\n"))
    else:
        text = text.replace("\n", line_end)
    data = text.encode("utf-8")
    if draw(ONE_IN_4):
        data = b"\xef\xbb\xbf" + data
    for _ in range(draw(ONE_OR_TWO) if draw(ONE_IN_6) else 0):
        at = draw(st.integers(0, len(data)))
        junk = draw(JUNK_BYTES)
        data = data[:at] + junk + data[at:]
    if draw(ONE_IN_20):
        data = data[: draw(st.integers(0, len(data)))]
    return data


# -- sites -----------------------------------------------------------------------------------------

file_stems = st.one_of(
    st.sampled_from(
        (
            "a",
            "A",
            "story",
            "CON",
            "nul",
            "com1",
            "actors",
            "page",
            "static",
            "-",
            "..x",
            "x" * 250,
            "\u00e9t\u00e9",
            "e\u0301te\u0301",
            "\U0001f600",
        )
    ),
    st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"),
        min_size=1,
        max_size=30,
    ).filter(lambda s: len(s.encode("utf-8")) <= 240 and not s.startswith(".")),
)


@st.composite
def document(draw: st.DrawFn, data: dict[str, Any]) -> bytes:
    text = f"---\n{draw(yaml_text(data))}---\n{draw(bodies)}\n"
    return draw(damaged(text))


CONFIG_VALUES = {
    name: mostly(
        {
            "base_url": st.sampled_from(
                ("https://example.org/news/", "javascript:alert(1)//", "http://x/<script>/")
            ),
            "allow_html": st.booleans(),
            "per_page": st.integers(-2, 3),
            "timezone": st.sampled_from(("UTC", "../../../../etc/passwd", "/etc/localtime")),
        }.get(name, TEXT)
    )
    for name in CONFIG_KEYS
}
CONFIG_SUBSETS = st.lists(st.sampled_from(CONFIG_KEYS), max_size=4, unique=True)
ACTOR_FIELD_SUBSETS = st.lists(st.sampled_from(("role", "url", "image", "aliases")), max_size=3)
ACTOR_VALUE = st.one_of(urls, image, TEXT, yaml_values)
ACTOR_STEM = st.one_of(st.just("a"), file_stems)
PAGE_SLUG = st.one_of(actor_ids, TEXT)
EXPLAINER_COUNT = st.integers(1, 3)


@st.composite
def config_files(draw: st.DrawFn) -> bytes:
    data = {name: draw(CONFIG_VALUES[name]) for name in draw(CONFIG_SUBSETS)}
    return draw(damaged(draw(yaml_text(data))))


@st.composite
def sites(draw: st.DrawFn) -> dict[str, bytes]:
    """A small site folder: one to three explainers, maybe an actor file, a page and a config."""
    files: dict[str, bytes] = {}
    for _ in range(draw(EXPLAINER_COUNT)):
        files[f"content/{draw(file_stems)}.md"] = draw(document(draw(front_matter())))
    if draw(BOOLEAN):
        actor: dict[str, Any] = {"name": draw(TEXT)}
        for name in draw(ACTOR_FIELD_SUBSETS):
            actor[name] = draw(ACTOR_VALUE)
        files[f"content/actors/{draw(ACTOR_STEM)}.md"] = draw(document(actor))
    if draw(ONE_IN_4):
        page = {"title": draw(TEXT), "slug": draw(PAGE_SLUG)}
        files[f"content/pages/{draw(file_stems)}.md"] = draw(document(page))
    if draw(ONE_IN_3):
        files["sitegen.yaml"] = draw(config_files())
    return files


# -- the invariant ---------------------------------------------------------------------------------


class TimeBoundExceeded(Exception):
    """A build took longer than the per-example bound: treated as a hang."""


WALL_FACTOR = 20
"""The wall-clock bound is this many times the CPU bound: on a machine shared with other jobs a
one-second build can take twenty seconds of wall time, which is load, not a hang."""


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise TimeBoundExceeded in the main thread when the block uses more than `seconds` of
    CPU time (a loop that never ends), or WALL_FACTOR times that in wall time (a wait that never
    ends)."""

    def expire(signum: int, _frame: object) -> None:
        kind = "CPU" if signum == signal.SIGPROF else "wall-clock"
        limit = seconds if signum == signal.SIGPROF else seconds * WALL_FACTOR
        raise TimeBoundExceeded(f"build did not finish within {limit} s of {kind} time")

    previous = {sig: signal.signal(sig, expire) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_FACTOR)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept across builds: the theme compiles once per process, not once per
    example, which makes fuzzing ten times faster without changing what a build renders."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


@contextlib.contextmanager
def compiled_templates_cached() -> Iterator[None]:
    """Share one bytecode cache between the builds of a fuzz run."""
    original = render.make_environment
    cache = _MemoryBytecodeCache()

    def cached(*args: Any, **kwargs: Any) -> jinja2.Environment:
        env = original(*args, **kwargs)
        env.bytecode_cache = cache
        return env

    render.make_environment = cached  # type: ignore[assignment]
    try:
        yield
    finally:
        render.make_environment = original  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Options:
    drafts: bool = False
    strict: bool = False


build_options = st.builds(Options, drafts=st.booleans(), strict=one_in(5))


@dataclass(frozen=True, slots=True)
class FuzzBuild:
    """A real build's result and the files it wrote (none when it failed)."""

    result: BuildResult
    outputs: dict[str, bytes]

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def report(self) -> Report:
        return self.result.report


def build_and_read(
    files: dict[str, bytes], options: Options, *, seconds: float, folder: Path | None = None
) -> FuzzBuild:
    """Write the site into a fresh folder, build it as `sitegen build --no-cache` does, and
    read back every file the build wrote.

    `folder`, when given, is emptied and reused (the long run saves a temporary folder per
    example that way); otherwise a temporary folder is made and removed.
    """
    if folder is None:
        with tempfile.TemporaryDirectory(prefix="sitegen-fuzz-") as temporary:
            return build_and_read(files, options, seconds=seconds, folder=Path(temporary))
    for child in folder.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    root = write_files(folder / "src", dict(files))
    out = folder / "out"
    options_ = BuildOptions(
        root=root, out=out, drafts=options.drafts, strict=options.strict, cache=False
    )
    with time_bound(seconds):
        result = build(options_)
    outputs = (
        {
            path.relative_to(out).as_posix(): path.read_bytes()
            for path in out.rglob("*")
            if path.is_file() and path.name != MARKER
        }
        if result.ok
        else {}
    )
    return FuzzBuild(result, outputs)


def invariant_problems(files: dict[str, bytes], built: FuzzBuild) -> list[str]:
    """How the build breaks the invariant; empty when it keeps it."""
    problems = [
        f"diagnostic without a file and line: {diagnostic}"
        for diagnostic in built.report
        if not diagnostic.path or diagnostic.line < 1 or not diagnostic.message
    ]
    if not built.ok:
        return problems
    site = built.result.site
    allow_html = site is not None and site.config.allow_html
    problems += output_problems(built.outputs, check_scripts=not allow_html)
    return problems


# -- cheap mutants, for the long run ---------------------------------------------------------------

_TOKENS = (
    *(text.encode("utf-8") for text in (*HOSTILE_TEXT, *HOSTILE_URLS, *RAW_YAML)),
    *(b"\n---\n", b": ", b"- ", b"\x00", b"\xff", b"\xef\xbb\xbf", b"\r", b"\t", b"\xed\xa0\x80"),
    *(b"[" * 200, b">" * 200),
)


def mutant(files: dict[str, bytes], rng: random.Random) -> dict[str, bytes]:
    """`files` with one to three byte-level edits in one file: a hostile token inserted, a slice
    deleted, a line duplicated or moved, a byte replaced.

    Hypothesis spends most of an example's time generating it; the long run builds several cheap
    mutants of each generated site to test many more inputs in the same time.
    """
    path = rng.choice(sorted(files))
    data = bytearray(files[path])
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(data))
        operation = rng.randrange(5)
        if operation == 0:
            data[at:at] = rng.choice(_TOKENS)
        elif operation == 1:
            del data[at : at + rng.randint(1, 40)]
        elif operation in (2, 3) and data:
            lines = bytes(data).split(b"\n")
            line = lines.pop(rng.randrange(len(lines)))
            if operation == 2:
                lines.insert(rng.randrange(len(lines) + 1), line)
            lines.insert(rng.randrange(len(lines) + 1), line)
            data = bytearray(b"\n".join(lines))
        elif data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
    return {**files, path: bytes(data)}
