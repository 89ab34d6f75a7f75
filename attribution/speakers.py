"""Group resolved speakers into `Speaker` records (one per person or body).

A named speaker is keyed by its canonical name; an unnamed one by its
description, so two quotes from "the man on the other end of the line" share a
speaker. Each record lists every mention that led to it and its descriptions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from attribution.result import Speaker, SpeakerRef, TextSpan


@dataclass
class SpeakerBuilder:
    id: str
    name: str | None
    kind: str
    descriptions: list[str] = field(default_factory=list)
    mentions: dict[tuple[int, int], str] = field(default_factory=dict)
    quote_count: int = 0

    def ref(self) -> SpeakerRef:
        return SpeakerRef(self.id, self.name, None if self.name else (self.descriptions[0] if self.descriptions else None))

    def build(self) -> Speaker:
        mentions = [TextSpan(s, e, t) for (s, e), t in sorted(self.mentions.items())]
        return Speaker(self.id, self.name, self.kind, list(self.descriptions), mentions, self.quote_count)


class SpeakerRegistry:
    """Collects speakers as quotes are attributed, merging by name or description."""

    def __init__(self) -> None:
        self._by_key: dict[str, SpeakerBuilder] = {}

    @staticmethod
    def key(name: str | None, description: str | None) -> str:
        if name:
            return "name:" + name.casefold()
        return "description:" + (description or "").casefold()

    def add(self, name: str | None, kind: str, description: str | None, mention: TextSpan | None) -> SpeakerBuilder:
        key = self.key(name, description)
        speaker = self._by_key.get(key)
        if speaker is None:
            speaker = SpeakerBuilder(f"s{len(self._by_key) + 1}", name, kind)
            self._by_key[key] = speaker
        if speaker.kind == "unknown" and kind != "unknown":
            speaker.kind = kind
        if description and description not in speaker.descriptions and description != name:
            speaker.descriptions.append(description)
        if mention is not None:
            speaker.mentions[(mention.start, mention.end)] = mention.text
        speaker.quote_count += 1
        return speaker

    def add_descriptions(self, name: str, descriptions: list[str]) -> None:
        speaker = self._by_key.get(self.key(name, None))
        if speaker is None:
            return
        for description in descriptions:
            if description not in speaker.descriptions:
                speaker.descriptions.append(description)

    def add_mention(self, name: str, mention: TextSpan) -> None:
        speaker = self._by_key.get(self.key(name, None))
        if speaker is not None:
            speaker.mentions[(mention.start, mention.end)] = mention.text

    def speakers(self) -> list[Speaker]:
        return [s.build() for s in self._by_key.values()]
