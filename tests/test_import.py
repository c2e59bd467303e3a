"""`sitegen import`: extraction case by case over the labelled set, the seed story's required
results, the file it writes (YAML that reads back and fits FORMAT.md), and the command itself."""

from __future__ import annotations

import io
import pathlib
from datetime import date

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.commands.importer import evaluate
from sitegen.commands.importer.command import run
from sitegen.commands.importer.extract import Extraction, extract
from sitegen.commands.importer.frames import continues_quote, drop_party_labels, quote_spans

EVAL_DIR = pathlib.Path(__file__).parent / "import_eval"
CASES = sorted(EVAL_DIR.glob("*.txt"))
SEED = EVAL_DIR / "00-ceasefire-seed.txt"
BOILERPLATE = "Take your Radio, Podcasts and Music with you"


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").casefold().split())


def _labels(path: pathlib.Path) -> dict:
    return yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))


def _found(path: pathlib.Path) -> Extraction:
    return extract(path.read_text(encoding="utf-8"))


def _import(tmp_path: pathlib.Path, text: str, *args: str, **options: object) -> tuple[int, str]:
    """Run the command on `text` through stdin; returns (status, stderr)."""
    stderr = io.StringIO()
    status = run(
        "-",
        out=options.get("out"),  # type: ignore[arg-type]
        date=options.get("date", "2025-03-19"),  # type: ignore[arg-type]
        title=options.get("title"),  # type: ignore[arg-type]
        site_root=tmp_path,
        stdin=io.StringIO(text),
        stdout=io.StringIO(),
        stderr=stderr,
    )
    return status, stderr.getvalue()


