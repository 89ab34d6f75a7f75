"""Proper-name mentions: PROPN chains of the parse, with titles split off.

Names come from the tagger rather than NER (NER would double the parse cost):
a run of proper nouns ("Armenian human rights defender Artur Sakunts" yields
"Artur Sakunts"), leading titles ("Sen.", "President") kept apart, and a rough
kind (person / organisation / unknown) and gender from first names and titles.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from attribution import lexicon
from attribution.parse import ParsedText

# Generational suffixes belong to the name as written ("Ramon dela Cruz Jr.") but not to its key, so
# "Dela Cruz" is the same person; post-nominal letters are dropped ("Helen Marsh KC", "Ann Roe MP").
GENERATIONAL_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
POST_NOMINALS = {"kc", "qc", "sc", "mp", "mep", "msp", "td", "mla", "obe", "mbe", "cbe", "kbe", "dbe", "frs", "phd",
                 "md", "esq"}
# Lower-case particles glued to a surname by a hyphen: "al-Haddad", "bin-Salleh", "el-Sayed"
HYPHEN_PARTICLES = {"al", "el", "ad", "as", "ash", "at", "az", "bin", "ibn", "abu", "ben", "bint", "ould"}
HYPHENS = {"-", "\u2010", "\u2011"}
POSSESSIVES = {"'", "'s", "\u2019", "\u2019s"}
PLURAL_TITLES = {"senators", "sens", "sens.", "reps", "reps.", "representatives", "governors", "govs.",
                 "professors", "profs.", "doctors", "drs.", "generals", "messrs", "messrs."}
# Lower-case words inside names: "Ludwig van Beethoven", "Ministry of Defence" (after an
# organisation or title word only, so "Chuck Schumer of New York" stays two names).
NAME_PARTICLES = {"van", "von", "der", "den", "ter", "ten", "zu", "de", "da", "das", "dos", "del", "della",
                  "dela", "di", "du", "la", "le", "bin", "binti", "al", "y"}
ORGANISATION_LINKS = {"of", "for", "on"}  # "Center for Responsive Politics", "National Conference on State Legislatures"


@dataclass(frozen=True)
class NameMention:
    """One occurrence of a proper name. `words` excludes titles."""

    start: int
    end: int
    text: str
    words: tuple[str, ...]
    titles: tuple[str, ...]
    paragraph: int
    kind: str
    gender: str | None
    key: tuple[str, ...]  # the name's words, lower-cased, for matching
    role: str  # "subject" (of a main clause), "embedded subject", "possessive" or "other"
    personal: bool  # said something, or set beside a person noun or an age: evidence of a person's name
    speaks: bool = False  # the subject of a speech verb


def name_key(words) -> tuple[str, ...]:
    key = [w.lower().rstrip(".") for w in words]
    while len(key) > 1 and key[-1] in GENERATIONAL_SUFFIXES:
        key.pop()
    return tuple(key)


def _is_name_token(token: Token) -> bool:
    """A capitalised proper noun (the tagger also calls "hydrologist" or "prime" PROPN), not the
    first half of a hyphenated word ("Cross-examining", "Suva-based")."""
    if token.pos_ == "PROPN" and token.text[:1].isupper():
        doc = token.doc
        compound_word = token.i + 2 < len(doc) and _glued_hyphen(doc, token.i + 1) and doc[token.i + 2].is_lower \
            and len(doc[token.i + 2]) > 4
        return token.lower_.rstrip(".") not in lexicon.NOT_NAMES and not compound_word
    return False


def _links(doc, index: int) -> bool:
    """Whether the lower-case word at `index` joins the proper nouns on either side; particles may
    come in pairs ("Pieter van der Hoeven", "Ana de la Torre")."""
    if index <= 0 or index + 1 >= len(doc):
        return False
    word = doc[index].lower_
    if word in NAME_PARTICLES and not doc[index].text[:1].isupper():
        before = index - 1 if _is_name_token(doc[index - 1]) else index - 2
        after = index + 1 if _is_name_token(doc[index + 1]) else index + 2
        pair_ok = all(doc[i].lower_ in NAME_PARTICLES and not doc[i].text[:1].isupper()
                      for i in range(before + 1, after) if i != index)
        return 0 <= before and after < len(doc) and after - before <= 3 and pair_ok \
            and _is_name_token(doc[before]) and _is_name_token(doc[after])
    if not (_is_name_token(doc[index - 1]) and _is_name_token(doc[index + 1])):
        return False
    before = doc[index - 1].lower_.rstrip(".")
    # "the Farmers' League", "the Prime Minister's Office": a possessive inside an organisation's name
    possessive = doc[index].text in POSSESSIVES and not doc[index - 1].whitespace_ \
        and doc[index + 1].lower_ in lexicon.ORGANISATION_NOUNS
    return (word == "of" and before in lexicon.TITLES and _opens_title(doc, index - 1)) \
        or (word in ORGANISATION_LINKS and before in lexicon.ORGANISATION_HEADS) or possessive


def _mistagged_surname(doc, index: int) -> bool:
    """A capitalised word right after a given name, inside a sentence, is its surname even when the
    tagger reads it as an adverb or adjective ("the critic Lorenz Imhasly called")."""
    token, before = doc[index], doc[index - 1]
    return token.pos_ in {"ADV", "ADJ", "NOUN", "X"} and token.is_alpha and token.text[:1].isupper() \
        and not token.is_upper and not token.is_sent_start and not token.is_stop \
        and _is_name_token(before) and lexicon.first_name_gender(before.lower_, "common") is not None \
        and not (index >= 2 and _is_name_token(doc[index - 2]))


def _opens_title(doc, index: int) -> bool:
    """`Secretary of State`, `Deputy Minister of Defence`, but not the name in `Peter King of New York`."""
    while index > 0 and _is_name_token(doc[index - 1]):
        index -= 1
        if not is_title(doc[index].text):
            return False
    return True


def _glued_hyphen(doc, index: int) -> bool:
    """A hyphen with a word glued on each side: "al-Haddad", "Seo-yeon", "Dubois-Martin"."""
    return 0 < index < len(doc) - 1 and doc[index].text in HYPHENS and not doc[index - 1].whitespace_ \
        and not doc[index].whitespace_ and doc[index - 1].is_alpha and doc[index + 1].is_alpha


def _hyphen_in_name(doc, hyphen: int) -> bool:
    """Whether a glued hyphen joins two parts of one name: "Jean-Pierre", "Dubois-Martin", "al-Haddad",
    and the lower-case second syllable of a Korean given name after a family name ("Han Seo-yeon");
    not a party's initial before a state ("Sanders (I-Vt.)", "R-Texas")."""
    if not _glued_hyphen(doc, hyphen):
        return False
    before, after = doc[hyphen - 1], doc[hyphen + 1]
    if not ((before.text[:1].isupper() and len(before) > 1) or before.lower_ in HYPHEN_PARTICLES):
        return False
    if after.text[:1].isupper():
        return True
    given_name_start = hyphen >= 2 and _is_name_token(doc[hyphen - 2]) and _is_name_token(before)
    return given_name_start and after.is_lower and len(after) <= 4


