"""Reported speech without quote marks, read off the dependency parse.

- `X said (that) CLAUSE`, `X told reporters CLAUSE`: a reporting verb with a
  clausal complement; the quote is the complement without "that" and without
  the final punctuation.
- `CLAUSE, X said.` and `The goal, he said, is ...`: the complement before the
  verb, or the clause the parenthetical cue hangs on.
- `according to X, CLAUSE` / `CLAUSE, according to X`: the clause the phrase
  attaches to, minus the phrase.
Only reporting verbs count (lexicon.REPORTING_VERBS): beliefs ("thinks") and
findings are not quotes.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from attribution import lexicon
from attribution.cues import QUOTE_TOKENS, according_to_object, is_according, subject_of, used_as_verb
from attribution.parse import ParsedText

EDGE_WORDS = {"that", "for"}
MIN_TOKENS = 3
QUESTION_VERBS = {"ask", "inquire"}
QUESTION_WORDS = {"whether", "if", "when", "why", "how", "who", "what", "where"}
COMMAS = {",", "\u2014", "\u2013", "--"}
RELATIVE_WORDS = {"which", "who", "that", "where", "when"}
PARENTHETICAL_MIN_TOKENS = 2  # "[The goal], he said, ..." is a quote of its own


@dataclass(frozen=True)
class ReportedSpeech:
    start: int
    end: int
    cue: tuple[Token, ...]
    speaker: Token | None


def _span(parsed: ParsedText, tokens: list[Token], min_tokens: int = MIN_TOKENS) -> tuple[int, int] | None:
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[0].is_punct or tokens[0].lower_ in EDGE_WORDS and tokens[0].dep_ in {"mark", "advmod"}
                      or tokens[0].is_space):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    if len([t for t in tokens if not t.is_punct]) < min_tokens:
        return None
    return parsed.start(tokens[0]), parsed.end(tokens[-1])


def _contiguous(tokens: list[Token], anchor: Token) -> list[Token]:
    """The run of consecutive token indices containing `anchor`."""
    indices = {t.i for t in tokens}
    low = high = anchor.i
    while low - 1 in indices:
        low -= 1
    while high + 1 in indices:
        high += 1
    return [t for t in tokens if low <= t.i <= high]


def _clause(complement: Token) -> list[Token]:
    """The reported clause headed by `complement`, up to the end of the verb's phrase.

    The parse often splits a long reported clause into several dependents of
    the verb ("said he would serve should the opportunity arise"), so later
    clausal dependents of the verb are kept; a participial afterthought
    (", telling reporters ...") or a second coordinated verb ends the clause.
    """
    tokens = list(complement.subtree)
    verb = complement.head
    if verb.dep_ == "prep":  # "called on Sanders to release ...": the verb's later dependents too
        verb = verb.head
    for child in verb.rights:
        if child.i <= complement.i:
            continue
        if child.dep_ in {"conj", "cc"}:
            break
        if child.dep_ in {"advcl", "xcomp"} and child.tag_ == "VBG" and child.left_edge.i > 0 \
                and verb.doc[child.left_edge.i - 1].text == ",":
            break
        if child.dep_ in {"ccomp", "advcl", "prep", "npadvmod", "xcomp", "dobj"}:
            tokens.extend(child.subtree)
    return _cut_writer_additions(_contiguous(tokens, complement), complement)


def _cut_writer_additions(tokens: list[Token], complement: Token) -> list[Token]:
    """End the clause where the writer takes over after a comma or a conjunction:
    a coordinated clause with its own speech verb ("..., and three-quarters said
    ..."), a non-restrictive relative clause (", which is spread ...") or a
    participial aside (", telling reporters ...")."""
    doc = complement.doc
    for token in tokens:
        if token.i <= complement.i:
            continue
        previous = doc[token.i - 1]
        if token.dep_ == "conj" and token.pos_ in {"VERB", "AUX"} \
                and any(t.lemma_.lower() in lexicon.SPEECH_VERBS and t.pos_ == "VERB" for t in token.subtree):
            return _before(tokens, token.left_edge.i)
        if previous.text == "," and token.lower_ in {"which", "who"}:
            return _before(tokens, token.i)
        if previous.text == "," and token.tag_ == "VBG" and token.dep_ in {"advcl", "conj"}:
            return _before(tokens, token.i)
    return tokens


def _before(tokens: list[Token], cut: int) -> list[Token]:
    kept = [t for t in tokens if t.i < cut]
    while kept and (kept[-1].is_punct or kept[-1].lower_ in {"and", "but", "or"}):
        kept.pop()
    return kept


def _complement(verb: Token) -> Token | None:
    """What a reporting verb reports: a clause, an infinitive or an object."""
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    right = [c for c in children if c.i > verb.i]
    for child in right:
        if child.dep_ == "ccomp":
            return child
    for child in right:
        if child.dep_ == "prep":
            clause = _misattached_clause(child)
            if clause is not None:
                return clause
    for child in right:
        if child.dep_ == "xcomp" and lemma in lexicon.REPORTING_INFINITIVE_VERBS:
            return child
    for child in right:  # "asked the senator whether ...", parsed as an adverbial clause
        if child.dep_ == "advcl" and lemma in QUESTION_VERBS and any(
                c.dep_ == "mark" and c.lower_ in {"if", "whether"} for c in child.children):
            return child
    # "deny Democrats a landslide" (a dative: withholding, not denying a claim); `"...," tweeted a
    # user from Hanover` (the speaker, set after the verb behind the quote)
    takes_object = lemma in lexicon.REPORTING_OBJECT_VERBS and not any(c.dep_ == "dative" for c in children) \
        and not _behind_quote(verb)
    for child in right:
        if child.dep_ == "dobj" and takes_object and child.pos_ not in {"PRON"}:
            return child
    for child in right:
        if child.dep_ == "prep" and (lemma, child.lower_) in lexicon.REPORTING_PREPOSITIONS:
            objects = [c for c in child.children if c.dep_ in {"pobj", "pcomp"} and c.pos_ != "PRON"]
            if objects:
                return objects[0]
    for child in right:  # "called for the wage to be raised": a for-to clause, parsed as adverbial
        if child.dep_ == "advcl" and any(c.dep_ == "mark" and (lemma, c.lower_) in lexicon.REPORTING_PREPOSITIONS
                                         for c in child.children):
            return child
    return None


def _discourse_marker(verb: Token, subject: Token | None) -> bool:
    """The writer's own voice, nobody's words: transitions (`That said, ...`, `Having said
    that, ...`) and asides (`It's worth noting ...`, `There's no denying ...`, `It should be
    noted that ...`)."""
    if verb.head.lower_ == "worth" or (verb.i > 0 and verb.doc[verb.i - 1].lower_ == "no"):
        return True
    if any(c.dep_ in {"nsubjpass", "expl"} and c.lower_ == "it" for c in verb.children) \
            and any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children):
        return True
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if subject is not None and subject.lower_ in {"that", "this"} and subject.i < verb.i:
        return following is not None and following.text == ","
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    return verb.tag_ == "VBN" and len(objects) == 1 and objects[0].lower_ in {"that", "this"} \
        and verb.i > 0 and verb.doc[verb.i - 1].lower_ == "having"


def _behind_quote(verb: Token) -> bool:
    """Whether `verb` directly follows a closing quote mark (and its comma)."""
    return any(t.text in QUOTE_TOKENS for t in verb.doc[max(0, verb.i - 2):verb.i])


def _misattached_clause(preposition: Token) -> Token | None:
    """`said in a letter that the ad misleads voters`, `claimed at the time that she had ...`:
    the parse hangs the reported clause on the preposition's noun, as a relative clause
    opened by "that" which is no part of it (the clause has a subject of its own)."""
    for noun in preposition.children:
        if noun.dep_ != "pobj":
            continue
        for clause in noun.children:
            opener = clause.left_edge
            if clause.dep_ in {"relcl", "acl"} and opener.lower_ == "that" and opener.dep_ in {"mark", "advmod"} \
                    and any(c.dep_ in {"nsubj", "nsubjpass"} and c.i != opener.i for c in clause.children):
                return clause
    return None


def _sentence_opening_name(verb: Token) -> Token | None:
    """`Jeffrey Salkin, a rabbi helping ..., said ...` when the parse loses the subject:
    a main verb with no subject takes the name that opens its sentence."""
    if verb.dep_ != "ROOT":
        return None
    first = verb.sent[0]
    return first if first.pos_ == "PROPN" and first.i < verb.i else None


def _outer_reporter(verb: Token) -> Token | None:
    """`Israel said Clinton told members ...`: the reporting verb this one is reported by."""
    head = verb
    for _ in range(6):
        if head.head.i == head.i:
            return None
        if head.dep_ == "ccomp" and head.head.lemma_.lower() in lexicon.REPORTING_VERBS and used_as_verb(head.head):
            return head.head
        head = head.head
    return None


def _agent(verb: Token) -> Token | None:
    """`Asked by Matt Lauer whether ...`: the one who asked."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _passive(verb: Token) -> bool:
    """`was asked`, `when asked`: the subject is the one spoken to, not the speaker."""
    if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
        return True
    return verb.tag_ == "VBN" and not any(c.dep_ in {"aux", "nsubj"} for c in verb.children)


def _comma_after(token: Token) -> bool:
    """`It was impossible, Gabuyev said`: a reported clause before its cue ends in a comma."""
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return token.text in COMMAS or (following is not None and following.text in COMMAS)


def _has_words(tokens: list[Token]) -> bool:
    return any(not (t.is_punct or t.is_space) for t in tokens)


def _parenthetical(verb: Token) -> bool:
    """`The goal, he said, is ...`: the cue interrupts the clause it reports."""
    return verb.dep_ == "parataxis" or any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children)


