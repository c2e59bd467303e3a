"""The Markdown stage: plugins, link safety, mentions, pull quotes and FORMAT.md 3.2 sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.rules_core import inline as markdown_it_inline

from sitegen.core.diagnostics import Diagnostic, Severity
from sitegen.core.model import Heading
from sitegen.core.urls import BaseUrl
from sitegen.stages.markdown import ActorLink, MarkdownRenderer, RenderedBody
from sitegen.stages.markdown.link_normalization import _normalize_link

PATH = "content/story.md"
FIRST_LINE = 7  # the body starts on file line 7, after the front matter


class FakeResolver:
    """A site with two actor files and three content files, served under `/sub/`."""

    base_url = BaseUrl.parse("https://example.org/sub/")
    _actors = {  # noqa: RUF012 - read-only test data
        "putin": ActorLink("Vladimir Putin", "/sub/actors/putin/"),
        "sybiga": ActorLink("Andriy Sybiga", "/sub/actors/sybiga/"),
    }
    _names = {"vladimir putin": "putin", "putin": "putin", "andriy sybiga": "sybiga"}  # noqa: RUF012
    _pages = {  # noqa: RUF012
        "content/other.md": "/sub/other/",
        "content/actors/putin.md": "/sub/actors/putin/",
        "content/pages/about.md": "/sub/about/",
    }

    def actor(self, actor_id: str) -> ActorLink | None:
        return self._actors.get(actor_id)

    def actor_id_for_name(self, name: str) -> str | None:
        return self._names.get(name.lower())

    def content_link(self, target: str) -> str | None:
        return self._pages.get(target)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def find_all(self, tag: str) -> list[Element]:
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.find_all(tag))
        return found


class _TreeBuilder(HTMLParser):
    _VOID = frozenset({"br", "hr", "img", "input", "meta", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in self._VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer(allow_html=False)


def body(renderer: MarkdownRenderer, text: str, **kwargs: bool) -> RenderedBody:
    return renderer.render_body(
        text, path=PATH, first_line=FIRST_LINE, resolver=FakeResolver(), **kwargs
    )


def hrefs(html: str) -> list[str | None]:
    return [a.attrs.get("href") for a in parse_html(html).find_all("a")]


def only(diagnostics: tuple[Diagnostic, ...]) -> Diagnostic:
    assert len(diagnostics) == 1, diagnostics
    return diagnostics[0]


# --- CommonMark extensions ------------------------------------------------------------------------


def test_table_renders(renderer: MarkdownRenderer) -> None:
    tree = parse_html(body(renderer, "| a | b |\n| - | - |\n| 1 | 2 |\n").html)
    assert [td.text for td in tree.find_all("td")] == ["1", "2"]


def test_table_without_delimiter_row_is_a_paragraph(renderer: MarkdownRenderer) -> None:
    tree = parse_html(body(renderer, "| a | b |\n| 1 | 2 |\n").html)
    assert tree.find_all("table") == []


def test_strikethrough(renderer: MarkdownRenderer) -> None:
    assert [s.text for s in parse_html(body(renderer, "~~gone~~ ~kept~").html).find_all("s")] == [
        "gone"
    ]


def test_footnote_and_undefined_footnote(renderer: MarkdownRenderer) -> None:
    tree = parse_html(body(renderer, "Claim[^1] and other[^9].\n\n[^1]: The source.\n").html)
    assert len(tree.find_all("sup")) == 1
    assert "The source." in tree.find_all("section")[0].text
    assert "[^9]" in tree.text


def test_linkify_is_off(renderer: MarkdownRenderer) -> None:
    assert hrefs(body(renderer, "See https://example.org/x today.").html) == []


# --- Heading anchors and the TOC ------------------------------------------------------------------


def test_heading_anchors_are_unique_and_only_on_h2_to_h4(renderer: MarkdownRenderer) -> None:
    text = "# Top\n\n## Talks\n\n### Talks\n\n#### Talks\n\n##### Talks\n\n## Zelenskyy's café\n"
    tree = parse_html(body(renderer, text).html)
    ids = {tag: [h.attrs.get("id") for h in tree.find_all(tag)] for tag in ("h1", "h2", "h3")}
    assert ids == {"h1": [None], "h2": ["talks", "zelenskyys-cafe"], "h3": ["talks-2"]}
    assert tree.find_all("h4")[0].attrs["id"] == "talks-3"
    assert "id" not in tree.find_all("h5")[0].attrs


def test_toc_lists_h2_and_h3_flat(renderer: MarkdownRenderer) -> None:
    result = body(renderer, "## One *big*\n\n### Two\n\n#### Three\n\n## One big\n")
    assert result.toc == (
        Heading(2, "One big", "one-big"),
        Heading(3, "Two", "two"),
        Heading(2, "One big", "one-big-2"),
    )


# --- Raw HTML -------------------------------------------------------------------------------------

RAW = '<div class="x">block</div>\n\nInline <script>alert(1)</script> <b>bold</b>\n'


def test_raw_html_is_escaped_by_default(renderer: MarkdownRenderer) -> None:
    html = body(renderer, RAW).html
    tree = parse_html(html)
    assert tree.find_all("div") == tree.find_all("script") == tree.find_all("b") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '&lt;div class="x"&gt;' in html or "&lt;div class=&quot;x&quot;&gt;" in html


def test_raw_html_passes_when_allowed() -> None:
    html = MarkdownRenderer(allow_html=True).render_body(
        RAW, path=PATH, first_line=1, resolver=FakeResolver()
    )
    tree = parse_html(html.html)
    assert [len(tree.find_all(tag)) for tag in ("div", "script", "b")] == [1, 1, 1]


# --- Unsafe links ---------------------------------------------------------------------------------

UNSAFE_LINKS = [
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](<\x01javascript:alert(1)>)",
    "[x](java%09script:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](data:image/png;base64,AAAA)",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
]


@pytest.mark.parametrize("source", UNSAFE_LINKS)
def test_unsafe_urls_are_never_written(renderer: MarkdownRenderer, source: str) -> None:
    result = body(renderer, "Intro line.\n" + source + "\n")
    tree = parse_html(result.html)
    written = [a.attrs.get("href") for a in tree.find_all("a")]
    written += [img.attrs.get("src") for img in tree.find_all("img")]
    assert written == []
    diagnostic = only(result.diagnostics)
    assert (diagnostic.line, diagnostic.severity) == (FIRST_LINE + 1, Severity.WARNING)
    assert "unsafe link" in diagnostic.message


def test_url_broken_by_a_newline_is_not_a_link(renderer: MarkdownRenderer) -> None:
    assert hrefs(body(renderer, "[x](<java\nscript:alert(1)>)").html) == []


@pytest.mark.parametrize("source", ["[x](JaVaScRiPt:alert(1))", "<javascript:alert(1)>"])
def test_unsafe_link_is_reported_and_text_kept(renderer: MarkdownRenderer, source: str) -> None:
    result = body(renderer, "\n\n" + source)
    diagnostic = only(result.diagnostics)
    assert (diagnostic.line, diagnostic.severity) == (FIRST_LINE + 2, Severity.WARNING)
    assert "x" in parse_html(result.html).text or "javascript" in result.html


def test_data_image_is_allowed_for_images(renderer: MarkdownRenderer) -> None:
    result = body(renderer, "![chart](data:image/png;base64,AAAA)")
    assert [img.attrs["src"] for img in parse_html(result.html).find_all("img")] == [
        "data:image/png;base64,AAAA"
    ]
    assert result.diagnostics == ()


def test_site_absolute_links_get_the_base_path(renderer: MarkdownRenderer) -> None:
    text = "[about](/about/) [ext](https://example.com/a) [cdn](//cdn.example.com/x) ![i](/i.png)"
    result = body(renderer, text)
    assert hrefs(result.html) == ["/sub/about/", "https://example.com/a", "//cdn.example.com/x"]
    assert parse_html(result.html).find_all("img")[0].attrs["src"] == "/sub/i.png"


# --- Mentions -------------------------------------------------------------------------------------


def test_mention_links_to_the_actor(renderer: MarkdownRenderer) -> None:
    tree = parse_html(body(renderer, "Talks with [Vladimir Putin](@putin).").html)
    (link,) = tree.find_all("a")
    assert link.attrs == {"class": "mention", "href": "/sub/actors/putin/"}
    assert link.text == "Vladimir Putin"


def test_unknown_mention_is_an_error_at_its_line_and_column(renderer: MarkdownRenderer) -> None:
    result = body(renderer, "First line\nsecond [Nobody](@nobody) here.\n")
    diagnostic = only(result.diagnostics)
    assert diagnostic.severity is Severity.ERROR
    assert (diagnostic.line, diagnostic.col) == (FIRST_LINE + 1, 16)
    assert "`nobody`" in diagnostic.message
    assert hrefs(result.html) == []
    assert "Nobody" in parse_html(result.html).text


def test_mentions_are_unique_in_order_of_first_appearance(renderer: MarkdownRenderer) -> None:
    text = "[S](@sybiga) [P](@putin)\n\n## Key points\n\n- [P](@putin) [S](@sybiga)\n"
    assert body(renderer, text).mentions == ("sybiga", "putin")


# --- Links to content files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("other.md", "/sub/other/"),
        ("../content/other.md", "/sub/other/"),
        ("./other.md#the-deal", "/sub/other/#the-deal"),
        ("actors/putin.md", "/sub/actors/putin/"),
        ("pages/about.md", "/sub/about/"),
    ],
)
def test_links_to_content_files(renderer: MarkdownRenderer, target: str, expected: str) -> None:
    result = body(renderer, f"See [this]({target}).")
    assert hrefs(result.html) == [expected]
    assert result.diagnostics == ()


def test_link_to_missing_file_is_a_warning(renderer: MarkdownRenderer) -> None:
    result = body(renderer, "One\n\nSee [this](gone.md#x).")
    diagnostic = only(result.diagnostics)
    assert diagnostic == Diagnostic(
        PATH, FIRST_LINE + 2, 11, Severity.WARNING, "link to missing file `gone.md`"
    )


def test_link_escaping_the_site_is_an_error_without_a_link(renderer: MarkdownRenderer) -> None:
    result = body(renderer, "[pw](../../etc/passwd.md)")
    assert only(result.diagnostics).severity is Severity.ERROR
    assert hrefs(result.html) == []


def test_link_to_other_files_is_left_alone(renderer: MarkdownRenderer) -> None:
    assert hrefs(body(renderer, "[pdf](report.pdf) [top](#top)").html) == ["report.pdf", "#top"]


# --- Pull quotes ----------------------------------------------------------------------------------


def test_pull_quote(renderer: MarkdownRenderer) -> None:
    result = body(renderer, "Intro\n\n::: quote sybiga\nIt is *time*.\n:::\n")
    assert result.diagnostics == ()
    (figure,) = parse_html(result.html).find_all("figure")
    assert figure.attrs == {"class": "pull-quote"}
    (quote,) = figure.find_all("blockquote")
    assert [e.text for e in quote.find_all("em")] == ["time"]
    (caption,) = figure.find_all("figcaption")
    assert caption.text == "\u2014 Andriy Sybiga"
    assert caption.find_all("a")[0].attrs == {"href": "/sub/actors/sybiga/"}


@pytest.mark.parametrize(("info", "message"), [("quote nobody", "`nobody`"), ("quote", "id")])
def test_pull_quote_without_known_id(renderer: MarkdownRenderer, info: str, message: str) -> None:
    result = body(renderer, f"Intro\n\n::: {info}\nWords.\n:::\n")
    diagnostic = only(result.diagnostics)
    assert (diagnostic.line, diagnostic.severity) == (FIRST_LINE + 2, Severity.ERROR)
    assert message in diagnostic.message
    assert parse_html(result.html).find_all("figcaption") == []
    assert parse_html(result.html).find_all("blockquote")[0].text.strip() == "Words."


# --- Body sections (FORMAT.md 3.2) ----------------------------------------------------------------

SECTIONED = """Lead paragraph with five words.