def name_chain(token: Token) -> list[Token]:
    """The maximal run of proper-noun tokens around `token` (may be empty), hyphenated parts included."""
    if not _is_name_token(token):
        return []
    doc = token.doc
    left = token.i
    while left > 0:
        if _is_name_token(doc[left - 1]) or _links(doc, left - 1):
            left -= 1
        elif left > 1 and _hyphen_in_name(doc, left - 1):
            left -= 2
        else:
            break
    right = token.i
    while right + 1 < len(doc):
        if _is_name_token(doc[right + 1]) or _links(doc, right + 1) or _mistagged_surname(doc, right + 1):
            right += 1
        elif right + 2 < len(doc) and _hyphen_in_name(doc, right + 1):
            right += 2
        else:
            break
    return list(doc[left:right + 1])


def _without_headline_verb(tokens: list[Token]) -> list[Token]:
    """`Lindsey Graham Says`: a title-cased speech verb closing a headline name."""
    last = tokens[-1].lower_ if tokens else ""
    if len(tokens) > 1 and last in lexicon.SPEECH_VERB_FORMS and last not in lexicon.SPEECH_VERBS:
        return tokens[:-1]  # "Says", "Warns"; not the base form ("The Washington Post")
    return tokens


def split_titles(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """Leading titles and their qualifiers ("Phoenix Mayor", "Sen.") and the name proper.

    An organisation's name keeps all its words ("Democratic National Committee").
    """
    last = tokens[-1].lower_.rstrip(".") if tokens else ""
    if last in lexicon.ORGANISATION_HEADS or last in lexicon.COMPANY_NAME_ENDINGS:
        return [], tokens
    index = 0
    for position, token in enumerate(tokens[:-1]):
        lowered = token.text.lower()
        if _glued_hyphen(token.doc, token.i + 1):
            continue  # "Cuban-Americans": the first half of a word, not a title
        if is_title(token.text) or lexicon.is_person_noun(lowered) or (token.is_stop and position == index):
            index = position + 1  # "Clinton Senior Adviser Sidney Blumenthal": a title-cased role, not a name
        elif position > index and token.text[:1].isupper() and not _glued_hyphen(token.doc, token.i - 1) \
                and _is_first_name(lowered) and not _is_first_name(tokens[index].text.lower()):
            # "House Intelligence Republican Mike Pompeo": the name starts at "Mike";
            # "Republican Christine Todd Whitman" starts at "Christine", not at the middle name
            index = position
            break
    return tokens[:index], tokens[index:]


def _is_first_name(lowered: str) -> bool:
    return lexicon.first_name_gender(lowered, "none") is not None


def is_title(word: str) -> bool:
    """"Sen.", "President", and plurals before a pair of names ("Senators Rubio and Cruz")."""
    lowered = word.lower()
    return lowered in lexicon.TITLES or lowered in PLURAL_TITLES


def classify(words: list[str], titles: list[str]) -> tuple[str, str | None]:
    """Kind and gender of a name from its words and titles."""
    lowered = [w.lower().rstrip(".") for w in words]
    title_set = {t.lower() for t in titles} | {t.lower().rstrip(".") for t in titles}
    if lexicon.is_organisation_name(lowered) and not title_set:
        return "organization", None
    # a single word is a given name only by the short lists ("Clinton" is a given name too)
    given = lexicon.first_name_gender(lowered[0], "any" if len(lowered) >= 2 else "none") if lowered else None
    if title_set & lexicon.MALE_TITLES or (given == "m" and not title_set & lexicon.FEMALE_TITLES):
        gender = "m"
    elif title_set & lexicon.FEMALE_TITLES or given == "f":
        gender = "f"
    else:
        gender = None
    if len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
        return "organization", None
    if gender or titles or len(words) >= 2:
        return "person", gender
    return "unknown", None


def mention_from_tokens(parsed: ParsedText, tokens: list[Token]) -> NameMention | None:
    titles, words = split_titles(_without_headline_verb(tokens))
    while len(words) > 1 and words[-1].lower_.rstrip(".") in POST_NOMINALS:  # "Helen Marsh KC"
        words = words[:-1]
    # "Army Capt." alone: the sentence splitter cut the title off from its name
    if not words or (words[-1].text.endswith(".") and is_title(words[-1].text)):
        return None
    start, end = parsed.span_of(words)
    spelled = _hyphenated_words(parsed, words)  # as written, not as the model read it
    kind, gender = classify(spelled, [t.text for t in titles])
    return NameMention(start, end, parsed.text[start:end], tuple(spelled),
                       tuple(t.text for t in titles), parsed.paragraph_of(start), kind, gender,
                       name_key(spelled), _role(tokens), _personal(tokens), _speaks(tokens))


def _hyphenated_words(parsed: ParsedText, tokens: list[Token]) -> list[str]:
    """The words of a name as written, tokens joined by a glued hyphen or possessive making one word
    ("al-Haddad", "Farmers' League")."""
    words: list[str] = []
    glue = False
    for token in tokens:
        text = parsed.text_of(token)
        if words and (glue or text in HYPHENS or text in POSSESSIVES) and not token.doc[token.i - 1].whitespace_:
            words[-1] += text
        else:
            words.append(text)
        glue = text in HYPHENS
    return words


def is_bare_role(mention: NameMention, surnames: set[str]) -> bool:
    """"the Taoiseach", "the Scot", "the CFO", "Police": a role, a nationality or a kind of organisation
    written with a capital is a description, not a name, unless it is the surname of someone named
    in full ("Larry King")."""
    word = mention.key[0] if len(mention.key) == 1 else ""
    role = lexicon.is_role_word(word) or word in lexicon.ORGANISATION_NOUNS  # "Police said", "the Taoiseach"
    return bool(word) and role and not mention.titles and word not in surnames


def chain_head(tokens: list[Token]) -> Token:
    """The token of a name chain that attaches it to the rest of the sentence."""
    inside = {t.i for t in tokens}
    return next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])