def _reported_clauses(verb: Token) -> list[list[Token]]:
    """What a reporting verb reports, as one clause or two.

    A cue inside the reported sentence splits it, and each part is a quote
    of its own: `[The goal], he said, [is to forge a cease-fire]`,
    `[It was impossible], Gabuyev said, [so Russia's leaders ...]`.
    """
    clauses = []
    left = [c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i and _comma_after(c.right_edge)]
    if left:
        clauses.append(list(left[0].subtree))
    elif verb.dep_ == "parataxis" and verb.head.i != verb.i \
            and verb.head.i not in {t.i for t in verb.subtree}:
        excluded = {t.i for t in verb.subtree}
        around = [t for t in verb.head.subtree if t.i not in excluded]
        clauses.append([t for t in around if t.i < verb.left_edge.i])
        clauses.append([t for t in around if t.i > verb.right_edge.i])
    complement = _complement(verb)
    if complement is not None:
        clauses.append(_clause(complement))
    return [c for c in clauses if c]


def _according_to_clauses(according: Token) -> list[list[Token]]:
    """What an `according to X` phrase attributes: the clause it hangs on, without the phrase.

    Said after a coordination, it covers every conjunct ("Trump received 37 percent,
    Clinton had 36 percent and Bloomberg 13 percent, according to the results").
    Said inside a clause, it splits it in two quotes ("[Since November], according to
    Human Rights Watch, [forces have killed ...]"), unless what follows it is only the
    writer's aside, with no subject of its own (", where 475 delegates are at stake").
    """
    clause_head = according.head
    if clause_head.i == according.i:
        return []
    if _ends_sentence(according):  # "..., according to exit polls.": the whole sentence, not the nearest verb
        clause_head = according.sent.root
    while clause_head.dep_ == "conj" and clause_head.head.i != clause_head.i and clause_head.head.i < according.i:
        clause_head = clause_head.head
    excluded = {t.i for t in according.subtree}
    if clause_head.i in excluded:
        return []
    clause = [t for t in clause_head.subtree if t.i not in excluded]
    before = [t for t in clause if t.i < according.i]
    after = [t for t in clause if t.i > according.right_edge.i]
    if not (_has_words(before) and _has_words(after)):
        return [before + after] if clause else []
    return [before, after] if _has_own_subject(after) else [before]


