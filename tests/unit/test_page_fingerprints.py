"""Fingerprints of page inputs: a page's variables by what they hold, whatever they share, and
each model object in them by its own fingerprint."""

from __future__ import annotations

from markupsafe import Markup

from sitegen.core.model import Explainer, Pager
from sitegen.engine.compact import Compactor
from sitegen.engine.pages import Fingerprints
from tests.unit.test_compact import explainer_fields


def test_equal_values_give_equal_fingerprints_whatever_they_share() -> None:
    word = "".join(["ener", "gy"])
    shared = (word, word)
    separate = ("energy", "".join(["en", "ergy"]))
    assert shared == separate
    assert Fingerprints().of(shared) == Fingerprints().of(separate)
    assert Fingerprints().of(("energy", "trade")) != Fingerprints().of(shared)


def test_an_explainer_stands_for_itself_by_value() -> None:
    prints = Fingerprints()
    one = Explainer(**explainer_fields("grain-deal"))
    same = Explainer(**explainer_fields("grain-deal"))
    other = Explainer(**explainer_fields("grain-deal", body_html=Markup("<p>New.</p>")))
    assert prints.of({"items": (one,)}) == Fingerprints().of({"items": (same,)})
    assert prints.of({"items": (one,)}) != prints.of({"items": (other,)})


def test_a_packed_explainer_has_one_fingerprint_in_every_build() -> None:
    first = Compactor().keep(Explainer(**explainer_fields("grain-deal")))
    again = Compactor().keep(Explainer(**explainer_fields("grain-deal")))
    assert Fingerprints().of((first,)) == Fingerprints().of((again,))


def _pager(*items: Explainer) -> Pager:
    return Pager(number=1, count=1, items=items, url="/", prev_url=None, next_url=None)


def test_a_list_of_explainers_is_fingerprinted_by_its_explainers() -> None:
    keep = Compactor().keep
    one, two = (keep(Explainer(**explainer_fields(slug))) for slug in ("grain-deal", "ceasefire"))
    again = Compactor().keep(Explainer(**explainer_fields("grain-deal")))
    edited = keep(Explainer(**explainer_fields("grain-deal", title="Grain deal, revised")))
    prints = Fingerprints()
    assert prints.of(_pager(one, two)) == Fingerprints().of(_pager(again, two))
    assert prints.of(_pager(one, two)) != prints.of(_pager(two, one))  # the order shows
    assert prints.of(_pager(one, two)) != prints.of(_pager(edited, two))
    assert prints.of(_pager(one, two)) != prints.of(_pager(one))