def _front_matter(path: pathlib.Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_there_are_at_least_fifteen_written_stories_and_the_seed() -> None:
    assert SEED in CASES
    assert len(CASES) >= 16
    assert all(path.with_suffix(".yaml").exists() for path in CASES)


# --- case by case -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_expected_quote_is_found_with_its_speaker(path: pathlib.Path) -> None:
    score = evaluate.score_case(path)
    assert [m["text"] for m in score.missed] == [], "quotes not found"
    wrong = [(p.text, p.speaker_id, p.expected["speaker"]) for p in score.speaker_errors]
    assert wrong == [], "quotes with the wrong speaker"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_nothing_but_labelled_quotes_is_extracted(path: pathlib.Path) -> None:
    score = evaluate.score_case(path)
    assert score.spurious == []
    for phrase in _labels(path).get("not_quotes") or []:
        assert all(evaluate.overlap(phrase, q.words) < 0.8 for q in score.found.quotes), phrase


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_actors_are_found_with_their_roles(path: pathlib.Path) -> None:
    actors = {_fold(a.name): a for a in _found(path).actors}
    for expected in _labels(path).get("actors") or []:
        actor = actors.get(_fold(expected["name"]))
        assert actor is not None, f"actor {expected['name']} not found"
        if "role" in expected:
            assert _fold(actor.role) == _fold(expected["role"]), expected["name"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_layout_matches_the_labels(path: pathlib.Path) -> None:
    labels = _labels(path)
    doc = _found(path).doc
    if "key_points" in labels:
        assert len(doc.key_points) == labels["key_points"]
    if "authors" in labels:
        assert doc.authors == labels["authors"]
    if "source" in labels:
        assert doc.source == labels["source"]
    if "related" in labels:
        assert len(doc.related) == labels["related"]
    if "title" in labels:
        assert doc.title == labels["title"]


def test_scores_over_the_set_meet_the_targets() -> None:
    scores = [evaluate.score_case(path) for path in CASES]
    print("\n" + evaluate.report(scores))
    totals = evaluate.totals(scores)
    assert totals.precision >= 0.95
    assert totals.recall >= 0.90
    assert totals.speaker_accuracy >= 0.90


def test_overlap_is_a_share_of_the_longer_text() -> None:
    assert evaluate.overlap("It must end NOW,", "“It must end now.”") == 1.0
    assert evaluate.overlap("going well", "the call was going well") == pytest.approx(0.4)
    assert evaluate.overlap("", "anything") == 0.0


# --- the seed story -----------------------------------------------------------------------------


def test_seed_key_points_byline_and_source() -> None:
    doc = _found(SEED).doc
    assert doc.key_points == [
        "Donald Trump and Vladimir Putin discussed a Ukraine ceasefire plan, potentially ceding "
        "territory to Russia.",
        "Kyiv agreed to a 30-day halt but Putin set conditions, including barring Ukraine from "
        "Nato.",
    ]
    assert doc.authors == ["Danny Kemp", "Ola Cichowlas"]
    assert doc.source == "Agence France-Presse"
    assert doc.dropped == [BOILERPLATE]


def test_seed_quotes_are_attributed() -> None:
    found = _found(SEED)
    said = {(q.words, q.speaker.name if q.speaker else "") for q in found.quotes}
    assert ("the conversation has come to an end", "Dmitry Peskov") in said
    assert ("going well", "Dan Scavino") in said
    assert ("It is time for Russia to show whether it really wants peace.", "Andriy Sybiga") in said
    assert ("It must end NOW.", "Donald Trump") in said
    assert ("These negotiations will begin immediately in the Middle East.", "White House") in said


def test_seed_actors_have_their_roles() -> None:
    roles = {a.name: a.role for a in _found(SEED).actors}
    assert roles["Dmitry Peskov"] == "Putin\u2019s spokesman"
    assert roles["Andriy Sybiga"] == "Ukraine\u2019s Foreign Minister"
    assert roles["Dan Scavino"] == "Trump\u2019s deputy chief of staff"


def test_seed_partial_quote_keeps_its_sentence_as_context() -> None:
    quote = next(q for q in _found(SEED).quotes if q.words == "going well")
    assert quote.partial
    assert quote.context.startswith("The talks were clearly lengthy, with Trump\u2019s deputy")


def test_seed_imports_to_a_file_that_fits_the_format(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "seed.md"
    status, report = _import(tmp_path, SEED.read_text(encoding="utf-8"), out=str(out))
    assert status == 0, report
    meta, body = _front_matter(out)
    assert meta["draft"] is True
    assert meta["date"] == date(2025, 3, 19)
    assert isinstance(meta["title"], str) and meta["title"]
    assert meta["authors"] == ["Danny Kemp", "Ola Cichowlas"]
    assert meta["source"] == "Agence France-Presse"
    assert len(meta["key_points"]) == 2
    assert all(isinstance(point, str) for point in meta["key_points"])
    ids = {a if isinstance(a, str) else a["id"] for a in meta["actors"]}
    assert all(isinstance(q["text"], str) and q["by"] in ids for q in meta["quotes"])
    assert (
        sum(q["by"] in {"dmitry-peskov", "dan-scavino", "andriy-sybiga"} for q in meta["quotes"])
        == 3
    )
    assert "## No guarantees" in body and "## Putin speech" in body
    assert BOILERPLATE not in out.read_text(encoding="utf-8")
    assert "-Danny Kemp" not in body
    assert "2 key points, 13 quotes" in report
    assert "no URL" in report  # the related headlines are listed as unsure


def test_seed_reuses_the_sites_actor_files(tmp_path: pathlib.Path) -> None:
    actors = tmp_path / "content" / "actors"
    actors.mkdir(parents=True)
    actors.joinpath("trump.md").write_text(
        "---\nname: Donald Trump\naliases: [Trump]\n---\nBio.\n", encoding="utf-8"
    )
    out = tmp_path / "seed.md"
    status, _ = _import(tmp_path, SEED.read_text(encoding="utf-8"), out=str(out))
    assert status == 0
    meta, _ = _front_matter(out)
    assert "trump" in meta["actors"]
    assert any(q["by"] == "trump" and q["text"] == "It must end NOW." for q in meta["quotes"])


# --- the file written ---------------------------------------------------------------------------


def test_yaml_traps_are_quoted_and_read_back_as_text(tmp_path: pathlib.Path) -> None:
    copy = (
        "Deal reached: what next\n\n"
        '- Trump said: "It must end now"\n'
        "- yes\n"
        "- 2025-03-18\n\n"
        '"No: never," said Jane Roe, a spokeswoman for the council.\n'
    )
    out = tmp_path / "trap.md"
    status, report = _import(tmp_path, copy, out=str(out))
    assert status == 0, report
    meta, _ = _front_matter(out)
    assert meta["title"] == "Deal reached: what next"
    assert meta["key_points"] == ['Trump said: "It must end now"', "yes", "2025-03-18"]
    assert meta["quotes"] == [{"text": "No: never.", "by": "jane-roe"}]
    assert meta["actors"] == [
        {"id": "jane-roe", "name": "Jane Roe", "role": "spokeswoman for the council"}
    ]


def test_paragraphs_that_look_like_markdown_stay_prose(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "md.md"
    copy = "Headline\n\n> Not a blockquote.\n\n::: quote putin\n"
    status, _ = _import(tmp_path, copy, out=str(out))
    assert status == 0
    _, body = _front_matter(out)
    assert "\\> Not a blockquote." in body
    assert "\\::: quote putin" in body


# --- the command --------------------------------------------------------------------------------


def test_default_output_is_content_slug_under_the_site(tmp_path: pathlib.Path) -> None:
    status, report = _import(tmp_path, "Bridge reopens after repairs\n\nThe bridge reopened.\n")
    target = tmp_path / "content" / "bridge-reopens-after-repairs.md"
    assert status == 0
    assert target.exists()
    assert str(target) in report


def test_title_option_wins_over_the_headline(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "t.md"
    _import(tmp_path, "Old headline\n\nA story.\n", out=str(out), title="New: better")
    meta, _ = _front_matter(out)
    assert meta["title"] == "New: better"


def test_refuses_to_overwrite(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "exists.md"
    out.write_text("keep me", encoding="utf-8")
    status, report = _import(tmp_path, "Headline\n\nA story.\n", out=str(out))
    assert status == 1
    assert "already exists" in report
    assert out.read_text(encoding="utf-8") == "keep me"


def test_reads_a_file_argument(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "from-file.md"
    stderr = io.StringIO()
    status = run(
        str(SEED), out=str(out), date="2025-03-19T09:00:00+13:00", title="Call",
        site_root=tmp_path, stdin=io.StringIO(), stdout=io.StringIO(), stderr=stderr,
    )  # fmt: skip
    assert status == 0, stderr.getvalue()
    meta, _ = _front_matter(out)
    assert meta["date"].isoformat() == "2025-03-19T09:00:00+13:00"


def test_out_dash_writes_to_stdout(tmp_path: pathlib.Path) -> None:
    stdout = io.StringIO()
    status = run(
        "-", out="-", date="2025-01-02", title=None, site_root=tmp_path,
        stdin=io.StringIO("Headline\n\nA story.\n"), stdout=stdout, stderr=io.StringIO(),
    )  # fmt: skip
    assert status == 0
    assert stdout.getvalue().startswith("---\ntitle: Headline\n")
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize(
    ("source", "date_option", "status", "message"),
    [
        ("missing.txt", "2025-01-01", 1, "cannot read missing.txt"),
        ("-", "yesterday", 2, "--date 'yesterday'"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(
    tmp_path: pathlib.Path, source: str, date_option: str, status: int, message: str
) -> None:
    stderr = io.StringIO()
    code = run(
        str(tmp_path / source) if source != "-" else "-", out=None, date=date_option, title=None,
        site_root=tmp_path, stdin=io.StringIO("x"), stdout=io.StringIO(), stderr=stderr,
    )  # fmt: skip
    assert code == status
    assert message.replace("missing.txt", "") in stderr.getvalue()


def test_empty_input_is_refused(tmp_path: pathlib.Path) -> None:
    status, report = _import(tmp_path, "\n\nDownload the app\n")
    assert status == 1
    assert "no story paragraphs" in report


def test_unsure_speakers_are_reported(tmp_path: pathlib.Path) -> None:
    copy = "Headline\n\nThe mood was grim.\n\n\u201cWe will be back.\u201d\n"
    status, report = _import(tmp_path, copy, out=str(tmp_path / "u.md"))
    assert status == 0
    assert "quote at paragraph 2 has no speaker" in report


# --- single rules -------------------------------------------------------------------------------


def test_quote_spans_curly_straight_nested_and_open() -> None:
    text = '\u201cHe said \u2018go\u2019,\u201d she said, "and left.'
    assert quote_spans(text) == [(0, 15), (26, None)]


def test_a_paragraph_opening_with_a_mark_continues_a_quote() -> None:
    assert continues_quote("\u201cIt will take two years,\u201d she said.")
    assert not continues_quote("She said it would take two years.")


def test_party_labels_are_dropped() -> None:
    assert drop_party_labels("Sen. Carol Benning, R-Wyo., voted") == "Sen. Carol Benning voted"
    assert (
        drop_party_labels("Sen. Ann Roe, D-N.M., the sponsor, said")
        == "Sen. Ann Roe, the sponsor, said"
    )


def test_every_imported_story_builds_with_drafts_strict(tmp_path: pathlib.Path) -> None:
    """The drafts must build as they are (FORMAT.md); skipped until the build core is merged."""
    build = pytest.importorskip("sitegen.build")
    for path in CASES:
        target = tmp_path / "content" / f"{path.stem}.md"
        status, report = _import(tmp_path, path.read_text(encoding="utf-8"), out=str(target))
        assert status == 0, report
    result = build.build(build.BuildOptions(root=tmp_path, drafts=True, strict=True))
    assert result.ok, [str(diagnostic) for diagnostic in result.report]
    assert (tmp_path / "site" / "00-ceasefire-seed" / "index.html").exists()


_COPY_ALPHABET = st.sampled_from(
    [
        *"abcXYZ .,:;!?-*#>\n\"'\u201c\u201d\u2018\u2019\u2013\u2014()[]0123456789",
        *["said", " Mr ", "Jane Roe", " he said", "according to ", "- ", "\n\n", "https://x.org/a"],
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_COPY_ALPHABET, max_size=80).map("".join))
def test_any_copy_imports_without_a_traceback(tmp_path: pathlib.Path, copy: str) -> None:
    """Whatever is pasted in, the command exits 0 or 1 with a message, and what it writes reads
    back as YAML whose quotes name listed actors."""
    out = tmp_path / "fuzz.md"
    out.unlink(missing_ok=True)
    status, report = _import(tmp_path, copy, out=str(out), title="Fuzz")
    assert status in (0, 1), report
    if status == 0:
        meta, _ = _front_matter(out)
        ids = {a if isinstance(a, str) else a["id"] for a in meta.get("actors") or []}
        assert all(isinstance(p, str) for p in meta["key_points"])
        assert all(isinstance(q["text"], str) and q["by"] in ids for q in meta.get("quotes") or [])


def test_actor_files_match_by_name_or_alias_only(tmp_path: pathlib.Path) -> None:
    """A namesake is not the site's actor, and never takes that actor file's id."""
    actors = tmp_path / "content" / "actors"
    actors.mkdir(parents=True)
    actors.joinpath("trump.md").write_text("---\nname: Donald Trump\n---\n", encoding="utf-8")
    actors.joinpath("jane-roe.md").write_text("---\nname: Jane Roe-Smith\n---\n", encoding="utf-8")
    copy = (
        "Headline\n\n"
        "\u201cIt was a family matter,\u201d said Mary Trump, a niece.\n\n"
        "\u201cNo comment,\u201d said Jane Roe, a neighbour.\n"
    )
    out = tmp_path / "namesake.md"
    status, _ = _import(tmp_path, copy, out=str(out))
    assert status == 0
    meta, _ = _front_matter(out)
    assert [q["by"] for q in meta["quotes"]] == ["mary-trump", "jane-roe-2"]
    assert "trump" not in meta["actors"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_speakers_are_exactly_the_labelled_ones(path: pathlib.Path) -> None:
    labels = _labels(path)
    names = {a["id"]: _fold(a["name"]) for a in labels.get("actors") or []}
    assert set(labels["speakers"]) <= set(names), "every speaker has an actor entry"
    expected = {names[s] for s in labels["speakers"]}
    found = {_fold(q.speaker.name) for q in _found(path).quotes if q.speaker is not None}
    assert found == expected
