"""Find the cue of a quotation: the speech verb (or `according to`) and its speaker.

A quote's cue sits in the writer's words around it, in the same sentence:
after it (`"...," said Sverdlin`, `"...," she said`) or before it
(`Sakunts said: "..."`, `he told reporters, "..."`). The windows stop at the
sentence end, at the neighbouring quotes and at the paragraph end, so a cue is
never borrowed from another sentence. The speaker is the subject of the speech
verb in the parse, or the noun right after an inverted verb (`said the man`).
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from attribution import lexicon
from attribution.parse import ParsedText

SENTENCE_FINAL = {".", "!", "?"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
VERB_TAGS = {"VBD", "VBZ", "VBP", "VBG", "VBN", "VB"}
CLOSE_CUE_TOKENS = 6
MIXED_CUE_TOKENS = 3
NOMINALS = {"PROPN", "NOUN", "PRON"}
QUOTE_TOKENS = {'"', "\u201c", "\u201d", "''", "``", "\u2018", "\u2019"}
DASHES = {"-", "--", "\u2013", "\u2014"}
SUBORDINATORS = {"while", "although", "though", "whereas", "as", "when", "because", "since", "if", "unless",
                 "after", "before", "once", "until"}
CONTENT_DEPS = {"ccomp", "xcomp", "dobj"}  # what a speech verb reports: `said that ...`, `urged X to ...`


@dataclass(frozen=True)
class Cue:
    """A speech cue: the cue words, and the head token of who spoke (if found)."""

    tokens: tuple[Token, ...]
    speaker: Token | None
    position: str  # "after", "before", "colon", "byline", "reported" ("" while a cue is being chosen)


def is_speech_verb(token: Token) -> bool:
    return token.lemma_.lower() in lexicon.SPEECH_VERBS and used_as_verb(token)


def used_as_verb(token: Token) -> bool:
    """A verb by its tag, or a word mistagged as a noun that the parse still gives a
    subject and a clause (`Trump claims he is worth $10 billion`, "claims" tagged NNS)."""
    if token.tag_ in VERB_TAGS:
        return True
    return token.tag_ in {"NN", "NNS"} and any(c.dep_ == "nsubj" for c in token.children) \
        and any(c.dep_ == "ccomp" for c in token.children)


def is_according(token: Token) -> bool:
    return token.lower_ == "according" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to"


def window_after(parsed: ParsedText, start: int, end: int) -> list[Token]:
    """Tokens from `start` to the end of the sentence (or `end`)."""
    tokens = []
    for token in parsed.tokens_between(start, end):
        if token.text in SENTENCE_FINAL or token.text in {"\u201c", "\u201d", '"'}:
            break
        tokens.append(token)
    return tokens


def window_before(parsed: ParsedText, start: int, end: int) -> list[Token]:
    """Tokens from the start of the sentence (not before `start`) up to `end`."""
    tokens = parsed.tokens_between(start, end)
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index].text in SENTENCE_FINAL:
            return tokens[index + 1:]
    return tokens


def _author_of(noun: Token, allowed: set[int]) -> Token:
    """`Teneo issued a statement saying ...`: a thing that says something speaks
    for the subject of the verb that has it as object; a person noun speaks for itself."""
    verb = noun.head
    if noun.dep_ != "dobj" or noun.pos_ != "NOUN" or lexicon.is_person_noun(noun.lemma_.lower()):
        return noun
    subject = next((c for c in verb.children if c.dep_ == "nsubj" and c.i in allowed), None)
    return subject if subject is not None else noun


def subject_of(verb: Token, allowed: set[int]) -> Token | None:
    """The speaker of a speech verb: its subject, or that of the verb it hangs on.

    A participle tacked on with a comma ("Trump argued that X would work,
    saying ...") belongs to the main clause, not to the reported clause it
    is attached to in the parse.
    """
    head = verb
    participle = verb.tag_ == "VBG"
    for _ in range(4):
        for child in head.children:
            if child.dep_ in SUBJECT_DEPS and child.i in allowed:
                return child
        if head.dep_ == "pcomp" and head.head.head.i != head.head.i:  # "by saying", "after arguing"
            head = head.head
        if head.dep_ in {"conj", "xcomp", "advcl", "relcl", "acl", "prep"} and head.head.i != head.i:
            if head.dep_ in {"relcl", "acl"}:
                return _author_of(head.head, allowed) if head.head.i in allowed and head.head.pos_ in NOMINALS else None
            head = head.head
            if participle and head.dep_ == "ccomp" and head.head.i != head.i:
                head = head.head
        else:
            break
    return None


def according_to_object(token: Token) -> Token | None:
    """Whom `according to` names; a document's author for "according to a statement from the
    ministry" or "a report by the association"."""
    to = token.doc[token.i + 1]
    for child in to.children:
        if child.dep_ == "pobj":
            return document_author(child) or child
    for following in token.doc[to.i + 1:to.i + 6]:
        if following.pos_ in {"PROPN", "NOUN", "PRON"}:
            return following
    return None


def document_author(noun: Token) -> Token | None:
    """The organisation or person who issued a document: "a statement from the ministry", "a report by X"."""
    if noun.lemma_.lower() not in lexicon.DOCUMENT_NOUNS:
        return None
    for preposition in noun.children:
        if preposition.dep_ == "prep" and preposition.lower_ in {"from", "by", "of"}:
            author = next((c for c in preposition.children if c.dep_ == "pobj"), None)
            if author is not None and (author.pos_ in {"PROPN", "NOUN"}):
                return author
    return None


def inverted_subject(verb: Token, window: list[Token]) -> Token | None:
    """`said Sverdlin` / `said the man`: the first nominal after the verb, if any.

    Only a finite verb inverts: after a participle (`telling reporters`) comes its object,
    and a time (`said Thursday morning`) is never the speaker."""
    if verb.tag_ == "VBG":
        return None
    after = [t for t in window if t.i > verb.i and t.dep_ != "npadvmod" and t.head.dep_ != "npadvmod"]
    for position, token in enumerate(after[:6]):
        # `said Skelly`, the surname mistagged as an adverb
        mistagged_name = position == 0 and token.is_alpha and token.text[:1].isupper()
        if token.pos_ in {"PROPN", "NOUN", "PRON"} or mistagged_name:
            head = token
            while head.head.i != head.i and head.head.pos_ in {"PROPN", "NOUN"} and head.dep_ in {"compound", "flat", "amod"}:
                head = head.head
            # `said she should face ...`: the subject of the reported clause is not the speaker
            # (unless that clause lies beyond the window: the parse ran on into the next quote)
            in_window = head.head.i in {t.i for t in window}
            return None if head.dep_ in {"nsubj", "nsubjpass"} and head.head.i != verb.i and in_window else head
        if token.pos_ not in {"DET", "ADJ", "ADV", "PUNCT"}:
            break
    return None


def leading_nominal(verb: Token, window: list[Token]) -> Token | None:
    """`"...," Gene Sperling, a top adviser, said`, `"...," the 29-year-old said`: the parse lost
    the subject, but the first name or pronoun, or the noun phrase right before the verb, between
    the quote and the verb is it."""
    before = [t for t in window if t.i < verb.i]
    for position, token in enumerate(before):
        if token.pos_ in {"PROPN", "PRON"}:
            return token
        if token.pos_ == "DET":
            rest = before[position + 1:]
            if rest and rest[-1].i == verb.i - 1 and rest[-1].pos_ in {"NOUN", "ADJ"} \
                    and all(t.pos_ in {"NUM", "PUNCT", "NOUN", "ADJ", "PROPN"} for t in rest):
                return rest[-1]
            break
        if not (token.is_punct or token.is_space):
            break
    return None


def cue_in(window: list[Token], prefer_last: bool, asides_last: bool = False) -> Cue | None:
    """The speech cue in `window` nearest the quote whose subject can speak.

    A verb whose subject is a thing ("a platform that calls for ...") is kept
    only as a last resort, after verbs with a person, organisation or pronoun.
    `asides_last` tries verbs of relative clauses after the others ("Zeke
    Emanuel, an oncologist who advised Obama, said ... "by any stretch"").
    """
    allowed = {t.i for t in window}
    candidates = [t for t in window if is_speech_verb(t) or is_according(t)]
    if prefer_last:
        candidates.reverse()
    if asides_last:
        candidates.sort(key=lambda t: t.dep_ == "relcl")
    fallback = None
    for verb in candidates:
        if is_according(verb):
            return Cue((verb, verb.doc[verb.i + 1]), according_to_object(verb), "")
        speaker = _speaker_of(verb, window, allowed)
        if speaker is None:
            continue
        if _can_speak(speaker):
            return Cue((verb,), speaker, "")
        fallback = fallback or Cue((verb,), speaker, "")
    return fallback


def _speaker_of(verb: Token, window: list[Token], allowed: set[int]) -> Token | None:
    """Who speaks through `verb` in `window`: its subject, the name after it when inverted,
    or the first name between the quote and the verb when the parse lost the subject."""
    return subject_of(verb, allowed) or inverted_subject(verb, window) or leading_nominal(verb, window)


def _reports_anything(verb: Token) -> bool:
    """Whether a speech verb has its own reported content after it (`Smith said that ...`)."""
    return any(c.dep_ in CONTENT_DEPS and c.i > verb.i for c in verb.children)


def _can_speak(token: Token) -> bool:
    if token.pos_ in {"PROPN", "PRON"} or token.text[:1].isupper():
        return True
    lemma = token.lemma_.lower()
    return lexicon.is_person_noun(lemma) or lemma in lexicon.ORGANISATION_HEADS or token.tag_ in {"NNS", "NNPS"}


def main_clause_cue(window: list[Token]) -> Cue | None:
    """`Cruz called them on it:` - no speech verb, so the clause's own verb and subject."""
    allowed = {t.i for t in window}
    for token in reversed(window):
        if token.pos_ in {"VERB", "AUX"} and (token.head.i not in allowed or token.head.i == token.i):
            speaker = subject_of(token, allowed)
            if speaker is not None and speaker.pos_ in {"PROPN", "PRON", "NOUN"}:
                return Cue((token,), speaker, "colon")
    return None


def previous_sentence_cue(parsed: ParsedText, floor: int, opener: int) -> Cue | None:
    """`Sam Lau, the party's spokesman, said in a statement. "There are no ballots ..."`:
    a quote opening its sentence right after a sentence that is only a cue."""
    tokens = parsed.tokens_between(floor, opener)
    if not tokens or tokens[-1].text not in SENTENCE_FINAL:
        return None
    window = window_before(parsed, floor, parsed.start(tokens[-1]))
    if any(t.text in QUOTE_TOKENS for t in window):
        return None
    cue = cue_in(window, prefer_last=True)
    if cue is None or cue.tokens[0].lower_ == "according":
        return None
    # `X said in a statement.` or `The search goes on, X said.`, not `X said the search goes on.`
    reports_content = _reports_anything(cue.tokens[0])
    return None if reports_content else cue


def colon_introduction(parsed: ParsedText, paragraph) -> Cue | None:
    """`Millikin's media coordinator Dane Lisser wrote:` ending the paragraph before a quote."""
    if not parsed.text[paragraph.start:paragraph.end].rstrip().endswith(":"):
        return None
    window = window_before(parsed, paragraph.start, paragraph.end)
    while window and window[-1].is_punct:
        window.pop()
    return cue_in(window, prefer_last=True) or main_clause_cue(window)


def governing_cue(parsed: ParsedText, opener: int, before: list[Token], after: list[Token]) -> Cue | None:
    """The speech verb a fragment hangs on in the parse (`He said the base "went into collect
    mode" and said ...`), the outermost when several do: nested reporting belongs to the
    outermost source (`Israel said Clinton called on members to be "closely coordinated"`).
    A subordinate clause is a world of its own: in `While Sanders admitted it would be "very
    hard", his campaign argued ...` Sanders speaks. Left to the other rules when an
    `according to` names the source."""
    anchor = parsed.token_at(opener + 1)
    if anchor is None or any(is_according(t) for t in before + after):
        return None
    governing = []
    node = anchor
    while node.head.i != node.i:
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in SUBORDINATORS for c in node.children) \
                and governing:
            break
        node = node.head
        if is_speech_verb(node):
            governing.append(node)
    for verb in reversed(governing):
        for window, position in ((before, "before"), (after, "after")):
            allowed = {t.i for t in window}
            if verb.i in allowed and verb.doc is window[0].doc:
                speaker = _speaker_of(verb, window, allowed)
                if speaker is not None and _can_speak(speaker):
                    return Cue((verb,), speaker, position)
    return None