def _ends_sentence(according: Token) -> bool:
    """Whether only punctuation follows the `according to X` phrase in its sentence."""
    sentence_end = according.sent.end
    return all(t.is_punct or t.is_space for t in according.doc[according.right_edge.i + 1:sentence_end]) \
        and according.i > according.sent.start and according.doc[according.i - 1].text in COMMAS


def _has_own_subject(tokens: list[Token]) -> bool:
    """Whether `tokens` hold a clause with a subject of its own (not a relative pronoun)."""
    inside = {t.i for t in tokens}
    return any(t.dep_ in {"nsubj", "nsubjpass"} and t.head.i in inside and t.lower_ not in RELATIVE_WORDS
               for t in tokens)


def _reports_a_question(verb: Token) -> bool:
    """`would not say whether ...`: a question left open is still reported, negated or not."""
    complement = _complement(verb)
    return complement is not None and complement.left_edge.lower_ in QUESTION_WORDS


def find_reported(parsed: ParsedText) -> list[ReportedSpeech]:
    """All unmarked reported-speech clauses in the article.

    A negated reporting verb ("did not say that ...", "wouldn't answer ...") reports nothing
    but an open question ("would not say whether ...").
    """
    found: list[ReportedSpeech] = []
    for token in parsed.tokens():
        if is_according(token):
            parts = _according_to_clauses(token)
            for part in parts:
                span = _span(parsed, part, PARENTHETICAL_MIN_TOKENS if len(parts) == 2 else MIN_TOKENS)
                if span:
                    found.append(ReportedSpeech(*span, (token, token.doc[token.i + 1]), according_to_object(token)))
            continue
        if token.lemma_.lower() not in lexicon.REPORTING_VERBS or not used_as_verb(token):
            continue
        if any(child.dep_ == "neg" for child in token.children) and not _reports_a_question(token):
            continue
        sentence = {t.i for t in token.sent}
        passive = _passive(token)
        speaker = _agent(token) if passive else subject_of(token, sentence) or _sentence_opening_name(token)
        outer = _outer_reporter(token)
        if outer is not None and not _passive(outer):
            outer_subject = subject_of(outer, sentence)
            if not _discourse_marker(outer, outer_subject):
                speaker = outer_subject or speaker
        if speaker is None and token.dep_ == "acl" and token.head.pos_ in {"NOUN", "PROPN"}:
            speaker = token.head
        if (speaker is None and not passive and token.tag_ != "VBG") or _discourse_marker(token, speaker):
            continue
        for clause in _reported_clauses(token):
            span = _span(parsed, clause, PARENTHETICAL_MIN_TOKENS if _parenthetical(token) else MIN_TOKENS)
            if span:
                found.append(ReportedSpeech(*span, (token,), speaker))
    return found
