# ruff: noqa: RUF001, RUF002 -- curly quotes and dashes are what this code reads
"""Score the importer's quotes against the labelled stories in `tests/import_eval/`.

Run `python -m sitegen.commands.importer.evaluate [DIR]`. Each `NN-name.txt` has a
`NN-name.yaml` beside it listing the expected quotes (`text`, `speaker` id) and actors (`id`,
`name`, `role`).

Matching, defined so that punctuation and a trimmed comma do not decide a score: both texts are
normalised (lower case, straight apostrophes, punctuation removed, words split on spaces), and a
predicted quote matches an expected one when the words they share in order (difflib's matching
blocks) are at least 80 % of the longer of the two. Pairs are matched one-to-one, best first.

- precision: matched predicted quotes / all predicted quotes;
- recall: matched expected quotes / all expected quotes;
- speaker accuracy: matched pairs whose predicted speaker is the expected one (same id, or an
  actor with the expected name) / matched pairs.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitegen.commands.importer.extract import Extraction, extract

THRESHOLD = 0.8
DEFAULT_DIR = Path(__file__).resolve().parents[3] / "tests" / "import_eval"


def normalise(text: str) -> list[str]:
    """Words for matching: `“It’s over,”` -> [it's, over]."""
    text = text.replace("’", "'").replace("‘", "'").lower()
    return re.sub(r"[^\w\s']", " ", text).replace(" '", " ").replace("' ", " ").split()


def overlap(a: str, b: str) -> float:
    """Shared words in order, as a share of the longer text (0 when either is empty)."""
    left, right = normalise(a), normalise(b)
    if not left or not right:
        return 0.0
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks())
    return shared / max(len(left), len(right))


@dataclass(frozen=True, slots=True)
class Pair:
    """An expected quote and the predicted one matched to it."""

    expected: dict[str, str]
    text: str
    speaker_id: str
    speaker_name: str
    speaker_ok: bool


@dataclass(slots=True)
class CaseScore:
    """One story's results."""

    name: str
    found: Extraction
    labels: dict[str, Any]
    pairs: list[Pair] = field(default_factory=list)
    missed: list[dict[str, str]] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def speaker_errors(self) -> list[Pair]:
        return [pair for pair in self.pairs if not pair.speaker_ok]


def load_case(path: Path) -> tuple[str, dict[str, Any]]:
    """The copy and its labels for `NN-name.txt`."""
    labels = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8")) or {}
    return path.read_text(encoding="utf-8"), labels


def cases(directory: Path = DEFAULT_DIR) -> list[Path]:
    return sorted(directory.glob("*.txt"))


def score_case(path: Path) -> CaseScore:
    """Match one story's predicted quotes to its labels."""
    text, labels = load_case(path)
    found = extract(text)
    score = CaseScore(path.stem, found, labels)
    names = {a["id"]: _fold(a["name"]) for a in labels.get("actors") or []}
    expected = list(labels.get("quotes") or [])
    predicted = list(found.quotes)
    candidates = sorted(
        (
            (overlap(e["text"], p.words), i, j)
            for i, e in enumerate(expected)
            for j, p in enumerate(predicted)
        ),
        reverse=True,
    )
    used_e: set[int] = set()
    used_p: set[int] = set()
    for ratio, i, j in candidates:
        if ratio < THRESHOLD or i in used_e or j in used_p:
            continue
        used_e.add(i)
        used_p.add(j)
        speaker = predicted[j].speaker
        sid, sname = (speaker.id, speaker.name) if speaker else ("", "")
        wanted = expected[i]["speaker"]
        ok = sid == wanted or (wanted in names and _fold(sname) == names[wanted])
        score.pairs.append(Pair(expected[i], predicted[j].words, sid, sname, ok))
    score.missed = [e for i, e in enumerate(expected) if i not in used_e]
    score.spurious = [p.words for j, p in enumerate(predicted) if j not in used_p]
    return score


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").casefold().split())


@dataclass(frozen=True, slots=True)
class Totals:
    """Scores over the whole set."""

    expected: int
    predicted: int
    matched: int
    speakers_ok: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speakers_ok / self.matched if self.matched else 1.0


def totals(scores: list[CaseScore]) -> Totals:
    return Totals(
        expected=sum(len(s.pairs) + len(s.missed) for s in scores),
        predicted=sum(len(s.pairs) + len(s.spurious) for s in scores),
        matched=sum(len(s.pairs) for s in scores),
        speakers_ok=sum(len(s.pairs) - len(s.speaker_errors) for s in scores),
    )


def report(scores: list[CaseScore]) -> str:
    """A per-story table with every miss, spurious quote and wrong speaker, then the totals."""
    lines: list[str] = []
    for s in scores:
        lines.append(
            f"{s.name:28} matched {len(s.pairs):2}  missed {len(s.missed)}  "
            f"spurious {len(s.spurious)}  wrong speaker {len(s.speaker_errors)}"
        )
        lines += [f"    missed:   {m['text'][:70]!r} ({m['speaker']})" for m in s.missed]
        lines += [f"    spurious: {text[:70]!r}" for text in s.spurious]
        lines += [
            f"    speaker:  {p.text[:50]!r} got {p.speaker_id or '-'}, want {p.expected['speaker']}"
            for p in s.speaker_errors
        ]
    t = totals(scores)
    lines.append(
        f"quotes: {t.expected} expected, {t.predicted} predicted, {t.matched} matched\n"
        f"precision {t.precision:.1%}  recall {t.recall:.1%}  "
        f"speaker accuracy {t.speaker_accuracy:.1%}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else DEFAULT_DIR
    paths = cases(directory)
    if not paths:
        print(f"no labelled stories (*.txt with *.yaml) in {directory}", file=sys.stderr)
        return 2
    print(report([score_case(path) for path in paths]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
