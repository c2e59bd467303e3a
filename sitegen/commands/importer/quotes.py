# ruff: noqa: RUF001 -- curly quotes and dashes are what this code reads
"""Direct quotes and who said them, found with the rules in `frames` and `attribution`.

Each paragraph becomes a frame (its quotations replaced by placeholders), each frame is split into
sentences, and each quotation is attributed from its own sentence first: the attribution after a
full quote (`“…,” she said`), the speech verb before a partial one (`said that “…”`), then
`according to`. A quotation left without a speaker borrows one from its paragraph or, when it
opens a paragraph, from the quote just before it, the way readers carry a speaker across
paragraphs. A short phrase in quotes with no speech verb in its sentence is a scare quote, not
speech.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from sitegen.commands.importer.actors import Actor, Cast
from sitegen.commands.importer.attribution import (
    according_to,
    appositive_before,
    context_after_verb,
    is_term_in_quotes,
    speaker_after_verb,
    speaker_before_verb,
    speech_verb_positions,
)
from sitegen.commands.importer.frames import (
    PLACEHOLDER,
    continues_quote,
    drop_party_labels,
    is_full_quote,
    placeholder_id,
    quote_spans,
    split_sentences,
    strip_marks,
    tokenize,
)
from sitegen.commands.importer.names import (
    Speaker,
    is_name_token,
    is_possessive,
    name_without_titles,
    noun_phrase_ending_at,
    organisations_in,
)
from sitegen.commands.importer.vocabulary import HONORIFICS


@dataclass(slots=True)
class Quote:
    """One quotation, possibly over several paragraphs (`pieces`, with their marks)."""

    id: int
    paragraph: int
    pieces: list[str] = field(default_factory=list)
    speaker: Actor | None = None
    context: str = ""
    partial: bool = False
    speech: bool = True
    attributed: bool = False

    @property
    def words(self) -> str:
        """The quoted words without marks; a full quote's final comma becomes a full stop."""
        text = " ".join(strip_marks(piece) for piece in self.pieces)
        if not self.partial and text.endswith(","):
            text = text[:-1] + "."
        return text


@dataclass(slots=True)
class _Sentence:
    paragraph: int
    text: str
    tokens: list[str]