## Key points

- First **point** with [P](@putin)
- Second point

## Background

Some background.

## Who's who

- **Vladimir Putin** — President of Russia
- [Andriy Sybiga](@sybiga) -- Foreign Minister

### Still actors

- Anonymous official

## What they said

> It must end now.
> — putin, on state TV

# A new part

Closing.
"""


def test_sections_are_lifted(renderer: MarkdownRenderer) -> None:
    sections = body(renderer, SECTIONED).sections
    assert [str(k.html) for k in sections.key_points or ()] == [
        'First <strong>point</strong> with <a class="mention" href="/sub/actors/putin/">P</a>',
        "Second point",
    ]
    assert [k.line for k in sections.key_points or ()] == [FIRST_LINE + 4, FIRST_LINE + 5]
    assert sections.key_points_line == FIRST_LINE + 2
    assert [(a.name, a.role, a.actor_id, a.line) for a in sections.actors or ()] == [
        ("Vladimir Putin", "President of Russia", "putin", FIRST_LINE + 13),
        ("Andriy Sybiga", "Foreign Minister", "sybiga", FIRST_LINE + 14),
        ("Anonymous official", "", "anonymous-official", FIRST_LINE + 18),
    ]
    assert sections.actors_line == FIRST_LINE + 11
    (quote,) = sections.quotes or ()
    assert (str(quote.text_html), quote.by, quote.context) == (
        "It must end now.",
        "putin",
        "on state TV",
    )
    assert (quote.line, sections.quotes_line) == (FIRST_LINE + 22, FIRST_LINE + 20)


def test_lifted_sections_leave_the_narrative_and_toc(renderer: MarkdownRenderer) -> None:
    result = body(renderer, SECTIONED)
    tree = parse_html(result.html)
    assert [h.text for h in tree.find_all("h2") + tree.find_all("h3")] == ["Background"]
    assert [h.text for h in tree.find_all("h1")] == ["A new part"]
    assert tree.find_all("li") == tree.find_all("blockquote") == []
    assert result.toc == (Heading(2, "Background", "background"),)
    narrative = "Lead paragraph with five words. Background Some background. A new part Closing."
    assert result.word_count == len(narrative.split())
    assert result.diagnostics == ()


def test_sections_stay_when_not_lifted(renderer: MarkdownRenderer) -> None:
    result = body(renderer, SECTIONED, lift_sections=False)
    assert result.sections.key_points is None and result.sections.actors is None
    assert len(parse_html(result.html).find_all("li")) == 5
    assert [h.text for h in result.toc][:2] == ["Key points", "Background"]


def test_absent_sections_are_none(renderer: MarkdownRenderer) -> None:
    sections = body(renderer, "Just a story.\n\n## Key pointers\n\n- no\n").sections
    assert (sections.key_points, sections.actors, sections.quotes) == (None, None, None)


@pytest.mark.parametrize(
    ("heading", "field_name"),
    [
        ("Key points", "key_points"),
        ("KEY POINTS", "key_points"),
        ("key   points  ", "key_points"),
        ("Actors", "actors"),
        ("Who's who", "actors"),
        ("Who\u2019s Who", "actors"),
        ("Quotes", "quotes"),
        ("What they said", "quotes"),
    ],
)
def test_section_heading_variants(
    renderer: MarkdownRenderer, heading: str, field_name: str
) -> None:
    item = "> Words.\n> -- Someone" if field_name == "quotes" else "- Item"
    sections = body(renderer, f"## {heading}\n\n{item}\n").sections
    assert len(getattr(sections, field_name)) == 1


@pytest.mark.parametrize(
    "line",
    [
        "Jean-Claude Juncker \u2014 EC president",
        "Jean-Claude Juncker\u2014EC president",
        "Jean-Claude Juncker - EC president",
        "Jean-Claude Juncker -- EC president",
        "**Jean-Claude Juncker** \u2014 EC president",
        "**Jean-Claude Juncker** - EC president",
        "[Jean-Claude Juncker](https://example.org/jcj) -- EC president",
    ],
)
def test_actor_separators_and_name_forms(renderer: MarkdownRenderer, line: str) -> None:
    (actor,) = body(renderer, f"## Actors\n\n- {line}\n").sections.actors or ()
    assert (actor.name, actor.role, actor.actor_id) == (
        "Jean-Claude Juncker",
        "EC president",
        "jean-claude-juncker",
    )


@pytest.mark.parametrize(
    ("line", "expected_id"),
    [
        ("[The Kremlin man](@putin) \u2014 President", "putin"),
        ("[Somebody](@new-actor) \u2014 President", "new-actor"),
        ("[Vlad](actors/putin.md) \u2014 President", "putin"),
        ("putin \u2014 President", "putin"),
        ("Vladimir Putin \u2014 President", "putin"),
    ],
)
def test_actor_ids(renderer: MarkdownRenderer, line: str, expected_id: str) -> None:
    result = body(renderer, f"## Actors\n\n- {line}\n")
    (actor,) = result.sections.actors or ()
    assert (actor.actor_id, actor.role) == (expected_id, "President")
    assert result.diagnostics == ()  # the section's links are not checked as mentions


@pytest.mark.parametrize(
    ("quote", "text", "by", "context"),
    [
        ("> Peace now.\n> \u2014 sybiga", "Peace now.", "sybiga", ""),
        ("> Peace now.\n> -- Andriy Sybiga, in Kyiv, on Monday", "Peace now.", "Andriy Sybiga",
         "in Kyiv, on Monday"),
        ("> Peace now.\n>\n> \u2014 [Sybiga](@sybiga), to reporters", "Peace now.", "sybiga",
         "to reporters"),
        ("> Peace *now*.\n> Really.", "Peace <em>now</em>. Really.", "", ""),
        ("> Peace - now.", "Peace - now.", "", ""),
    ],
)  # fmt: skip
def test_quote_attribution(
    renderer: MarkdownRenderer, quote: str, text: str, by: str, context: str
) -> None:
    (lifted,) = body(renderer, f"## Quotes\n\n{quote}\n").sections.quotes or ()
    assert (str(lifted.text_html).replace("\n", " "), lifted.by, lifted.context) == (
        text,
        by,
        context,
    )


def test_each_blockquote_is_one_quote(renderer: MarkdownRenderer) -> None:
    text = "## Quotes\n\n> One.\n> -- a\n\n> Two.\n> -- b\n"
    quotes = body(renderer, text).sections.quotes or ()
    assert [(str(q.text_html), q.by, q.line) for q in quotes] == [
        ("One.", "a", FIRST_LINE + 2),
        ("Two.", "b", FIRST_LINE + 5),
    ]


def test_duplicate_section_is_an_error(renderer: MarkdownRenderer) -> None:
    result = body(renderer, "## Key points\n\n- a\n\n## key points\n\n- b\n")
    diagnostic = only(result.diagnostics)
    assert (diagnostic.line, diagnostic.severity) == (FIRST_LINE + 4, Severity.ERROR)
    assert f"line {FIRST_LINE}" in diagnostic.message
    assert [str(k.html) for k in result.sections.key_points or ()] == ["a"]
    assert parse_html(result.html).find_all("li") == []


def test_stray_content_in_a_section_is_reported(renderer: MarkdownRenderer) -> None:
    result = body(renderer, "## Key points\n\nA paragraph.\n\n- a\n")
    diagnostic = only(result.diagnostics)
    assert (diagnostic.line, diagnostic.severity) == (FIRST_LINE + 2, Severity.WARNING)
    assert len(result.sections.key_points or ()) == 1


# --- Inline and block rendering -------------------------------------------------------------------


def test_render_inline_has_no_paragraph(renderer: MarkdownRenderer) -> None:
    html, diagnostics = renderer.render_inline(
        "Talks with [P](@putin) and [X](@nobody)", path=PATH, line=12, resolver=FakeResolver()
    )
    assert str(html) == 'Talks with <a class="mention" href="/sub/actors/putin/">P</a> and X'
    assert [(d.line, d.severity) for d in diagnostics] == [(12, Severity.ERROR)]


def test_render_block_does_not_lift(renderer: MarkdownRenderer) -> None:
    html, diagnostics = renderer.render_block(
        "## Key points\n\n- kept\n", path=PATH, first_line=3, resolver=FakeResolver()
    )
    assert [li.text for li in parse_html(html).find_all("li")] == ["kept"]
    assert diagnostics == ()


PLAIN_ISH_PART = st.text(
    st.sampled_from([*"#>-:!|^@;()]{}=+%$ \t.aQ1\u00e9\u2014\u2028\u00a0\ufeff\"'"]), max_size=30
)
PLAIN_ISH = st.tuples(  # and now and then twice a character that does start Markdown: `a*b*`
    PLAIN_ISH_PART, st.sampled_from(["", *"[*_`~<&\\\n\r\x00"]), PLAIN_ISH_PART
).map(lambda parts: parts[1].join((parts[0], parts[2], "")))


def assert_inline_as_parsed(text: str, *, allow_html: bool) -> None:
    shortcut = MarkdownRenderer(allow_html=allow_html)
    parsed = MarkdownRenderer(allow_html=allow_html)
    parsed._plain_inline_is_text = False
    assert shortcut._plain_inline_is_text
    args = {"path": PATH, "line": 4, "col": 9, "resolver": FakeResolver()}
    assert shortcut.render_inline(text, **args) == parsed.render_inline(text, **args)


@settings(max_examples=300, deadline=None)
@given(PLAIN_ISH, st.booleans())
def test_plain_inline_text_renders_as_markdown_it_renders_it(text: str, allow_html: bool) -> None:
    """The shortcut for inline text without Markdown gives what markdown-it's parse gives."""
    assert_inline_as_parsed(text, allow_html=allow_html)


