"""Score predicted quotations against gold annotations.

The project's own copy of the evaluation rules of `../shared/eval/score.py`, so
that `whosaid eval` works in a clone without the shared directory; it gives the
same numbers (a test checks this whenever the shared scorer is present).

The rules:
- spans are compared after trimming white space, quote marks and edge
  punctuation; a predicted quote matches a gold quote when the trimmed spans
  overlap with intersection-over-union >= 0.5, one to one, best overlap first;
- speakers match when their normalised names are equal, or share the last token
  and one name's tokens lie within the other's (the gold name may lack at most
  one token of the prediction's); an unnamed gold speaker (null) is matched only
  by a prediction whose name is null;
- gold quotes marked `optional` are neither required nor penalised; gold quotes
  with `"speaker_eval": false` count for detection only;
- gold `non_quotes` (titles, nicknames, scare quotes) reported as quotes are
  counted as a false-positive rate.

`score()` can also collect one outcome per predicted quote (its confidence and
whether it was right end to end), from which `reliability()` builds a
calibration table: does a confidence of 0.8 mean right 80% of the time?

Everything here is a pure function of plain JSON-like dicts, as read from the
gold and prediction JSONL files.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

MATCH_THRESHOLD = 0.5
EXCERPT_CHARS = 80
RELIABILITY_BINS = 10

TRIMMED_CHARACTERS = frozenset(
    " \t\r\n\u00a0"  # white space
    "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a"  # quote marks
    ".,;:!?-\u2013\u2014()[]"  # edge punctuation
)
TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "gen", "sen", "rep", "gov", "pres"})

Span = tuple[int, int]


class ScoringInputError(ValueError):
    """The gold or predicted data cannot be scored (malformed field, span outside the text)."""


def trim_span(text: str, start: int, end: int) -> Span:
    """Shrink `start:end` past white space, quote marks and punctuation at both ends."""
    while start < end and text[start] in TRIMMED_CHARACTERS:
        start += 1
    while end > start and text[end - 1] in TRIMMED_CHARACTERS:
        end -= 1
    return start, end


def overlap_ratio(first: Span, second: Span) -> float:
    """Intersection over union of two spans (0.0 when both are empty)."""
    intersection = max(0, min(first[1], second[1]) - max(first[0], second[0]))
    union = max(first[1], second[1]) - min(first[0], second[0])
    return intersection / union if union > 0 else 0.0


def speaker_name(speaker: object) -> str | None:
    """The name of a predicted or gold speaker given as a string, `{"name": ...}` or null; blank names count as null."""
    if isinstance(speaker, dict):
        speaker = speaker.get("name")
    if speaker is None:
        return None
    if not isinstance(speaker, str):
        raise ScoringInputError(f"speaker must be a string, an object with 'name', or null: {speaker!r}")
    return speaker if speaker.strip() else None


def name_tokens(name: str) -> list[str]:
    """Case-folded word tokens of a name, accents, possessive 's and titles removed."""
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    without_possessive = re.sub(r"'s\b|\u2019s\b", "", folded)
    return [token for token in re.findall(r"\w+", without_possessive) if token not in TITLES]