@dataclass(slots=True)
class QuoteFinder:
    """Finds the quotes of one story; `notes` says what it was unsure of."""

    cast: Cast
    quotes: list[Quote] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _pieces: dict[tuple[int, int], str] = field(default_factory=dict)
    _history: list[list[str]] = field(default_factory=list)
    _introduced: dict[int, Speaker] = field(default_factory=dict)
    _organisations: list[list[str]] = field(default_factory=list)

    def run(self, paragraphs: list[str]) -> list[Quote]:
        """Every quote of the story in order, speech only (scare quotes dropped)."""
        self.cast.learn_names(paragraphs)
        frames = self._frames(paragraphs)
        sentences = [s for index, frame in enumerate(frames) for s in self._sentences(index, frame)]
        for sentence in sentences:
            self._read_sentence(sentence)
        self._borrow_speakers(paragraphs)
        self._merge_interrupted(sentences)
        speech = [q for q in self.quotes if q.speech]
        for quote in speech:
            if quote.speaker is None:
                where = f"quote at paragraph {quote.paragraph + 1}"
                self.notes.append(f"{where} has no speaker: “{_short(quote.words)}”")
        return [q for q in speech if q.speaker is not None]

    # -- frames --------------------------------------------------------------------------------

    def _frames(self, paragraphs: list[str]) -> list[str]:
        """Each paragraph with its quotations replaced by `⟦id⟧`; a quotation left open at the end
        of a paragraph continues in the next one when that one opens with a mark."""
        frames: list[str] = []
        open_quote: Quote | None = None
        for index, text in enumerate(paragraphs):
            carried = open_quote if open_quote is not None and continues_quote(text) else None
            parts: list[str] = []
            last = 0
            quote: Quote | None = None
            spans = quote_spans(text)
            for start, end in spans:
                stop = len(text) if end is None else end
                if carried is not None and start == 0:
                    quote, carried = carried, None
                else:
                    quote = Quote(len(self.quotes), index)
                    self.quotes.append(quote)
                quote.pieces.append(text[start:stop])
                self._pieces[(quote.id, index)] = text[start:stop]
                parts += [text[last:start], f"⟦{quote.id}⟧"]
                last = stop
            parts.append(text[last:])
            frames.append(drop_party_labels("".join(parts)))
            open_quote = quote if spans and spans[-1][1] is None else None
        return frames

    def _sentences(self, index: int, frame: str) -> list[_Sentence]:
        stops = {
            q
            for (q, p), piece in self._pieces.items()
            if p == index and piece.rstrip('”"»').endswith(".")
        }
        return [_Sentence(index, s, tokenize(s)) for s in split_sentences(frame, stops)]

    def _restore(self, sentence: _Sentence) -> str:
        return PLACEHOLDER.sub(
            lambda m: self._pieces.get((int(m.group(1)), sentence.paragraph), ""), sentence.text
        )

    # -- one sentence --------------------------------------------------------------------------

    def _read_sentence(self, sentence: _Sentence) -> None:
        tokens = sentence.tokens
        self._register_roles(tokens)
        for position, token in enumerate(tokens):
            quote_id = placeholder_id(token)
            if quote_id is None or self.quotes[quote_id].attributed:
                continue
            self._attribute(self.quotes[quote_id], sentence, position)
        if tokens[-1:] == [":"]:
            self._note_introduction(sentence)
        self._history.append(self._people_in(tokens))
        self._organisations.append(organisations_in(tokens))

    def _note_introduction(self, sentence: _Sentence) -> None:
        """`Hannah Ode told a rally:` closing a paragraph introduces the quote in the next one."""
        verbs = speech_verb_positions(sentence.tokens)
        if verbs:
            speaker = speaker_before_verb(sentence.tokens, verbs[-1])
            if speaker is not None:
                self._introduced[sentence.paragraph] = speaker

    def _register_roles(self, tokens: list[str]) -> None:
        """People named with a role are actors even when they are not quoted."""
        for i, token in enumerate(tokens):
            speaker: Speaker | None = None
            if is_name_token(token) and (i + 1 == len(tokens) or not is_name_token(tokens[i + 1])):
                speaker = noun_phrase_ending_at(tokens, i)
            elif token == "," and i > 0:
                speaker = appositive_before(tokens, i)
            if speaker is not None and speaker.kind == "name" and speaker.role:
                self.cast.add(speaker)

    def _attribute(self, quote: Quote, sentence: _Sentence, position: int) -> None:
        tokens = sentence.tokens
        opens_sentence = all(not t[:1].isalnum() for t in tokens[:position])
        quote.partial = not is_full_quote(quote.words, starts_sentence=opens_sentence)
        verbs = speech_verb_positions(tokens)
        if quote.partial and is_term_in_quotes(tokens, position, quote.words):
            quote.speech = False
            return
        speaker, verb = self._find_speaker(quote, tokens, position, verbs)
        if speaker is None and quote.partial and not verbs:
            quote.speech = False
            return
        if quote.partial:
            quote.context = self._restore(sentence)
        elif verb is not None and verb > position:
            quote.context = context_after_verb(tokens, verb)
        if speaker is not None:
            quote.speaker = self._resolve(speaker, tokens[:position])
            quote.attributed = True

    def _find_speaker(
        self, quote: Quote, tokens: list[str], position: int, verbs: list[int]
    ) -> tuple[Speaker | None, int | None]:
        """Try the attribution after the quote and the verbs before it (nearest first), in the
        order the quote's form suggests: `“…,” X said` looks after, `X said “…”` before."""
        after = [
            v
            for v in verbs
            if v > position and all(placeholder_id(t) is None for t in tokens[position + 1 : v])
        ][:1]
        before = [v for v in reversed(verbs) if v < position]
        trailing_comma = not quote.partial and not quote.words.endswith(".")
        for verb in after + before if trailing_comma else before + after:
            between = tokens[min(verb, position) + 1 : max(verb, position)]
            if verb > position and all(not t[:1].isalnum() for t in between):
                speaker = speaker_after_verb(tokens, verb)
            else:
                speaker = speaker_before_verb(tokens, verb) or speaker_after_verb(tokens, verb)
            if speaker is not None:
                return speaker, verb
        return according_to(tokens), None

    def _resolve(self, speaker: Speaker, prefix: list[str]) -> Actor | None:
        """The actor for an attribution: a pronoun is the last person named before it."""
        if speaker.kind == "pronoun":
            name = self._last_person(speaker.name, prefix)
            if name is None:
                return None
            speaker = Speaker("name", name)
        elif speaker.kind == "role":
            known = self.cast.by_role(speaker.role) or self._last_organisation(speaker)
            if known is not None:
                known.quoted = True
                return known
            self.notes.append(f"speaker has no name, only a description: “{speaker.role}”")
        actor = self.cast.add(speaker)
        actor.quoted = True
        return actor

    def _last_organisation(self, speaker: Speaker) -> Actor | None:
        """`the airline said`: the organisation named last, when the copy names one."""
        if not speaker.definite or len(speaker.role.split()) != 1:
            return None
        for names in reversed(self._organisations):
            if names:
                return self.cast.add(Speaker("name", names[0], definite=True))
        return None

    def _last_person(self, pronoun: str, prefix: list[str]) -> str | None:
        """The first person named in the latest sentence naming one (the subject, usually),
        skipping people whose honorific says another gender."""
        gender = {"he": "m", "she": "f"}.get(pronoun)
        if gender is None:
            return None
        for people in [self._people_in(prefix), *reversed(self._history)]:
            for name in people:
                actor = self.cast.person_named(name)
                if actor is not None and actor.gender and actor.gender != gender:
                    continue
                return name
        return None

    def _people_in(self, tokens: list[str]) -> list[str]:
        """The people a sentence names, in order, by full name."""
        people: list[str] = []
        run: list[str] = []
        for token in [*tokens, "."]:
            bare = token[:-2] if is_possessive(token) and token[-2:] in ("’s", "'s") else token
            if is_name_token(bare) or bare in HONORIFICS:
                run.append(bare)
                if bare == token:
                    continue
            name = name_without_titles(run)
            if name and self.cast.is_person_name(name):
                full = self.cast.full_name(name)
                if full not in people:
                    people.append(full)
            run = []
        return people

    # -- across sentences ----------------------------------------------------------------------

    def _borrow_speakers(self, paragraphs: list[str]) -> None:
        """A full quote with no attribution of its own takes the speaker of a quote in the same
        paragraph, or of the last quote before it when it opens its paragraph."""
        for quote in self.quotes:
            if quote.speaker is not None or not quote.speech or quote.partial:
                continue
            same = [q for q in self.quotes if q.paragraph == quote.paragraph and q.speaker]
            earlier = [q for q in same if q.id < quote.id]
            if earlier or same:
                quote.speaker = (earlier or same)[-1 if earlier else 0].speaker
                continue
            if not continues_quote(paragraphs[quote.paragraph]):
                continue
            introduced = self._introduced.get(quote.paragraph - 1)
            previous = [q for q in self.quotes if q.id < quote.id and q.speaker and q.speech]
            if introduced is not None:
                quote.speaker = self._resolve(introduced, [])
            elif previous and previous[-1].paragraph == quote.paragraph - 1:
                quote.speaker = previous[-1].speaker

    def _merge_interrupted(self, sentences: list[_Sentence]) -> None:
        """`“I am,” he said, “not going anywhere.”`: one quote interrupted by its attribution."""
        for sentence in sentences:
            tokens = sentence.tokens
            places = [(i, q) for i, q in enumerate(map(placeholder_id, tokens)) if q is not None]
            for (_, first), (at, second) in itertools.pairwise(places):
                a, b = self.quotes[first], self.quotes[second]
                if (
                    tokens[at - 1] == ","
                    and a.speech
                    and b.speech
                    and a.speaker is b.speaker
                    and strip_marks(a.pieces[-1]).endswith(",")
                    and strip_marks(b.pieces[0])[:1].islower()
                ):
                    a.pieces[-1] = _drop_comma(a.pieces[-1])
                    a.pieces.extend(b.pieces)
                    a.partial = False
                    b.speech = False


def _drop_comma(piece: str) -> str:
    """`“I am,”` -> `“I am”`, so that the merged quote reads as one sentence."""
    words = strip_marks(piece)
    return words[:-1] if words.endswith(",") else words


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"
