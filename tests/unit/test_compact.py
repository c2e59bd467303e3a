"""The engine's compaction: what stages, templates, equality and pickling see is plain data."""

from __future__ import annotations

import pickle
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from markupsafe import Markup

from sitegen.core.model import (
    Actor,
    DatedText,
    Explainer,
    Heading,
    Link,
    Question,
    SourceRef,
    Timestamp,
    TopicRef,
)
from sitegen.core.outputs import PageJob
from sitegen.engine.compact import (
    PAGE_ONLY,
    Compactor,
    ExplainerOutline,
    PackedExplainer,
    pack,
    unpack,
)
from tests.unit.test_store import explainer as parsed_explainer

DAY = Timestamp(datetime(2025, 3, 19, tzinfo=UTC), False)


def explainer_fields(slug: str, **changes: Any) -> dict[str, Any]:
    """Every field of an explainer, each page-only one non-empty and its own to `slug`."""
    values: dict[str, Any] = dict(
        source_path=f"content/explainers/{slug}.md",
        slug=slug,
        url=f"/{slug}/",
        title=f"Title of {slug}",
        date=DAY,
        lang="en",
        dir="ltr",
        body_html=Markup(f"<p>The story of {slug}.</p>"),
        key_points=(Markup("<em>One</em>"),),
        summary="A summary.",
        authors=("Desk",),
        topics=(TopicRef("Energy", "energy", "/topics/energy/"),),
        actors=(Actor(id="kyiv", name="Kyiv", page_url="/actors/kyiv/"),),
        timeline=(DatedText(DAY, Markup(f"Event in {slug}")),),
        sources=(SourceRef(f"Source of {slug}", "https://example.org/"),),
        related=(Link(f"Related to {slug}", "/other/", True),),
        questions=(Question(f"Why {slug}?", Markup("<p>Because.</p>")),),
        updates=(DatedText(DAY, Markup(f"Update to {slug}")),),
        corrections=(DatedText(DAY, Markup(f"Correction to {slug}")),),
        toc=(Heading(2, f"Heading of {slug}", "heading"),),
        word_count=120,
    )
    values.update(changes)
    return values


def test_a_packed_explainer_reads_and_compares_as_a_plain_one() -> None:
    values = explainer_fields("grain-deal")
    packed = PackedExplainer.of(Explainer(**values))
    for name, value in values.items():
        assert getattr(packed, name) == value, name
    assert packed == PackedExplainer(**values)
    assert packed != PackedExplainer(**{**values, "toc": ()})
    assert packed.opened() == Explainer(**values)
    assert isinstance(packed._page_only, bytes), "packed once built"


def test_reading_explainers_in_turn_never_mixes_their_fields() -> None:
    first = PackedExplainer(**explainer_fields("first"))
    second = PackedExplainer(**explainer_fields("second"))
    for explainer, slug in ((first, "first"), (second, "second"), (first, "first")):
        assert explainer.body_html == Markup(f"<p>The story of {slug}.</p>")
        assert explainer.timeline[0].text_html == f"Event in {slug}"
        assert explainer.toc[0].text == f"Heading of {slug}"


def test_replace_and_pickling_keep_every_field() -> None:
    packed = PackedExplainer(**explainer_fields("grain-deal"))
    changed = replace(packed, title="New title", body_html=Markup("<p>New body.</p>"))
    assert isinstance(changed, PackedExplainer)
    assert changed.title == "New title" and changed.body_html == "<p>New body.</p>"
    assert changed.timeline == packed.timeline
    copy = pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == packed
    assert [getattr(copy, item.name) for item in fields(Explainer)] == [
        getattr(packed, item.name) for item in fields(Explainer)
    ]


def test_the_page_only_fields_travel_packed() -> None:
    packed = PackedExplainer(**explainer_fields("grain-deal"))
    state = packed.__getstate__()
    assert state[-2:] == (packed._page_only, packed.fingerprint())
    assert not any(isinstance(value, DatedText | Heading) for value in state[:-2])
    assert set(PAGE_ONLY) <= {item.name for item in fields(Explainer)}


def test_equal_explainers_are_packed_with_equal_fingerprints() -> None:
    values = explainer_fields("grain-deal")
    fingerprint = PackedExplainer(**values).fingerprint()
    assert PackedExplainer(**values).fingerprint() == fingerprint
    assert PackedExplainer(**{**values, "title": "Other"}).fingerprint() != fingerprint
    assert PackedExplainer(**{**values, "toc": ()}).fingerprint() != fingerprint


def test_repeated_values_are_one_object_across_explainers_from_workers() -> None:
    compactor = Compactor()
    # Each explainer pickled on its own, as workers send them: each unpickles its own copy of
    # the topic, the actors and the authors, until the build keeps it.
    sent = [pickle.dumps(compactor.keep(Explainer(**explainer_fields(s)))) for s in ("a", "b")]
    first, second = (compactor.keep(pickle.loads(data)) for data in sent)
    assert first.topics is second.topics
    assert first.topics[0] is second.topics[0]
    assert first.actors[0] is second.actors[0]
    assert first.authors is second.authors
    assert first.title is not second.title, "only values that repeat are shared"


def test_each_build_shares_values_of_its_own() -> None:
    one, other = Compactor(), Compactor()
    topics = one.keep(Explainer(**explainer_fields("a"))).topics
    assert other.keep(Explainer(**explainer_fields("b"))).topics is not topics


def test_unhashable_values_are_kept_as_they_are() -> None:
    odd = (TopicRef("Energy", "energy", "/topics/energy/"), ["a list"])
    packed = Compactor().keep(Explainer(**explainer_fields("a", topics=odd)))
    assert packed.topics == odd


def test_an_explainer_page_gets_the_plain_explainer() -> None:
    plain = Explainer(**explainer_fields("grain-deal"))
    compactor = Compactor()
    job = PageJob(
        "grain-deal/index.html",
        "explainer.html",
        "/grain-deal/",
        "T",
        "D",
        "en",
        "ltr",
        {"explainer": compactor.keep(plain)},
    )
    prepared = compactor.prepare(job)
    assert type(prepared.variables["explainer"]) is Explainer
    assert prepared.variables["explainer"] == plain
    listing = replace(job, variables={"pager": "unchanged"})
    assert compactor.prepare(listing) is listing


def test_an_outline_gives_back_the_whole_record() -> None:
    source = parsed_explainer("## Who's who\n\n- [Kyiv](@kyiv) \u2014 the capital\n")
    outline = ExplainerOutline.of(source)
    assert outline.record() == source
    assert (outline.slug, outline.actors, outline.body) == (source.slug, source.actors, source.body)
    assert outline.may_list_actors is source.may_list_actors is True
    assert pickle.loads(pickle.dumps(outline)) == outline


@pytest.mark.parametrize("data", [b"", b"x", "Énergie \u2019 \U0001f30d".encode() * 500])
def test_packed_bytes_come_back_the_same(data: bytes) -> None:
    assert unpack(pack(data)) == data