def same_speaker(gold: str | None, predicted: str | None) -> bool:
    """Whether a predicted speaker name counts as the gold one ("Sverdlin" matches "Grigori Sverdlin")."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    gold_tokens, predicted_tokens = name_tokens(gold), name_tokens(predicted)
    if not gold_tokens or not predicted_tokens:
        return False
    if gold_tokens == predicted_tokens:
        return True
    if gold_tokens[-1] != predicted_tokens[-1]:
        return False
    gold_set, predicted_set = set(gold_tokens), set(predicted_tokens)
    return predicted_set <= gold_set or (gold_set <= predicted_set and len(predicted_set - gold_set) <= 1)


def match_spans(gold_spans: list[Span], predicted_spans: list[Span]) -> dict[int, int]:
    """One-to-one matching, best overlap first: gold index -> predicted index, for overlaps >= 0.5.

    Ties in overlap go to the higher gold index, then the higher predicted index, as in score.py.
    """
    candidates = sorted(
        (
            (overlap_ratio(gold_span, predicted_span), gold_index, predicted_index)
            for gold_index, gold_span in enumerate(gold_spans)
            for predicted_index, predicted_span in enumerate(predicted_spans)
        ),
        reverse=True,
    )
    gold_to_predicted: dict[int, int] = {}
    taken_predictions: set[int] = set()
    for overlap, gold_index, predicted_index in candidates:
        if overlap < MATCH_THRESHOLD:
            break
        if gold_index in gold_to_predicted or predicted_index in taken_predictions:
            continue
        gold_to_predicted[gold_index] = predicted_index
        taken_predictions.add(predicted_index)
    return gold_to_predicted


@dataclass(frozen=True)
class ScoringError:
    """One disagreement between gold and prediction, for error listings.

    `error` is "missed" (a required gold quote nobody predicted), "spurious" (a
    prediction matching no gold quote) or "wrong speaker". `text` is the trimmed
    quote (gold for missed and wrong speaker, predicted for spurious), cut to 80
    characters; `method` and `mention` are the engine's method and speaker mention
    (the words that named the speaker) for the predicted quote, when given.
    """

    document_id: str
    error: str
    text: str
    start: int
    end: int
    kind: str | None = None
    gold_speaker: str | None = None
    predicted_speaker: str | None = None
    method: str | None = None
    mention: str | None = None


def _engine_details(predicted_quote: dict) -> dict:
    """The optional fields of an engine prediction that help explain an error."""
    mention = predicted_quote.get("mention")
    return {"method": predicted_quote.get("method"), "mention": mention.get("text") if isinstance(mention, dict) else None}


@dataclass(frozen=True)
class Outcome:
    """One predicted quote as end-to-end scoring sees it: right means matched to a required
    gold quote with the right speaker; a spurious quote or a wrong speaker is not right.
    Predictions matched to optional or speaker-unscored gold quotes have no outcome."""

    document_id: str
    confidence: float | None
    method: str | None
    kind: str | None
    right: bool
    start: int = 0  # the predicted span, as given
    end: int = 0


@dataclass
class _Tally:
    """Running counts over all documents (floats so `speaker_eval` booleans add up as in score.py)."""

    counts: defaultdict = field(default_factory=lambda: defaultdict(float))
    per_kind: defaultdict = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))


@dataclass(frozen=True)
class PrecisionRecall:
    precision: float
    recall: float
    f1: float

    @classmethod
    def from_counts(cls, true_positives: float, predicted: float, gold: float) -> PrecisionRecall:
        precision = true_positives / predicted if predicted else 0.0
        recall = true_positives / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(round(precision, 4), round(recall, 4), round(f1, 4))


@dataclass(frozen=True)
class KindScore:
    gold: int
    recall: float
    speaker_accuracy: float


@dataclass(frozen=True)
class Score:
    """The summary, field for field the JSON that `score.py --json` prints (without `short`/`errors`)."""

    documents: int
    documents_without_prediction: int
    gold_quotes: int
    predicted_quotes: int
    detection: PrecisionRecall
    exact_span_share: float
    speaker_accuracy: float
    end_to_end: PrecisionRecall
    by_kind: dict[str, KindScore]
    non_quote_false_positive_rate: float | None

    def to_dict(self) -> dict:
        return asdict(self)


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def _predicted_spans(document_id: str, text: str, predicted_quotes: list[dict]) -> list[Span]:
    spans = []
    for quote in predicted_quotes:
        try:
            start, end = int(quote["start"]), int(quote["end"])
        except (KeyError, TypeError, ValueError) as error:
            raise ScoringInputError(f"{document_id}: predicted quote without integer start/end: {quote!r}") from error
        if not 0 <= start <= end <= len(text):
            raise ScoringInputError(f"{document_id}: predicted span {start}:{end} lies outside the text")
        spans.append(trim_span(text, start, end))
    return spans


def _outcome(document_id: str, predicted_quote: dict, right: bool) -> Outcome:
    confidence = predicted_quote.get("confidence")
    return Outcome(document_id, float(confidence) if isinstance(confidence, (int, float)) else None,
                   predicted_quote.get("method"), predicted_quote.get("kind"), right,
                   int(predicted_quote["start"]), int(predicted_quote["end"]))


def _score_document(document_id: str, gold: dict, predicted_quotes: list[dict], tally: _Tally, errors: list[ScoringError],
                    outcomes: list[Outcome]) -> None:
    try:
        text = gold["text"]
        gold_quotes = gold.get("quotes", [])
        gold_spans = [trim_span(text, quote["start"], quote["end"]) for quote in gold_quotes]
    except (KeyError, TypeError, IndexError) as error:
        raise ScoringInputError(f"{document_id}: malformed gold document ({error!r})") from error
    predicted_spans = _predicted_spans(document_id, text, predicted_quotes)
    matches = match_spans(gold_spans, predicted_spans)
    counts, per_kind = tally.counts, tally.per_kind

    for gold_index, (gold_quote, gold_span) in enumerate(zip(gold_quotes, gold_spans)):
        optional = bool(gold_quote.get("optional"))
        kind = gold_quote.get("kind", "direct")
        speaker_scored = gold_quote.get("speaker_eval", True)
        gold_speaker = gold_quote.get("speaker")
        excerpt = text[gold_span[0]:gold_span[1]][:EXCERPT_CHARS]
        if gold_index not in matches:
            if not optional:
                counts["gold"] += 1
                counts["e2e_gold"] += speaker_scored
                per_kind[kind]["gold"] += 1
                errors.append(ScoringError(document_id, "missed", excerpt, *gold_span, kind=kind, gold_speaker=gold_speaker))
            continue
        predicted_quote = predicted_quotes[matches[gold_index]]
        predicted_speaker = speaker_name(predicted_quote.get("speaker"))
        right_speaker = same_speaker(gold_speaker, predicted_speaker)
        if optional:
            continue
        counts["gold"] += 1
        counts["pred_counted"] += 1
        counts["matched"] += 1
        counts["exact"] += gold_span == predicted_spans[matches[gold_index]]
        per_kind[kind]["gold"] += 1
        per_kind[kind]["matched"] += 1
        if not speaker_scored:
            continue
        counts["speaker_scored"] += 1
        counts["speaker_right"] += right_speaker
        outcomes.append(_outcome(document_id, predicted_quote, right_speaker))
        per_kind[kind]["speaker_scored"] += 1
        per_kind[kind]["speaker_right"] += right_speaker
        if not right_speaker:
            errors.append(ScoringError(document_id, "wrong speaker", excerpt, *gold_span, kind=kind, gold_speaker=gold_speaker,
                                       predicted_speaker=predicted_speaker, **_engine_details(predicted_quote)))

    matched_predictions = set(matches.values())
    for predicted_index, (predicted_quote, predicted_span) in enumerate(zip(predicted_quotes, predicted_spans)):
        if predicted_index in matched_predictions:
            continue
        counts["pred_counted"] += 1
        outcomes.append(_outcome(document_id, predicted_quote, False))
        errors.append(ScoringError(document_id, "spurious", text[predicted_span[0]:predicted_span[1]][:EXCERPT_CHARS], *predicted_span,
                                   kind=predicted_quote.get("kind"), predicted_speaker=speaker_name(predicted_quote.get("speaker")),
                                   **_engine_details(predicted_quote)))

    for start, end in gold.get("non_quotes", []):
        trap = trim_span(text, start, end)
        counts["traps"] += 1
        counts["traps_hit"] += any(overlap_ratio(trap, span) >= MATCH_THRESHOLD for span in predicted_spans)


def score(gold_documents: dict[str, dict], predicted_documents: dict[str, dict],
          outcomes: list[Outcome] | None = None) -> tuple[Score, list[ScoringError]]:
    """Score predictions (`{id: {"quotes": [...]}}`) against gold (`{id: {"text", "quotes", "non_quotes"?}}`).

    Documents absent from the predictions count as predicting nothing. Returns the
    summary and every error, in document order, and appends to `outcomes`, when
    given, the outcome of every predicted quote that end-to-end scoring counts.
    Raises ScoringInputError on data that cannot be scored.
    """
    tally = _Tally()
    errors: list[ScoringError] = []
    collected = outcomes if outcomes is not None else []
    for document_id, gold in gold_documents.items():
        predicted_quotes = (predicted_documents.get(document_id) or {}).get("quotes") or []
        _score_document(document_id, gold, predicted_quotes, tally, errors, collected)

    counts = tally.counts
    matched = counts["matched"]
    # End to end counts only gold quotes whose speaker can be scored, and the predictions matched to them or to nothing.
    unscored_matches = matched - counts["speaker_scored"]
    summary = Score(
        documents=len(gold_documents),
        documents_without_prediction=len(set(gold_documents) - set(predicted_documents)),
        gold_quotes=int(counts["gold"]),
        predicted_quotes=int(counts["pred_counted"]),
        detection=PrecisionRecall.from_counts(matched, counts["pred_counted"], counts["gold"]),
        exact_span_share=_ratio(counts["exact"], matched),
        speaker_accuracy=_ratio(counts["speaker_right"], counts["speaker_scored"]),
        end_to_end=PrecisionRecall.from_counts(
            counts["speaker_right"], counts["pred_counted"] - unscored_matches, counts["e2e_gold"] + counts["speaker_scored"]
        ),
        by_kind={
            kind: KindScore(
                gold=int(kind_counts["gold"]),
                recall=_ratio(kind_counts["matched"], kind_counts["gold"]),
                speaker_accuracy=_ratio(kind_counts["speaker_right"], kind_counts["speaker_scored"]),
            )
            for kind, kind_counts in sorted(tally.per_kind.items())
        },
        non_quote_false_positive_rate=round(counts["traps_hit"] / counts["traps"], 4) if counts["traps"] else None,
    )
    return summary, errors


def format_summary(summary: Score) -> list[str]:
    """The summary as the lines score.py prints (its text layout, without an error listing)."""
    detection, end_to_end = summary.detection, summary.end_to_end
    lines = [
        f"documents {summary.documents} (no prediction for {summary.documents_without_prediction}), "
        f"gold quotes {summary.gold_quotes}, predicted {summary.predicted_quotes}",
        f"detection    P {detection.precision:.3f}  R {detection.recall:.3f}  F1 {detection.f1:.3f}  "
        f"(exact spans {summary.exact_span_share:.3f})",
    ]
    for kind, kind_score in summary.by_kind.items():
        lines.append(f"  {kind:<9} gold {kind_score.gold:>4}  recall {kind_score.recall:.3f}  speaker acc {kind_score.speaker_accuracy:.3f}")
    if summary.non_quote_false_positive_rate is not None:
        lines.append(f"non-quotes predicted as quotes: {summary.non_quote_false_positive_rate:.3f}")
    lines.append(f"speaker accuracy on matched quotes {summary.speaker_accuracy:.3f}")
    lines.append(f"end-to-end   P {end_to_end.precision:.3f}  R {end_to_end.recall:.3f}  F1 {end_to_end.f1:.3f}")
    return lines


@dataclass(frozen=True)
class ReliabilityBin:
    """Predictions whose confidence lies in `[low, high)` (the last bin includes 1.0)."""

    low: float
    high: float
    count: int
    mean_confidence: float
    share_right: float


@dataclass(frozen=True)
class Reliability:
    """A calibration table; `expected_calibration_error` is the count-weighted mean of
    |mean confidence - share right| over the bins (0 for perfect calibration)."""

    bins: list[ReliabilityBin]
    count: int
    expected_calibration_error: float


def reliability(outcomes: list[Outcome], bins: int = RELIABILITY_BINS) -> Reliability:
    """Bin the outcomes that carry a confidence by it, and compare each bin's mean confidence with its share right."""
    rated = [outcome for outcome in outcomes if outcome.confidence is not None]
    members: list[list[Outcome]] = [[] for _ in range(bins)]
    for outcome in rated:
        members[min(bins - 1, max(0, int(outcome.confidence * bins)))].append(outcome)
    table, gap = [], 0.0
    for index, group in enumerate(members):
        if not group:
            continue
        mean_confidence = sum(o.confidence for o in group) / len(group)
        share_right = sum(o.right for o in group) / len(group)
        gap += len(group) * abs(mean_confidence - share_right)
        table.append(ReliabilityBin(index / bins, (index + 1) / bins, len(group), round(mean_confidence, 4), round(share_right, 4)))
    return Reliability(table, len(rated), round(gap / len(rated), 4) if rated else 0.0)


