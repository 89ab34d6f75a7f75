"""Transcript turns: interviews and press conferences printed as labelled paragraphs.

    Q: How bad was this year?
    A: Bad, but not a surprise.
    Choi: Because they want a second supplier.

A paragraph that opens with a speaker label and a colon is that speaker's words,
unmarked. Only an article that uses a label at least twice is a transcript, so a
lone `Update:` or `Trump: ...` headline is not taken for a turn. `Q` is the
interviewer; `A` is the person the article is about; any other label is a name.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from attribution.segment import Paragraph

# "Q:", "A:", "Choi:", "Restrepo Arango:", "Ms Okafor:" at the start of a paragraph
LABEL = re.compile(r"(Q|A|Question|Answer|(?:[A-Z][\w'\u2019.-]*)(?: (?:[A-Z][\w'\u2019.-]*|de|van|der|von|al|bin|da)){0,3})"
                   r"[ \t]*:[ \t]+(?=\S)")
QUESTION_LABELS = {"Q", "Question"}
ANSWER_LABELS = {"A", "Answer"}
# labels of the writer's own notes, never a speaker's
NOT_SPEAKERS = {"Note", "Update", "Editor", "Correction", "Photo", "Source", "Related", "Watch", "Read", "Video",
                "Clarification", "Disclosure", "Warning", "Advertisement", "Listen", "Subscribe", "Sources", "Credit"}
MINIMUM_TURNS = 2
MINIMUM_WORDS = 2
WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Turn:
    """The words of one labelled paragraph, `start:end`, and its label `label_start:label_end`."""

    paragraph: int
    start: int
    end: int
    label: str
    label_start: int
    label_end: int

    @property
    def asks(self) -> bool:
        return self.label in QUESTION_LABELS

    @property
    def answers(self) -> bool:
        return self.label in ANSWER_LABELS


def turns(text: str, paragraphs: list[Paragraph]) -> list[Turn]:
    """The labelled paragraphs of a transcript, or none when the article is not one."""
    found = []
    for paragraph in paragraphs:
        match = LABEL.match(text, paragraph.start, paragraph.end)
        if match is None or match.group(1).split()[0] in NOT_SPEAKERS:
            continue
        if len(WORD.findall(text, match.end(), paragraph.end)) < MINIMUM_WORDS:
            continue  # "Clinton: 1,769." is a table row, not a turn
        found.append(Turn(paragraph.index, match.end(), paragraph.end, match.group(1), match.start(1), match.end(1)))
    counts = Counter(turn.label for turn in found)
    if not counts or max(counts.values()) < MINIMUM_TURNS:
        return []
    return found