@pytest.mark.parametrize(
    "text",
    [
        *("~~s~~", "[l](@putin)", "<https://e.org>", "<b>x</b>", "&amp;", "a\\*", "`c`"),
        *("*e*", "_e_", "x\ny", "a\r\nb", "a\x00"),
    ],
)
def test_inline_markdown_is_parsed(text: str) -> None:
    assert_inline_as_parsed(text, allow_html=True)


BODYISH = st.lists(
    st.sampled_from(
        [
            *(
                "| a | b |\n| --- | --- |\n| c | 7 % |\n",
                "- item: x\n",
                "## Head\n",
                "\n",
                " ",
                "a",
            ),
            *(
                "1. n\n",
                "> q\n",
                "*",
                "_",
                "[l](@putin)",
                "`c`",
                "&amp;",
                "~~",
                "\\",
                "[^1]",
                "::: quote ",
            ),
        ]
    ),
    max_size=30,
).map("".join)


def assert_body_as_parsed(text: str) -> None:
    shortcut = MarkdownRenderer(allow_html=False)
    parsed = MarkdownRenderer(allow_html=False)
    parsed._md.core.ruler.at("inline", markdown_it_inline)
    args = {"path": PATH, "first_line": FIRST_LINE, "resolver": FakeResolver()}
    assert shortcut.render_body(text, **args) == parsed.render_body(text, **args)
    assert shortcut.render_block(text, **args) == parsed.render_block(text, **args)