def _speaks(tokens: list[Token]) -> bool:
    """`Maëlle recalled`, `said Liu`: the name is the subject of a speech verb."""
    head = chain_head(tokens)
    return head.dep_ in {"nsubj", "nsubjpass"} and head.head.lemma_.lower() in lexicon.SPEECH_VERBS


def _personal(tokens: list[Token]) -> bool:
    """`Sanders said`, `One voter, Guadalupe Potocacetpl, 35,`, `Potocacetpl, a voter`: a person's name."""
    head = chain_head(tokens)
    if head.dep_ == "nsubj" and head.head.lemma_.lower() in lexicon.SPEECH_VERBS:
        return True
    if head.dep_ == "appos" and lexicon.is_person_noun(head.head.lemma_.lower()):
        return True
    if any(c.dep_ in {"compound", "amod", "nmod"} and c.pos_ == "NOUN" and lexicon.is_person_noun(c.lemma_.lower())
           for c in head.children):
        return True  # "Greens leader Lim Siew Ling", "epidemiologist Hoshino Rei"
    return any(c.dep_ == "appos" and (lexicon.is_person_noun(c.lemma_.lower()) or c.like_num) for c in head.children)


def _role(tokens: list[Token]) -> str:
    head = chain_head(tokens)
    dep = head.dep_
    if dep == "appos" or dep == "conj":
        dep = head.head.dep_
    if dep in {"nsubj", "nsubjpass"}:
        verb = head.head if head.dep_ not in {"appos", "conj"} else head.head.head
        return "subject" if verb.dep_ in {"ROOT", "conj"} or verb.head.i == verb.i else "embedded subject"
    if dep == "poss" or (head.i + 1 < len(head.doc) and head.doc[head.i + 1].tag_ == "POS"):
        return "possessive"
    return "other"


