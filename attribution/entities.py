"""Entity types for proper names, from the NER component run on small windows.

NER costs more than the rest of the pipeline, so it runs only around the names
that matter (subjects outside quotes: the speakers and pronoun antecedents),
on a few tokens either side, and only its labels are used: PERSON names can be
pronoun antecedents, ORG/GPE names are organisations, NORP names are groups
("Democrats say"), other labels (dates, places, works) are never speakers.
"""
from __future__ import annotations

import bisect
import dataclasses

from attribution.mentions import NameMention
from attribution.model import ENTITY_COMPONENT, load_model
from attribution.parse import ParsedText, parsable_text
from attribution.segment import Stretches

PERSON_LABELS = {"PERSON"}
ORGANISATION_LABELS = {"ORG", "GPE"}
GROUP_LABELS = {"NORP"}  # "Democrats say": a group, never a named speaker
# Names in these roles are the speakers and pronoun antecedents; NER sees a window around them.
LABELLED_ROLES = {"subject", "embedded subject"}
CONTEXT_TOKENS = 8  # NER sees this many tokens either side of the name, within its sentence


def recognise(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """Entities `(start, end, label)` of each text, from the NER component alone.

    The component has its own token-to-vector layer, so it needs only tokens.
    """
    nlp = load_model()
    if ENTITY_COMPONENT not in nlp.pipe_names:
        return [[] for _ in texts]
    component = nlp.get_pipe(ENTITY_COMPONENT)
    docs = component.pipe((nlp.make_doc(parsable_text(t)) for t in texts), batch_size=64)
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]


def kind_from_label(label: str | None, fallback: str) -> str:
    if label in PERSON_LABELS:
        return "person"
    if label in ORGANISATION_LABELS:
        return "organization"
    if label in GROUP_LABELS:
        return "group"
    if label is None:
        return fallback
    return "other"


def label_names(parsed: ParsedText, names: list[NameMention], quoted: list[tuple[int, int]]) -> list[NameMention]:
    """The name mentions with `kind` set from NER where a window around them was labelled.

    A name with a known first name or a personal title is a person's whatever the
    label, so it gets no window of its own."""
    inside_quotes = Stretches(quoted)
    windows: set[tuple[int, int]] = set()
    for mention in names:
        if mention.gender or mention.start in inside_quotes or mention.role not in LABELLED_ROLES:
            continue
        token = parsed.token_at(mention.start)
        if token is None:
            continue
        sentence = token.sent
        first = max(sentence.start, token.i - CONTEXT_TOKENS)
        last = min(sentence.end - 1, token.i + CONTEXT_TOKENS)
        windows.add((parsed.start(token.doc[first]), parsed.end(token.doc[last])))
    spans = _merged(sorted(windows))
    labels: list[tuple[int, int, str]] = []
    for (start, _), entities in zip(spans, recognise([parsed.text[a:b] for a, b in spans])):
        labels.extend((start + a, start + b, label) for a, b, label in entities)
    labels.sort()
    label_starts = [a for a, _, _ in labels]
    labelled = []
    for mention in names:
        label = _label_for(labels, label_starts, mention)
        # a known first name or a personal title outweighs the small model's label
        kind = "person" if mention.gender else kind_from_label(label, mention.kind)
        labelled.append(dataclasses.replace(mention, kind=kind) if kind != mention.kind else mention)
    return labelled


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _label_for(labels: list[tuple[int, int, str]], starts: list[int], mention: NameMention) -> str | None:
    """The label of the entity that covers the mention (entities do not overlap)."""
    index = bisect.bisect_right(starts, mention.start) - 1
    if index >= 0:
        start, end, label = labels[index]
        if start <= mention.start and mention.end <= end:
            return label
    return None
