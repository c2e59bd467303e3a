"""Fingerprints of page inputs: a page's variables by what they hold, whatever they share, and
each model object in them by its own fingerprint."""

from __future__ import annotations

from markupsafe import Markup

from sitegen.core.model import Explainer
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