def find_cue(parsed: ParsedText, ends_sentence: bool, opener: int, closer: int | None,
             floor: int, ceiling: int, fragment: bool = False) -> Cue | None:
    """The cue of the quote whose marks are at `opener`/`closer`.

    `floor`/`ceiling` bound the search (previous/next quote or paragraph edge);
    `fragment` marks a mixed quote, woven into the writer's own sentence.
    """
    after: list[Token] = []
    if closer is not None:
        after = window_after(parsed, closer + 1, ceiling)
        if len(after) > 1 and after[0].text in DASHES and after[1].pos_ == "PROPN":
            return Cue((after[0],), after[1], "byline")  # "..." - Grigori Sverdlin
    before = window_before(parsed, floor, opener)
    if fragment:
        governing = governing_cue(parsed, opener, before, after)
        if governing is not None:
            return governing
    right = cue_in(after, prefer_last=False)
    if right is not None:
        distance = right.tokens[0].i - after[0].i
        # a fragment's own sentence goes on after it: only a cue right behind it is its cue
        close_enough = distance <= MIXED_CUE_TOKENS if fragment else not ends_sentence
        close = distance <= CLOSE_CUE_TOKENS and (after[0].text[:1].islower() or not _reports_anything(right.tokens[0]))
        # `"...." Party officials said its deputies would meet`: a verb with content of its own starts a new report
        adjacent = distance <= 2 and not (ends_sentence and after[0].text[:1].isupper() and _reports_anything(right.tokens[0]))
        if close_enough or close or adjacent:
            return Cue(right.tokens, right.speaker, "after")
    # a fragment woven into nested reporting belongs to the outermost source
    # (`Israel said Clinton called on members to be "closely coordinated"`)
    left = cue_in(before, prefer_last=not fragment, asides_last=fragment)
    if left is not None:
        return Cue(left.tokens, left.speaker, "before")
    if before and before[-1].text == ":":
        colon = main_clause_cue(before[:-1])
        if colon is not None:
            return colon
    if right is not None and not ends_sentence:
        return Cue(right.tokens, right.speaker, "after")
    return None
