"""Packed explainers: what templates, equality and pickling see is a plain `Explainer`."""

from __future__ import annotations

import pickle
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any

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
from sitegen.engine import compact
from sitegen.engine.compact import PAGE_ONLY, PackedExplainer, start_sharing
from sitegen.engine.store import fast_pickling

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
    packed = PackedExplainer(**values)
    for name, value in values.items():
        assert getattr(packed, name) == value, name
    assert packed == PackedExplainer(**values)
    assert packed != PackedExplainer(**{**values, "toc": ()})
    assert isinstance(packed._page_only, bytes), "packed once built"


def test_reading_explainers_in_turn_never_mixes_their_fields() -> None:
    first = PackedExplainer(**explainer_fields("first"))
    second = PackedExplainer(**explainer_fields("second"))
    for explainer, slug in ((first, "first"), (second, "second"), (first, "first")):
        assert explainer.body_html == Markup(f"<p>The story of {slug}.</p>")
        assert explainer.timeline[0].text_html == f"Event in {slug}"
        assert explainer.toc[0].text == f"Heading of {slug}"


def test_replace_and_pickling_keep_every_field() -> None:
    fast_pickling()  # as in a build; the plain pickling must agree
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
    assert state[-1] is packed._page_only
    assert not any(isinstance(value, DatedText | Heading) for value in state[:-1])
    assert set(PAGE_ONLY) <= {item.name for item in fields(Explainer)}


def test_repeated_values_are_one_object_across_explainers_from_workers() -> None:
    start_sharing()
    # Each explainer pickled on its own, as workers send them: each would unpickle its own
    # copy of the topic, the actors and the authors.
    sent = [pickle.dumps(PackedExplainer(**explainer_fields(slug))) for slug in ("a", "b")]
    first, second = (pickle.loads(data) for data in sent)
    assert first.topics is second.topics
    assert first.topics[0] is second.topics[0]
    assert first.actors[0] is second.actors[0]
    assert first.authors is second.authors
    assert first.title is not second.title, "only values that repeat are shared"


def test_a_new_build_starts_with_no_shared_values() -> None:
    PackedExplainer(**explainer_fields("a"))
    assert compact._shared
    start_sharing()
    assert not compact._shared


def test_unhashable_values_are_kept_as_they_are() -> None:
    start_sharing()
    odd = (TopicRef("Energy", "energy", "/topics/energy/"), ["a list"])
    packed = PackedExplainer(**explainer_fields("a", topics=odd))
    assert packed.topics == odd