@settings(max_examples=300, deadline=None)
@given(BODYISH)
def test_plain_inline_tokens_of_a_body_are_as_markdown_it_parses_them(text: str) -> None:
    assert_body_as_parsed(text)


@pytest.mark.parametrize(
    "text",
    [
        *("| *e* | b |\n| --- | --- |\n| c | d |\n", "## ~~Head~~\n", "- `code`\n", "- _x_\n"),
        *("## a &amp; b\n", "- a\\*\n", "- [l](@putin)\n", "| <https://e.org> |\n| --- |\n"),
    ],
)
def test_inline_markdown_in_a_body_is_parsed(text: str) -> None:
    assert_body_as_parsed(text)


URLISH = st.lists(
    st.sampled_from(
        [
            *("https://", "http://", "HTTP://", "@", "/", "//", ".", "..", "#", "-", "_", "~", "%"),
            *("?", ":", " ", "\u00e9", "xn--", "a", "Z", "0", "example.org", "x.md", "a." * 130),
            *("c" * 62, "d" * 63),
        ]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(URLISH)
def test_link_normalisation_is_markdown_its(url: str) -> None:
    assert _normalize_link(url) == normalizeLink(url)


# --- Determinism and robustness -------------------------------------------------------------------


def test_same_input_gives_identical_output(renderer: MarkdownRenderer) -> None:
    first = body(renderer, SECTIONED + "\n[x](@nobody) text[^1]\n\n[^1]: note\n")
    body(renderer, "## Other\n\n## Other\n\n[a](gone.md)\n")
    assert body(renderer, SECTIONED + "\n[x](@nobody) text[^1]\n\n[^1]: note\n") == first
    assert MarkdownRenderer(allow_html=False).render_body(
        SECTIONED, path=PATH, first_line=FIRST_LINE, resolver=FakeResolver()
    ) == body(renderer, SECTIONED)


MARKDOWNISH = st.lists(
    st.sampled_from([*"#>-*_[]()@:!`~|^\\<>&;\n \t.amq1\u2014", "\r\n", "::: quote ", "](@"]),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_no_input_raises(text: str) -> None:
    renderer = MarkdownRenderer(allow_html=False)
    result = renderer.render_body(text, path=PATH, first_line=1, resolver=FakeResolver())
    parse_html(result.html)
    renderer.render_inline(text, path=PATH, line=1, resolver=FakeResolver())


@pytest.mark.parametrize(
    "text",
    [">" * 5000, "- " * 3000, "[" * 5000 + "](x)", "*" * 5000, "## Quotes\n\n>\n> --\n", "\x00"],
)
def test_pathological_input_does_not_raise(renderer: MarkdownRenderer, text: str) -> None:
    body(renderer, text)
