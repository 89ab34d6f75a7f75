"""Resolve a speaker mention to who it is: a canonical name, or a description.

- Names: a surname or partial name maps to the fullest form of that name in
  the article ("Sverdlin" -> "Grigori Sverdlin"), preferring the closest
  earlier full form when several people share a surname.
- Pronouns: he/she go to the most recent person named before the cue whose
  gender (from first names and titles) does not clash; they/we/I stay unnamed.
- Descriptions: "the human rights activist" goes to the person whose earlier
  appositive or pre-name description shares its content words ("Armenian
  human rights defender Artur Sakunts"), "the senator" to a person titled
  Sen.; otherwise the speaker is unnamed and the description says who.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Token

from attribution import lexicon
from attribution.mentions import (NameMention, chain_head, classify, is_bare_role, is_title, mention_from_tokens, name_chain,
                                  name_key)
from attribution.parse import ParsedText
from attribution.segment import Stretches

PRONOUN_LOOKBACK_PARAGRAPHS = 4
DATELINE_SEPARATORS = {",", "-", "(", "\u2013", "\u2014", "\u2015"}  # "ATLANTA (AP) -"
DESCRIPTION_LOOKBACK_NAMES = 300  # bounds the search so huge articles stay linear
TITLE_WORDS = {"sen": "senator", "rep": "representative", "gov": "governor", "gen": "general", "lt": "lieutenant",
               "col": "colonel", "capt": "captain", "sgt": "sergeant", "adm": "admiral", "dr": "doctor",
               "prof": "professor", "pres": "president", "sec": "secretary", "atty": "attorney"}
GENERIC_NOUNS = {"man", "woman", "person", "people", "official", "officials", "source", "sources", "member",
                 "head", "one", "group", "former", "new", "top", "senior", "chief", "other", "state", "national"}
QUANTIFIERS = {"most", "many", "some", "few", "several", "half", "all", "both", "others"}  # "most said"
INDEFINITE = {"a", "an", "one", "another", "some", "many", "several", "any", "each", "two", "three"}
DESCRIPTION_STOP = {"the", "a", "an", "this", "that", "these", "those", "of", "in", "on", "at", "for", "and", "'s", "’s"}


@dataclass(frozen=True)
class Resolved:
    """Who a mention refers to. `name` None means an unnamed speaker."""

    name: str | None
    kind: str
    description: str | None
    mention: tuple[int, int]
    method: str
    gender: str | None = None


def _content_words(tokens) -> set[str]:
    words = set()
    for token in tokens:
        word = token.lemma_.lower().rstrip(".")
        word = TITLE_WORDS.get(word, word)
        if token.is_punct or word in DESCRIPTION_STOP or token.pos_ in {"DET", "ADP", "PRON", "CCONJ"}:
            continue
        if word in {"year", "old"} and any(t.like_num for t in tokens):
            continue  # an age is its number: "the 29-year-old" is not "the 19-year-old"
        words.add(word)
    return words


class Resolver:
    """Resolves speaker mentions within one article."""

    def __init__(self, parsed: ParsedText, names: list[NameMention], quoted: list[tuple[int, int]]):
        self.parsed = parsed
        self.names = names
        self._quoted = Stretches(quoted)
        self._starts = [n.start for n in names]
        self._by_span = {(n.start, n.end): n for n in names}
        self._canonical_cache: dict[tuple[tuple[str, ...], bool, str | None], str] = {}
        self._forms_by_last: dict[str, dict[tuple[str, ...], list[int]]] = {}
        self._forms_by_first: dict[str, set[tuple[str, ...]]] = {}
        self._form_starts: dict[tuple[str, ...], list[int]] = {}
        self._spelling: dict[tuple[str, ...], tuple[str, ...]] = {}
        # forms written as a person's full name somewhere outside a title-cased headline: a first name or
        # title, or speaking, or beside a person noun, and no organisation word ("Eric Trump Foundation")
        headlines = _title_cased_paragraphs(parsed)
        self._surnames = {m.key[-1] for m in names if len(m.key) >= 2}
        self._plain_forms = {m.key for m in names if m.paragraph not in headlines and m.start not in self._quoted
                             and not lexicon.is_organisation_name(m.key) and not self._after_the(m)}
        self._speaking_keys = {m.key for m in names if m.speaks}
        self._personal_forms = {m.key for m in names if (m.gender or m.titles or m.personal)
                                and m.paragraph not in headlines and not lexicon.is_organisation_name(m.key)}
        # full names outside quotes that speak or stand beside a person noun or a title (not "The Rachel Maddow Show")
        self._described_people = {m.key for m in names if (m.personal or m.titles) and m.start not in self._quoted
                                  and m.paragraph not in headlines and not lexicon.is_organisation_name(m.key)}
        for mention in names:
            if mention.key:
                starts = self._forms_by_last.setdefault(mention.key[-1], {}).setdefault(mention.key, [])
                starts.append(mention.start)
                self._form_starts[mention.key] = starts
                self._forms_by_first.setdefault(mention.key[0], set()).add(mention.key)
                self._spelling.setdefault(mention.key, mention.words)
        self.outside = [n for n in names if n.start not in self._quoted]
        self._outside_starts = [n.start for n in self.outside]
        self.gender: dict[str, str] = {}
        self.kind: dict[str, str] = {}
        votes: dict[str, dict[str, int]] = {}
        self.descriptions: dict[str, set[str]] = {}
        self.kinds_described: dict[str, set[str]] = {}
        self.description_text: dict[str, list[str]] = {}
        for mention in names:
            canonical = self.canonical(mention)
            if mention.gender and canonical not in self.gender:
                self.gender[canonical] = mention.gender
            elif canonical == mention.words[0] and mention.personal and canonical not in self.gender \
                    and mention.key[0] not in self._surnames:
                # someone known by one name only ("Lina, now 19, says"): a given name, if it is one
                gender = lexicon.first_name_gender(canonical, "common")
                if gender is not None:
                    self.gender[canonical] = gender
            tally = votes.setdefault(canonical, {})
            if mention.kind != "unknown":
                tally[mention.kind] = tally.get(mention.kind, 0) + 1
            if mention.personal and not lexicon.is_organisation_name(mention.key):
                tally["person"] = tally.get("person", 0) + 2
        for canonical, tally in votes.items():
            # a first name or title anywhere in the cluster settles it; the NER
            # labels of bare surnames are unreliable, so persons win close votes
            if not tally:
                continue
            if canonical in self.gender or 2 * tally.get("person", 0) >= max(tally.values()):
                self.kind[canonical] = "person"
            else:
                self.kind[canonical] = max(tally, key=tally.__getitem__)
        for mention in self.outside:
            self._collect_descriptions(mention)
        self._learn_genders()
        self._subject_phrases = self._find_subject_phrases()
        self._subject_phrase_starts = [start for start, _ in self._subject_phrases]
        self._resolved_phrases: dict[int, Resolved | None] = {}
        for start, token in self._subject_phrases:  # in text order, so what a description learns holds later
            if start not in self._resolved_phrases:
                self._resolved_phrases[start] = None
                self._resolved_phrases[start] = self._resolve_description(token, start)

    def _after_the(self, mention: NameMention) -> bool:
        """"the Trump Train", "the Rachel Maddow Show": a name after "the" names a thing, not a person."""
        token = self.parsed.token_at(mention.start)
        return token is not None and not mention.titles and token.i > 0 and token.doc[token.i - 1].lower_ == "the"

    def _find_subject_phrases(self) -> list[tuple[int, Token]]:
        """Common-noun subjects of main clauses outside quotes ("A crew member ... said", "The company
        rejected ..."): people and organisations that pronouns and short descriptions can refer back to."""
        found = []
        for chunk in self.parsed.chunks:
            for token in chunk.doc:
                if token.dep_ not in {"nsubj", "nsubjpass"}:
                    continue
                # "The 22-year-old Czech recovered": a role or nationality with a capital counts as a noun
                bare_role = name_chain(token) == [token] and lexicon.is_role_word(token.text) \
                    and token.lower_ not in self._surnames
                if not (token.pos_ == "NOUN" and not name_chain(token)) and not bare_role:
                    continue
                verb = token.head
                if not (verb.dep_ in {"ROOT", "conj"} or verb.head.i == verb.i):
                    continue
                lemma = token.lemma_.lower()
                if not (lexicon.is_person_noun(lemma) or lemma in lexicon.ORGANISATION_HEADS):
                    continue
                if any(c.dep_ == "appos" for c in token.children):
                    continue  # "the minister, Anna Berg," is a name mention already
                if any(c.dep_ == "det" and c.lower_ in NOT_REFERRING for c in token.lefts):
                    continue  # "no other secretary of state had ...": nobody in particular
                start = self.parsed.start(token)
                if start not in self._quoted:
                    found.append((start, token))
        return found

    def person_labelled(self, start: int, end: int) -> str | None:
        """The person a transcript label names ("Choi" for Choi Min-seo, "FALLIN" for Mary Fallin),
        if the article names that person; None for a label that names no one ("Delegate Update")."""
        words = [w for w in self.parsed.text[start:end].split() if not is_title(w)]
        key = name_key(words)
        if not key or (key not in self._form_starts and key[-1] not in self._forms_by_last
                       and not any(form[:len(key)] == key for form in self._forms_by_first.get(key[0], ()))):
            return None
        mention = NameMention(start, end, " ".join(words), tuple(words), (), self.parsed.paragraph_of(start),
                              "person", None, key, "other", True)
        canonical = self.canonical(mention)
        if canonical == mention.text:  # a label is a person's: the one full name it begins ("Choi" for Choi Min-seo)
            longer = [form for form in self._forms_by_first.get(key[0], ()) if len(form) > len(key)
                      and form[:len(key)] == key and not lexicon.is_organisation_name(form)]
            canonical = " ".join(self._spelling[longer[0]]) if len(longer) == 1 else canonical
        return None if lexicon.is_organisation_name(name_key(canonical.split())) else canonical

    def most_named_person(self) -> str | None:
        """The person named most often outside quotes: whom an interview is with."""
        counts = Counter(canonical for canonical in map(self.canonical, self.outside)
                         if self.kind.get(canonical, "person") == "person")
        return counts.most_common(1)[0][0] if counts else None

    def _learn_genders(self) -> None:
        """Genders the first-name list does not know, from the text itself.

        A sentence whose subject is one named person, followed in the same
        paragraph by a sentence whose subject is "he" or "she", votes for
        that gender ("Shenefield doesn't like either candidate. She ...").
        """
        votes: dict[str, dict[str, int]] = {}
        for chunk in self.parsed.chunks:
            previous: str | None = None
            for sentence in chunk.doc.sents:
                subjects = [t for t in sentence if t.dep_ in {"nsubj", "nsubjpass"} and t.head.dep_ == "ROOT"]
                current = None
                for subject in subjects[:1]:
                    word = subject.lower_
                    if previous is not None and (word in lexicon.MALE_PRONOUNS or word in lexicon.FEMALE_PRONOUNS):
                        tally = votes.setdefault(previous, {})
                        gender = "m" if word in lexicon.MALE_PRONOUNS else "f"
                        tally[gender] = tally.get(gender, 0) + 1
                    mention = self._outside_mention_at(self.parsed.start(subject)) if name_chain(subject) else None
                    if mention is not None and mention.role == "subject":
                        canonical = self.canonical(mention)
                        if self.kind.get(canonical) == "person" and canonical not in self.gender:
                            current = canonical
                previous = current
        for canonical, tally in votes.items():
            if len(tally) == 1:
                self.gender[canonical] = next(iter(tally))

    def _outside_mention_at(self, offset: int) -> NameMention | None:
        index = bisect.bisect_right(self._outside_starts, offset) - 1
        if index >= 0 and offset < self.outside[index].end:
            return self.outside[index]
        return None

    def canonical(self, mention: NameMention) -> str:
        """The fullest form of this name in the article.

        A bare surname shared by several people ("Fiorina": Carly and Frank)
        goes to the one named most often, then to the one named first; a name
        that no fuller name ends with goes to the fuller person's name it begins
        (East Asian order "Mori" for Mori Kenji, "Bill" for Bill Clinton; not
        "Eric Trump" for the Eric Trump Foundation), and a name inside a person's
        fuller name to that person (the first of two surnames: "Alarcón" for
        Rodrigo Alarcón Vidal).
        """
        key = mention.key
        if not key:
            return mention.text
        gender = mention.gender
        cache_key = (key, bool(mention.titles), gender)
        cached = self._canonical_cache.get(cache_key)
        if cached is not None:
            return cached
        forms = self._forms_by_last.get(key[-1], {})
        candidates = [form for form in forms if len(form) > len(key) and set(key) <= set(form)]
        if not candidates:
            # a name that begins a fuller one and ends none: a family name written first ("Mori" for
            # Mori Kenji, "Ms. Dong" for Dong Xiaolin), a given name used alone ("Bill" for Bill
            # Clinton, "Rahim" for Rahim bin Osman), the start of a long name ("Syed Farid al-Habshi")
            # a person's fuller name: known as one, or begun by a name that speaks here ("Maëlle recalled")
            candidates = [form for form in self._forms_by_first.get(key[0], ())
                          if len(form) > len(key) and form[:len(key)] == key
                          and (form in self._personal_forms or (key in self._speaking_keys and form in self._plain_forms))]
            if not candidates:
                # the first of two surnames ("Alarcón" for Rodrigo Alarcón Vidal)
                candidates = [form for form in self._described_people if len(form) >= len(key) + 2
                              and any(form[i:i + len(key)] == key for i in range(1, len(form) - len(key)))]
            forms = {form: self._form_starts[form] for form in candidates}
        name = " ".join(mention.words)
        if candidates:
            people: list[list[tuple[str, ...]]] = []
            for form in sorted(candidates, key=len, reverse=True):
                person = next((p for p in people if set(form) <= set(p[0])), None)
                if person is None:
                    people.append([form])
                else:
                    person.append(form)
            if gender:  # "Mr. Trump" is not Ivanka Trump
                people = [p for p in people if classify(list(p[0]), [])[1] in (None, gender)] or people
            chosen = max(people, key=lambda p: (sum(len(forms[f]) for f in p), -min(forms[f][0] for f in p)))
            if len(people) > 1:
                chosen = self._nearest_person(people, forms, mention.start) or chosen
                return " ".join(self._spelling[chosen[0]])
            name = " ".join(self._spelling[chosen[0]])
        self._canonical_cache[cache_key] = name
        return name

    @staticmethod
    def _nearest_person(people, forms, offset: int):
        """Of several people sharing a surname, the one whose full name came last before `offset`."""
        best, best_start = None, -1
        for person in people:
            for form in person:
                index = bisect.bisect_right(forms[form], offset) - 1
                if index >= 0 and forms[form][index] > best_start:
                    best, best_start = person, forms[form][index]
        return best

    def _collect_descriptions(self, mention: NameMention) -> None:
        token = self.parsed.token_at(mention.end - 1)
        if token is None:
            return
        canonical = self.canonical(mention)
        words = {TITLE_WORDS.get(t.lower().rstrip("."), t.lower().rstrip(".")) for t in mention.titles}
        texts = []
        head = token
        while head.dep_ in {"compound", "flat"} and head.head.i != head.i and head.head.pos_ == "PROPN":
            head = head.head
        modifiers = [t for t in head.lefts if t.dep_ in {"compound", "amod", "nmod"} and not name_chain(t)]
        for modifier in modifiers:
            subtree = list(modifier.subtree)
            words |= _content_words(subtree)
            texts.append(" ".join(t.text for t in subtree))
        for child in head.children:
            if child.dep_ == "appos" and child.pos_ != "PROPN":
                subtree = [t for t in child.subtree if t.dep_ not in {"relcl"}]
                words |= _content_words([child] + [t for t in child.lefts])
                # "Northline Rail, the larger of the two companies,": what kind of organisation it is
                self.kinds_described.setdefault(canonical, set()).update(
                    t.lemma_.lower() for t in subtree if t.lemma_.lower() in lexicon.ORGANISATION_HEADS)
                texts.append(self.parsed.text[self.parsed.start(subtree[0]):self.parsed.end(subtree[-1])])
        if words:
            self.descriptions.setdefault(canonical, set()).update(words)
        for text in texts:
            self.description_text.setdefault(canonical, [])
            if text not in self.description_text[canonical]:
                self.description_text[canonical].append(text)

    def resolve(self, token: Token, position: int, quote: tuple[int, int] | None = None) -> Resolved | None:
        """Who `token` (a cue's speaker head) refers to.

        A dateline the parse took for the subject ("LA CROSSE, Wisc. - Gov. Mike
        Pence ... said") gives way to the name set beside it, or to no one.
        A he/she cue of a `quote` is not someone that quote names (`"Farhan is 22 and
        he bowls like he is 35," he said` is not Farhan talking about himself).
        """
        if self._is_dateline(token):
            # the place's own state ("Wisc.") comes first, the person after the dash
            beside = next((c for c in reversed(list(token.children)) if c.dep_ == "appos" and name_chain(c)
                           and not self._is_dateline(c)), None)
            return self._resolve_name(beside) if beside is not None else None
        if name_chain(token) or self._known_name_word(token):
            return self._resolve_name(token) or self._resolve_description(token, position)
        if token.pos_ == "PRON":
            return self._resolve_pronoun(token, position, self.named_in(*quote) if quote else frozenset())
        if token.pos_ in {"NOUN", "PROPN", "ADJ", "NUM"} or token.lower_ in QUANTIFIERS:
            return self._resolve_description(token, position)
        return None

    def _is_dateline(self, token: Token) -> bool:
        """An upper-case place name opening its paragraph, then a comma or dash: "WASHINGTON -"."""
        chain = name_chain(token) or [token]
        start = self.parsed.start(chain[0])
        if start > self.parsed.paragraphs[self.parsed.paragraph_of(start)].start + 1:
            return False
        if not all(t.text.isupper() for t in chain):
            return False
        following = chain[-1].nbor(1) if chain[-1].i + 1 < len(chain[-1].doc) else None
        return following is not None and following.text[:1] in DATELINE_SEPARATORS

    def _known_name_word(self, token: Token) -> bool:
        """A capitalised word the tagger took for a noun: "Sanders said" (a name elsewhere
        in the article) or "Smbatyan added" (a bare singular noun no common noun list knows)."""
        if not token.text[:1].isupper() or token.pos_ == "PRON":
            return False
        if token.lower_ in self._forms_by_last:
            return True
        lemma = token.lemma_.lower()
        bare = not any(c.dep_ in {"det", "poss", "amod", "compound"} for c in token.children)
        return (token.tag_ == "NN" and bare and not lexicon.is_person_noun(lemma)
                and lemma not in lexicon.ORGANISATION_HEADS)

    def _resolve_name(self, token: Token) -> Resolved | None:
        chain = name_chain(token) or [token]
        mention = mention_from_tokens(self.parsed, chain)
        if mention is None or is_bare_role(mention, self._surnames):
            return None
        labelled = self._by_span.get((mention.start, mention.end))
        head = chain_head(chain)
        indefinite = any(t.dep_ in {"det", "nummod"} and t.lower_ in {"a", "an", "one", "another"} for t in head.lefts)
        # "said a New Hampshire Republican": someone unnamed; "a defiant Donald Trump" is still Trump
        if indefinite and mention.gender is None:
            start, end = self.parsed.span_of([t for t in head.subtree if t.i <= chain[-1].i] or chain)
            return Resolved(None, "person", self.parsed.text[start:end], (start, end), "description")
        canonical = self.canonical(mention)
        # "Democrats say": a group, unless the word is the surname of a person named in full ("Tripp said")
        # "the Greens said": with the article, the party itself, by name
        party = (head.tag_ == "NNPS" or (len(mention.key) == 1 and mention.key[0].endswith("s"))) \
            and any(t.dep_ == "det" and t.lower_ == "the" for t in head.lefts) and self._is_party(mention)
        if labelled is not None and labelled.kind == "group" and not party and not (
                canonical != mention.text and self.kind.get(canonical) == "person"):
            return Resolved(None, "organization", mention.text, (mention.start, mention.end), "description")
        if party:
            return Resolved(canonical, "organization", None, (mention.start, mention.end), "name")
        kind = self.kind.get(canonical, "person" if canonical in self.gender else mention.kind)
        kind = {"unknown": "person", "other": "unknown"}.get(kind, kind)
        return Resolved(canonical, kind, None, (mention.start, mention.end), "name", self.gender.get(canonical))

    def _is_party(self, mention: NameMention) -> bool:
        """A plural name that is a party or group, not a people ("the Germans") nor a family ("the Khans")."""
        singular = mention.key[-1].rstrip("s")
        return singular not in lexicon.DEMONYMS and singular not in self._surnames \
            and mention.key[-1] not in lexicon.DEMONYM_PLURALS

    def named_in(self, start: int, end: int) -> frozenset[str]:
        """The people a stretch of text names in the third person, by a word of their name that
        nobody else's name shares ("Farhan", not the "Bertholet" of two sisters)."""
        index = bisect.bisect_left(self._starts, start)
        named = set()
        while index < len(self.names) and self.names[index].start < end:
            mention = self.names[index]
            index += 1
            people = [self._people_named(word) for word in mention.key]
            if mention.key and all(len(person) == 1 for person in people) and len(set.union(*people)) == 1:
                form = next(iter(people[0]))
                if not lexicon.is_organisation_name(form):
                    named.add(" ".join(self._spelling[form]))
        return frozenset(named)

    def _people_named(self, word: str) -> set[tuple[str, ...]]:
        """The fullest name forms with `word` in them: one per person."""
        forms = [form for form in self._form_starts if word in form]
        return {form for form in forms if not any(len(other) > len(form) and set(form) <= set(other) for other in forms)}

    def _resolve_pronoun(self, token: Token, position: int, excluded: frozenset[str] = frozenset()) -> Resolved | None:
        word = token.lower_
        span = (self.parsed.start(token), self.parsed.end(token))
        if word in lexicon.MALE_PRONOUNS or word in lexicon.FEMALE_PRONOUNS:
            gender = "m" if word in lexicon.MALE_PRONOUNS else "f"
            antecedent = self._antecedent(position, gender, excluded)
            if antecedent is not None:
                return Resolved(antecedent.name, "person", antecedent.description if antecedent.name is None else None,
                                span, "pronoun", gender)
            return Resolved(None, "person", token.text, span, "pronoun", gender)
        if word in {"who", "that"} and token.head.dep_ == "relcl" and token.head.head.i != token.head.i:
            antecedent = token.head.head
            return self.resolve(antecedent, position) if antecedent.pos_ in {"PROPN", "NOUN"} else None
        if word == "they":
            # "The Greens said ... They added that ...": a party or organisation just named as a subject
            party = self._organisation_subject_before(position, plural=True)
            if party is not None:
                return Resolved(party, "organization", None, span, "pronoun")
        if word == "it":
            organisation = self._organisation_subject_before(position)
            if organisation is not None:
                return Resolved(organisation, "organization", None, span, "pronoun")
            phrase = self._subject_phrase_before(position, None, "organization", floor=self._paragraph_floor(position, 1))
            if phrase is not None and phrase.name is not None:
                return Resolved(phrase.name, "organization", None, span, "pronoun")
        return Resolved(None, "unknown", token.text, span, "pronoun")

    def _antecedent(self, position: int, gender: str | None, excluded: frozenset[str] = frozenset()) -> Resolved | None:
        """Who a he/she (or a short description) at `position` refers back to: the closest earlier
        person named as a subject (see `person_before`), unless a common-noun subject of a main
        clause came after it ("A crew member ... said ... 'We told him,' he said"), which may be
        someone unnamed. Nobody in `excluded` is a candidate."""
        named = self.person_before(position, gender, excluded)
        floor = named.start if named is not None else self._paragraph_floor(position, PRONOUN_LOOKBACK_PARAGRAPHS)
        phrase = self._subject_phrase_before(position, gender, "person", floor)
        if phrase is not None and phrase.name not in excluded:
            return phrase
        if named is None:
            return None
        canonical = self.canonical(named)
        return Resolved(canonical, "person", None, (named.start, named.end), "name", self.gender.get(canonical))

    def _paragraph_floor(self, position: int, paragraphs_back: int) -> int:
        index = max(0, self.parsed.paragraph_of(position) - paragraphs_back)
        return self.parsed.paragraphs[index].start if self.parsed.paragraphs else 0

    def _subject_phrase_before(self, position: int, gender: str | None, kind: str, floor: int) -> Resolved | None:
        """The closest common-noun subject of `kind` after `floor` and before `position`, resolved."""
        index = bisect.bisect_left(self._subject_phrase_starts, position) - 1
        while index >= 0 and self._subject_phrase_starts[index] > floor:
            start, token = self._subject_phrases[index]
            index -= 1
            lemma = token.lemma_.lower()
            is_person = lexicon.is_person_noun(lemma) and lemma not in lexicon.ORGANISATION_HEADS
            if (kind == "person") != is_person or (kind == "person" and token.tag_ != "NN"):
                continue
            if gender is not None and _phrase_gender(token) not in (None, gender):
                continue
            resolved = self._resolved_phrases.get(start)  # None while a phrase is being resolved: no cycles
            if resolved is None or (gender is not None and resolved.gender not in (None, gender)):
                continue
            # someone new and unnamed ("a crew member") is a referent; a definite description that
            # could not be resolved ("the base chief") says nothing against a named antecedent
            definite = any(t.dep_ in {"det", "poss"} and t.lower_ not in INDEFINITE for t in token.lefts)
            if resolved.name is not None or kind != "person" or not definite:
                return resolved
        return None

    def _organisation_subject_before(self, position: int, plural: bool = False) -> str | None:
        """`The committee met on Monday. It said ...`: the closest organisation named as a subject
        in this paragraph or the one before; with `plural`, one with a plural name (`the Greens`)."""
        index = bisect.bisect_left(self._outside_starts, position) - 1
        floor = max(-1, index - DESCRIPTION_LOOKBACK_NAMES)
        paragraph = self.parsed.paragraph_of(position)
        while index > floor and paragraph - self.outside[index].paragraph <= 1:
            mention = self.outside[index]
            index -= 1
            canonical = self.canonical(mention)
            dateline = mention.text.isupper() and mention.start <= self.parsed.paragraphs[mention.paragraph].start + 1
            # a name in brackets is an aside, a credit or an abbreviation: "ATLANTA (AP) -"
            dateline = dateline or self.parsed.text[mention.start - 1:mention.start] == "("
            if plural and not (len(mention.key) == 1 and mention.key[0].endswith("s") and self._is_party(mention)):
                continue
            if mention.role in {"subject", "embedded subject"} and (plural or self.kind.get(canonical) == "organization") \
                    and not dateline:
                return canonical
        return None

    def person_before(self, position: int, gender: str | None, excluded: frozenset[str] = frozenset()) -> NameMention | None:
        """The antecedent of a he/she at `position`.

        The closest earlier person named as a main-clause subject wins (news
        prose keeps its topic in subject position); failing that, the closest
        earlier name known to be a person's (first name, title or learnt
        gender), so a place like "Sandy Hook" is never "he". Gender must not clash.
        """
        index = bisect.bisect_left(self._outside_starts, position) - 1
        paragraph = self.parsed.paragraph_of(position)
        cue = self.parsed.token_at(position)
        sentence_start = self.parsed.start(cue.sent[0]) if cue is not None else position
        fallback = None
        while index >= 0:
            mention = self.outside[index]
            index -= 1
            if paragraph - mention.paragraph > PRONOUN_LOOKBACK_PARAGRAPHS:
                break
            canonical = self.canonical(mention)
            if self.kind.get(canonical, mention.kind) != "person":
                continue
            if (gender is not None and self.gender.get(canonical) not in (None, gender)) or canonical in excluded:
                continue
            # `Rhimes declared ...: "...," she said`: a subject in the cue's own sentence, embedded or not
            if mention.role == "subject" or (mention.role == "embedded subject" and mention.start >= sentence_start):
                return mention
            # outside subject position only names known to be people's (first name, title, learnt gender)
            if fallback is None and canonical in self.gender:
                fallback = mention
        return fallback

    def _resolve_description(self, token: Token, position: int) -> Resolved | None:
        for child in token.children:
            named = next((t for t in (child, *child.children) if name_chain(t)), None) if child.dep_ == "appos" else None
            if named is not None:  # "the trade minister, Han Seo-yeon," (the parse may hang the name on its last syllable)
                return self._resolve_name(named)
        given = _name_given(token) or _name_right_after(token)
        if given is not None:
            return self._resolve_name(given)
        asides = {t.i for c in token.children if c.dep_ in {"relcl", "appos", "acl"} for t in c.subtree}
        phrase = _trim_phrase([t for t in token.subtree if t.i not in asides], token)
        start, end = self.parsed.start(phrase[0]), self.parsed.end(phrase[-1])
        description = self.parsed.text[start:end]
        head_word = token.lemma_.lower()
        if head_word in lexicon.ORGANISATION_HEADS:
            # "the ministry said", "police said" point back to the ministry or the police named before;
            # "a ministry" or "several agencies" are others
            indefinite = any(t.dep_ == "det" and t.lower_ in INDEFINITE for t in token.lefts)
            definite = any(t.dep_ in {"det", "poss"} for t in token.lefts)
            # "Companies say ...": a plural without article is no organisation in particular ("police" is no plural)
            generic = token.tag_ == "NNS" and token.lower_ != head_word and not definite
            organisation = None if indefinite or generic else self._organisation_before(position, head_word, phrase)
            if organisation is not None:
                return Resolved(organisation, "organization", description, (start, end), "organization")
            return Resolved(None, "organization", description, (start, end), "description")
        words = _content_words(phrase) - GENERIC_NOUNS
        # "a former staffer", "one Sanders supporter", "several aides": someone new, not a back-reference
        indefinite = any(t.lower_ in INDEFINITE for t in token.lefts) or token.lower_ in INDEFINITE
        if words and token.tag_ not in {"NNS", "NNPS"} and not indefinite:
            match = self._described_person(words, position)
            if match is not None:
                return Resolved(match, "person", description, (start, end), "description", self.gender.get(match))
        gender = _phrase_gender(token)
        if _short_definite_person(token, phrase, description):
            # "the envoy", "the 29-year-old", "the Scot": the person the story is about just now;
            # from then on the description is theirs ("the Czech" later is still her)
            # "the Argentine" is not the one already called "the Czech"
            nationality = words & lexicon.DEMONYMS
            other_nationals = frozenset(name for name, known in self.descriptions.items()
                                        if nationality and known & lexicon.DEMONYMS and not known & nationality)
            antecedent = self._antecedent(start, gender, other_nationals)
            if antecedent is not None and antecedent.name is not None:
                if words:
                    self.descriptions.setdefault(antecedent.name, set()).update(words)
                return Resolved(antecedent.name, "person", description, (start, end), "description", antecedent.gender)
        return Resolved(None, "person" if lexicon.is_person_noun(head_word) else "unknown", description,
                        (start, end), "description", gender)

    def _described_person(self, words: set[str], position: int) -> str | None:
        index = bisect.bisect_left(self._outside_starts, position) - 1
        floor = max(-1, index - DESCRIPTION_LOOKBACK_NAMES)
        seen = set()
        while index > floor:
            canonical = self.canonical(self.outside[index])
            index -= 1
            if canonical in seen:
                continue
            seen.add(canonical)
            if words & self.descriptions.get(canonical, set()):
                return canonical
        return None

    def _organisation_before(self, position: int, head_word: str, phrase: list[Token]) -> str | None:
        """The organisation a description such as "the Dhaka institute" or "the company" points
        back to: the closest earlier name with its head word and its other words ("Dhaka
        Institute of Population Health"), else with only its head word, else the closest earlier
        organisation described with that word ("Northline Rail, the larger of the two companies")."""
        modifiers = {t.lower_ for t in phrase if t.pos_ in {"PROPN", "ADJ"} and t.text[:1].isupper()}
        index = bisect.bisect_left(self._starts, position) - 1
        floor = max(-1, index - DESCRIPTION_LOOKBACK_NAMES)
        by_head = by_description = None
        while index > floor:
            mention = self.names[index]
            index -= 1
            if head_word in mention.key:
                if modifiers <= set(mention.key):
                    return self.canonical(mention)
                by_head = by_head or self.canonical(mention)
            elif by_description is None and head_word in self.kinds_described.get(self.canonical(mention), ()):
                by_description = self.canonical(mention)
        if by_head or by_description or head_word not in GENERIC_ORGANISATIONS:
            return by_head or by_description
        # "the group said", "the company said": the organisation the story is about just now
        latest = self._organisation_subject_before(position)
        if latest is None:
            phrase_before = self._subject_phrase_before(position, None, "organization", self._paragraph_floor(position, 1))
            latest = phrase_before.name if phrase_before is not None else None
        return latest


ANONYMOUS_NOUNS = {"person", "people", "official", "source", "one", "individual"}
GENERIC_ORGANISATIONS = {"group", "company", "firm", "organisation", "organization", "body", "business"}
NOT_REFERRING = {"no", "any", "every", "each", "all", "neither", "either"}
AGE = re.compile(r"\b\d+-year-old\b")
RESTRICTIVE_DEPS = {"prep", "relcl", "acl", "appos"}


def _name_given(token: Token) -> Token | None:
    """"one resident, who gave only her first name, Carol,", "a trader identified only as Akinyi":
    the name a description says the person gave."""
    for clause in token.children:
        if clause.dep_ not in {"relcl", "acl"} or clause.lemma_.lower() not in {"give", "identify", "ask", "want"}:
            continue
        words = list(clause.subtree)
        if not any(t.lower_ in {"name", "as"} for t in words):
            continue
        named = next((t for t in words if name_chain(t)), None)
        if named is None:  # the parse may leave the name just outside the clause
            following = token.doc[words[-1].i + 1:words[-1].i + 3]
            named = next((t for t in following if name_chain(t)), None)
        if named is not None:
            return named
    return None


def _name_right_after(token: Token) -> Token | None:
    """"the critic Lorenz Imhasly called ...": a role noun directly before a name is that person's
    title, whatever the parse made of the pair."""
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if following is None or not token.whitespace_ or not lexicon.is_person_noun(token.lemma_.lower()):
        return None
    return following if name_chain(following) and following.i == name_chain(following)[0].i else None


def _phrase_gender(token: Token) -> str | None:
    """The gender a person noun phrase gives away ("the spokeswoman", "a 16-year-old girl"): its
    head and what stands before it, not a clause after it ("the Argentine, coached by her father,")."""
    words = {t.lemma_.lower() for left in token.lefts for t in left.subtree} | {token.lemma_.lower(), token.lower_}
    if words & lexicon.FEMALE_TITLES:
        return "f"
    if words & lexicon.MALE_TITLES:
        return "m"
    return None


def _short_definite_person(token: Token, phrase: list[Token], description: str) -> bool:
    """"the envoy", "the union leader", "the 29-year-old", "the Scot": a definite singular phrase
    naming a person by role, nationality or age, with nothing after the noun that would
    introduce someone new ("the man on the other end of the line")."""
    previous = token.doc[phrase[0].i - 1] if phrase[0].i else None
    definite = any(t.dep_ == "det" and t.lower_ in {"the", "this"} for t in token.lefts) \
        or (previous is not None and previous.lower_ == "the")  # "the 29-year-old", the article left out of the parse
    if not definite:
        return False
    # "the 63-year-old, who has led the state since 2013," adds to someone known; "the man on the line" is new
    restrictive = [c for c in token.children if c.dep_ in RESTRICTIVE_DEPS
                   and not (c.left_edge.i > 0 and token.doc[c.left_edge.i - 1].text == ",")]
    if token.tag_ not in {"NN", "NNP", "JJ", "CD"} or restrictive:
        return False
    lemma = token.lemma_.lower()
    if lemma in ANONYMOUS_NOUNS:  # "the person said", "the official said": no one in particular
        return False
    return lexicon.is_person_noun(lemma) or bool(AGE.search(description))


def _title_cased_paragraphs(parsed: ParsedText) -> set[int]:
    """Headlines written in title case ("Le Pen Backs Trump"), where capitals say nothing about names."""
    headlines = set()
    for paragraph in parsed.paragraphs:
        words = [w for w in parsed.text[paragraph.start:paragraph.end].split() if w[:1].isalpha() and len(w) > 3]
        if len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.8 * len(words):
            headlines.add(paragraph.index)
    return headlines


def _trim_phrase(phrase: list[Token], head: Token) -> list[Token]:
    """The contiguous run around the head, without edge punctuation."""
    phrase = sorted(phrase, key=lambda t: t.i)
    run = [head]
    ordered = {t.i: t for t in phrase}
    index = head.i - 1
    while index in ordered:
        run.insert(0, ordered[index])
        index -= 1
    index = head.i + 1
    while index in ordered:
        run.append(ordered[index])
        index += 1
    while len(run) > 1 and (run[0].is_punct or run[0].is_space):
        run.pop(0)
    while len(run) > 1 and (run[-1].is_punct or run[-1].is_space):
        run.pop()
    return run