def format_reliability(table: Reliability) -> list[str]:
    """The calibration table as printed by `whosaid eval`."""
    if not table.count:
        return ["confidence: no scored prediction carries one"]
    lines = [f"confidence reliability over {table.count} scored predictions "
             f"(expected calibration error {table.expected_calibration_error:.3f}):",
             "   confidence    quotes   mean conf.   share right"]
    for row in table.bins:
        lines.append(f"   {row.low:.1f} - {row.high:.1f}  {row.count:>8}   {row.mean_confidence:>10.3f}   {row.share_right:>11.3f}")
    return lines


ERROR_GROUPS = ("missed", "spurious", "wrong speaker")


def format_errors(errors: list[ScoringError], per_group: int) -> list[str]:
    """A tuning-oriented listing: for each error group, its size and breakdown, then up to `per_group` examples.

    Examples take turns across documents, the documents with the most errors
    first, so that one bad article does not fill the listing; wrong speakers also
    show the most frequent gold -> predicted confusions, and every group the most
    frequent engine methods.
    """
    errors_per_document = Counter(error.document_id for error in errors)
    lines: list[str] = []
    for group in ERROR_GROUPS:
        members = [error for error in errors if error.error == group]
        if not members:
            continue
        kinds = Counter(error.kind or "?" for error in members)
        lines.append("")
        lines.append(f"== {group}: {len(members)} (" + ", ".join(f"{kind} {count}" for kind, count in kinds.most_common()) + ")")
        methods = Counter(error.method for error in members if error.method)
        if methods:
            lines.append("   by method: " + ", ".join(f"{method} {count}" for method, count in methods.most_common(8)))
        if group == "wrong speaker":
            confusions = Counter((error.gold_speaker, error.predicted_speaker) for error in members)
            lines.append("   most frequent: " + "; ".join(
                f"{_shown(gold)} -> {_shown(predicted)} x{count}" for (gold, predicted), count in confusions.most_common(5)
            ))
        for error in _spread_over_documents(members, errors_per_document)[:per_group]:
            lines.append("   " + _describe_error(error))
    return lines


def _spread_over_documents(members: list[ScoringError], errors_per_document: Counter) -> list[ScoringError]:
    """The first error of each document, worst documents first, then the second of each, and so on."""
    turn_in_document: Counter = Counter()
    keyed = []
    for position, error in enumerate(members):
        keyed.append(((turn_in_document[error.document_id], -errors_per_document[error.document_id], position), error))
        turn_in_document[error.document_id] += 1
    return [error for _, error in sorted(keyed, key=lambda pair: pair[0])]


def _describe_error(error: ScoringError) -> str:
    where = f"[{error.document_id} {error.start}:{error.end} {error.kind or '?'}]"
    text = error.text.replace("\n", " ")
    if error.error == "missed":
        return f"{where} {text!r}  gold speaker {_shown(error.gold_speaker)}"
    method = (f" via {error.method}" if error.method else "") + (f" ({error.mention!r})" if error.mention else "")
    if error.error == "spurious":
        return f"{where} {text!r}  predicted {_shown(error.predicted_speaker)}{method}"
    return f"{where} {text!r}  gold {_shown(error.gold_speaker)}, predicted {_shown(error.predicted_speaker)}{method}"


def _shown(name: str | None) -> str:
    return name if name is not None else "(unnamed)"