def name_mentions(parsed: ParsedText) -> list[NameMention]:
    """Every proper-name run in the article, in text order.

    A capitalised word the tagger did not take for a proper noun ("Trump has
    commented", tagged as a verb) still counts when it is the surname of a
    full name found elsewhere in the article.
    """
    found: list[NameMention] = []
    covered: set[tuple[int, int]] = set()
    for chunk in parsed.chunks:
        doc = chunk.doc
        index = 0
        while index < len(doc):
            chain = name_chain(doc[index])
            if not chain:
                index += 1
                continue
            mention = mention_from_tokens(parsed, chain)
            if mention is not None:
                found.append(mention)
                covered.update((id(doc), t.i) for t in chain)
            index = chain[-1].i + 1
    surnames = {m.key[-1] for m in found if len(m.key) >= 2}
    found = [m for m in found if not is_bare_role(m, surnames)]
    for chunk in parsed.chunks:
        for token in chunk.doc:
            if (id(chunk.doc), token.i) in covered or token.pos_ == "PROPN":
                continue
            if token.text[:1].isupper() and token.lower_ in surnames and token.pos_ != "PRON":
                mention = mention_from_tokens(parsed, [token])
                if mention is not None:
                    found.append(mention)
    found.sort(key=lambda m: m.start)
    return found
